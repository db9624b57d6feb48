"""The routine rules in words, and the canonical JSON the device stores.

``stretchcue.routine`` (with ``routine_check``) runs on the device too, so it
keeps every check but no prose: an error there is ``(path, code, *values)``.
This module, on the laptop only, turns those into the reasons a person reads
(``describe``), whether they come from checking a file here or from a device's
BAD_ROUTINE answer (as JSON lists).  It also holds what only the laptop does
with a routine: the limits with the reason for each (for ``stretchcue new`` and
docs/routines.md) and the canonical JSON encoder.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from stretchcue import routine as rt
from stretchcue import routine_check as rc

# Why each whole-number field has the limits it has.
WHY = {
    "reps": "more than 10 reps of one stretch is better split into two stretches",
    "hold_s": "holds under 5 s do not lengthen the muscle; over 120 s is a posture",
    "move_in_s": "time to move in while breathing in; a breath takes 2 to 15 s",
    "sink_s": "time to sink on the out-breath; 0 skips it, a breath is at most 15 s",
    "release_s": "time to come out slowly; rushing it undoes the stretch",
    "rest_s": "rest between reps; over 2 minutes the muscle cools down",
    "switch_s": "pause to change sides; a minute is plenty",
    "breath_in_s": "paced in-breath during the hold; about 6 breaths a minute",
    "breath_out_s": "paced out-breath during the hold; longer than the in-breath",
    "prepare_s": "time to get into position before each stretch",
    "rate_timeout_s": "how long the rating question waits before moving on",
}

# Goals (``goal_hold_s``, ``goal_reps``): what ``stretchcue progress`` moves a stretch
# toward; checked like the field they aim at, never sent to the device.
GOAL_WHY = {
    "goal_reps": "the reps `stretchcue progress` works up to, one at a time, once the "
                 "hold is at its goal",
    "goal_hold_s": "the hold `stretchcue progress` works up to, 5 s at a time; past 30 s "
                   "only with --allow-long",
}

# name: (default, low, high, why), in the core's order.
STRETCH_INTS = {k: rc.limits(k) + (WHY[k],) for k in rc.INTS[:9]}
ROUTINE_INTS = {k: rc.limits(k) + (WHY[k],) for k in rc.INTS[9:]}
STRETCH_BOOLS = {k: True for k in rc.BOOLS}

# type(value).__name__ on either side -> words.
_TYPES = {"bool": "true/false", "int": "a whole number", "float": "a decimal number",
          "str": "text", "list": "a list", "tuple": "a list", "dict": "a table",
          "NoneType": "nothing"}
_TEXT_LIMITS = {"title": rt.TITLE_MAX, "cue": rt.CUE_MAX, "name": rt.NAME_MAX}
_STRETCH_PATH = re.compile(r"stretches\[\d+\]\.(.*)", re.S)
_STRETCH_ITEM = re.compile(r"stretches\[\d+\]")


def typename(kind: Any) -> str:
    return _TYPES.get(str(kind), "an unsupported value")


def shown(value: Any) -> str:
    """A value for a message: short, on one line, every invisible character escaped.

    Errors quote what a file or a device sent; printed raw, an ESC or a U+202E in it
    would rewrite the terminal or the line around it.
    """
    if isinstance(value, (bool, float)) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value) if abs(value) < 10 ** 12 else "a %d-digit number" % len(str(value))
    if not isinstance(value, str):
        return typename(type(value).__name__)
    text = value if len(value) <= 40 else value[:40] + "..."
    return "'" + printable(text) + "'"


def printable(text: str) -> str:
    """``text`` with every character that is not visible text written as an escape."""
    return "".join(c if c.isprintable() and rc.bad_char(c) < 0 else
                   ("\\x%02x" % ord(c) if ord(c) < 0x100 else
                    "\\u%04x" % ord(c) if ord(c) < 0x10000 else "\\U%08x" % ord(c))
                   for c in str(text))


def _char(cp: int) -> str:
    if 0xD800 <= cp <= 0xDFFF:
        return "U+%04X, half of a character (a lone surrogate)" % cp
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return "U+%04X, a private-use character no font shows" % cp
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        return "U+%04X, a control character" % cp
    return "U+%04X, an invisible formatting character" % cp


def _field(path: str) -> tuple[str, tuple]:
    """The field name at the end of ``path`` and the fields allowed where it is."""
    m = _STRETCH_PATH.fullmatch(path)
    if m:
        return m.group(1), rc.STRETCH_KEYS + rc.GOALS
    if path.startswith("defaults."):
        return path[len("defaults."):], rc.DEFAULTABLE + rc.GOALS
    return path, rc.ROUTINE_KEYS


def _hint(key: str, allowed: tuple) -> str:
    """The allowed field sharing the longest start with ``key`` (3 characters or more)."""
    key = key.replace("-", "_")
    best, n = "", 2
    for a in allowed:
        common = len(os.path.commonprefix([a, key]))
        if common > n or a == key:
            best, n = a, common
    return " (did you mean '" + best + "'?)" if best else ""


def _not(path: str, key: str) -> str:
    """What a field should have been, for "must be X, not Y"."""
    if path == "routine":
        return "a table of fields"
    if path == "defaults":
        return "a table"
    if path == "stretches":
        return "a list of stretches"
    if _STRETCH_ITEM.fullmatch(path):
        return "a table with a title"
    if key in rc.INTS or key in rc.GOALS:
        return "a whole number of seconds or a count"
    if key in rc.BOOLS:
        return "true or false"
    return "text"


def reason(error: Any) -> str:
    """The words for one ``(path, code, *values)`` error (a tuple or a JSON list)."""
    path, code, *v = error
    path = str(path)
    key, allowed = _field(path)
    if code == "unknown":
        return "unknown field" + _hint(key, allowed)
    if code in ("not_int", "not_text", "not_bool", "not_table", "not_list"):
        return "must be " + _not(path, key) + ", not " + typename(v[0] if v else None)
    if code == "range":
        _, low, high, why = {**STRETCH_INTS, **ROUTINE_INTS}[key.removeprefix("goal_")]
        return "must be between %d and %d, got %d: %s" % (low, high, v[0], why)
    if code == "goal":
        field = key.removeprefix("goal_")
        return ("is %d, below this stretch's %s of %d: a goal is where the stretch is "
                "heading; set %s = %d or more in this stretch" % (v[0], field, v[1], key, v[1]))
    if code == "required":
        if path == "stretches":
            return "is required: add at least one [[stretches]] entry"
        return "is required"
    if code == "blank":
        return "must not be blank"
    if code == "long":
        return "is %d characters; at most %d fit on the screen" % (v[0], _TEXT_LIMITS[key])
    if code == "rows":
        return ("takes more than %d lines of %d characters on the smallest screen; "
                "shorten it or use shorter words" % (v[0], v[1]))
    if code == "lines":
        return "must be one line (no line breaks or tabs)"
    if code == "sides":
        return "must be one of %s; got %s" % (", ".join(rc.SIDES), shown(v[0]))
    if code == "char":
        return "contains %s; only text you can see fits" % _char(int(v[0]))
    if code == "format":
        return "this device understands format %d, got %s" % (rt.FORMAT, shown(v[0]))
    if code == "empty":
        return "is empty: add at least one stretch"
    if code == "too_many":
        return "has %d stretches; at most %d fit in one session" % (v[0], rt.MAX_STRETCHES)
    if code == "repeat":
        return ("repeats stretches[%d].title %s; titles must differ so the log can tell "
                "them apart" % (v[0], shown(v[1])))
    if code == "too_long":
        return ("the routine lasts %d min %d s; keep it under 60 min (fewer reps or shorter "
                "holds)" % (v[0] // 60, v[0] % 60))
    if code == "size":
        return "is %d bytes; at most %d fit on the device" % (v[0], rt.MAX_ROUTINE_BYTES)
    if code == "utf8":
        return "is not UTF-8 text"
    if code == "json":
        return "is not valid JSON: " + printable(str(v[0] if v else ""))[:200]
    return printable(str(code))  # an older device sent its reason in words


def describe(errors: Any) -> list[tuple[str, str]]:
    """``[(path, reason)]`` for a RoutineError's (or a device's) errors."""
    out = []
    for e in errors or []:
        try:
            out.append((printable(str(e[0])), reason(e)))
        except (LookupError, TypeError, ValueError):
            out.append((printable(str(e[0])) if e else "",
                        "is not valid (%s)" % printable(str(list(e[1:])))[:200]))
    return out


def stretch_dict(s: rt.Stretch) -> dict:
    return {k: getattr(s, k) for k in rc.STRETCH_KEYS}


def routine_dict(r: rt.Routine) -> dict:
    """Every field, defaults spelt out: what ``canonical_json`` writes."""
    return {
        "format": rt.FORMAT,
        "name": r.name,
        "prepare_s": r.prepare_s,
        "rate_timeout_s": r.rate_timeout_s,
        "stretches": [stretch_dict(s) for s in r.stretches],
    }


def canonical_json(r: rt.Routine) -> bytes:
    """Sorted keys, no spaces, every default spelled out: same routine, same bytes.

    The CRC the host and the device compare is taken over exactly these bytes; the
    device only reads them (``stretchcue.routine.loads`` takes any JSON).  Text is
    written as UTF-8, not ``\\u`` escapes: MicroPython's JSON reader does not join an
    escaped surrogate pair, so an emoji would reach the device as two halves.
    """
    return json.dumps(routine_dict(r), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def device_json(r: rt.Routine) -> bytes:
    """``canonical_json``, or RoutineError when it is more than the device takes.

    The device refuses a routine over ``MAX_ROUTINE_BYTES`` (PUT_BEGIN, and
    ``routine.loads``); checking it here makes ``validate`` say so first.
    """
    canon = canonical_json(r)
    if len(canon) > rt.MAX_ROUTINE_BYTES:
        raise rt.RoutineError([("routine", "size", len(canon))])
    return canon
