"""Lay out a board's CIRCUITPY drive in a folder, exactly as it would be on the board.

``stretchcue bundle --board B --out DIR --py`` writes the firmware, the core and
the routines; the Adafruit libraries from firmware/requirements.txt (and the
ones they import) go into DIR/lib as circup would put them: for CircuitPython's
VM compiled with CircuitPython's own mpy-cross (so every .mpy is proven to load
there), for MicroPython as .py (it cannot read CircuitPython's .mpy files).

The stand-ins the VMs need (sim/world.py, sim/fakes/{hw,bleio,nvm}.py, sim/vm/) are laid out
in a folder of their own, as a package tree the VM imports before "/" becomes
the drive.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = ROOT / "host" / "stretchcue_host"
STANDINS = ("__init__.py", "sim/__init__.py", "sim/world.py", "sim/fakes/__init__.py",
            "sim/fakes/hw.py", "sim/fakes/bleio.py", "sim/fakes/nvm.py")


class ImageError(Exception):
    """The image could not be built (bundle failed, a library is missing, mpy-cross failed)."""


def library_names() -> list[str]:
    req = ROOT / "firmware" / "requirements.txt"
    names = [line.split("#")[0].strip() for line in req.read_text().splitlines()]
    return [n for n in names if n]


def _sources(name: str) -> list[tuple[Path, str]]:
    """(file, path under lib/) of one installed library's .py files."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ImageError(f"library {name} is not installed in this environment")
    origin = Path(spec.origin)
    if origin.name != "__init__.py":
        return [(origin, origin.name)]
    base = origin.parent
    return [(p, p.relative_to(base.parent).as_posix()) for p in sorted(base.rglob("*.py"))
            if "__pycache__" not in p.parts]


def build_libs(dest: Path, mpy_cross: Path | None) -> list[str]:
    """Every library into ``dest`` (as .mpy if ``mpy_cross`` is given); returns the names."""
    written = []
    for name in library_names():
        for src, rel in _sources(name):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if mpy_cross is None:
                shutil.copyfile(src, target)
            else:
                target = target.with_suffix(".mpy")
                proc = subprocess.run([str(mpy_cross), "-o", str(target), "-s", rel, str(src)],
                                      capture_output=True, text=True)
                if proc.returncode:
                    raise ImageError(f"mpy-cross failed on {src}: {proc.stderr.strip()}")
            written.append(target.relative_to(dest).as_posix())
    return written


def module_names(lib: Path) -> list[str]:
    """Every importable module under a drive's lib/, dotted (packages by their own name)."""
    out = []
    for p in sorted(lib.rglob("*")):
        if p.suffix in (".py", ".mpy"):
            parts = list(p.relative_to(lib).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out.append(".".join(parts))
    return out


def bundle(board: str, dest: Path, core_mpy_cross: Path | None = None) -> str:
    """Run the real ``stretchcue bundle`` into ``dest``, the core as .py (``--py``) or, given
    CircuitPython's mpy-cross, as .mpy (``--mpy-cross``); returns its output."""
    exe = Path(sys.executable).with_name("stretchcue")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "stretchcue_host.cli"]
    how = ["--py"] if core_mpy_cross is None else ["--mpy-cross", str(core_mpy_cross)]
    proc = subprocess.run(cmd + ["bundle", "--board", board, "--out", str(dest), "--source",
                                 str(ROOT)] + how, capture_output=True, text=True)
    if proc.returncode:
        raise ImageError(f"stretchcue bundle --board {board} failed: "
                         f"{(proc.stderr or proc.stdout).strip()}")
    return proc.stdout.strip()


def build_image(board: str, dest: Path, libs: Path, core_mpy_cross: Path | None = None) -> str:
    """The drive for ``board`` in ``dest``: the bundle, then a copy of the built ``libs``."""
    if dest.exists():
        shutil.rmtree(dest)
    out = bundle(board, dest, core_mpy_cross)
    shutil.copytree(libs, dest / "lib", dirs_exist_ok=True)
    return out


def build_standins(dest: Path) -> Path:
    """The stand-in package tree (stretchcue_host.sim.{world,fakes.hw,vm}) in ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    pkg = dest / "stretchcue_host"
    for rel in STANDINS:
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HOST / rel, pkg / rel)
    shutil.copytree(HOST / "sim" / "vm", pkg / "sim" / "vm",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest
