"""The session engine: a state machine driven by ``tick(now_ms)`` and ``press()``.

It never reads a clock.  Every deadline is an absolute tick value computed from
the previous deadline, so a late wake-up shortens nothing and the session never
drifts; tick arithmetic goes through ``adafruit_ticks`` so it survives the
millisecond counter wrapping.  Events come out as ``(code, value, at_ms)``
tuples in a list that is reused between calls (consume it before calling
again); a tick with nothing due allocates nothing.
"""

from __future__ import annotations

from adafruit_ticks import ticks_add, ticks_diff

from stretchcue import timeline as tl

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

# Other modules' codes, named as in stretchcue.codes (tests/firmware/test_codes.py).
_STEP_DONE = const(8)
_STEP_DURATION_MS = const(4)
_STEP_HOLD = const(3)
_STEP_KIND = const(0)
_STEP_MOVE_IN = const(1)
_STEP_PREPARE = const(0)
_STEP_RATE = const(7)
_STEP_REP = const(3)
_STEP_REST = const(5)
_STEP_SIDE = const(2)
_STEP_SINK = const(2)
_STEP_STRETCH = const(1)
_STEP_SWITCH = const(6)

# Event codes, private as each module's codes are: stretchcue.codes names them
# for the laptop (Event, Action, Hold), and a board keeps no names for them.
_EVENT_PHASE = const(1)  # value: step kind; a new step began (engine.step holds it)
_EVENT_INHALE = const(2)
_EVENT_EXHALE = const(3)
_EVENT_SECOND = const(4)  # value: whole seconds left in the step
_EVENT_HOLD_END = const(5)  # value: the hold result list (see HOLD_* fields)
_EVENT_REST = const(6)
_EVENT_SWITCH_SIDE = const(7)
_EVENT_STRETCH_DONE = const(8)  # value: stretch index
_EVENT_RATE_REQUEST = const(9)  # value: stretch index
_EVENT_RATING = const(10)  # value: (stretch index, rating)
_EVENT_SESSION_DONE = const(11)  # value: 1 if aborted else 0
_EVENT_PAUSED = const(12)
_EVENT_RESUMED = const(13)
_EVENT_EXTENDED = const(14)  # value: seconds added
_EVENT_EXTEND_LIMIT = const(15)
_EVENT_SKIPPED = const(16)  # value: step kind skipped
_EVENT_HOLD_START = const(17)
_EVENT_STRETCH_START = const(18)  # value: stretch index

# Actions for press().
_ACTION_PAUSE = const(1)  # toggles pause/resume
_ACTION_SKIP = const(2)
_ACTION_EXTEND = const(3)
_ACTION_ABORT = const(4)
_ACTION_RATE = const(5)

# Engine states.
_RUNNING = const(1)
_PAUSED_STATE = const(2)
_FINISHED = const(3)

_EXTEND_STEP_MS = const(10000)
_EXTEND_CAP_MS = const(30000)
_ACTION_RATING_MAX = const(5)

# Hold result list fields.
_HOLD_STRETCH = const(0)
_HOLD_SIDE = const(1)
_HOLD_REP = const(2)
_HOLD_PLANNED_MS = const(3)
_HOLD_ACTUAL_MS = const(4)
_HOLD_EXTENDED_MS = const(5)
_HOLD_SKIPPED = const(6)


class Engine:
    """Runs one session of a routine.  Create it, then ``start(now_ms)``.

    ``held_ms`` and ``holds_done`` (holds not skipped) add up as holds end.  With
    ``keep_results`` every hold's result list stays in ``results`` too; a board
    passes False, as an hour's routine would keep hundreds of them on its heap
    for a summary that needs two numbers (each one leaves in a HOLD_END event).
    """

    def __init__(self, routine: Any, keep_results: bool = True) -> None:
        self.routine = routine
        self.keep_results = keep_results
        self.held_ms = 0
        self.holds_done = 0
        self.plan_ms = tl.total_ms(routine)
        self.state = 0
        self.step: tuple = (_STEP_PREPARE, 0, 0, 0, 0)
        self.index = -1
        self.aborted = False
        self.paused_ms = 0
        self.extended_ms = 0
        self.skipped_ms = 0
        self.hold_extended_ms = 0
        self.results: list = []
        self.ratings: list = []
        self.started_at = 0
        self.ended_at = 0
        self._steps: Any = None
        self._start = 0
        self._deadline = 0
        self._sec_k = 0
        self._breath_at = 0
        self._breath_in = False
        self._breathing = False
        self._paused_at = 0
        self._hold_open = False
        self._stretch = -1
        self._ev: list = []

    # -- public API -------------------------------------------------------

    def start(self, now_ms: int, index: int = 0, into_ms: int = 0) -> list:
        """Begin at step ``index`` (0, or a checkpoint's) ``into_ms`` into it."""
        self._ev.clear()
        self.state = _RUNNING
        self.started_at = ticks_add(now_ms, -into_ms)
        self._steps = tl.steps_from(self.routine, index)
        self.index = index - 1
        self._enter(self.started_at)
        return self._run(now_ms)

    def tick(self, now_ms: int) -> list:
        """Emit everything due at or before ``now_ms``."""
        ev = self._ev
        if ev:
            ev.clear()
        if self.state != _RUNNING:
            return ev
        return self._run(now_ms)

    def press(self, action: int, now_ms: int, value: int = 0) -> list:
        """Apply a button action; returns the events it caused (maybe none)."""
        ev = self.tick(now_ms)
        if self.state == _FINISHED:
            return ev
        if action == _ACTION_PAUSE:
            if self.state == _RUNNING:
                self.state = _PAUSED_STATE
                self._paused_at = now_ms
                ev.append((_EVENT_PAUSED, 0, now_ms))
            else:
                self._resume(now_ms)
        elif self.state == _PAUSED_STATE and action != _ACTION_ABORT:
            return ev
        elif action == _ACTION_SKIP:
            kind = self.step[_STEP_KIND]
            if kind != _STEP_DONE:
                ev.append((_EVENT_SKIPPED, kind, now_ms))
                self._end_early(now_ms)
        elif action == _ACTION_EXTEND:
            self._extend(now_ms)
        elif action == _ACTION_RATE:
            if self.step[_STEP_KIND] == _STEP_RATE and 0 <= value <= _ACTION_RATING_MAX:
                si = self.step[_STEP_STRETCH]
                self.ratings.append((si, value))
                ev.append((_EVENT_RATING, (si, value), now_ms))
                self._end_early(now_ms)
        elif action == _ACTION_ABORT:
            if self.state == _PAUSED_STATE:
                self._resume(now_ms)
            self.aborted = True
            self._finish_hold(now_ms, True)
            self._finish(now_ms)
        return ev

    def remaining_ms(self, now_ms: int) -> int:
        """Time left in the current step (frozen while paused)."""
        at = self._paused_at if self.state == _PAUSED_STATE else now_ms
        return max(0, ticks_diff(self._deadline, at))

    def wait_ms(self, now_ms: int) -> int:
        """How long the caller may sleep before the next event; -1 means until a press."""
        if self.state != _RUNNING:
            return -1
        due = self._deadline
        if self._sec_k and ticks_diff(self._sec_at(), due) < 0:
            due = self._sec_at()
        if self._breathing and ticks_diff(self._breath_at, due) < 0:
            due = self._breath_at
        return max(0, ticks_diff(due, now_ms))

    def breath(self, now_ms: int) -> int:
        """Breath indicator in permille: grows 0->1000 on the in-breath, shrinks on out."""
        kind = self.step[_STEP_KIND]
        st = self.routine.stretches[self.step[_STEP_STRETCH]]
        at = self._paused_at if self.state == _PAUSED_STATE else now_ms
        t = ticks_diff(at, self._start)
        if kind == _STEP_MOVE_IN:
            return min(1000, t * 1000 // max(1, self.step[_STEP_DURATION_MS]))
        if kind == _STEP_SINK:
            return max(0, 1000 - t * 1000 // max(1, self.step[_STEP_DURATION_MS]))
        if kind == _STEP_HOLD and st.breath_pacing:
            i, o = st.breath_in_s * 1000, st.breath_out_s * 1000
            t %= i + o
            if t < i:
                return t * 1000 // i
            return 1000 - (t - i) * 1000 // o
        return 0

    def elapsed_ms(self, now_ms: int) -> int:
        end = self.ended_at if self.state == _FINISHED else now_ms
        return ticks_diff(end, self.started_at)

    def checkpoint(self, now_ms: int) -> tuple:
        """What a reset needs to come back: (step index, ms into the step)."""
        at = self._paused_at if self.state == _PAUSED_STATE else now_ms
        return (self.index, max(0, ticks_diff(at, self._start)))

    @property
    def finished(self) -> bool:
        return self.state == _FINISHED

    @property
    def paused(self) -> bool:
        return self.state == _PAUSED_STATE

    # -- internals ----------------------------------------------------------

    def _sec_at(self) -> int:
        return ticks_add(self._deadline, -1000 * self._sec_k)

    def _run(self, now_ms: int) -> list:
        ev = self._ev
        while self.state == _RUNNING:
            due = self._deadline
            what = 0
            if self._sec_k:
                s = self._sec_at()
                if ticks_diff(s, due) < 0:
                    due, what = s, 1
            if self._breathing and ticks_diff(self._breath_at, due) < 0:
                due, what = self._breath_at, 2
            if ticks_diff(now_ms, due) < 0:
                break
            if what == 1:
                ev.append((_EVENT_SECOND, self._sec_k, due))
                self._sec_k -= 1
            elif what == 2:
                self._breath_in = not self._breath_in
                ev.append((_EVENT_INHALE if self._breath_in else _EVENT_EXHALE, 0, due))
                st = self.routine.stretches[self.step[_STEP_STRETCH]]
                gap = st.breath_in_s if self._breath_in else st.breath_out_s
                self._breath_at = ticks_add(due, gap * 1000)
            else:
                self._finish_hold(due, False)
                if self.state == _RUNNING:
                    self._enter(due)
        return ev

    def _enter(self, at: int) -> None:
        self.index += 1
        step = next(self._steps)
        self.step = step
        kind = step[_STEP_KIND]
        self._start = at
        self._deadline = ticks_add(at, step[_STEP_DURATION_MS])
        self._sec_k = (step[_STEP_DURATION_MS] - 1) // 1000 if step[_STEP_DURATION_MS] else 0
        self._breathing = False
        ev = self._ev
        si = step[_STEP_STRETCH]
        if (kind == _STEP_PREPARE or kind == _STEP_DONE) and self._stretch >= 0:
            ev.append((_EVENT_STRETCH_DONE, self._stretch, at))
        self._stretch = si
        ev.append((_EVENT_PHASE, kind, at))
        if kind == _STEP_PREPARE:
            ev.append((_EVENT_STRETCH_START, si, at))
        elif kind == _STEP_MOVE_IN:
            ev.append((_EVENT_INHALE, 0, at))
        elif kind == _STEP_SINK:
            ev.append((_EVENT_EXHALE, 0, at))
        elif kind == _STEP_HOLD:
            self.hold_extended_ms = 0
            self._hold_open = True
            ev.append((_EVENT_HOLD_START, 0, at))
            st = self.routine.stretches[si]
            if st.breath_pacing:
                self._breathing = True
                self._breath_in = True
                self._breath_at = ticks_add(at, st.breath_in_s * 1000)
        elif kind == _STEP_REST:
            ev.append((_EVENT_REST, 0, at))
        elif kind == _STEP_SWITCH:
            ev.append((_EVENT_SWITCH_SIDE, step[_STEP_SIDE], at))
        elif kind == _STEP_RATE:
            ev.append((_EVENT_RATE_REQUEST, si, at))
        elif kind == _STEP_DONE:
            self._finish(at)

    def _finish_hold(self, at: int, skipped: bool) -> None:
        if not self._hold_open:
            return
        step = self.step
        result = [step[_STEP_STRETCH], step[_STEP_SIDE], step[_STEP_REP], step[_STEP_DURATION_MS],
                  ticks_diff(at, self._start), self.hold_extended_ms, skipped]
        if self.keep_results:
            self.results.append(result)
        self.held_ms += result[_HOLD_ACTUAL_MS]
        if not skipped:
            self.holds_done += 1
        self._ev.append((_EVENT_HOLD_END, result, at))
        self._hold_open = False

    def _end_early(self, now_ms: int) -> None:
        left = ticks_diff(self._deadline, now_ms)
        if left > 0:
            self.skipped_ms += left
        self._finish_hold(now_ms, True)
        if self.state == _RUNNING:
            self._enter(now_ms)
            self._run(now_ms)

    def _extend(self, now_ms: int) -> None:
        if self.step[_STEP_KIND] != _STEP_HOLD:
            return
        if self.hold_extended_ms + _EXTEND_STEP_MS > _EXTEND_CAP_MS:
            self._ev.append((_EVENT_EXTEND_LIMIT, 0, now_ms))
            return
        self.hold_extended_ms += _EXTEND_STEP_MS
        self.extended_ms += _EXTEND_STEP_MS
        self._deadline = ticks_add(self._deadline, _EXTEND_STEP_MS)
        self._sec_k = (ticks_diff(self._deadline, now_ms) - 1) // 1000
        self._ev.append((_EVENT_EXTENDED, _EXTEND_STEP_MS // 1000, now_ms))

    def _resume(self, now_ms: int) -> None:
        shift = ticks_diff(now_ms, self._paused_at)
        self.paused_ms += shift
        self._start = ticks_add(self._start, shift)
        self._deadline = ticks_add(self._deadline, shift)
        self._breath_at = ticks_add(self._breath_at, shift)
        self.state = _RUNNING
        self._ev.append((_EVENT_RESUMED, 0, now_ms))

    def _finish(self, at: int) -> None:
        self.state = _FINISHED
        self.ended_at = at
        self._breathing = False
        self._sec_k = 0
        self._ev.append((_EVENT_SESSION_DONE, 1 if self.aborted else 0, at))
