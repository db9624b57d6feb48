"""Cue vocabulary: haptic patterns and tones, and a player that needs no thread.

Designed to be followed with eyes closed, against the two complaints users of
other wearables make most: cues too weak to notice, and in-breath and
out-breath feeling alike.  So every pulse is at least 120 ms at 55 % or more
(a coin ERM motor needs 50-100 ms just to spin up), every gap at least 150 ms,
the in-breath is one rising swell while the out-breath is two falling ones, and
any two cues differ in pulse count or in length by 300 ms or more.
"""

from __future__ import annotations

from adafruit_ticks import ticks_diff

from stretchcue import engine as en
from stretchcue import timeline as tl

try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

INHALE = const(0)
EXHALE = const(1)
HOLD_START = const(2)
HOLD_END = const(3)
LAST3 = const(4)
REST = const(5)
SWITCH_SIDE = const(6)
STRETCH_START = const(7)
STRETCH_DONE = const(8)
RATE = const(9)
SESSION_DONE = const(10)
PAUSED = const(11)
ACK = const(12)
LIMIT = const(13)

NAMES = ("inhale", "exhale", "hold start", "hold end", "last 3 s", "rest", "switch side",
         "stretch start", "stretch done", "rate", "session done", "paused", "ack", "limit")

MIN_LEVEL = const(55)


def _pulses(n: int, on_ms: int, gap_ms: int, level: int = 100) -> tuple:
    out: tuple = ()
    for i in range(n):
        if i:
            out += (0, 0, gap_ms)
        out += (level, level, on_ms)
    return out


# Haptics: flat (start_level, end_level, ms) triples; level 0 is a gap.
HAPTIC = (
    (55, 100, 1000),                                 # inhale: one rising swell
    (100, 55, 500, 0, 0, 200, 100, 55, 500),         # exhale: two falling swells
    _pulses(3, 150, 150),                            # hold start
    (100, 100, 1600),                                # hold end: one long buzz
    (100, 100, 150),                                 # last 3 s: one tick a second
    _pulses(2, 300, 300, 75),                        # rest
    _pulses(4, 150, 150),                            # switch side
    _pulses(2, 600, 300),                            # stretch start
    _pulses(3, 400, 200),                            # stretch done
    _pulses(3, 300, 200),                            # rate
    _pulses(5, 200, 150),                            # session done
    _pulses(2, 150, 150),                            # paused
    (100, 100, 500),                                 # ack: a button did something
    _pulses(5, 120, 150),                            # limit: the press was refused
)

# Tones backing the haptics: flat (frequency_hz, ms) pairs; 0 Hz is silence.
TONE = (
    (440, 300, 554, 300, 659, 400),
    (659, 500, 0, 200, 440, 500),
    (880, 150, 0, 150, 880, 150, 0, 150, 880, 150),
    (523, 800, 392, 800),
    (1047, 100),
    (392, 300, 0, 300, 392, 300),
    (659, 150, 0, 150, 784, 150, 0, 150, 659, 150, 0, 150, 784, 150),
    (523, 600, 0, 300, 659, 600),
    (784, 400, 0, 200, 659, 400, 0, 200, 523, 400),
    (587, 300, 0, 200, 587, 300, 0, 200, 587, 300),
    (523, 200, 0, 150, 659, 200, 0, 150, 784, 200, 0, 150, 1047, 400),
    (330, 150, 0, 150, 330, 150),
    (880, 80),
    (220, 120, 0, 150, 220, 120),
)

# Higher wins when two cues are due together or one interrupts another.
PRIORITY = (3, 3, 5, 5, 2, 4, 6, 6, 5, 6, 9, 8, 7, 7)


def pulse_count(cue: int) -> int:
    h = HAPTIC[cue]
    n = 0
    for i in range(0, len(h), 3):
        if h[i] or h[i + 1]:
            n += 1
    return n


def _length(seq: tuple, width: int) -> int:
    total = 0
    for i in range(width - 1, len(seq), width):
        total += seq[i]
    return total


LENGTHS = tuple(_length(h, 3) for h in HAPTIC)


def length_ms(cue: int) -> int:
    return LENGTHS[cue]


def for_event(code: int, value: object, kind: int) -> int:
    """The cue for an engine event during a step of ``kind``; -1 for none."""
    if code == en.INHALE:
        return INHALE
    if code == en.EXHALE:
        return EXHALE
    if code == en.HOLD_START:
        return HOLD_START
    if code == en.HOLD_END:
        return HOLD_END
    if code == en.SECOND:
        return LAST3 if kind == tl.HOLD and value <= 3 else -1  # type: ignore[operator]
    if code == en.REST:
        return REST
    if code == en.SWITCH_SIDE:
        return SWITCH_SIDE
    if code == en.STRETCH_START:
        return STRETCH_START
    if code == en.STRETCH_DONE:
        return STRETCH_DONE
    if code == en.RATE_REQUEST:
        return RATE
    if code == en.SESSION_DONE:
        return SESSION_DONE
    if code == en.PAUSED:
        return PAUSED
    if code in (en.RESUMED, en.EXTENDED, en.SKIPPED, en.RATING):
        return ACK
    if code == en.EXTEND_LIMIT:
        return LIMIT
    return -1


def _seek(seq: tuple, width: int, t: int) -> int:
    """Index of the segment of ``seq`` covering ``t`` ms, or -1 past the end."""
    i = 0
    n = len(seq)
    while i < n:
        d = seq[i + width - 1]
        if t < d:
            return i
        t -= d
        i += width
    return -1


def _before(seq: tuple, width: int, index: int) -> int:
    """Ms from the start of ``seq`` to the segment at ``index``."""
    total = 0
    i = width - 1
    while i < index:
        total += seq[i]
        i += width
    return total


class Player:
    """Answers "what motor level and tone now?" for the cue being played.

    ``strength`` (50-100 %) scales the motor, but never below ``MIN_LEVEL`` for
    a pulse, because a cue too weak to feel is worse than none.
    """

    def __init__(self, strength: int = 100) -> None:
        self.strength = max(50, min(100, strength))
        self.cue = -1
        self._start = 0

    def play(self, cue: int, now_ms: int) -> bool:
        """Start ``cue`` unless a higher-priority one is still playing."""
        if cue < 0:
            return False
        if self.cue >= 0 and self.busy(now_ms) and PRIORITY[self.cue] > PRIORITY[cue]:
            return False
        self.cue = cue
        self._start = now_ms
        return True

    def busy(self, now_ms: int) -> bool:
        return self.cue >= 0 and ticks_diff(now_ms, self._start) < LENGTHS[self.cue]

    def level(self, now_ms: int) -> int:
        """Motor level 0-100 at ``now_ms``."""
        if self.cue < 0:
            return 0
        h = HAPTIC[self.cue]
        t = ticks_diff(now_ms, self._start)
        i = _seek(h, 3, t)
        if i < 0:
            self.cue = -1
            return 0
        a, b = h[i], h[i + 1]
        if not (a or b):
            return 0
        into = t - _before(h, 3, i)
        raw = a + (b - a) * into // h[i + 2]
        return max(MIN_LEVEL, raw * self.strength // 100)

    def tone(self, now_ms: int) -> int:
        """Buzzer frequency in Hz at ``now_ms``; 0 for silence."""
        if self.cue < 0:
            return 0
        seq = TONE[self.cue]
        i = _seek(seq, 2, ticks_diff(now_ms, self._start))
        return seq[i] if i >= 0 else 0

    def next_change_ms(self, now_ms: int, ramp_step_ms: int = 50) -> int:
        """Ms until level or tone may change (ramps step every ``ramp_step_ms``); -1 idle."""
        if not self.busy(now_ms):
            return -1
        t = ticks_diff(now_ms, self._start)
        best = LENGTHS[self.cue] - t
        h = HAPTIC[self.cue]
        i = _seek(h, 3, t)
        if i >= 0:
            best = min(best, _before(h, 3, i + 3) - t)
            if h[i] != h[i + 1]:
                best = min(best, ramp_step_ms)
        tone = TONE[self.cue]
        i = _seek(tone, 2, t)
        if i >= 0:
            best = min(best, _before(tone, 2, i + 2) - t)
        return max(1, best)
