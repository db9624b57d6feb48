"""The session's side of the app: its screens, its buttons and what the engine reports.

Loaded with ``session_screens``, ``stretchcue.engine`` and ``stretchcue.cues`` when a
session starts and forgotten with them when its summary is left
(``app._session_modules``), so the menu and the radio, the heap's busiest times, do
not hold it.
"""

from __future__ import annotations

import session_screens as ss
from screens import MESSAGE, RATE, SESSION, SUMMARY

from stretchcue import cues

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
_ACTION_ABORT = const(4)
_ACTION_EXTEND = const(3)
_ACTION_PAUSE = const(1)
_ACTION_RATE = const(5)
_ACTION_RATING_MAX = const(5)
_ACTION_SKIP = const(2)
_EVENT_HOLD_END = const(5)
_EVENT_PHASE = const(1)
_EVENT_RATE_REQUEST = const(9)
_EVENT_RATING = const(10)
_EVENT_SESSION_DONE = const(11)
_HOLD_ACTUAL_MS = const(4)
_HOLD_EXTENDED_MS = const(5)
_HOLD_PLANNED_MS = const(3)
_HOLD_REP = const(2)
_HOLD_SIDE = const(1)
_HOLD_SKIPPED = const(6)
_HOLD_STRETCH = const(0)
_REC_END = const(4)
_REC_HOLD = const(2)
_REC_RATING = const(3)
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


_PHASE_TEXT = ("Get ready", "Breathe in, move in", "Breathe out, sink", "Hold", "Release",
               "Rest", "Switch side", "Rate", "Done")
_SIDE_TEXT = ("", "Left", "Right")


def events(app: Any, reported: list, now_ms: int) -> None:
    """What the engine reports: cues played, holds and ratings logged, the mode moved on."""
    eng = app.engine
    for code, value, at in reported:
        cue = cues.for_event(code, value, eng.step[_STEP_KIND])
        if cue >= 0 and app.player.play(cue, now_ms):
            print("cue", cue)  # its name: stretchcue_host.names.CUE_NAMES
        if code == _EVENT_HOLD_END:
            r = value
            app._log(_REC_HOLD, r[_HOLD_STRETCH], r[_HOLD_SIDE], r[_HOLD_REP],
                     1 if r[_HOLD_SKIPPED] else 0, r[_HOLD_PLANNED_MS],
                     r[_HOLD_ACTUAL_MS], r[_HOLD_EXTENDED_MS])
        elif code == _EVENT_RATING:
            app._log(_REC_RATING, value[0], value[1])
        elif code == _EVENT_RATE_REQUEST:
            app.mode = RATE
            app.rating = 3
        elif code == _EVENT_PHASE and value != _STEP_RATE and app.mode == RATE:
            app.mode = SESSION
        elif code == _EVENT_SESSION_DONE:
            app._log(_REC_END, eng.elapsed_ms(at), eng.paused_ms, eng.extended_ms,
                     eng.skipped_ms, eng.plan_ms, value)
            app.mode = SUMMARY
            app.screens.dim(False)


def gesture(app: Any, g: str, now_ms: int) -> None:
    """A gesture while rating or in a session."""
    if app.mode == RATE:
        if g == "A":
            app.rating = (app.rating + 1) % (_ACTION_RATING_MAX + 1)
        elif g == "B":
            events(app, app.engine.press(_ACTION_RATE, now_ms, app.rating), now_ms)
        elif g in ("B_long", "C"):
            events(app, app.engine.press(_ACTION_SKIP, now_ms), now_ms)
        elif g == "AB":
            events(app, app.engine.press(_ACTION_ABORT, now_ms), now_ms)
    elif app.mode == SESSION:
        eng = app.engine
        action = 0
        if g == "A":
            action = _ACTION_PAUSE
        elif g == "B":
            action = _ACTION_EXTEND if eng.step[_STEP_KIND] == _STEP_HOLD else _ACTION_SKIP
        elif g in ("B_long", "C"):
            action = _ACTION_SKIP
        elif g == "AB":
            action = _ACTION_ABORT
        if action:
            events(app, eng.press(action, now_ms), now_ms)
            app.screens.dim(eng.paused)


def draw(app: Any, now_ms: int) -> None:
    """The session, rating and summary screens (the menu is the app's own)."""
    sc = app.screens
    eng = app.engine
    if app.mode == RATE:
        ss.rate(sc, app.routine.stretches[eng.step[_STEP_STRETCH]].title, app.rating)
    elif app.mode == SESSION:
        step = eng.step
        st = app.routine.stretches[step[_STEP_STRETCH]]
        kind = step[_STEP_KIND]
        where = detail(st, step)
        left = eng.remaining_ms(now_ms)
        secs = (left + 999) // 1000
        phase = _PHASE_TEXT[kind]
        done = -1
        if kind == _STEP_HOLD:
            done = max(0, 1000 - left * 1000 // max(1, step[_STEP_DURATION_MS]))
            if st.breath_pacing:
                phase = "Hold: breathe in" if sc.inhaling else "Hold: breathe out"
        if eng.paused:
            phase = "PAUSED"
        hint = "A resume  A+B stop" if eng.paused else (
            "A pause  B +10s" if kind == _STEP_HOLD else "A pause  B skip")
        ss.session(sc, st.title, where, secs, phase, hint,
                   st.cue if kind in (_STEP_PREPARE, _STEP_MOVE_IN) else "", done)
        breathing = kind == _STEP_MOVE_IN or kind == _STEP_SINK or (
            kind == _STEP_HOLD and st.breath_pacing)
        ss.breath(sc, eng.breath(now_ms) if breathing else -1, kind)
        if app.hw.pixels is not None:
            b = eng.breath(now_ms) * 255 // 1000
            app.hw.pixels.fill((0, b // 3, b))
    elif app.mode == SUMMARY and app.unsaved:
        if sc.kind != MESSAGE:
            sc.message("Not saved", "This session could not be saved: " + app.unsaved)
    elif app.mode == SUMMARY and sc.kind != SUMMARY:
        planned = sum(st.reps * len(st.side_codes()) for st in app.routine.stretches)
        ss.summary(sc, eng.held_ms // 1000, eng.holds_done, planned, eng.aborted)


def detail(st: Any, step: tuple) -> str:
    """Which side and rep: the side that comes first while getting ready, the rep
    that comes next while resting."""
    kind, side, rep = step[_STEP_KIND], step[_STEP_SIDE], step[_STEP_REP]
    if kind == _STEP_PREPARE:
        first = st.side_codes()[0]
        if not first:
            return "%d reps" % st.reps if st.reps > 1 else ""
        return _SIDE_TEXT[first] + (" side first" if len(st.side_codes()) > 1 else " side")
    if kind == _STEP_REST:
        side, rep = st.side_codes()[0], rep + 1
        return (_SIDE_TEXT[side] + " " if side else "") + "rep %d/%d next" % (rep, st.reps)
    if kind == _STEP_RATE or not rep:
        return ""
    return (_SIDE_TEXT[side] + " " if side else "") + "rep %d/%d" % (rep, st.reps)
