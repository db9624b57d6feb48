"""Pruning a session log that has grown past its soft limit.

Imported only when that happens, which takes weeks of sessions without a sync,
so a board does not hold this code the rest of the time.
"""

from __future__ import annotations

from stretchcue import sessionlog as sl

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

# Other modules' codes, named as in stretchcue.codes (tests/firmware/test_codes.py).
_REC_GAP = const(5)


class Pruner:
    """The pruned log a record at a time, for a log streamed from flash.

    ``unacked`` is the size of the records above ``acked``, counted beforehand
    (a first pass over the log).  ``run(records)`` then yields, in order, the
    bytes of the new log: the GAP record (if unacknowledged records must go)
    and every record kept.  ``dropped`` counts the unacknowledged records lost,
    ``written`` the bytes yielded.
    """

    def __init__(self, acked: int, soft: int, hard: int, unacked: int) -> None:
        self.acked = acked
        self.soft = soft
        self.limit = hard
        self.size = unacked
        self.dropped = 0
        self.written = 0
        self._first = 0
        self._last = 0

    def run(self, records: Any) -> Any:
        gap = True  # the GAP record, if any, is still to come
        for r in records:
            if r.seq <= self.acked:
                continue
            if gap and self.size > self.limit:  # the oldest unacknowledged go first
                self.limit = self.soft  # once dropping, make room for a while
                first, count = r.seq, 1
                if r.rtype == _REC_GAP:  # an earlier gap: carry what it already stood for
                    g = r.fields()
                    first, count = g["first_seq"], g["count"]
                if not self.dropped:
                    self._first = first
                self._last = r.seq
                self.dropped += count
                self.size -= len(r.raw)
                continue
            if gap:
                gap = False
                if self.dropped:
                    yield self._gap()
            self.written += len(r.raw)
            yield r.raw
        if gap and self.dropped:
            yield self._gap()

    def _gap(self) -> bytes:
        raw = sl.encode(_REC_GAP, self._last, self._first, self.dropped)
        self.written += len(raw)
        return raw


def prune(records: list, acked: int, soft: int = sl.SOFT_LIMIT,
          hard: int = sl.HARD_LIMIT) -> tuple:
    """Decide what a log over ``soft`` bytes keeps: the rules, on whole records.

    Acknowledged records go first.  Only if unacknowledged ones alone pass
    ``hard`` are the oldest of them dropped, and then a GAP record (taking the
    last dropped record's sequence number) tells the host what was lost.
    Returns ``(new_bytes, dropped_unacked_count)``, or ``(None, 0)`` when the
    log is under ``soft`` and nothing need change.  A board streams the same
    rules through ``Pruner`` (firmware/store.py); the tests hold it to this.
    """
    size = unacked = 0
    for r in records:
        size += len(r.raw)
        if r.seq > acked:
            unacked += len(r.raw)
    if size <= soft:
        return None, 0
    p = Pruner(acked, soft, hard, unacked)
    data = b"".join(p.run(records))
    return data, p.dropped
