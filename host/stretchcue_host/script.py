"""Scripted button presses, ``"pause@90s,pause@100s,extend@2m20s,rate:3@10m"``.

Shared by ``run``, the simulator and the demo so a scenario reads the same
everywhere.  Names are engine actions; times are session time.
"""

from __future__ import annotations

import re

from stretchcue.codes import Action
from stretchcue_host.times import MAX_AT_MS, TIME_HELP, TIME_RE, time_ms

ACTIONS = {"pause": Action.PAUSE, "skip": Action.SKIP, "extend": Action.EXTEND,
           "abort": Action.ABORT, "rate": Action.RATE}
_ITEM = re.compile(r"^(\w+)(?::(\d+))?@(.*)$")
__all__ = ["MAX_AT_MS", "ScriptError", "at_ms", "parse"]


def at_ms(text: str, item: str) -> int:
    """The time after an item's ``@`` as whole ms, at most a day; ScriptError if not."""
    at = time_ms(text)
    if at is None:
        too_big = TIME_RE.match(text.strip()) and text.strip()
        raise ScriptError(f"bad press {item!r}: " + (
            f"at most {MAX_AT_MS // 3600000} h of session time" if too_big
            else f"the time must be {TIME_HELP}"))
    return at


class ScriptError(ValueError):
    """A press script could not be parsed."""


def parse(text: str | None) -> list[tuple[int, int, int]]:
    """Return sorted ``(at_ms, action, value)``; raise ScriptError naming the bad item."""
    out = []
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        m = _ITEM.match(item)
        if not m or m.group(1) not in ACTIONS:
            raise ScriptError(f"bad press {item!r}: write ACTION@TIME such as pause@90s, "
                              f"rate:3@10m, extend@2m20s; actions: {', '.join(ACTIONS)}")
        if m.group(2) and m.group(1) != "rate" or int(m.group(2) or 0) > Action.RATING_MAX:
            raise ScriptError(f"bad press {item!r}: only rate takes a value, a tightness "
                              f"from 0 to {Action.RATING_MAX} (rate:3@10m)")
        value = int(m.group(2) or 0)
        at = at_ms(m.group(3), item)
        out.append((at, ACTIONS[m.group(1)], value))
    return sorted(out)
