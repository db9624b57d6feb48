"""Scripted button presses, ``"pause@90s,pause@100s,extend@2m,rate:3@10m"``.

Shared by ``run``, the simulator and the demo so a scenario reads the same
everywhere.  Names are engine actions; times are session time.
"""

from __future__ import annotations

import re

from stretchcue import engine as en

ACTIONS = {"pause": en.PAUSE, "skip": en.SKIP, "extend": en.EXTEND, "abort": en.ABORT,
           "rate": en.RATE}
_ITEM = re.compile(r"^(\w+)(?::(\d+))?@(\d+(?:\.\d+)?)(ms|s|m)?$")
_UNIT = {"ms": 1, "s": 1000, "m": 60000, None: 1000}
MAX_AT_MS = 24 * 3600 * 1000  # a routine is at most an hour; a day covers every pause


def at_ms(number: str, unit: str | None, item: str) -> int:
    """``number`` of ``unit`` as whole ms, at most a day (``1e400s`` is not infinity)."""
    at = float(number) * _UNIT[unit]
    if not at <= MAX_AT_MS:
        raise ScriptError(f"bad press {item!r}: at most {MAX_AT_MS // 3600000} h of "
                          "session time")
    return int(at)


class ScriptError(ValueError):
    """A press script could not be parsed."""


def parse(text: str | None) -> list[tuple[int, int, int]]:
    """Return sorted ``(at_ms, action, value)``; raise ScriptError naming the bad item."""
    out = []
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        m = _ITEM.match(item)
        if not m or m.group(1) not in ACTIONS:
            raise ScriptError(f"bad press {item!r}: write ACTION@TIME such as pause@90s, "
                              f"rate:3@10m; actions: {', '.join(ACTIONS)}")
        if m.group(2) and m.group(1) != "rate" or int(m.group(2) or 0) > en.RATING_MAX:
            raise ScriptError(f"bad press {item!r}: only rate takes a value, a tightness "
                              f"from 0 to {en.RATING_MAX} (rate:3@10m)")
        value = int(m.group(2) or 0)
        at = at_ms(m.group(3), m.group(4), item)
        out.append((at, ACTIONS[m.group(1)], value))
    return sorted(out)
