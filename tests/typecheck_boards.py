"""Type-check the core, the firmware and each board profile against CircuitPython's stubs.

``circuitpython_setboard`` swaps the ``board`` stub for the chosen board, so a
pin that board lacks, or a misspelt CircuitPython API, fails here rather than
on someone's wrist.  Boards run one after another because the stub is global
to the virtual environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# profile file in boards/ -> circuitpython-stubs board name
BOARDS = {
    "clue": "clue_nrf52840_express",
    "cpb": "circuitplayground_bluefruit",
    "feather": "feather_nrf52840_express",
}


def mypy(paths: list[str], label: str, extra_path: str = "") -> bool:
    cmd = [str(BIN / "mypy"), "--config-file", str(ROOT / "tests" / "mypy-device.ini"), *paths]
    env = dict(os.environ, MYPYPATH=extra_path) if extra_path else None
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    out = (res.stdout + res.stderr).strip().splitlines()
    print(f"{label}: {out[-1] if out else 'no output'}")
    if res.returncode:
        print("\n".join(out[:-1]))
    return res.returncode == 0


def main() -> int:
    ok = mypy(["lib/stretchcue"], "core (lib/stretchcue)")
    firmware = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "firmware").glob("*.py"))
    for profile, stub in BOARDS.items():
        board_file = ROOT / "boards" / f"{profile}.py"
        if not board_file.exists() and not firmware:
            continue
        subprocess.run([str(BIN / "circuitpython_setboard"), stub], check=True,
                       capture_output=True)
        with tempfile.TemporaryDirectory() as tmp:
            # On the board the profile is copied to CIRCUITPY/board_profile.py.
            paths = list(firmware)
            if board_file.exists():
                shutil.copy(board_file, Path(tmp) / "board_profile.py")
                paths.append(str(Path(tmp) / "board_profile.py"))
            ok &= mypy(paths, f"{profile} ({stub})", tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
