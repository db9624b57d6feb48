"""Every way the host tool can reach the device (BLE, USB), served side by side.

Each link has its own ``DeviceProtocol``, because authentication belongs to a
connection: a laptop on USB and a phone on BLE never share a session.  They
share one ``DeviceApi``, so routines, the log and pairing keys are the same
whichever way they arrive, and the app's one pairing window
(``stretchcue.protocol.pairing``): a code shown is tried once, on whichever
link asks first.

The protocol is loaded only while it is used (``OnDemand``): its modules and
the ``DeviceApi`` hold about 18 KB of a board's heap, and a wearable spends
most of its time in sessions with no laptop near.
"""

from __future__ import annotations

from stretchcue import drop

try:
    from typing import Any
except ImportError:
    pass

#: What serving a host loads, in the order to forget it (see ``OnDemand``); the pairing
#: window (``stretchcue.protocol.pairing``) is the app's.
_SERVING = ("stretchcue.protocol.device", "stretchcue.protocol.device_ops", "device_api",
            "store_transfer",
            "stretchcue.protocol.device_pair",
            "stretchcue.protocol.transfer", "stretchcue.protocol.auth", "stretchcue.protocol.aes",
            "stretchcue.protocol.sha256", "stretchcue.protocol.frame",
            "stretchcue.protocol.messages")


class Outbox:
    """Replies waiting to leave, kept as the frames they are.

    Joining them, then slicing what is left after every packet, would copy most
    of them again for each packet and leave the heap that much garbage.
    ``peek`` copies one packet's worth into a buffer of its own; ``consume``
    drops what was sent.  A log window is not put here whole: the links take
    its frames one at a time from ``DeviceProtocol.more`` as this runs low.
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


class OnDemand:
    """A link's ``DeviceProtocol``, there only while something needs it.

    A host's first bytes load it; once the host has gone it is dropped at the
    next tick, and with the last one the protocol modules too, unless it holds
    what a later pass takes up (a half-done upload, a pairing attempt).  It
    answers for the protocol in between, with the same members ``Links`` and
    the link adapters use.
    """

    def __init__(self, serving: Any) -> None:
        self._serving = serving  # the Serving that makes DeviceApi and forgets modules
        self.proto: Any = None
        self._connected = False

    def _load(self) -> Any:
        if self.proto is None:
            from stretchcue.protocol.device import DeviceProtocol

            self.proto = DeviceProtocol(self._serving.api(), window=self._serving.window)
        return self.proto

    def receive(self, data: Any) -> list:
        self._connected = True
        return self._load().receive(data)

    def more(self) -> list:
        """The next frame of a log window being sent (``DeviceProtocol.more``), if loaded."""
        p = self.proto
        return p.more() if p is not None else []

    def disconnected(self) -> None:
        self._connected = False
        if self.proto is not None:
            self.proto.disconnected()

    def tick(self, now_ms: int) -> list:
        """The protocol's own replies (a pairing answered on the device), if loaded."""
        p = self.proto
        if p is None:
            return []
        out = p.tick(now_ms)
        if not self._connected and not p.resumable:
            self.proto = None
            self._serving.release()
        return out


class Serving:
    """The ``DeviceApi`` all links share, made with the first protocol and forgotten,
    with the protocol modules, when the last ``OnDemand`` lets go."""

    def __init__(self, app: Any, name: str) -> None:
        self._app = app
        self._name = name
        self._api: Any = None
        self.slots: list = []

    def slot(self) -> OnDemand:
        s = OnDemand(self)
        self.slots.append(s)
        return s

    def api(self) -> Any:
        if self._api is None:
            from device_api import DeviceApi

            self._api = DeviceApi(self._app, self._name)
        return self._api

    def window(self) -> Any:
        """The app's pairing window, or None: a host's bytes never open one."""
        return self._app.window

    def release(self) -> None:
        for s in self.slots:
            if s.proto is not None:
                return
        self._api = None
        for name in _SERVING:
            drop(name)


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

    def close(self) -> None:
        for link, _ in self.items:
            link.close()

    def advertise_slowly(self, slow: bool) -> None:
        """Idle: the radio advertises less often (links without advertising ignore it)."""
        for link, _ in self.items:
            fn = getattr(link, "advertise_slowly", None)
            if fn is not None:
                fn(slow)


def open_links(app: Any) -> None:
    """Serve the host tool over BLE and over the USB data port, each if this board can;
    either may be missing without touching the other, and the timer works with neither."""
    try:
        import microcontroller

        name = "stretchcue-" + "".join("%02x" % b for b in microcontroller.cpu.uid[-3:])
    except (ImportError, AttributeError) as e:
        app.add_note("no host link: " + str(e))
        return
    serving = Serving(app, name)
    for kind in ("radio", "USB"):
        try:
            proto = serving.slot()
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
