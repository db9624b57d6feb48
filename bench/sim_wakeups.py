"""Bench: how often the firmware wakes and redraws during a hold, on the simulated board.

Runs the unmodified firmware (lower-back, no presses) for the first two holds and
counts, per second of a hold: main-loop wakeups (``time.sleep`` calls), screen
refreshes that changed pixels, and motor changes.  Target: <= 2 wakeups a second
plus cue pulses.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from stretchcue_host.sim.device_dir import prepare, runner_command


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data, trace = Path(tmp) / "d", Path(tmp) / "t.jsonl"
        data.mkdir()
        prepare(data, None)
        cmd = runner_command(sys.executable, "clue", data, script="A@1s", trace=trace,
                             until_ms=130_000, quiet=True)
        subprocess.run(cmd, check=True)
        events = [json.loads(x) for x in trace.read_text().splitlines()]
    holds, start = [], None
    for e in events:
        if e["type"] == "screen":
            is_hold = any(t.startswith("Hold") for t in e["texts"])  # "Hold: breathe in"
            if is_hold and start is None:
                start = e["t"]
            elif not is_hold and start is not None:
                holds.append((start, e["t"]))
                start = None
    print(f"{'hold window (s)':<18}{'wakeups/s':>10}{'redraws/s':>10}{'motor changes/s':>17}")
    for a, b in holds:
        span = (b - a) / 1000

        def rate(kind: str, a: int = a, b: int = b, span: float = span) -> float:
            return sum(1 for e in events if e["type"] == kind and a <= e["t"] < b) / span

        print(f"{a / 1000:6.1f}-{b / 1000:<10.1f}{rate('sleep'):>10.2f}{rate('screen'):>10.2f}"
              f"{rate('motor'):>17.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
