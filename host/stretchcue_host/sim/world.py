"""The simulated board's shared state: virtual clock, trace, scripted buttons, board choice.

Stand-in modules read and write this one object, so the runner can script
presses, stop the run and collect what the firmware did, in virtual time.

This file also runs inside MicroPython and CircuitPython's own VM (the board
image test ships it there with fakes/hw.py, see sim/vm/), so it keeps to what
those have: no dataclasses, no typing at run time, imports only where used.
"""

from __future__ import annotations

import json
import time as _real_time

TICKS_PERIOD = 1 << 29


#: Lines only a session's screens show (firmware/session_view.py's phases, its hints):
#: while one is up the simulated clock runs at ``busy_speed`` (and a run knows a
#: session is under way, tests/boardimage/scenario.py).
SESSION_LINES = ("Get ready", "Breathe in, move in", "Breathe out, sink", "Hold",
                  "Release", "Rest", "Switch side", "PAUSED", "A pause", "A resume", "A +1")

class SimStop(BaseException):
    """Ends the firmware's endless loop; not an Exception so firmware code cannot catch it."""


class World:
    def __init__(self) -> None:
        self.board = "clue"
        self.speed = 0.0
        self.now_ms = 0
        self.tick_base = TICKS_PERIOD - 30_000  # start near the wrap, as bugs hide there
        self.epoch_base = int(_real_time.time())
        self.until_ms = 6 * 3600 * 1000
        self.cut_at_ms: int | None = None
        self.stop_when_summary = True  # also: the clock runs at busy_speed during a session
        self.presses: list[tuple[int, int, bool]] = []  # (at_ms, key, pressed)
        self.keys = None
        self.trace_file = None
        self.echo = True
        self.sleeps = 0
        self.roles: dict[str, str] = {}
        self.drv2605 = True
        self.i2c_others: tuple = ()  # more I2C addresses that answer (a display)
        self.displays: list = []
        self.summary_seen = False
        self.busy = False
        self.busy_speed = 0.0
        self.texts: list = []  # the label texts on screen after the last refresh
        self.screen_changes = 0
        self._commands: list = []  # presses from stdin, at times relative to their arrival
        self.stop_reason = ""  # set by stop(): the run ends at the firmware's next sleep
        self._napping = False  # inside a real-time sleep, where stop() may end it at once
        # The window's keyboard (set by the runner when there is a window): returns the
        # [(key, pressed)] that happened since it was last called.  Called every few
        # real milliseconds while the clock waits, so a key reaches the board at once.
        self.pump = None

    # -- clock --------------------------------------------------------------

    def ticks_ms(self) -> int:
        return (self.tick_base + self.now_ms) % TICKS_PERIOD

    def sleep(self, seconds: float) -> None:
        """Advance virtual time, delivering scripted presses on the way."""
        self.sleeps += 1
        self.emit("sleep", ms=int(seconds * 1000))
        if self.stop_reason:
            raise SimStop
        self._take_commands()
        target = self.now_ms + max(0, int(round(seconds * 1000)))
        while self.presses and self.presses[0][0] <= target:
            at, key, pressed = self.presses.pop(0)
            self._advance(max(self.now_ms, at))
            if self.keys is not None:
                self.keys.inject(key, pressed, self.ticks_ms())
        self._advance(target)
        if self.summary_seen and self.stop_when_summary:
            raise SimStop
        if self.now_ms >= self.until_ms or self.stop_reason:
            raise SimStop

    def stop(self, reason: str) -> None:
        """End the run as --until-ms would: at once if the firmware is sleeping, else at its
        next sleep, so no write of the firmware's is cut short (for a signal handler)."""
        self.stop_reason = reason
        if self._napping:
            raise SimStop

    def _advance(self, target: int) -> None:
        if self.cut_at_ms is not None and target >= self.cut_at_ms:
            self.now_ms = self.cut_at_ms
            self.emit("power_cut")
            if self.trace_file:
                self.trace_file.flush()
            import os

            os._exit(3)  # no cleanup, no flushing: as abrupt as pulling the battery
        speed = self.busy_speed if self.busy else self.speed
        if self.pump is not None:
            self._take_keys(self.now_ms)
        if speed > 0:
            self._napping = True
            try:
                if self.pump is None:
                    _real_time.sleep((target - self.now_ms) / 1000 / speed)
                else:
                    self._nap_with_keys(target, speed)
            finally:
                self._napping = False
        self.now_ms = target

    def _nap_with_keys(self, target: int, speed: float) -> None:
        """The real-time wait of ``_advance``, in slices that look at the keyboard."""
        start_ms = self.now_ms
        t0 = _real_time.monotonic()
        span_s = (target - start_ms) / 1000 / speed
        while True:
            elapsed = _real_time.monotonic() - t0
            self._take_keys(min(target, start_ms + int(elapsed * 1000 * speed)))
            if elapsed >= span_s:
                return
            _real_time.sleep(min(span_s - elapsed, 0.02))

    def _take_keys(self, at_ms: int) -> None:
        for key, pressed in self.pump():
            if self.keys is not None:
                self.keys.inject(key, pressed, (self.tick_base + at_ms) % TICKS_PERIOD)

    def listen_stdin(self) -> None:
        """Take button presses from stdin lines, as a finger on the simulated board:
        ``press GESTURE`` presses now, ``script A@0s,B@5s`` at times from now.  A line
        that is neither is reported on stderr and skipped; the run goes on."""
        import os
        import threading

        def take(raw: bytes) -> None:
            presses = self.parse_command(raw.decode("utf-8", "replace"))
            if presses:
                self._commands.append(presses)

        def reader() -> None:
            # os.read, not sys.stdin: no text decoding to fail, and no buffer lock held
            # here that the interpreter's exit would wait for.
            rest = b""
            while True:
                try:
                    data = os.read(0, 4096)
                except OSError:
                    data = b""
                if not data:
                    take(rest)
                    return
                *lines, rest = (rest + data).split(b"\n")
                for line in lines:
                    take(line)

        threading.Thread(target=reader, daemon=True).start()

    def parse_command(self, line: str) -> list | None:
        """One stdin line as ``(ms from now, key, pressed)`` transitions; None (and a line
        on stderr saying why) if it is not a command, [] if it is blank."""
        import sys

        from stretchcue_host.sim.runner import KEY_NAMES, ScriptError, parse_buttons

        text = line.strip()
        verb, _, arg = text.partition(" ")
        arg = arg.strip()
        try:
            if not text:
                return []
            if verb == "press":
                keys = list(KEY_NAMES[self.board]) + ["AB"]
                gestures = keys + [k + "_long" for k in keys]
                if arg not in gestures:
                    raise ScriptError("press takes one of %s on %s"
                                      % (", ".join(gestures), self.board))
                return parse_buttons(arg + "@0ms", self.board)
            if verb == "script" and arg:
                return parse_buttons(arg, self.board)
            raise ScriptError("write 'press GESTURE' (e.g. press B_long) or "
                              "'script A@0s,B@5s' (times from now)")
        except ScriptError as e:
            print("stdin: ignored %r: %s" % (text[:80], e), file=sys.stderr, flush=True)
            return None

    def _take_commands(self) -> None:
        while self._commands:
            for at, key, pressed in self._commands.pop(0):
                self.presses.append((self.now_ms + at, key, pressed))
            self.presses.sort()

    # -- screen -------------------------------------------------------------

    def show(self, texts: list, **extra: object) -> None:
        """A display refreshed with these label texts: trace them, and note the summary
        (the run may stop there) and whether a session is running (busy_speed)."""
        extra["texts"] = texts
        self.emit("screen", **extra)
        if "under stretch" in texts:
            self.summary_seen = True
        busy = False
        for t in texts:  # a step's phase line, or a hint only a session shows
            if t.startswith(SESSION_LINES):
                busy = True
        self.busy = busy
        if texts != self.texts:
            self.texts = texts
            self.screen_changes += 1

    # -- trace --------------------------------------------------------------

    def emit(self, kind: str, **data: object) -> None:
        if self.trace_file is None:
            return
        data["t"] = self.now_ms
        data["type"] = kind
        self.trace_file.write(json.dumps(data) + "\n")

    def stamp(self) -> str:
        m, s = divmod(self.now_ms / 1000, 60)
        return f"{int(m):02d}:{s:04.1f}"


def label_texts(group) -> list:
    """Texts of all labels under ``group``, in drawing order (what a person reads)."""
    out: list = []
    for item in group if group is not None else ():
        text = getattr(item, "text", None)
        if isinstance(text, str):
            if text:
                out.append(text)
        elif hasattr(item, "__iter__") and not hasattr(item, "text"):
            try:
                out.extend(label_texts(item))
            except TypeError:
                pass
    return out


WORLD = World()
