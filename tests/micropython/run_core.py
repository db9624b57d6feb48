"""Run tests/core inside real MicroPython: the proof the core is not CPython-only.

Finds ``adafruit_ticks.py`` in this virtual environment (the device gets the
same file from the Adafruit bundle) and hands everything to ``run.mjs``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import adafruit_ticks

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    tests = argv or sorted(str(p) for p in (ROOT / "tests" / "core").glob("*.py"))
    cmd = ["node", str(HERE / "run.mjs"), "--lib", str(ROOT / "lib" / "stretchcue"),
           "--extra", adafruit_ticks.__file__, "--tests", *tests]
    return subprocess.run(cmd, cwd=HERE).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
