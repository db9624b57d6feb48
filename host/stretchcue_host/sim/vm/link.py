"""The VM's half of the lock-step line protocol with the driver on the desktop.

The firmware's ``time.sleep`` is the only place virtual time passes, so it is
where the VM and the driver meet: the VM prints one ``@bi sync {...}`` line
(the time, the screen if it changed, the notifications sent, advertisements
started, links the device dropped) and blocks until the driver answers with one
JSON line (button presses, a central connecting, its writes, a disconnect, a
power cut).  The radio's device side is ``air.Air`` behind ``_bleio``.  Host
objects never touch the device's heap: only these lines cross.

While no central is connected and the screen has not changed, the VM runs on
until the time the driver asked to be woken at.

The heap is sampled here too: at every sleep, before and after the exchange,
never while the driver's command (its writes as hex) is still held, and after
the notifications have left: both are the stand-ins' heap, not the firmware's.
"""

from __future__ import annotations

import gc
import json

try:
    import micropython
except ImportError:
    micropython = None
from binascii import hexlify, unhexlify

from stretchcue_host.sim.world import WORLD, SimStop

MENU_HINT = "A start  B next"


def name_table(label: str, alloc: int) -> None:
    """Print the interned-name table's size (``micropython.qstr_info()``) after an
    ``@bi qi`` line naming the moment: the table only grows, by doubling from 10
    entries, and the driver turns it into what a board would hold (see
    tests/boardimage/qstr.py)."""
    info = getattr(micropython, "qstr_info", None)
    if info is not None:
        print("@bi qi %s %d" % (label, alloc))
        info()


class Heap:
    """Peak of the live heap as sampled, overall and per phase; the menu after a
    collection.  ``base`` is what the VM and the stand-ins held before code.py.

    ``mem_alloc`` counts garbage until a collection, and how much depends on
    when the last one happened to run (a board collects when an allocation does
    not fit): 10 KB either way between two runs that hold the same objects.  So
    a sample above the peak so far is taken again after ``gc.collect()``, and
    the peak is what was live.  The collections a board's would make run as
    well: CircuitPython's VM collects every ``gc.threshold`` bytes by itself
    (start.py sets it), and the smallest heap a run passes with (bench/
    board_heap.py) covers what is live between two samples.  MicroPython's
    WebAssembly build collects only between calls from JavaScript, never while
    code.py runs (``gc.collect()`` does nothing there; the heap grows instead), so
    its ``mem_alloc`` is everything allocated so far: ``sampling`` is off there
    and ``allocated`` reports that total instead of a peak.
    """

    def __init__(self) -> None:
        self.base = 0
        self.peak = 0
        self.phase = "boot"
        self.peaks: dict = {}
        self.menu = -1
        self.samples = 0
        self.sampling = True

    def sample(self) -> None:
        if not self.sampling:
            return
        a = gc.mem_alloc()
        self.samples += 1
        if a > self.peak or a > self.peaks.get(self.phase, 0):
            gc.collect()
            a = gc.mem_alloc()
        if a > self.peak:
            self.peak = a
            name_table("peak", a)
        if a > self.peaks.get(self.phase, 0):
            self.peaks[self.phase] = a

    def report(self) -> dict:
        base = self.base
        if not self.sampling:
            return {"base": base, "allocated": gc.mem_alloc() - base}
        return {"base": base, "peak": self.peak - base, "menu": self.menu - base
                if self.menu >= 0 else -1, "samples": self.samples,
                "phases": {k: v - base for k, v in self.peaks.items()}}


class Link:
    def __init__(self, io, air) -> None:
        self.io = io
        self.air = air
        self.heap = Heap()
        self.wake_at = 0
        self._screens = -1
        self._adverts = 0
        self._drops = 0
        self.syncs = 0
        self.refused: list = []

    def hello(self) -> dict:
        return json.loads(self.io.ask("@bi hello"))

    def send(self, kind: str, data: dict) -> None:
        self.io.send("@bi " + kind + " " + json.dumps(data))

    # -- the clock's hook ---------------------------------------------------------------

    def on_sleep(self, after: bool) -> None:
        heap = self.heap
        if not after:
            self._notify()
        heap.sample()
        if not after:
            if heap.menu < 0 and heap.sampling and MENU_HINT in WORLD.texts:
                gc.collect()
                heap.menu = gc.mem_alloc()
                name_table("menu", heap.menu)
            return
        a = self.air
        if (a.connected or a.outbox or WORLD.screen_changes != self._screens
                or len(a.adverts) != self._adverts or a.device_drops != self._drops
                or WORLD.now_ms >= self.wake_at):
            self.sync()
            heap.sample()

    def sync(self) -> None:
        a = self.air
        req: dict = {"t": WORLD.now_ms}
        if WORLD.screen_changes != self._screens:
            self._screens = WORLD.screen_changes
            req["s"] = WORLD.texts
        self._notify()
        if len(a.adverts) != self._adverts:
            req["adv"] = [[hexlify(d).decode(), hexlify(s).decode(), c]
                          for d, s, c in a.adverts[self._adverts:]]
            self._adverts = len(a.adverts)
        if a.device_drops != self._drops:
            self._drops = a.device_drops
            req["dropped_by_device"] = True
        if self.refused:
            req["refused"] = self.refused
            self.refused = []
        self.syncs += 1
        reply = self.io.ask("@bi sync " + json.dumps(req))
        self.apply(json.loads(reply))

    def _notify(self) -> None:
        """The notifications the firmware sent, to the driver now, one line each, ahead of
        the sync line.  A board's radio takes a notification off the Python heap as it is
        sent, so they leave before the heap is sampled; a sync line holding a whole log
        window as hex would be a 17 KB string, heap no board spends."""
        a = self.air
        for p in a.outbox:
            self.io.send("@bi n " + hexlify(p).decode())
        a.outbox.clear()

    def apply(self, cmd: dict) -> None:
        """Do what the driver asks, in the order a radio would: connect, writes, drop."""
        a = self.air
        presses = cmd.get("p")
        if presses:
            for p in presses:
                WORLD.presses.append((p[0], p[1], p[2]))
            WORLD.presses.sort()
        if "phase" in cmd:
            self.heap.phase = cmd["phase"]
        if "c" in cmd and not a.peer_connect(cmd["c"]):
            self.refused.append("connect")
        for h in cmd.get("w", ()):
            if not a.peer_write(unhexlify(h)):
                self.refused.append("write")
        if cmd.get("d"):
            a.peer_disconnect()
        self.wake_at = cmd.get("wake", WORLD.now_ms + 60000)
        if "stop" in cmd:
            raise SimStop(cmd["stop"])
