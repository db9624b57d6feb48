"""Routine model: what a checked routine is, and the way in (``loads``, ``from_dict``).

Humans write TOML on the laptop; the host turns it into a plain dict, checks it
with ``from_dict``, and sends canonical JSON.  The device reads the same JSON
with ``loads`` and the same rules, so a routine that validated on the laptop
cannot surprise the device.  The rules and checks themselves are in
``routine_check``, which a board imports only while it reads a routine and
then forgets (``stretchcue.drop``): the routine stays, its checker does not.

Validation collects every error at once, each a tuple ``(path, code, *values)``:
a path such as ``stretches[2].hold_s``, a short code such as ``"range"``, and
only the values the explanation needs (the number given, a type's name).  The
device keeps every check but none of the prose: the laptop turns codes into
words (``stretchcue_host.routine_rules``), and it alone writes canonical JSON.
"""

from __future__ import annotations

from stretchcue import drop

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

FORMAT = const(1)

# Side codes used by the timeline and the log (0 = no side).
SIDE_NONE = const(0)
SIDE_LEFT = const(1)
SIDE_RIGHT = const(2)

MAX_TOTAL_S = const(3600)
MAX_STRETCHES = const(12)
MAX_ROUTINE_BYTES = const(8192)
# Texts fit the smallest screen (stretchcue.fit: 21 cells of the built-in font across
# the Feather's OLED); a cue also in fit.CUE_ROWS lines.
TITLE_MAX = const(21)
CUE_MAX = const(60)
NAME_MAX = const(21)


class RoutineError(ValueError):
    """A routine failed validation; ``errors`` lists every ``(path, code, *values)``."""

    def __init__(self, errors: list) -> None:
        super().__init__("invalid routine")
        self.errors = errors


class Stretch:
    """One stretch, with every field filled in (defaults already applied)."""

    title: str
    cue: str
    sides: str
    reps: int
    hold_s: int
    move_in_s: int
    sink_s: int
    release_s: int
    rest_s: int
    switch_s: int
    breath_in_s: int
    breath_out_s: int
    breath_pacing: bool
    rate: bool

    def side_codes(self) -> tuple:
        s = self.sides
        if s == "both":
            return (SIDE_LEFT, SIDE_RIGHT)
        if s == "left":
            return (SIDE_LEFT,)
        if s == "right":
            return (SIDE_RIGHT,)
        return (SIDE_NONE,)


class Routine:
    """A named, ordered list of stretches plus routine-wide timings."""

    name: str
    stretches: list
    prepare_s: int
    rate_timeout_s: int


def _check(fn: str, arg: Any) -> Routine:
    from stretchcue import routine_check

    try:
        return getattr(routine_check, fn)(arg)
    finally:
        drop("stretchcue.routine_check")


def from_dict(data: Any) -> Routine:
    """Check a parsed routine and build it, or raise RoutineError with all errors."""
    return _check("from_dict", data)


def loads(text: Any) -> Routine:
    """Parse and validate JSON routine text or bytes (canonical or not)."""
    return _check("loads", text)


def load(stream: Any) -> Routine:
    """Parse and validate a JSON routine from an open file, read as it is parsed."""
    return _check("load", stream)
