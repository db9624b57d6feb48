"""Pruning a session log that has grown past its soft limit (see ``sessionlog.prune``).

Imported only when that happens, which takes weeks of sessions without a sync,
so a board does not hold this code the rest of the time.
"""

from __future__ import annotations

from stretchcue import sessionlog as sl


def prune(records: list, acked: int, soft: int, hard: int) -> tuple:
    """``sessionlog.prune`` for a log known to be over ``soft`` bytes."""
    keep = [r for r in records if r.seq > acked]
    size = 0
    for r in keep:
        size += len(r.raw)
    dropped = 0
    first = 0
    last = 0
    while keep and size > hard:
        hard = soft  # once dropping, make room for a while
        r = keep.pop(0)
        first_here, count = r.seq, 1
        if r.rtype == sl.GAP:  # an earlier gap: carry what it already stood for
            g = r.fields()
            first_here, count = g["first_seq"], g["count"]
        if not dropped:
            first = first_here
        last = r.seq
        dropped += count
        size -= len(r.raw)
    parts = [r.raw for r in keep]
    if dropped:
        parts.insert(0, sl.encode(sl.GAP, last, first, dropped))
    return b"".join(parts), dropped
