"""Where an interrupted session picks up after a reset, read from the log alone.

The log is already synced record by record, so it doubles as the checkpoint:
no extra flash writes (an nvm page rewritten at every step would wear out in
months).  A session whose START has no END resumes at the hold after the last
one logged, from the step that leads into it; a hold cut short is done again.
"""

from __future__ import annotations

from stretchcue import sessionlog as sl
from stretchcue import timeline as tl

try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

# Other modules' codes, named as in stretchcue.codes (tests/firmware/test_codes.py).
_REC_END = const(4)
_REC_HOLD = const(2)
_REC_START = const(1)
_STEP_DONE = const(8)
_STEP_HOLD = const(3)
_STEP_KIND = const(0)
_STEP_MOVE_IN = const(1)
_STEP_PREPARE = const(0)
_STEP_RATE = const(7)
_STEP_REP = const(3)
_STEP_SIDE = const(2)
_STEP_STRETCH = const(1)


class Unfinished:
    """``unfinished`` a record at a time, for a log streamed from flash: ``add`` each
    record in order, then ``result()``.  Holds two records, however long the log."""

    def __init__(self) -> None:
        self.start: sl.Record | None = None
        self.hold: sl.Record | None = None

    def add(self, r: sl.Record) -> None:
        t = r.rtype
        if t == _REC_START:
            self.start, self.hold = r, None
        elif t == _REC_END:
            self.start, self.hold = None, None
        elif t == _REC_HOLD and self.start is not None:
            self.hold = r

    def result(self) -> tuple:
        """``(start_record, last_hold_fields)`` of a session with no END, or ``(None, None)``."""
        hold = self.hold
        return self.start, (hold.fields() if hold is not None else None)


def unfinished(records) -> tuple:
    """``(start_record, last_hold_fields)`` of a session with no END, or ``(None, None)``;
    ``records`` is any iterable of them, in log order."""
    u = Unfinished()
    for r in records:
        u.add(r)
    return u.result()


def resume_index(routine, hold: dict | None) -> int:
    """Step index to restart at: the move-in (or prepare) before the next hold."""
    if hold is None:
        return 0
    key = (hold["stretch"], hold["side"], hold["rep"])
    found = False
    lead = -1
    for i, step in enumerate(tl.iter_steps(routine)):
        kind = step[_STEP_KIND]
        if not found:
            if kind == _STEP_HOLD and (
                    step[_STEP_STRETCH], step[_STEP_SIDE], step[_STEP_REP]) == key:
                found = True
            continue
        if kind == _STEP_PREPARE or (kind == _STEP_MOVE_IN and lead < 0):
            lead = i
        if kind == _STEP_RATE and lead < 0:
            return i
        if kind == _STEP_HOLD or kind == _STEP_DONE:
            return lead if lead >= 0 else i
    return 0
