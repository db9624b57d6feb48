"""The one pairing window every link shares: which code the screen shows, and for what.

A gesture on the device opens it, for a laptop (a code for SPAKE2, typed into
``stretchcue pair``) or for a phone terminal (a different code, typed after
``unlock``): two secrets, so a code typed in clear into a terminal is never
worth a pairing.  BLE and USB share this one window, so a code can be tried
once, on whichever link comes first: the attempt holds the window until it
ends.  A wrong guess gives the guesser nothing and leaves the owner's pairing
open with a fresh code on the screen; after ``TRIES`` wrong guesses the window
closes.  A right guess still pairs nobody until the person answers "Pair with
<name>?" on the device.
"""

from __future__ import annotations

from adafruit_ticks import ticks_diff

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

LAPTOP = const(1)
PHONE = const(2)
WINDOW_MS = const(120_000)
ATTEMPT_MS = const(30_000)  # PAIR_START to PAIR_CONFIRM; a stalled attempt counts as wrong
TRIES = const(5)
YES = const(1)
NO = const(2)


class Window:
    """Open or closed; while open, one code of one kind, perhaps one attempt in progress.

    ``version`` grows whenever the code changes, so a screen knows to redraw;
    ``result`` says how the window closed ("paired", "unlocked", "declined",
    "timed out", "too many wrong codes", "cancelled", "ended": the link dropped
    while asking).
    """

    def __init__(self, rand: Any) -> None:
        self._rand = rand
        self.kind = 0
        self.code = ""
        self.since = 0
        self.version = 0
        self.failures = 0
        self.owner: Any = None  # the link's protocol whose attempt holds the code
        self.owner_since = 0
        self.asking = False  # the device asks "Pair with <name>?"
        self.name = ""  # the host's name, as it gave it
        self.reply = 0  # the person's answer: YES or NO
        self.result = ""
        self.now = 0  # the latest time start() or tick() was given

    @property
    def open(self) -> bool:
        return self.kind != 0

    def start(self, kind: int, now_ms: int) -> str:
        """Open for ``kind`` (LAPTOP or PHONE) with a fresh code; returns the code."""
        self.kind = kind
        self.since = self.now = now_ms
        self.failures = 0
        self.owner = None
        self.asking = False
        self.reply = 0
        self.result = ""
        return self._fresh()

    def _fresh(self) -> str:
        self.code = "%06d" % (int.from_bytes(self._rand(4), "big") % 1000000)
        self.version += 1
        return self.code

    def close(self, result: str) -> None:
        self.kind = 0
        self.code = ""
        self.owner = None
        self.asking = False
        self.result = result
        self.version += 1

    def take(self, who: Any, kind: int) -> str:
        """The code, for ``who``'s one attempt, if the window is open for ``kind`` and free."""
        if self.kind != kind or self.owner is not None or not self.code:
            return ""
        if kind == LAPTOP:
            self.owner = who
            self.owner_since = self.now
            self.version += 1  # the screen says it is checking
        return self.code

    def failed(self, who: Any = None) -> None:
        """A wrong guess (or an abandoned attempt): a fresh code, or closed after TRIES."""
        if who is not None and self.owner is not who:
            return
        self.owner = None
        self.asking = False
        self.failures += 1
        if self.failures >= TRIES:
            self.close("too many wrong codes")
        else:
            self._fresh()

    def ask(self, who: Any, name: str) -> None:
        """``who`` proved the code: ask the person, who gets a whole window's time."""
        if self.owner is who:
            self.asking = True
            self.name = name
            self.reply = 0
            self.since = self.now
            self.version += 1

    def answer(self, yes: bool) -> None:
        """The person's answer to "Pair with <name>?" (the owner's tick acts on it)."""
        if self.asking:
            self.reply = YES if yes else NO

    def tick(self, now_ms: int) -> None:
        self.now = now_ms
        if not self.kind:
            return
        if self.owner is not None and not self.asking and \
                ticks_diff(now_ms, self.owner_since) >= ATTEMPT_MS:
            self.failed()
        if self.kind and ticks_diff(now_ms, self.since) >= WINDOW_MS:
            self.close("timed out")
