"""The simulated board's shared state: virtual clock, trace, scripted buttons, board choice.

Stand-in modules read and write this one object, so the runner can script
presses, stop the run and collect what the firmware did, in virtual time.
"""

from __future__ import annotations

import json
import time as _real_time

TICKS_PERIOD = 1 << 29


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
        self.stop_when_summary = True
        self.presses: list[tuple[int, int, bool]] = []  # (at_ms, key, pressed)
        self.keys = None
        self.trace_file = None
        self.echo = True
        self.sleeps = 0
        self.roles: dict[str, str] = {}
        self.drv2605 = True
        self.displays: list = []
        self.summary_seen = False
        self._t0 = _real_time.monotonic()

    # -- clock --------------------------------------------------------------

    def ticks_ms(self) -> int:
        return (self.tick_base + self.now_ms) % TICKS_PERIOD

    def sleep(self, seconds: float) -> None:
        """Advance virtual time, delivering scripted presses on the way."""
        self.sleeps += 1
        self.emit("sleep", ms=int(seconds * 1000))
        target = self.now_ms + max(0, int(round(seconds * 1000)))
        while self.presses and self.presses[0][0] <= target:
            at, key, pressed = self.presses.pop(0)
            self._advance(max(self.now_ms, at))
            if self.keys is not None:
                self.keys.inject(key, pressed, self.ticks_ms())
        self._advance(target)
        if self.summary_seen and self.stop_when_summary:
            raise SimStop
        if self.now_ms >= self.until_ms:
            raise SimStop

    def _advance(self, target: int) -> None:
        if self.cut_at_ms is not None and target >= self.cut_at_ms:
            self.now_ms = self.cut_at_ms
            self.emit("power_cut")
            if self.trace_file:
                self.trace_file.flush()
            import os

            os._exit(3)  # no cleanup, no flushing: as abrupt as pulling the battery
        self.now_ms = target
        if self.speed > 0:
            lag = self._t0 + self.now_ms / 1000 / self.speed - _real_time.monotonic()
            if lag > 0:
                _real_time.sleep(lag)

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


WORLD = World()
