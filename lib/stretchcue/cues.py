"""Cue vocabulary: haptic patterns and tones, and a player that needs no thread.

Designed to be followed with eyes closed, against the two complaints users of
other wearables make most: cues too weak to notice, and in-breath and
out-breath feeling alike.  So every pulse is at least 120 ms at 55 % or more
(a coin ERM motor needs 50-100 ms just to spin up), every gap at least 150 ms,
the in-breath is one rising swell while the out-breath is two falling ones, and
any two cues differ in pulse count or in length by 300 ms or more.

The patterns are bytes, three per segment, so the board holds a few hundred
bytes rather than a tuple of integer objects per cue.
"""

from __future__ import annotations

from adafruit_ticks import ticks_diff

try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

# Other modules' codes, named as in stretchcue.codes (tests/firmware/test_codes.py).
_EVENT_SECOND = const(4)
_STEP_HOLD = const(3)

# Cue codes, private: stretchcue.codes.Cue names them for the laptop.
_CUE_INHALE = const(0)
_CUE_EXHALE = const(1)
_CUE_HOLD_START = const(2)
_CUE_HOLD_END = const(3)
_CUE_LAST3 = const(4)
_CUE_REST = const(5)
_CUE_SWITCH_SIDE = const(6)
_CUE_STRETCH_START = const(7)
_CUE_STRETCH_DONE = const(8)
_CUE_RATE = const(9)
_CUE_SESSION_DONE = const(10)
_CUE_PAUSED = const(11)
_CUE_ACK = const(12)
_CUE_LIMIT = const(13)
_CUE_REMIND = const(14)  # the daily reminder, on the menu: never from the engine
_CUE_COUNT = const(15)

_CUE_MIN_LEVEL = const(55)

# Haptics, per cue: (start level %, end level %, tens of ms) per segment; level 0 is a
# gap.  Ramps go from the start level to the end level across the segment.
HAPTIC = (
    # inhale: one rising swell, 55 -> 100 % over 1 s
    b"\x37\x64\x64",
    # exhale: two falling swells, 100 -> 55 % over 0.5 s, 0.2 s apart
    b"\x64\x37\x32\x00\x00\x14\x64\x37\x32",
    # hold start: 3 pulses of 150 ms, gaps 150
    b"\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f",
    # hold end: one long buzz, 1.6 s
    b"\x64\x64\xa0",
    # last 3 s: one tick a second, 150 ms
    b"\x64\x64\x0f",
    # rest: 2 pulses of 300 ms at 75 %, gap 300
    b"\x4b\x4b\x1e\x00\x00\x1e\x4b\x4b\x1e",
    # switch side: 4 pulses of 150 ms, gaps 150
    b"\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f",
    # stretch start: 2 pulses of 600 ms, gap 300
    b"\x64\x64\x3c\x00\x00\x1e\x64\x64\x3c",
    # stretch done: 3 pulses of 400 ms, gaps 200
    b"\x64\x64\x28\x00\x00\x14\x64\x64\x28\x00\x00\x14\x64\x64\x28",
    # rate: 3 pulses of 300 ms, gaps 200
    b"\x64\x64\x1e\x00\x00\x14\x64\x64\x1e\x00\x00\x14\x64\x64\x1e",
    # session done: 5 pulses of 200 ms, gaps 150
    b"\x64\x64\x14\x00\x00\x0f\x64\x64\x14\x00\x00\x0f\x64\x64\x14\x00\x00\x0f\x64\x64\x14"
    b"\x00\x00\x0f\x64\x64\x14",
    # paused: 2 pulses of 150 ms, gap 150
    b"\x64\x64\x0f\x00\x00\x0f\x64\x64\x0f",
    # ack: a button did something, 500 ms
    b"\x64\x64\x32",
    # limit: the press was refused, 5 pulses of 120 ms, gaps 150
    b"\x64\x64\x0c\x00\x00\x0f\x64\x64\x0c\x00\x00\x0f\x64\x64\x0c\x00\x00\x0f\x64\x64\x0c"
    b"\x00\x00\x0f\x64\x64\x0c",
    # remind: 3 pulses of 250 ms, gaps 150, a pause of 600, 3 more: the only 6-pulse cue
    b"\x64\x64\x19\x00\x00\x0f\x64\x64\x19\x00\x00\x0f\x64\x64\x19\x00\x00\x3c"
    b"\x64\x64\x19\x00\x00\x0f\x64\x64\x19\x00\x00\x0f\x64\x64\x19",
)

# Tones backing the haptics, per cue: (frequency Hz as u16 big-endian, tens of ms) per
# segment; 0 Hz is silence.  Comments: Hz and ms.
TONE = (
    # 440 300, 554 300, 659 400
    b"\x01\xb8\x1e\x02\x2a\x1e\x02\x93\x28",
    # 659 500, rest 200, 440 500
    b"\x02\x93\x32\x00\x00\x14\x01\xb8\x32",
    # 880 150, rest 150, x3
    b"\x03\x70\x0f\x00\x00\x0f\x03\x70\x0f\x00\x00\x0f\x03\x70\x0f",
    # 523 800, 392 800
    b"\x02\x0b\x50\x01\x88\x50",
    # 1047 100
    b"\x04\x17\x0a",
    # 392 300, rest 300, 392 300
    b"\x01\x88\x1e\x00\x00\x1e\x01\x88\x1e",
    # 659 150, rest 150, 784 150, rest 150, x2
    b"\x02\x93\x0f\x00\x00\x0f\x03\x10\x0f\x00\x00\x0f\x02\x93\x0f\x00\x00\x0f\x03\x10\x0f",
    # 523 600, rest 300, 659 600
    b"\x02\x0b\x3c\x00\x00\x1e\x02\x93\x3c",
    # 784 400, rest 200, 659 400, rest 200, 523 400
    b"\x03\x10\x28\x00\x00\x14\x02\x93\x28\x00\x00\x14\x02\x0b\x28",
    # 587 300, rest 200, x3
    b"\x02\x4b\x1e\x00\x00\x14\x02\x4b\x1e\x00\x00\x14\x02\x4b\x1e",
    # 523 200, rest 150, 659 200, rest 150, 784 200, rest 150, 1047 400
    b"\x02\x0b\x14\x00\x00\x0f\x02\x93\x14\x00\x00\x0f\x03\x10\x14\x00\x00\x0f\x04\x17\x28",
    # 330 150, rest 150, 330 150
    b"\x01\x4a\x0f\x00\x00\x0f\x01\x4a\x0f",
    # 880 80
    b"\x03\x70\x08",
    # 220 120, rest 150, 220 120
    b"\x00\xdc\x0c\x00\x00\x0f\x00\xdc\x0c",
    # 784 250, rest 150, 988 250, rest 150, 1175 250, rest 600, the same again
    b"\x03\x10\x19\x00\x00\x0f\x03\xdc\x19\x00\x00\x0f\x04\x97\x19\x00\x00\x3c"
    b"\x03\x10\x19\x00\x00\x0f\x03\xdc\x19\x00\x00\x0f\x04\x97\x19",
)

# Higher wins when two cues are due together or one interrupts another.
PRIORITY = b"\x03\x03\x05\x05\x02\x04\x06\x06\x05\x06\x09\x08\x07\x07\x06"

# The cue for each engine event code (0xFF: none); Event.SECOND is decided below.
_BY_EVENT = (b"\xff\xff"  # -, PHASE
             b"\x00\x01"  # INHALE, EXHALE
             b"\xff\x03\x05\x06"  # SECOND, HOLD_END, REST, SWITCH_SIDE
             b"\x08\x09"  # STRETCH_DONE, RATE_REQUEST -> RATE
             b"\x0c\x0a\x0b"  # RATING -> ACK, SESSION_DONE, PAUSED
             b"\x0c\x0c\x0d\x0c"  # RESUMED, EXTENDED -> ACK, EXTEND_LIMIT -> LIMIT, SKIPPED -> ACK
             b"\x02\x07")  # HOLD_START, STRETCH_START


def for_event(code: int, value: object, kind: int) -> int:
    """The cue for an engine event during a step of ``kind``; -1 for none."""
    if code == _EVENT_SECOND:
        return _CUE_LAST3 if kind == _STEP_HOLD and value <= 3 else -1  # type: ignore[operator]
    c = _BY_EVENT[code] if 0 <= code < len(_BY_EVENT) else 0xFF
    return -1 if c == 0xFF else c


def _seek(seq: bytes, t: int) -> int:
    """Index of the segment of ``seq`` covering ``t`` ms, or -1 past the end."""
    i = 0
    n = len(seq)
    while i < n:
        d = seq[i + 2] * 10
        if t < d:
            return i
        t -= d
        i += 3
    return -1


def _before(seq: bytes, index: int) -> int:
    """Ms from the start of ``seq`` to the segment at ``index`` (all of it past the end)."""
    total = 0
    i = 2
    while i < index and i < len(seq):
        total += seq[i] * 10
        i += 3
    return total


def length_ms(cue: int) -> int:
    """How long the haptic pattern of ``cue`` lasts."""
    h = HAPTIC[cue]
    return _before(h, len(h))


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
        return self.cue >= 0 and ticks_diff(now_ms, self._start) < length_ms(self.cue)

    def level(self, now_ms: int) -> int:
        """Motor level 0-100 at ``now_ms``."""
        if self.cue < 0:
            return 0
        h = HAPTIC[self.cue]
        t = ticks_diff(now_ms, self._start)
        i = _seek(h, t)
        if i < 0:
            self.cue = -1
            return 0
        a, b = h[i], h[i + 1]
        if not (a or b):
            return 0
        into = t - _before(h, i)
        raw = a + (b - a) * into // (h[i + 2] * 10)
        return max(_CUE_MIN_LEVEL, raw * self.strength // 100)

    def tone(self, now_ms: int) -> int:
        """Buzzer frequency in Hz at ``now_ms``; 0 for silence."""
        if self.cue < 0:
            return 0
        seq = TONE[self.cue]
        i = _seek(seq, ticks_diff(now_ms, self._start))
        return seq[i] << 8 | seq[i + 1] if i >= 0 else 0

    def next_change_ms(self, now_ms: int, ramp_step_ms: int = 50) -> int:
        """Ms until level or tone may change (ramps step every ``ramp_step_ms``); -1 idle."""
        if not self.busy(now_ms):
            return -1
        t = ticks_diff(now_ms, self._start)
        best = length_ms(self.cue) - t
        h = HAPTIC[self.cue]
        i = _seek(h, t)
        if i >= 0:
            best = min(best, _before(h, i + 3) - t)
            if h[i] != h[i + 1]:
                best = min(best, ramp_step_ms)
        tone = TONE[self.cue]
        i = _seek(tone, t)
        if i >= 0:
            best = min(best, _before(tone, i + 3) - t)
        return max(1, best)
