"""The device's BLE adapter: the Nordic UART Service on ``_bleio``, bytes to the protocol.

All protocol logic lives in ``stretchcue.protocol.device``; this file only
moves bytes.  ``poll`` never waits: it reads what has arrived, queues the
replies, and sends at most ``packets_per_poll`` notifications of one ATT
payload each, so a long log read is spread over several loop ticks and a
button press is never kept waiting.  Replies wait while more request bytes
are buffered, so a window's acknowledgements leave as one notification, not
one packet each.  One connection at a time; advertising restarts as soon as
it drops.

Why ``_bleio`` and not ``adafruit_ble``: on CircuitPython 10.3's VM importing
adafruit_ble's BLERadio, standard advertisements and UARTService takes 26 KB
of heap, a quarter of what a CLUE can spare, for one service with two
characteristics and one fixed advertisement.  Declared here they cost about
2 KB, and the two things adafruit_ble did that we had to undo (a 512-byte RX
buffer that drops an upload window, 20-byte notifications at any MTU) go away.
"""

from __future__ import annotations

import _bleio
from links import Outbox

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX

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
_ADV_INTERVAL_S = 0.1
# Idle: Apple's Accessory Design Guidelines (section "Advertising Interval") list 1285 ms
# among the longer intervals its devices still find reliably; the radio's average
# current falls about tenfold from 100 ms.
_SLOW_INTERVAL_S = 1.285
_RX_BUFFER = const(1280)  # protocol.transfer.RX_BUFFER: a whole upload window (not imported:
#                           the protocol is loaded only while a host is connected)


def advertisement() -> bytes:
    """Flags (LE general discoverable, no BR/EDR) and the service UUID: 21 bytes.

    Within a legacy advertisement's 31 bytes; over that, the nRF port sends an
    extended advertisement that legacy scanners never see.
    """
    uuid = bytes(reversed(bytes.fromhex(NUS_SERVICE.replace("-", ""))))
    return b"\x02\x01\x06\x11\x07" + uuid


def scan_response(name: str) -> bytes:
    """The complete local name (up to 29 bytes), sent to scanners that ask."""
    raw = name.encode()[:29]
    return bytes((len(raw) + 1, 0x09)) + raw


class NordicUART:
    """The Nordic UART Service, as every phone terminal knows it.

    RX (the host writes) feeds a ring buffer deep enough for a whole upload
    window, since the radio drops a write that does not fit while the loop
    sleeps; TX notifies one ATT payload per ``send``.
    """

    def __init__(self) -> None:
        service = _bleio.Service(_bleio.UUID(NUS_SERVICE))
        rx = _bleio.Characteristic.add_to_service(
            service, _bleio.UUID(NUS_RX),
            properties=_bleio.Characteristic.WRITE | _bleio.Characteristic.WRITE_NO_RESPONSE,
            read_perm=_bleio.Attribute.NO_ACCESS, write_perm=_bleio.Attribute.OPEN,
            max_length=_ATT_MAX)
        self.tx = _bleio.Characteristic.add_to_service(
            service, _bleio.UUID(NUS_TX), properties=_bleio.Characteristic.NOTIFY,
            read_perm=_bleio.Attribute.OPEN, write_perm=_bleio.Attribute.NO_ACCESS,
            max_length=_ATT_MAX)
        self.rx = _bleio.CharacteristicBuffer(rx, timeout=0, buffer_size=_RX_BUFFER)

    def send(self, packet: Any) -> None:
        """One notification (the value setter takes any buffer; the stub says bytearray)."""
        self.tx.value = packet


class BleLink:
    """One NUS peripheral feeding one ``DeviceProtocol``.

    ``radio`` is a ``_bleio`` adapter (by default the board's own).
    """

    def __init__(self, protocol: Any, name: str, radio: Any = None,
                 packets_per_poll: int = 6) -> None:
        self.protocol = protocol
        self.radio = radio if radio is not None else _bleio.adapter
        self.radio.name = name
        self.uart = NordicUART()
        self.adv = advertisement()
        self.scan_response = scan_response(name)
        self.packets_per_poll = packets_per_poll
        self._out = Outbox(_ATT_MAX)
        self._conn: Any = None
        self._interval = _ADV_INTERVAL_S

    def advertise_slowly(self, slow: bool) -> None:
        """Idle or not: advertising starts again at the new interval (at the next poll)."""
        interval = _SLOW_INTERVAL_S if slow else _ADV_INTERVAL_S
        if interval != self._interval:
            self._interval = interval
            if self.radio.advertising:
                self.radio.stop_advertising()

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
        size = getattr(conn, "max_packet_length", 0)
        if size:
            return max(_DEFAULT_PAYLOAD, min(int(size), _ATT_MAX))
        return _DEFAULT_PAYLOAD

    def poll(self, now_ms: int) -> None:
        """Do one tick's worth of radio work; call it every pass of the main loop."""
        self._out.add(self.protocol.tick(now_ms))  # a pairing answered on the device
        conn = self._current()
        if conn is not self._conn:
            # The loop may sleep through a disconnect and the reconnect after it:
            # comparing connection objects still ends the old session.
            if self._conn is not None:
                self._out.clear()
                self.protocol.disconnected()
            self._conn = conn
            if conn is not None and self.radio.advertising:
                self.radio.stop_advertising()
        if conn is None:
            if not self.radio.advertising:
                self.radio.start_advertising(self.adv, scan_response=self.scan_response,
                                             interval=self._interval)
            return
        waiting = self.uart.rx.in_waiting
        if waiting:
            data = self.uart.rx.read(min(waiting, _READ_MAX))
            if data:
                self._out.add(self.protocol.receive(data))
        out = self._out
        size = self._payload_size(conn)
        if out.pending < size and self.uart.rx.in_waiting:
            return  # more requests are queued: answer them together
        sent = 0
        while sent < self.packets_per_poll:
            if out.pending < size:
                out.add(self.protocol.more())  # a log window, a frame at a time
                if not out.pending:
                    break
            packet = out.peek(size)
            self.uart.send(packet)
            out.consume(len(packet))
            sent += 1

    def close(self) -> None:
        """Drop the link and stop advertising (before deep sleep)."""
        for conn in self.radio.connections:
            if conn is not None:
                conn.disconnect()
        if self.radio.advertising:
            self.radio.stop_advertising()
        self._out.clear()
