"""The device's USB adapter: the ``usb_cdc`` data port carries the same protocol as BLE.

``boot.py`` turns the data port on (``usb_cdc.enable(console=True, data=True)``);
the laptop opens it with pyserial (``stretchcue ... --transport usb``).  Like
``ble_link.BleLink`` this file only moves bytes and has the same small
interface: ``SerialLink(protocol, port)``, ``poll(now_ms)``, ``connected``,
``close()``.  ``poll`` never waits (the port's timeouts are set to 0): it reads
at most about one frame of what has arrived, hands it to the protocol and
writes at most ``bytes_per_poll`` bytes of the replies, so a long log read is
spread over several loop ticks and a cue is never held up.

``connected`` is the port's own flag: the host has the port open (DTR).  When
it falls, the protocol hears ``disconnected()``.  A host that closes and
reopens the port between two loop passes (up to half a second apart while
idle) leaves no trace in that flag; the protocol itself starts over when the
new host's unsigned AUTH_BEGIN or PAIR_START arrives.
"""

from __future__ import annotations

from links import Outbox

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_READ_MAX = const(600)  # a little more than one whole frame (523 bytes)
_WRITE_MAX = const(512)  # bytes handed to the port per write


class SerialLink:
    """One USB CDC data port feeding one ``DeviceProtocol``.

    ``port`` is ``usb_cdc.data`` (the default) or anything with the same
    members (``connected``, ``in_waiting``, ``read``, ``write``,
    ``reset_input_buffer``, ``timeout``, ``write_timeout``).
    """

    def __init__(self, protocol: Any, port: Any = None, bytes_per_poll: int = 4096) -> None:
        if port is None:
            import usb_cdc

            port = usb_cdc.data
            if port is None:
                raise RuntimeError("the USB data port is off (boot.py enables it)")
        port.timeout = 0
        port.write_timeout = 0
        self.protocol = protocol
        self.port = port
        self.bytes_per_poll = bytes_per_poll
        self._out = Outbox(_WRITE_MAX)
        self._was_connected = False
        self.sessions = 0  # times a host opened the port

    @property
    def connected(self) -> bool:
        return bool(self.port.connected)

    def poll(self, now_ms: int) -> None:
        """Do one tick's worth of USB work; call it every pass of the main loop."""
        self._out.add(self.protocol.tick(now_ms))  # a pairing answered on the device
        port = self.port
        if not port.connected:
            if self._was_connected:
                self._was_connected = False
                self._end_session()
                port.reset_input_buffer()
            return
        if not self._was_connected:
            self._was_connected = True
            self.sessions += 1
        waiting = port.in_waiting
        if waiting:
            data = port.read(min(waiting, _READ_MAX))
            if data:
                self._out.add(self.protocol.receive(data))
        out = self._out
        budget = self.bytes_per_poll
        while budget > 0:
            if out.pending < _WRITE_MAX:
                out.add(self.protocol.more())  # a log window, a frame at a time
                if not out.pending:
                    break
            written = port.write(out.peek(budget))
            if not written:
                break
            out.consume(written)
            budget -= written

    def _end_session(self) -> None:
        self._out.clear()
        self.protocol.disconnected()

    def close(self) -> None:
        """End the session and drop unsent replies (before deep sleep)."""
        self._end_session()
        self._was_connected = False
