"""Bench: ten years of daily sessions into a history, then time ``stats``.

Target: ``stats`` in 0.5 s or less.  The log is built from a few dozen
engine-simulated sessions re-stamped day by day (host/stretchcue_host/synth.py),
so building it stays quick; import and stats see every record.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner

from stretchcue import sessionlog as sl
from stretchcue_host.cli import main
from stretchcue_host.history import History
from stretchcue_host.routines import bundled_dir, load
from stretchcue_host.synth import daily_log

DAYS = 3653
TARGET_S = 0.5
RUNS = 5


def main_() -> None:
    r, _ = load(bundled_dir() / "lower-back.toml")
    t = time.perf_counter()
    log = daily_log(r, DAYS, variants=40)
    build_s = time.perf_counter() - t
    n = len(sl.scan(log)[0])
    with tempfile.TemporaryDirectory() as home:
        db = Path(home) / "history.sqlite3"
        with History(db) as h:
            t = time.perf_counter()
            h.import_bytes("clue", log)
            import_s = time.perf_counter() - t
            t = time.perf_counter()
            h.import_bytes("clue", log)
            reimport_s = time.perf_counter() - t
            sessions = len(h.sessions())
        runner = CliRunner()
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            res = runner.invoke(main, ["--home", home, "--json", "stats", "--until", "2029-12-31"])
            times.append(time.perf_counter() - t)
            assert res.exit_code == 0, res.output
        t = time.perf_counter()
        runner.invoke(main, ["--home", home, "stats", "--until", "2029-12-31"])
        table_s = time.perf_counter() - t
        size_mb = db.stat().st_size / 1e6
    med = statistics.median(times)
    print(f"{'figure':<46}{'value':>12}")
    print(f"{'synthetic log: days / sessions / records':<46}{DAYS}/{sessions}/{n}")
    print(f"{'log size':<46}{len(log) / 1e6:>9.1f} MB")
    print(f"{'build synthetic log':<46}{build_s:>10.2f} s")
    print(f"{'import (first time)':<46}{import_s:>10.2f} s")
    print(f"{'import again (all duplicates)':<46}{reimport_s:>10.2f} s")
    print(f"{'database size':<46}{size_mb:>9.1f} MB")
    print(f"{'stats --json, median of %d (in-process)' % RUNS:<46}{med:>10.3f} s")
    print(f"{'stats table output (in-process)':<46}{table_s:>10.3f} s")
    print(f"{'target':<46}{TARGET_S:>10.1f} s  {'OK' if med <= TARGET_S else 'OVER'}")


if __name__ == "__main__":
    main_()
