"""What the app does rarely: start up, load a routine, plan and fire the reminder.

``app._more`` loads this module for one call and forgets it after, so a board's
heap holds this code only while it runs (a boot, a routine selected or pushed, a
reminder), never through a session or while a host is connected.
"""

from __future__ import annotations

import gc
from binascii import crc32

import app as app_module
from app import _REMIND, DEFAULT_NAME, MENU, MESSAGE, _builtin
from store import StoreError

from stretchcue import DROP, drop, resume
from stretchcue import routine as rt
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
_CUE_REMIND = const(14)
_REC_RESUMED = const(6)


def reload_routines(app: Any) -> None:
    """Load the selected routine, or fall back to the built-in one and say why."""
    app.note = ""
    app.names = app.store.routine_names(DEFAULT_NAME)
    name = app.store.selected() or DEFAULT_NAME
    data = b""
    if name not in app.names and name != DEFAULT_NAME:
        app.note = "'%s' is missing; using the built-in routine" % name
    try:
        if name in app.names:
            data = app.store.read_routine(name)
        if not data:
            raise rt.RoutineError([])
        app.routine = rt.loads(data)
    except Exception as e:  # noqa: BLE001  (a stored routine must never stop a boot)
        damaged = bool(data)
        data = b""
        if DROP:  # a board, after a MemoryError: the bytes and the half-built tree go first
            gc.collect()
        if not isinstance(e, rt.RoutineError):
            app.store.set_aside(app.store.routine_path(name), e)
            app.note = "'%s' is unreadable, set aside; using the built-in routine" % name
        elif damaged:
            app.note = "'%s' is damaged (%s); using the built-in routine" % (
                name, e.errors[0][0] if e.errors else "?")
        name, data = DEFAULT_NAME, _builtin()
        app.routine = rt.loads(data)
    app.name = name
    app.routine_crc = crc32(data) & 0xFFFFFFFF
    if app.mode == MENU:
        app._menu_shown = False


def next_routine(app: Any) -> None:
    """Button B on the menu: the next routine by name, the built-in one among them;
    listed afresh, as one pushed without being selected counts too."""
    names = app.store.routine_names(DEFAULT_NAME)
    if len(names) < 2:
        return
    i = names.index(app.name) + 1 if app.name in names else 0
    app._safe(app.store.select, names[i % len(names)])
    reload_routines(app)


def boot(app: Any, now_ms: int, woke: int = 0) -> None:
    """``woke``: this start is a wake from deep sleep (``power.woke()``): straight to
    the menu, as the board was left, with no boot message."""
    app._active_ms = now_ms
    why = ""
    try:
        app.store.open()
    except StoreError as e:
        why = e.reason
    from stretchcue import remind as rm

    app.reminder = rm.parse(app.store.remind())
    app._plan()
    reload_routines(app)
    for part in [why, app.store.notes()] + app.hw.notes:
        if part:
            app.add_note(part)
    start, hold = app.store.unfinished()
    if start is not None and start.fields()["routine_crc"] == app.routine_crc:
        index = resume.resume_index(app.routine, hold)
        app._start(now_ms, index)
        if app.engine is not None:  # not when it had no memory to start
            app._log(_REC_RESUMED, index, 0)
    elif app.note and not woke:
        app._message("Note", app.note)


def set_remind(app: Any, r: Any) -> None:
    """A new reminder (None: off) from the laptop; the day it last fired is kept, so
    changing it never buzzes twice in a day.  Written only when it changed."""
    old = app.reminder
    if r is not None and old is not None:
        r[3] = old[3]
    if r != old:
        app.reminder = r
        app._safe(app.store.set_remind, "%d %d %d %d" % tuple(r) if r is not None else "")
    app._plan()  # the clock came with it


def fired(app: Any, day: int) -> None:
    r = app.reminder
    if r is not None and day >= 0 and r[3] != day:
        r[3] = day
        app._safe(app.store.set_remind, "%d %d %d %d" % tuple(r))
        app._plan()


def fire_remind(app: Any, now_ms: int) -> None:
    """Buzz the reminder's own cue and offer the routine, once a day."""
    now = int(app_module.time.time())  # the app's clock (one place for tests to set it)
    from stretchcue import remind as rm

    day = rm.due(app.reminder, now)
    drop(_REMIND)
    if day < 0:
        app._plan()
        return
    fired(app, day)
    app._wake(now_ms)
    try:
        app_module._session_modules(True)
        app.player = app_module.cues.Player()
        app.player.play(_CUE_REMIND, now_ms)
    except MemoryError:  # no buzz, but the offer still shows
        app.player = None
        app_module._session_modules(False)
    app._reminding = True
    total_s = tl.total_ms(app.routine) // 1000
    app.screens.message("Time to stretch", "%s, %d:%02d" % (
        app.routine.name, total_s // 60, total_s % 60), "A start  B later")
    app.mode = MESSAGE
