"""Times as people write them in press scripts: ``90``, ``90s``, ``2m20s``, ``500ms``.

Standard library only: the simulator's runner reads its --script with this before
the firmware's stand-ins are installed, when nothing of the core may be loaded yet.
"""

from __future__ import annotations

import re

_UNIT = {"ms": 1, "s": 1000, "m": 60000, "h": 3600000}
# A time: a bare number of seconds, or numbers with units from large to small, each
# at most once: 90, 90s, 2m, 2m20s, 1h5m, 1.5s, 500ms, 2m20s500ms.
TIME_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)|(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?"
                   r"(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?)$")
MAX_AT_MS = 24 * 3600 * 1000  # a routine is at most an hour; a day covers every pause
TIME_HELP = "a time like 90s, 2m, 2m20s, 1.5s or 500ms (a bare number is seconds)"


def time_ms(text: str) -> int | None:
    """``text`` (``2m20s``, ``90``, ``500ms``) as whole ms; None if it is no time or is
    more than a day (``1e400s`` is not infinity)."""
    m = TIME_RE.match(text.strip())
    if not m or not text.strip():
        return None
    bare, *parts = m.groups()
    if bare is not None:
        at = float(bare) * 1000
    else:
        at = sum(float(v) * _UNIT[u] for v, u in zip(parts, ("h", "m", "s", "ms"))
                 if v is not None)
    return int(at) if at <= MAX_AT_MS else None


