"""Every way the host tool can reach the device (BLE, USB), served side by side.

Each link has its own ``DeviceProtocol``, because authentication belongs to a
connection: a laptop on USB and a phone on BLE never share a session.  They
share one ``DeviceApi``, so routines, the log and pairing keys are the same
whichever way they arrive.  Pairing opens on every link at once with the same
code; the first attempt on any of them uses the code up for all (one guess
per button press, as docs/security.md promises).
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass


class Outbox:
    """Replies waiting to leave, kept as the frames they are.

    A log window is up to 8 KB of frames: joining them, then slicing what is
    left after every packet, would copy most of it again for each packet and
    leave the heap that much garbage.  ``peek`` copies one packet's worth into a
    buffer of its own; ``consume`` drops what was sent.
    """

    def __init__(self, size: int) -> None:
        self._frames: list = []
        self._off = 0
        self._buf = bytearray(size)
        self.pending = 0

    def add(self, frames: list) -> None:
        for f in frames:
            if f:
                self._frames.append(f)
                self.pending += len(f)

    def clear(self) -> None:
        self._frames = []
        self._off = 0
        self.pending = 0

    def peek(self, size: int) -> Any:
        """Up to ``size`` bytes from the front (valid until the next call)."""
        buf = self._buf
        size = min(size, len(buf), self.pending)
        n = 0
        off = self._off
        for f in self._frames:
            take = min(size - n, len(f) - off)
            buf[n:n + take] = memoryview(f)[off:off + take]
            n += take
            off = 0
            if n == size:
                break
        return memoryview(buf)[:n]

    def consume(self, n: int) -> None:
        self.pending -= n
        frames = self._frames
        while n:
            left = len(frames[0]) - self._off
            if n < left:
                self._off += n
                return
            n -= left
            frames.pop(0)
            self._off = 0


class Links:
    def __init__(self) -> None:
        self.items: list = []  # [(link, protocol)]

    def add(self, link: Any, proto: Any) -> None:
        self.items.append((link, proto))

    @property
    def connected(self) -> bool:
        """Some host is connected: the loop should come back soon to answer it."""
        for link, _ in self.items:
            if link.connected:
                return True
        return False

    @property
    def pairing(self) -> bool:
        """Pairing is still open on every link (no attempt yet, not timed out)."""
        if not self.items:
            return False
        for _, proto in self.items:
            if not proto.pairing:
                return False
        return True

    @property
    def unlocked(self) -> bool:
        """Text mode was unlocked with the code (a phone terminal, not the tool)."""
        for _, proto in self.items:
            if proto.unlocked:
                return True
        return False

    @property
    def paired(self) -> bool:
        """Some link completed a pairing since ``enter_pairing``."""
        for _, proto in self.items:
            if proto.paired_host:
                return True
        return False

    def poll(self, now_ms: int) -> None:
        """Each link's tick of work.  A link that fails (a bug, a full heap) drops its
        connection and says so on the console; the timer and the other link go on."""
        for link, _ in self.items:
            try:
                link.poll(now_ms)
            except Exception as e:  # a wearable must not stop mid-session
                print("link error:", type(e).__name__, e)
                try:
                    link.close()
                except Exception:
                    pass

    def enter_pairing(self, code: str, now_ms: int) -> None:
        for _, proto in self.items:
            proto.paired_host = b""
            proto.enter_pairing(code, now_ms)

    def leave_pairing(self) -> None:
        for _, proto in self.items:
            proto.leave_pairing()

    def close(self) -> None:
        for link, _ in self.items:
            link.close()


def open_links(app: Any) -> None:
    """Serve the host tool over BLE and over the USB data port, each if this board can;
    either may be missing without touching the other, and the timer works with neither."""
    try:
        import microcontroller
        from device_api import DeviceApi

        from stretchcue.protocol.device import DeviceProtocol

        name = "stretchcue-" + "".join("%02x" % b for b in microcontroller.cpu.uid[-3:])
        api = DeviceApi(app, name)
    except (ImportError, AttributeError, RuntimeError, OSError, ValueError) as e:
        app.add_note("no host link: " + str(e))
        return
    for kind in ("radio", "USB"):
        try:
            proto = DeviceProtocol(api)
            link: Any = None
            if kind == "radio":
                from ble_link import BleLink

                link = BleLink(proto, name)
            else:
                from serial_link import SerialLink

                link = SerialLink(proto)  # usb_cdc.data; RuntimeError if boot.py left it off
            app.attach_radio(link, proto)
        except (ImportError, RuntimeError, OSError, ValueError) as e:
            app.add_note("no " + kind + ": " + str(e))
