"""Button gestures: short press, long press (held 0.8 s) and both together.

Two buttons must cover pause, skip, extend, abort, rating and pairing, so a
press is classified on release using the keypad's own timestamps (the loop
may wake up to half a second late; the gesture is still measured exactly).
"""

from __future__ import annotations

from adafruit_ticks import ticks_diff

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

LONG_MS = const(800)


class Controls:
    """Turns ``keypad`` events into gesture names like "A", "B_long", "AB"."""

    def __init__(self, keys: Any, names: tuple) -> None:
        import keypad

        self._keys = keys
        self._names = names
        self._event = keypad.Event()
        self._down: list = [-1] * len(names)
        self._chord = False
        self._out: list = []

    def poll(self) -> list:
        """Gestures completed since the last poll (the list is reused)."""
        out = self._out
        out.clear()
        if self._keys is None:
            return out
        ev = self._event
        down = self._down
        while self._keys.events.get_into(ev):
            k = ev.key_number
            if ev.pressed:
                down[k] = ev.timestamp
                if sum(1 for t in down if t >= 0) > 1:
                    self._chord = True
                continue
            started = down[k]
            down[k] = -1
            if self._chord:
                if all(t < 0 for t in down):
                    self._chord = False
                    out.append("AB")
                continue
            if started < 0:
                continue
            held = ticks_diff(ev.timestamp, started)
            out.append(self._names[k] + ("_long" if held >= LONG_MS else ""))
        return out
