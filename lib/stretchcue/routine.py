"""Routine model, validation and the canonical JSON the device stores.

Humans write TOML on the laptop; the host turns it into a plain dict, checks it
here, and sends the canonical JSON.  The device parses the same JSON with the
same rules, so a routine that validated on the laptop cannot surprise the
device.  Validation collects every error at once, each with a path such as
``stretches[2].hold_s`` and a reason a person can act on.
"""

from __future__ import annotations

import json

try:
    from typing import Any
except ImportError:
    pass

FORMAT = 1

SIDES = ("none", "both", "left", "right")

# Side codes used by the timeline and the log (0 = no side).
SIDE_NONE = 0
SIDE_LEFT = 1
SIDE_RIGHT = 2
SIDE_NAMES = ("", "left", "right")

MAX_TOTAL_S = 3600
MAX_STRETCHES = 12
MAX_ROUTINE_BYTES = 8192
TITLE_MAX = 24
CUE_MAX = 60
NAME_MAX = 32

# name: (default, low, high, why the limits are what they are)
STRETCH_INTS = {
    "reps": (4, 1, 10, "more than 10 reps of one stretch is better split into two stretches"),
    "hold_s": (30, 5, 120, "holds under 5 s do not lengthen the muscle; over 120 s is a posture"),
    "move_in_s": (4, 2, 15, "time to move in while breathing in; a breath takes 2 to 15 s"),
    "sink_s": (6, 0, 15, "time to sink on the out-breath; 0 skips it, a breath is at most 15 s"),
    "release_s": (4, 2, 15, "time to come out slowly; rushing it undoes the stretch"),
    "rest_s": (10, 0, 120, "rest between reps; over 2 minutes the muscle cools down"),
    "switch_s": (5, 0, 60, "pause to change sides; a minute is plenty"),
    "breath_in_s": (4, 2, 10, "paced in-breath during the hold; about 6 breaths a minute"),
    "breath_out_s": (6, 2, 12, "paced out-breath during the hold; longer than the in-breath"),
}
STRETCH_BOOLS = {"breath_pacing": True, "rate": True}
STRETCH_KEYS = ("title", "cue", "sides") + tuple(STRETCH_INTS) + tuple(STRETCH_BOOLS)

ROUTINE_INTS = {
    "prepare_s": (10, 3, 60, "time to get into position before each stretch"),
    "rate_timeout_s": (20, 5, 60, "how long the rating question waits before moving on"),
}
ROUTINE_KEYS = ("format", "name", "stretches", "defaults") + tuple(ROUTINE_INTS)
DEFAULTABLE = ("sides",) + tuple(STRETCH_INTS) + tuple(STRETCH_BOOLS)


class RoutineError(ValueError):
    """A routine failed validation; ``errors`` lists every ``(path, reason)``."""

    def __init__(self, errors: list) -> None:
        super().__init__("; ".join(p + ": " + r for p, r in errors))
        self.errors = errors


class Stretch:
    """One stretch, with every field filled in (defaults already applied)."""

    __slots__ = ("title", "cue", "sides") + tuple(STRETCH_INTS) + tuple(STRETCH_BOOLS)
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

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in STRETCH_KEYS}


class Routine:
    """A named, ordered list of stretches plus routine-wide timings."""

    __slots__ = ("name", "stretches", "prepare_s", "rate_timeout_s")
    name: str
    stretches: list
    prepare_s: int
    rate_timeout_s: int

    def as_dict(self) -> dict:
        return {
            "format": FORMAT,
            "name": self.name,
            "prepare_s": self.prepare_s,
            "rate_timeout_s": self.rate_timeout_s,
            "stretches": [s.as_dict() for s in self.stretches],
        }


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _typename(v: Any) -> str:
    if isinstance(v, bool):
        return "true/false"
    if isinstance(v, int):
        return "a whole number"
    if isinstance(v, float):
        return "a decimal number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, (list, tuple)):
        return "a list"
    if isinstance(v, dict):
        return "a table"
    return "nothing" if v is None else "an unsupported value"


def _unknown(path: str, key: Any, allowed: tuple, errors: list) -> None:
    hint = ""
    k = str(key)
    for a in allowed:
        if a.startswith(k[:3]) or k.replace("-", "_") == a:
            hint = " (did you mean '" + a + "'?)"
            break
    errors.append((path + str(key), "unknown field" + hint))


def _int(src: dict, key: str, spec: tuple, path: str, errors: list) -> int:
    default, low, high, why = spec
    v = src.get(key, default)
    if not _is_int(v):
        if isinstance(v, float) and -1e9 < v < 1e9 and v == int(v):
            v = int(v)
        else:
            errors.append((path + key, "must be a whole number of seconds or a count, not "
                           + _typename(v)))
            return default
    if v < low or v > high:
        errors.append((path + key, "must be between %d and %d, got %d: %s" % (low, high, v, why)))
    return v


def _text(src: dict, key: str, path: str, limit: int, errors: list, required: bool) -> str:
    v = src.get(key)
    if v is None:
        if required:
            errors.append((path + key, "is required"))
        return ""
    if not isinstance(v, str):
        errors.append((path + key, "must be text, not " + _typename(v)))
        return ""
    if required and not v.strip():
        errors.append((path + key, "must not be blank"))
    elif len(v) > limit:
        errors.append((path + key, "is %d characters; at most %d fit on the screen"
                       % (len(v), limit)))
    elif "\n" in v or "\t" in v:
        errors.append((path + key, "must be one line (no line breaks or tabs)"))
    return v.strip()


def _stretch(raw: Any, defaults: dict, path: str, errors: list) -> Stretch:
    s = Stretch()
    if not isinstance(raw, dict):
        errors.append((path[:-1], "must be a table with a title, not " + _typename(raw)))
        raw = {}
    for k in raw:
        if k not in STRETCH_KEYS:
            _unknown(path, k, STRETCH_KEYS, errors)
    src = dict(defaults)
    src.update(raw)
    s.title = _text(src, "title", path, TITLE_MAX, errors, True)
    s.cue = _text(src, "cue", path, CUE_MAX, errors, False)
    sides = src.get("sides", "none")
    if sides not in SIDES:
        errors.append((path + "sides", "must be one of none, both, left, right; got "
                       + repr(sides)))
        sides = "none"
    s.sides = sides
    for k in STRETCH_INTS:
        setattr(s, k, _int(src, k, STRETCH_INTS[k], path, errors))
    for k in STRETCH_BOOLS:
        v = src.get(k, STRETCH_BOOLS[k])
        if not isinstance(v, bool):
            errors.append((path + k, "must be true or false, not " + _typename(v)))
            v = STRETCH_BOOLS[k]
        setattr(s, k, v)
    return s


def from_dict(data: Any) -> Routine:
    """Check a parsed routine and build it, or raise RoutineError with all errors."""
    errors: list = []
    if not isinstance(data, dict):
        raise RoutineError([("routine", "must be a table of fields, not " + _typename(data))])
    for k in data:
        if k not in ROUTINE_KEYS:
            _unknown("", k, ROUTINE_KEYS, errors)
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        errors.append(("format", "this device understands format %d, got %r" % (FORMAT, fmt)))
    r = Routine()
    r.name = _text(data, "name", "", NAME_MAX, errors, True)
    for k in ROUTINE_INTS:
        setattr(r, k, _int(data, k, ROUTINE_INTS[k], "", errors))
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        errors.append(("defaults", "must be a table, not " + _typename(defaults)))
        defaults = {}
    for k in defaults:
        if k not in DEFAULTABLE:
            _unknown("defaults.", k, DEFAULTABLE, errors)
    defaults = {k: defaults[k] for k in defaults if k in DEFAULTABLE}
    raw = data.get("stretches")
    r.stretches = []
    if raw is None:
        errors.append(("stretches", "is required: add at least one [[stretches]] entry"))
    elif not isinstance(raw, list):
        errors.append(("stretches", "must be a list of stretches, not " + _typename(raw)))
    elif not raw:
        errors.append(("stretches", "is empty: add at least one stretch"))
    elif len(raw) > MAX_STRETCHES:
        errors.append(("stretches", "has %d stretches; at most %d fit in one session"
                       % (len(raw), MAX_STRETCHES)))
    else:
        seen: dict = {}
        for i, item in enumerate(raw):
            path = "stretches[%d]." % i
            s = _stretch(item, defaults, path, errors)
            key = s.title.lower()
            if key and key in seen:
                errors.append((path + "title", "repeats stretches[%d].title %r; titles must "
                               "differ so the log can tell them apart" % (seen[key], s.title)))
            seen[key] = i
            r.stretches.append(s)
    if not errors:
        from stretchcue.timeline import total_ms

        total_s = total_ms(r) // 1000
        if total_s > MAX_TOTAL_S:
            errors.append(("stretches", "the routine lasts %d min %d s; keep it under 60 min "
                           "(fewer reps or shorter holds)" % (total_s // 60, total_s % 60)))
    if errors:
        raise RoutineError(errors)
    return r


def _encode(v: Any, out: list) -> None:
    if isinstance(v, dict):
        out.append("{")
        first = True
        for k in sorted(v):
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(k))
            out.append(":")
            _encode(v[k], out)
        out.append("}")
    elif isinstance(v, list):
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _encode(x, out)
        out.append("]")
    else:
        out.append(json.dumps(v))


def canonical_json(routine: Routine) -> bytes:
    """Sorted keys, no spaces, every default spelled out: same routine, same bytes.

    Written by hand because MicroPython's json has no ``sort_keys``; the CRC the
    host and the device compare is taken over exactly these bytes.
    """
    out: list = []
    _encode(routine.as_dict(), out)
    return "".join(out).encode("utf-8")


def loads(text: Any) -> Routine:
    """Parse and validate canonical (or any) JSON routine text or bytes."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_ROUTINE_BYTES:
            raise RoutineError([("routine", "is %d bytes; at most %d fit on the device"
                                 % (len(text), MAX_ROUTINE_BYTES))])
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeError:
            raise RoutineError([("routine", "is not UTF-8 text")]) from None
    try:
        data = json.loads(text)
    except ValueError as e:
        raise RoutineError([("routine", "is not valid JSON: " + str(e))]) from None
    return from_dict(data)
