"""The routine rules and their checks: every field, its type, its limits.

``stretchcue.routine.loads`` and ``from_dict`` import this while they read a
routine; a board then forgets it, so the checks cost heap only while a routine
is being read (at boot, on a new or selected routine).  Errors are
``(path, code, *values)`` tuples, explained in words on the laptop by
``stretchcue_host.routine_rules``.
"""

from __future__ import annotations

import json

from stretchcue import routine as rt

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

SIDES = ("none", "both", "left", "right")

# Whole-number fields: the first nine belong to a stretch (and may come from
# ``defaults``), the last two to the routine.  ``LIMITS`` holds default, low and
# high for each, in this order; ``limits(name)`` reads them.
INTS = ("reps", "hold_s", "move_in_s", "sink_s", "release_s", "rest_s", "switch_s",
        "breath_in_s", "breath_out_s", "prepare_s", "rate_timeout_s")
LIMITS = (b"\x04\x01\x0a"  # reps: 4, 1-10
          b"\x1e\x05\x78"  # hold_s: 30, 5-120
          b"\x04\x02\x0f"  # move_in_s: 4, 2-15
          b"\x06\x00\x0f"  # sink_s: 6, 0-15
          b"\x04\x02\x0f"  # release_s: 4, 2-15
          b"\x0a\x00\x78"  # rest_s: 10, 0-120
          b"\x05\x00\x3c"  # switch_s: 5, 0-60
          b"\x04\x02\x0a"  # breath_in_s: 4, 2-10
          b"\x06\x02\x0c"  # breath_out_s: 6, 2-12
          b"\x0a\x03\x3c"  # prepare_s: 10, 3-60
          b"\x14\x05\x3c")  # rate_timeout_s: 20, 5-60
_STRETCH_INTS = const(9)
BOOLS = ("breath_pacing", "rate")  # both true unless set
STRETCH_KEYS = ("title", "cue", "sides") + INTS[:_STRETCH_INTS] + BOOLS
ROUTINE_KEYS = ("format", "name", "stretches", "defaults") + INTS[_STRETCH_INTS:]
DEFAULTABLE = STRETCH_KEYS[2:]
# Where a stretch is heading (``stretchcue progress``): checked like reps and hold_s
# (GOALS[i] is "goal_" + INTS[i]) and never below them, but not kept: the device
# runs the routine as it is today, and canonical JSON has no goals.
GOALS = ("goal_reps", "goal_hold_s")


def limits(name: str) -> tuple:
    """``(default, low, high)`` of a whole-number field."""
    i = INTS.index(name) * 3
    return tuple(LIMITS[i:i + 3])


def _int(src: dict, i: int, path: str, errors: list) -> int:
    key = INTS[i]
    default = LIMITS[i * 3]
    v = src.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool):
        if isinstance(v, float) and -1e9 < v < 1e9 and v == int(v):
            v = int(v)
        else:
            errors.append((path + key, "not_int", type(v).__name__))
            return default
    if v < LIMITS[i * 3 + 1] or v > LIMITS[i * 3 + 2]:
        errors.append((path + key, "range", v))
    return v


# Code points no text may hold, as inclusive (first, last) pairs: C0 and C1 controls
# and DEL; the soft hyphen; invisible, joining and direction marks (U+202E turns the
# rest of a line around) and line/paragraph separators; invisible operators; lone
# surrogates (half a character) and private use (no font has them); the byte-order
# mark; interlinear annotation; tags and the private planes.  A table, not
# unicodedata: CircuitPython has none, and the device applies this very rule.
_NOT_TEXT = (0x0, 0x1F, 0x7F, 0x9F, 0xAD, 0xAD, 0x61C, 0x61C, 0x180E, 0x180E,
             0x200B, 0x200F, 0x2028, 0x202E, 0x2060, 0x206F, 0xD800, 0xF8FF,
             0xFEFF, 0xFEFF, 0xFFF9, 0xFFFB, 0xE0000, 0x10FFFF)
_LINES = "\t\n\v\f\r\x85\u2028\u2029"


def bad_char(v: str) -> int:
    """The first code point of ``v`` that is not visible text, or -1."""
    for c in v:
        o = ord(c)
        if 0x20 <= o < 0x7F:
            continue
        for i in range(0, len(_NOT_TEXT), 2):
            if o < _NOT_TEXT[i]:
                break
            if o <= _NOT_TEXT[i + 1]:
                return o
    return -1


def _text(src: dict, key: str, path: str, limit: int, errors: list, required: bool) -> str:
    v = src.get(key)
    path += key
    if v is None:
        if required:
            errors.append((path, "required"))
        return ""
    if not isinstance(v, str):
        errors.append((path, "not_text", type(v).__name__))
        return ""
    o = bad_char(v)
    if (required or v) and not v.strip():
        errors.append((path, "blank"))
    elif len(v) > limit:
        errors.append((path, "long", len(v)))
    elif o >= 0:
        errors.append((path, "lines") if chr(o) in _LINES else (path, "char", o))
    return v.strip()


def _unknown(data: dict, allowed: tuple, path: str, errors: list) -> None:
    for k in data:
        if k not in allowed:
            errors.append((path + str(k), "unknown"))


def _stretch(raw: Any, defaults: dict, path: str, errors: list) -> rt.Stretch:
    s = rt.Stretch()
    if not isinstance(raw, dict):
        errors.append((path[:-1], "not_table", type(raw).__name__))
        raw = {}
    _unknown(raw, STRETCH_KEYS + GOALS, path, errors)
    src = dict(defaults)
    src.update(raw)
    s.title = _text(src, "title", path, rt.TITLE_MAX, errors, True)
    s.cue = _text(src, "cue", path, rt.CUE_MAX, errors, False)
    if s.cue:
        from stretchcue.fit import COLS, CUE_ROWS, wrap

        if len(wrap(s.cue, COLS)) > CUE_ROWS:
            errors.append((path + "cue", "rows", CUE_ROWS, COLS))
    sides = src.get("sides", "none")
    if sides not in SIDES:
        errors.append((path + "sides", "sides", sides))
        sides = "none"
    s.sides = sides
    for i in range(_STRETCH_INTS):
        setattr(s, INTS[i], _int(src, i, path, errors))
    for i in range(2):
        if GOALS[i] in src:
            n = len(errors)
            v = _int({INTS[i]: src[GOALS[i]]}, i, path + "goal_", errors)
            if len(errors) == n and v < getattr(s, INTS[i]):
                errors.append((path + GOALS[i], "goal", v, getattr(s, INTS[i])))
    for k in BOOLS:
        v = src.get(k, True)
        if not isinstance(v, bool):
            errors.append((path + k, "not_bool", type(v).__name__))
            v = True
        setattr(s, k, v)
    return s


def from_dict(data: Any, consume: bool = False) -> rt.Routine:
    """Check a parsed routine and build it, or raise RoutineError with all errors.

    With ``consume`` each stretch's table is let go once it is built, so the parsed
    tree and the routine are not both held whole (``loads``: the tree is its own)."""
    errors: list = []
    if not isinstance(data, dict):
        raise rt.RoutineError([("routine", "not_table", type(data).__name__)])
    _unknown(data, ROUTINE_KEYS, "", errors)
    fmt = data.get("format", rt.FORMAT)
    if isinstance(fmt, bool) or not isinstance(fmt, int) or fmt != rt.FORMAT:
        errors.append(("format", "format", fmt))
    r = rt.Routine()
    r.name = _text(data, "name", "", rt.NAME_MAX, errors, True)
    r.prepare_s = _int(data, _STRETCH_INTS, "", errors)
    r.rate_timeout_s = _int(data, _STRETCH_INTS + 1, "", errors)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        errors.append(("defaults", "not_table", type(defaults).__name__))
        defaults = {}
    _unknown(defaults, DEFAULTABLE + GOALS, "defaults.", errors)
    defaults = {k: defaults[k] for k in defaults if k in DEFAULTABLE or k in GOALS}
    raw = data.get("stretches")
    r.stretches = []
    if raw is None:
        errors.append(("stretches", "required"))
    elif not isinstance(raw, list):
        errors.append(("stretches", "not_list", type(raw).__name__))
    elif not raw:
        errors.append(("stretches", "empty"))
    elif len(raw) > rt.MAX_STRETCHES:
        errors.append(("stretches", "too_many", len(raw)))
    else:
        seen: dict = {}
        fold = getattr(str, "casefold", str.lower)  # Straße is STRASSE; MicroPython: lower
        for i, item in enumerate(raw):
            path = "stretches[%d]." % i
            s = _stretch(item, defaults, path, errors)
            key = fold(s.title)
            if key and key in seen:
                errors.append((path + "title", "repeat", seen[key], s.title))
            seen[key] = i
            r.stretches.append(s)
            if consume:
                raw[i] = item = None
    if not errors:
        from stretchcue.timeline import total_ms

        total_s = total_ms(r) // 1000
        if total_s > rt.MAX_TOTAL_S:
            errors.append(("stretches", "too_long", total_s))
    if errors:
        raise rt.RoutineError(errors)
    return r


def _parse(parse: Any, src: Any) -> Any:
    """``parse(src)`` (``json.loads`` or ``json.load``), its failures as RoutineError."""
    try:
        if isinstance(src, (bytes, bytearray)) and hasattr(json, "JSONDecodeError"):
            src = str(src, "utf-8")  # CPython's json would guess UTF-16 from a BOM
        return parse(src)
    except UnicodeError:
        raise rt.RoutineError([("routine", "utf8")]) from None
    except (ValueError, RuntimeError) as e:  # RuntimeError: nested deeper than the stack
        raise rt.RoutineError([("routine", "json", str(e))]) from None


def loads(text: Any) -> rt.Routine:
    """Parse and validate JSON routine text or bytes (canonical or not).

    Bytes are parsed where they lie: CircuitPython's and MicroPython's ``json``
    read any buffer, so an upload is not copied into a string first (a board may
    have room for one copy, not two).
    """
    if isinstance(text, (bytes, bytearray)) and len(text) > rt.MAX_ROUTINE_BYTES:
        raise rt.RoutineError([("routine", "size", len(text))])
    return from_dict(_parse(json.loads, text), True)


def load(stream: Any) -> rt.Routine:
    """``loads`` for an open file: CircuitPython's json reads it as it parses, so the
    file's bytes are never held whole beside the tree they become."""
    if hasattr(json, "JSONDecodeError"):  # CPython: read, then parse as bytes
        return loads(stream.read(rt.MAX_ROUTINE_BYTES + 1))
    return from_dict(_parse(json.load, stream), True)
