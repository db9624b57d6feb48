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
from stretchcue import engine as en
from stretchcue import sessionlog as sl
from stretchcue import timeline as tl

try:
    from typing import Any
except ImportError:
    pass

_PHASE_TEXT = ("Get ready", "Breathe in, move in", "Breathe out, sink", "Hold", "Release",
               "Rest", "Switch side", "Rate", "Done")
_SIDE_TEXT = ("", "Left", "Right")


def events(app: Any, reported: list, now_ms: int) -> None:
    """What the engine reports: cues played, holds and ratings logged, the mode moved on."""
    eng = app.engine
    for code, value, at in reported:
        cue = cues.for_event(code, value, eng.step[tl.KIND])
        if cue >= 0 and app.player.play(cue, now_ms):
            print("cue", cue)  # its name: stretchcue_host.names.CUE_NAMES
        if code == en.HOLD_END:
            r = value
            app._log(sl.HOLD, r[en.HOLD_STRETCH], r[en.HOLD_SIDE], r[en.HOLD_REP],
                     1 if r[en.HOLD_SKIPPED] else 0, r[en.HOLD_PLANNED_MS],
                     r[en.HOLD_ACTUAL_MS], r[en.HOLD_EXTENDED_MS])
        elif code == en.RATING:
            app._log(sl.RATING, value[0], value[1])
        elif code == en.RATE_REQUEST:
            app.mode = RATE
            app.rating = 3
        elif code == en.PHASE and value != tl.RATE and app.mode == RATE:
            app.mode = SESSION
        elif code == en.SESSION_DONE:
            app._log(sl.END, eng.elapsed_ms(at), eng.paused_ms, eng.extended_ms,
                     eng.skipped_ms, eng.plan_ms, value)
            app.mode = SUMMARY
            app.screens.dim(False)


def gesture(app: Any, g: str, now_ms: int) -> None:
    """A gesture while rating or in a session."""
    if app.mode == RATE:
        if g == "A":
            app.rating = (app.rating + 1) % (en.RATING_MAX + 1)
        elif g == "B":
            events(app, app.engine.press(en.RATE, now_ms, app.rating), now_ms)
        elif g in ("B_long", "C"):
            events(app, app.engine.press(en.SKIP, now_ms), now_ms)
        elif g == "AB":
            events(app, app.engine.press(en.ABORT, now_ms), now_ms)
    elif app.mode == SESSION:
        eng = app.engine
        action = 0
        if g == "A":
            action = en.PAUSE
        elif g == "B":
            action = en.EXTEND if eng.step[tl.KIND] == tl.HOLD else en.SKIP
        elif g in ("B_long", "C"):
            action = en.SKIP
        elif g == "AB":
            action = en.ABORT
        if action:
            events(app, eng.press(action, now_ms), now_ms)
            app.screens.dim(eng.paused)


def draw(app: Any, now_ms: int) -> None:
    """The session, rating and summary screens (the menu is the app's own)."""
    sc = app.screens
    eng = app.engine
    if app.mode == RATE:
        ss.rate(sc, app.routine.stretches[eng.step[tl.STRETCH]].title, app.rating)
    elif app.mode == SESSION:
        step = eng.step
        st = app.routine.stretches[step[tl.STRETCH]]
        kind = step[tl.KIND]
        where = detail(st, step)
        left = eng.remaining_ms(now_ms)
        secs = (left + 999) // 1000
        phase = _PHASE_TEXT[kind]
        done = -1
        if kind == tl.HOLD:
            done = max(0, 1000 - left * 1000 // max(1, step[tl.DURATION_MS]))
            if st.breath_pacing:
                phase = "Hold: breathe in" if sc.inhaling else "Hold: breathe out"
        if eng.paused:
            phase = "PAUSED"
        hint = "A resume  A+B stop" if eng.paused else (
            "A pause  B +10s" if kind == tl.HOLD else "A pause  B skip")
        ss.session(sc, st.title, where, secs, phase, hint,
                   st.cue if kind in (tl.PREPARE, tl.MOVE_IN) else "", done)
        breathing = kind == tl.MOVE_IN or kind == tl.SINK or (
            kind == tl.HOLD and st.breath_pacing)
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
    kind, side, rep = step[tl.KIND], step[tl.SIDE], step[tl.REP]
    if kind == tl.PREPARE:
        first = st.side_codes()[0]
        if not first:
            return "%d reps" % st.reps if st.reps > 1 else ""
        return _SIDE_TEXT[first] + (" side first" if len(st.side_codes()) > 1 else " side")
    if kind == tl.REST:
        side, rep = st.side_codes()[0], rep + 1
        return (_SIDE_TEXT[side] + " " if side else "") + "rep %d/%d next" % (rep, st.reps)
    if kind == tl.RATE or not rep:
        return ""
    return (_SIDE_TEXT[side] + " " if side else "") + "rep %d/%d" % (rep, st.reps)
