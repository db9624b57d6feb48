"""What the transfer benches move: a 4 KB routine and a 64 KB session log, the same for
every link so their figures compare."""

from __future__ import annotations

from stretchcue import routine
from stretchcue_host.routine_rules import canonical_json


def big_routine() -> bytes:
    """A valid routine of exactly 4096 bytes of canonical JSON (trailing spaces pad it)."""
    cue = "Move slowly, breathe out, let the muscle soften, no bouncing"[:60]
    data = {"name": "Bench", "defaults": {"reps": 1, "hold_s": 10},
            "stretches": [{"title": f"Stretch number {i:02d}", "cue": cue, "sides": "both"}
                          for i in range(12)]}
    raw = canonical_json(routine.from_dict(data))
    return raw + b" " * (4096 - len(raw))


def fill_log(api, size: int = 64 * 1024) -> int:
    """Give a ``proto_api.MemoryDevice`` at least ``size`` bytes of log; returns its size."""
    made = 0
    while len(api.log) < size:
        api.add_records(100, first=made + 1)
        made += 100
    return len(api.log)
