"""The device's main loop: menu, session, rating, summary.

All timing rules live in the core's engine; this module only routes: button
gestures become engine actions, engine events become cues, log records and
screen text.  ``App.step(now_ms)`` is one loop pass and returns how long the
loop may sleep, so the board idles between deadlines instead of spinning.
"""

from __future__ import annotations

import time

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from links import Links, open_links
from screens import MENU, MESSAGE, RATE, SESSION, SUMMARY, Screens
from store import Store, StoreError

from stretchcue import drop
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
_ACTION_ABORT = const(4)
_REC_START = const(1)

_MAX_SLEEP_MS = const(500)
_LINK_POLL_MS = const(20)  # while the host is connected, answer it promptly
_SLOW_ADV_MS = const(60_000)  # idle this long (no session, host, pairing or press): slow radio
_SLEEP_MS = const(180_000)  # idle this long: deep sleep (without `alarm`: the screen off)
_DAY_S = const(86400)  # stretchcue.remind.DAY_S
_CLOCK_SET_S = const(1_600_000_000)  # stretchcue.remind.CLOCK_SET_S
_REMIND = "stretchcue.remind"  # loaded to plan or fire a reminder, dropped after
DEFAULT_NAME = "lower-back"  # default_routine.DEFAULT_NAME, without loading its JSON

# session_view (with stretchcue.engine and stretchcue.cues): loaded when a session
# starts and forgotten when its summary is left (11 KB of a board's heap the menu and
# the radio can use).
sv: Any = None
en: Any = None
cues: Any = None


def _session_modules(load: bool) -> None:
    global sv, en, cues
    if load:
        if sv is None:
            import session_view

            from stretchcue import cues
            from stretchcue import engine as en
            sv = session_view
    else:  # whatever of them is loaded, a failed load's part too (dropping none is free)
        sv = en = cues = None
        drop("session_view")
        drop("session_screens")
        drop("stretchcue.cues")
        drop("stretchcue.engine")


def _more(name: str, *args: Any) -> Any:
    """Call what the app does rarely (boot, a new routine, a reminder) from app_more,
    loaded for the call and forgotten after: a board's heap holds it only then."""
    import app_more

    try:
        return getattr(app_more, name)(*args)
    finally:
        drop("app_more")


def _builtin() -> bytes:
    """The built-in routine's JSON, read only when needed and not kept loaded (2.5 KB)."""
    from default_routine import DEFAULT_JSON

    drop("default_routine")
    return DEFAULT_JSON


class App:
    def __init__(self, hw: Any, store: Store) -> None:
        from controls import Controls

        self.hw = hw
        self.store = store
        self.screens = Screens(hw.display, hw.width, hw.height, hw.color)
        self.controls = Controls(hw.keys, hw.key_names)
        self.player: Any = None  # a cues.Player while a session runs
        self.engine: Any = None
        self.mode = MENU
        self.note = ""
        self.names: list = []
        self.name = DEFAULT_NAME
        self.routine: Any = None
        self.routine_crc = 0
        self.rating = 3
        self.muted = False
        self.links = Links()
        self._level = -1
        self._tone = -1
        self._menu_shown = False
        self.window: Any = None  # the pairing window all links share, made when first needed
        self._window_drawn = -1  # the window's version on the screen; -1: not showing it
        self._forget = False
        self.requests: list = []  # "start" / "stop" from text mode, run by the loop
        self.unsaved = ""  # why this session's log could not be written, for its summary
        self.reminder: Any = None  # stretchcue.remind's [at_min, days, offset_min, fired_day]
        self._reminding = False  # the reminder's message is on the screen
        self._due_utc = 0  # when the reminder is next due (0: never), so a pass compares ints
        self._active_ms = 0  # the last press, session, host or pairing (ticks)
        self._slow = False  # the radio advertises slowly
        self.screen_off = False  # idle, on a board that cannot deep sleep

    @property
    def busy(self) -> bool:
        """A session is running: the radio refuses changes that would disturb it."""
        return self.mode in (SESSION, RATE)

    # -- routines -------------------------------------------------------------

    # -- rarely: in app_more, loaded for the call and dropped after ---------------

    def reload_routines(self) -> None:
        """Load the selected routine, or fall back to the built-in one and say why."""
        _more("reload_routines", self)

    def _next_routine(self) -> None:
        _more("next_routine", self)

    def boot(self, now_ms: int, woke: int = 0) -> None:
        """``woke``: this start is a wake from deep sleep (``power.woke()``): straight to
        the menu, as the board was left, with no boot message."""
        _more("boot", self, now_ms, woke)

    # -- the daily reminder ---------------------------------------------------

    def set_remind(self, r: Any) -> None:
        """A new reminder (None: off) from the laptop (``app_more.set_remind``)."""
        _more("set_remind", self, r)

    def _plan(self) -> None:
        from stretchcue import remind as rm

        self._due_utc = rm.next_utc(self.reminder, int(time.time()))
        drop(_REMIND)

    def _fired(self, day: int) -> None:
        _more("fired", self, day)

    def _check_remind(self, now_ms: int) -> None:
        """On the menu: the reminder, once it is due (``app_more.fire_remind``)."""
        if self.reminder is None:
            return
        if not self._due_utc:
            if int(time.time()) >= _CLOCK_SET_S:
                self._plan()  # planned before the clock was set
            return
        if int(time.time()) >= self._due_utc:
            _more("fire_remind", self, now_ms)

    def _start(self, now_ms: int, index: int = 0) -> None:
        try:
            _session_modules(True)
            self.player = cues.Player()
            self.engine = en.Engine(self.routine, False)
        except MemoryError:  # a heap too full or cut up to load the session: say so
            self.engine = self.player = None
            _session_modules(False)
            self._message("No memory", "to start; try again")
            return
        self.mode = SESSION
        self.unsaved = ""
        if index == 0:
            epoch = int(time.time())
            if self.reminder is not None:  # stretched today: no reminder later today
                r = self.reminder
                self._fired((epoch + r[2] * 60) // _DAY_S if epoch >= _CLOCK_SET_S else -1)
            self._log(_REC_START, epoch if epoch > 1_600_000_000 else 0, self.engine.plan_ms,
                      self.routine_crc, len(self.routine.stretches), self.routine.name)
        self._events(self.engine.start(now_ms, index, 0), now_ms)

    def _log(self, rtype: int, *values: Any) -> None:
        try:
            self.store.append(rtype, *values)
        except StoreError as e:
            self.note = "log not saved: " + e.reason
            self.unsaved = e.reason

    def _safe(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except StoreError as e:
            self.note = e.reason

    def add_note(self, text: str) -> None:
        """Something the menu should mention (a missing part, a damaged file)."""
        self.note = (self.note + "; " if self.note else "") + text

    def attach_radio(self, link: Any, proto: Any) -> None:
        """Serve the host tool over ``link`` (BLE, USB or a simulator's stand-in) too;
        ``proto`` is that link's own ``DeviceProtocol``."""
        self.links.add(link, proto)

    def pairing_window(self) -> Any:
        """The window, opened by a gesture; the links only look at ``window``."""
        if self.window is None:
            import os

            from stretchcue.protocol.pairing import Window

            self.window = Window(os.urandom)
        return self.window

    def _pair(self, now_ms: int, kind: int) -> None:
        """B held on the menu: the pairing window and its screens (``pair_view``, loaded
        until the window's last message has been shown)."""
        import pair_view

        pair_view.start(self, now_ms, kind)

    def _message(self, title: str, text: str) -> None:
        self.mode = MESSAGE
        self.screens.message(title, text)

    # -- the loop -------------------------------------------------------------

    def step(self, now_ms: int) -> int:
        """One pass: buttons, engine, cues, radio, screen.  Returns ms to sleep."""
        for g in self.controls.poll():
            if not self._wake(now_ms):  # the press that lights the screen does nothing else
                self._gesture(g, now_ms)
        eng = self.engine
        if eng is not None and self.busy:
            self._events(eng.tick(now_ms), now_ms)
        links = self.links
        if links.items:
            links.poll(now_ms)
            if self._window_drawn >= 0:
                import pair_view

                pair_view.show(self, now_ms)
            while self.requests:
                self._remote(self.requests.pop(0), now_ms)
        if self.mode == MENU and self.window is None:
            self._check_remind(now_ms)
        self._idle(now_ms)
        self._drive_outputs(now_ms)
        self._draw(now_ms)
        self.screens.refresh()
        wait = _MAX_SLEEP_MS
        if eng is not None and self.busy:
            w = eng.wait_ms(now_ms)
            if 0 <= w < wait:
                wait = w
        w = self.player.next_change_ms(now_ms) if self.player is not None else -1
        if 0 <= w < wait:
            wait = w
        if wait > _LINK_POLL_MS and links.connected:
            wait = _LINK_POLL_MS
        return wait

    def battery(self) -> Any:
        """The battery's charge in percent, or None where the board cannot tell."""
        b = self.hw.battery
        if b is None:
            return None
        try:
            return b.percent()
        except (OSError, RuntimeError, ValueError):
            return None

    # -- idle and sleep ----------------------------------------------------------

    def _idle(self, now_ms: int) -> None:
        """A session, a host, a pairing window or a text-mode request keeps the board
        awake; otherwise the radio slows after a minute, and after three the board sleeps."""
        if self.busy or self.window is not None or self.requests or self.links.connected:
            self._wake(now_ms)
            return
        idle = ticks_diff(now_ms, self._active_ms)
        if idle >= _SLOW_ADV_MS and not self._slow:
            self._slow = True
            self.links.advertise_slowly(True)
        if idle >= _SLEEP_MS:
            self._active_ms = ticks_add(now_ms, -_SLEEP_MS)  # long idle, however long
            if not self.screen_off:
                self._sleep()

    def _wake(self, now_ms: int) -> bool:
        """Something happened: the idle time starts again.  True if the screen was off."""
        self._active_ms = now_ms
        if self._slow:
            self._slow = False
            self.links.advertise_slowly(False)
        if not self.screen_off:
            return False
        self.screen_off = False
        self.screens.off(False)
        return True

    def _sleep(self) -> None:
        """Back to the menu, the screen off, then deep sleep until button A or the next
        reminder (``power``); a board without ``alarm`` stays on with its screen off."""
        if self.mode != MENU:
            self._reminding = self._forget = False
            self.engine = self.player = None
            _session_modules(False)
            self.mode = MENU
            self._menu_shown = False
        self.screen_off = True
        self.screens.off(True)
        self._plan()
        import power

        power.deep_sleep(self.hw, self.links, self._due_utc)
        drop("power")

    def _gesture(self, g: str, now_ms: int) -> None:
        mode = self.mode
        if g == "A_long":
            self.muted = not self.muted
        elif mode == MENU:
            if g == "A":
                self._start(now_ms)
            elif g == "B":
                self._next_routine()
            elif g == "B_long":
                self._pair(now_ms, 1)  # pairing.LAPTOP
            elif g == "AB":
                self._forget = True
                self._message("Forget computers?", "A: forget every paired computer; "
                              "B: keep them")
        elif mode in (MESSAGE, SUMMARY):
            if self._reminding:
                self._reminding = False
                if g == "A":
                    self._start(now_ms)
                    return
                self.player = None
                _session_modules(False)
            if self._forget and g == "A":
                self._forget = False
                try:
                    n = self.store.forget_keys()
                except StoreError as e:
                    self._message("Not forgotten", e.reason)
                    return
                self._message("Forgotten", "%d computer(s); pair again to connect" % n)
                return
            self._forget = False
            if self._window_drawn >= 0:
                import pair_view

                if pair_view.gesture(self, g, now_ms):
                    return
            if mode == SUMMARY:
                self.engine = self.player = None
                _session_modules(False)
            self.mode = MENU
            self._menu_shown = False
        elif mode == RATE or mode == SESSION:
            sv.gesture(self, g, now_ms)

    def _remote(self, what: str, now_ms: int) -> None:
        """A start or stop typed in text mode, done here as button A or A+B would."""
        if what == "start" and not self.busy:
            self._start(now_ms)
        elif what == "stop" and self.busy:
            sv.events(self, self.engine.press(_ACTION_ABORT, now_ms), now_ms)

    def _events(self, events: list, now_ms: int) -> None:
        sv.events(self, events, now_ms)

    def _drive_outputs(self, now_ms: int) -> None:
        player = self.player
        level = player.level(now_ms) if player is not None else 0
        if level != self._level:
            self._level = level
            self.hw.motor.level(level)
        tone = 0 if (player is None or self.muted or self.hw.muted) else player.tone(now_ms)
        if tone != self._tone:
            self._tone = tone
            self.hw.buzzer.tone(tone)

    def _draw(self, now_ms: int) -> None:
        sc = self.screens
        if self.mode == MENU:
            if not self._menu_shown:
                self._menu_shown = True
                pct = self.battery()
                sc.menu(self.routine.name, tl.total_ms(self.routine) // 1000,
                        " (muted)" if self.muted else "", "" if pct is None else "%d%%" % pct)
            return
        if sv is not None and self.engine is not None:
            sv.draw(self, now_ms)


def main(hw: Any) -> None:
    """Run forever: sleep until the next deadline, at most half a second."""
    import microcontroller

    store = Store(nvm=getattr(microcontroller, "nvm", None))
    note = store.open_keys()  # key files of earlier firmware leave the drive
    if note:
        hw.notes.append(note)
    import power

    woke = power.woke()  # before anything reads the clock: a wake may set it back
    drop("power")
    app = App(hw, store)
    app.boot(ticks_ms(), woke)
    open_links(app)
    while True:
        start = ticks_ms()
        wait = app.step(start)
        spent = ticks_diff(ticks_ms(), start)
        if wait > spent:
            time.sleep((wait - spent) / 1000)
