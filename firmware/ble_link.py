"""The device's BLE adapter: advertise the Nordic UART Service, shuttle bytes to the protocol.

All protocol logic lives in ``stretchcue.protocol.device``; this file only
moves bytes, so the simulator can swap in a bumble-backed adapter with the
same three members (``BleLink(protocol, name)``, ``poll(now_ms)``,
``connected``).  ``poll`` never waits: it reads what has arrived, queues the
replies, and sends at most ``packets_per_poll`` notifications of one ATT
payload each, so a long log read is spread over several loop ticks and a
button press is never kept waiting.  Replies wait while more request bytes
are buffered, so a window's acknowledgements leave as one notification, not
one packet each.  One connection at a time; advertising restarts as soon as
it drops.
"""

from __future__ import annotations

from adafruit_ble import BLERadio
from adafruit_ble.advertising import Advertisement
from adafruit_ble.advertising.standard import ProvideServicesAdvertisement
from adafruit_ble.characteristics.stream import StreamIn, StreamOut
from adafruit_ble.services.nordic import UARTService
from adafruit_ble.uuid import VendorUUID

from stretchcue.protocol import NUS_RX, NUS_TX
from stretchcue.protocol.transfer import RX_BUFFER

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_READ_MAX = const(512)
_ATT_MAX = const(512)
_DEFAULT_PAYLOAD = const(20)  # ATT MTU 23 - 3


class _WindowIn(StreamIn):
    """The RX characteristic with a ring buffer that holds a whole upload window.

    adafruit_ble sizes the buffer like the characteristic (512 bytes, the ATT
    limit), and the radio silently drops a write that does not fit, so a
    window sent back to back would be lost while the loop sleeps.
    """

    def __init__(self) -> None:
        super().__init__(uuid=VendorUUID(NUS_RX), timeout=1.0, buffer_size=_ATT_MAX)
        self._buffer_size = RX_BUFFER


class _Notifier:
    """Sends each write as one notification."""

    def __init__(self, characteristic: Any) -> None:
        self._char = characteristic

    def write(self, packet: Any) -> None:
        self._char.value = packet


class _PacketOut(StreamOut):
    """The TX characteristic, one notification per write.

    adafruit_ble's own cuts every write into 20-byte notifications whatever the
    MTU, so at MTU 247 a log read would take twelve times the packets.  The
    caller cuts to the link's ATT payload instead (``_payload_size``).
    """

    def __init__(self) -> None:
        super().__init__(uuid=VendorUUID(NUS_TX), timeout=1.0, buffer_size=_ATT_MAX)

    def bind(self, service: Any) -> Any:
        stream = super().bind(service)
        char = getattr(stream, "bound_characteristic", None)
        return stream if char is None else _Notifier(char)


class WindowUART(UARTService):
    """The Nordic UART Service, as any phone terminal knows it, with a deeper RX buffer
    and full-size notifications."""

    _server_rx = _WindowIn()
    _server_tx = _PacketOut()


class BleLink:
    """One NUS peripheral feeding one ``DeviceProtocol``.

    ``radio`` may be passed in (a desktop stand-in, or a shared BLERadio);
    by default the board's own adapter is used.
    """

    def __init__(self, protocol: Any, name: str, radio: Any = None,
                 packets_per_poll: int = 6) -> None:
        self.protocol = protocol
        self.radio = radio if radio is not None else BLERadio()
        self.radio.name = name
        self.uart = WindowUART()
        # Flags and the 128-bit service UUID fill 21 of a legacy advertisement's 31
        # bytes; the name goes in the scan response, or the nRF port would send an
        # extended advertisement that legacy scanners never see.
        self.adv = ProvideServicesAdvertisement(self.uart)
        response = Advertisement()
        response.complete_name = name
        self.scan_response = bytes(response)
        self.packets_per_poll = packets_per_poll
        self._out = b""
        self._conn: Any = None

    @property
    def connected(self) -> bool:
        return bool(self.radio.connected)

    def _current(self) -> Any:
        """This poll's connection object: a new object means a new connection."""
        if self.radio.connected:
            for conn in self.radio.connections:
                if conn is not None:
                    return conn
        return None

    def _payload_size(self, conn: Any) -> int:
        inner = getattr(conn, "_bleio_connection", None)
        size = getattr(inner, "max_packet_length", 0)
        if size:
            return max(_DEFAULT_PAYLOAD, min(int(size), _ATT_MAX))
        return _DEFAULT_PAYLOAD

    def poll(self, now_ms: int) -> None:
        """Do one tick's worth of radio work; call it every pass of the main loop."""
        self.protocol.tick(now_ms)
        conn = self._current()
        if conn is not self._conn:
            # The loop may sleep through a disconnect and the reconnect after it:
            # comparing connection objects still ends the old session.
            if self._conn is not None:
                self._out = b""
                self.protocol.disconnected()
            self._conn = conn
            if conn is not None and self.radio.advertising:
                self.radio.stop_advertising()
        if conn is None:
            if not self.radio.advertising:
                self.radio.start_advertising(self.adv, scan_response=self.scan_response)
            return
        waiting = self.uart.in_waiting
        if waiting:
            data = self.uart.read(min(waiting, _READ_MAX))
            if data:
                replies = self.protocol.receive(data)
                if replies:
                    self._out += b"".join(replies)
        size = self._payload_size(conn)
        if len(self._out) < size and self.uart.in_waiting:
            return  # more requests are queued: answer them together
        sent = 0
        while self._out and sent < self.packets_per_poll:
            self.uart.write(self._out[:size])
            self._out = self._out[size:]
            sent += 1

    def close(self) -> None:
        """Drop the link and stop advertising (before deep sleep)."""
        for conn in self.radio.connections:
            if conn is not None:
                conn.disconnect()
        if self.radio.advertising:
            self.radio.stop_advertising()
        self._out = b""
