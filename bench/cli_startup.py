"""Bench: cold ``stretchcue --help`` in a fresh interpreter, median of N runs.

Target: 150 ms or less.  Also reports whether heavy modules got imported,
which is what keeps it fast (cli.py must stay lazy).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15
TARGET_MS = 150
HEAVY = ("rich", "matplotlib", "bleak", "bumble", "sqlite3", "platformdirs")


def main() -> None:
    cmd = [sys.executable, "-c", "import sys; from stretchcue_host.cli import main; sys.argv="
           "['stretchcue', '--help']\ntry:\n main()\nexcept SystemExit:\n pass"]
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append((time.perf_counter() - t) * 1000)
    probe = ("import sys; from stretchcue_host.cli import main\ntry:\n main(['--help'])\n"
             "except SystemExit:\n pass\n"
             "print('LOADED:' + ','.join(m for m in %r if m in sys.modules))" % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    loaded = [ln[7:] for ln in out.splitlines() if ln.startswith("LOADED:")]
    base = statistics.median(
        _time([sys.executable, "-c", "pass"]) for _ in range(RUNS))
    med = statistics.median(times)
    print(f"{'figure':<44}{'value':>10}")
    print(f"{'stretchcue --help, median of %d' % RUNS:<44}{med:>7.0f} ms")
    print(f"{'  of which bare interpreter start':<44}{base:>7.0f} ms")
    print(f"{'  min / max':<44}{min(times):>4.0f}/{max(times):.0f} ms")
    print(f"{'heavy modules imported':<44}{(loaded[0] if loaded and loaded[0] else 'none'):>10}")
    print(f"{'target':<44}{TARGET_MS:>7d} ms  {'OK' if med <= TARGET_MS else 'OVER'}")


def _time(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return (time.perf_counter() - t) * 1000


if __name__ == "__main__":
    main()
