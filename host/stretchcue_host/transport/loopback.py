"""An in-memory link to a DeviceProtocol: tests, benchmarks and the simulator's fallback.

Writes are cut into ``mtu``-sized pieces exactly as BLE would cut them, and
the device's replies come back in pieces too.  ``cut_at`` makes the link drop
just before the numbered packet (counting both directions), which is how the
tests break a transfer at every possible point.  ``person`` stands at the
device: asked "Pair with <name>?", it answers (yes unless told otherwise).
"""

from __future__ import annotations

from collections.abc import Callable

from stretchcue_host.transport.base import ConnectionLost, Transport


class LoopbackTransport(Transport):
    name = "loopback"

    def __init__(self, device, mtu: int = 20, cut_at: int | None = None,
                 person: Callable[[str], bool] | None = lambda name: True) -> None:
        super().__init__()
        self.device = device
        self.person = person
        self.mtu = mtu
        self.cut_at = cut_at
        self.packets = 0  # ATT packets so far, both directions
        self.payload_bytes = 0
        self.connects = 0

    async def connect(self) -> None:
        if self.connected:
            return
        self.connected = True
        self.connects += 1

    def _packet(self, size: int) -> bool:
        """Count one packet; False (and the link drops) if it is the one to cut at."""
        self.packets += 1
        if self.cut_at is not None and self.packets == self.cut_at:
            self.cut_at = None
            self.disconnect()
            return False
        self.payload_bytes += size
        return True

    def disconnect(self) -> None:
        if self.connected:
            self.device.disconnected()
            self._lost()

    async def write(self, data: bytes) -> None:
        if not self.connected:
            raise ConnectionLost("not connected")
        for i in range(0, len(data), self.mtu):
            piece = data[i:i + self.mtu]
            if not self._packet(len(piece)):
                raise ConnectionLost("link dropped")
            reply = b"".join(self.device.receive(piece))  # as BleLink queues them
            reply += b"".join(self._rest())  # a log window's frames, asked for as they go
            reply += b"".join(self.device.tick(self.device._now))  # and its next poll
            window = getattr(self.device, "window", None)
            if window is not None and window.asking and not window.reply and self.person:
                window.answer(self.person(window.name))
                reply += b"".join(self.device.tick(self.device._now))
            for j in range(0, len(reply), self.mtu):
                if not self._packet(len(reply[j:j + self.mtu])):
                    return
                self.received.put_nowait(reply[j:j + self.mtu])

    def _rest(self) -> list:
        """What ``DeviceProtocol.more`` still has to send, asked for until it has none."""
        out: list = []
        more = getattr(self.device, "more", None)
        while more is not None:
            frames = more()
            if not frames:
                break
            out += frames
        return out

    async def close(self) -> None:
        self.disconnect()
