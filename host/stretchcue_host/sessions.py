"""Sessions rebuilt from one device's log records, and the holes in its sequence numbers.

Pure functions over ``(seq, rtype, fields)`` so the rules (what closes a
session, what counts as interrupted, which missing numbers a GAP record
explains) are tested without a database.
"""

from __future__ import annotations

from stretchcue.codes import Rec

DONE = "done"
ABORTED = "aborted"
INTERRUPTED = "interrupted"
PARTIAL = "partial"


def _new(seq: int, f: dict | None) -> dict:
    f = f or {}
    return {
        "start_seq": seq, "last_seq": seq, "epoch_s": f.get("epoch_s"), "name": f.get("name"),
        "routine_crc": f.get("routine_crc"), "planned_ms": f.get("planned_ms"),
        "stretches": f.get("stretches"), "status": PARTIAL if f == {} else INTERRUPTED,
        "elapsed_ms": None, "paused_ms": None, "extended_ms": None, "skipped_ms": None,
        "resumed": 0, "missing": 0, "holds": [], "ratings": [],
    }


def rebuild(records) -> list[dict]:
    """Group records (sorted by seq) into sessions.

    A START opens a session; END closes it as done or aborted.  A session still
    open when the next START, a GAP or the end of the log arrives is
    ``interrupted``.  HOLD or RATING records with no START before them (it was
    pruned, or lost) form a ``partial`` session so they are still shown.
    """
    out: list[dict] = []
    cur: dict | None = None
    prev = None
    for seq, rtype, f in records:
        if cur is not None and prev is not None and seq > prev + 1:
            cur["missing"] += seq - prev - 1
        prev = seq
        if rtype == Rec.START:
            cur = _new(seq, f)
            out.append(cur)
            continue
        if rtype == Rec.GAP:
            cur = None
            continue
        if cur is None:
            if rtype == Rec.END:
                continue
            cur = _new(seq, None)
            out.append(cur)
        cur["last_seq"] = seq
        if rtype == Rec.HOLD:
            cur["holds"].append((seq, f["stretch"], f["side"], f["rep"], f["skipped"],
                                 f["planned_ms"], f["actual_ms"], f["extended_ms"]))
        elif rtype == Rec.RATING:
            cur["ratings"].append((seq, f["stretch"], f["rating"]))
        elif rtype == Rec.RESUMED:
            cur["resumed"] += 1
        elif rtype == Rec.END:
            if cur["status"] != PARTIAL:
                cur["status"] = ABORTED if f["aborted"] else DONE
            for k in ("elapsed_ms", "paused_ms", "extended_ms", "skipped_ms"):
                cur[k] = f[k]
            cur = None
    return out


def gaps(seqs: list[int], gap_records: list[tuple[int, int, int]]) -> list[dict]:
    """Missing sequence numbers, each said to be explained by a GAP record or not.

    ``seqs`` is the sorted list of stored numbers; ``gap_records`` lists
    ``(seq, first_seq, count)``.  The device writes a GAP with the last dropped
    record's number, so the hole it explains is ``first_seq .. seq - 1`` (or
    ``first_seq .. first_seq + count - 1``).
    """
    out = []
    explained = []
    for seq, first, count in gap_records:
        out.append({"kind": "pruned", "first": first, "last": first + count - 1,
                    "count": count, "at_seq": seq})
        explained.append((first, max(seq, first + count - 1)))
    for a, b in zip(seqs, seqs[1:]):
        if b > a + 1:
            lo, hi = a + 1, b - 1
            if any(x <= lo and hi <= y for x, y in explained):
                continue
            out.append({"kind": "missing", "first": lo, "last": hi, "count": hi - lo + 1,
                        "at_seq": b})
    return sorted(out, key=lambda g: g["first"])
