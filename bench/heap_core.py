"""Bench: heap each core module takes on CircuitPython's own 32-bit VM, as .py and as .mpy.

Runs the unix port of CircuitPython 10.3 (``$CIRCUITPY_UNIX``: the folder holding
``circuitpython`` and ``mpy-cross``, else /work/shared/circuitpython) with a 512 KB
heap.  Each figure is a ``gc.collect(); gc.mem_alloc()`` difference:

* **alone**: a fresh VM imports only that module (and whatever it imports itself);
* **added**: one VM imports the modules in the table's order, each row what it adds
  (a row that happens to grow the VM's string table pays for the whole step, so
  single rows jump; the totals are exact).

``binascii``, ``json``, ``struct`` and ``micropython`` are C on a board and
``adafruit_ticks`` is a library the firmware imports anyway, so all are imported
before the first figure.  "core + default routine" is the firmware's core
(routine, timeline, engine, cues, sessionlog, resume) with routines/lower-back.toml
loaded from its canonical JSON, the bytes themselves freed.  "protocol, resident" is
what serving an authenticated host keeps loaded on top.  The rows below it are
imported only for a job (checking a routine, pruning the log, a typed line, an
upload, pairing, SHA-256 without a native one) and forgotten after it on a board; each is
measured on top of everything above.  Work happens in functions and the stack is
overwritten before each ``gc.collect()``, so a stale pointer left on the C stack
(the GC scans it conservatively) does not keep garbage alive.  The .mpy rows use
CircuitPython's mpy-cross, as a board needs.  Prints a table; asserts nothing.

    python bench/heap_core.py [--root CHECKOUT]   (another checkout's lib/, to compare)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import adafruit_ticks

from stretchcue_host.routines import load, resolve

ROOT = Path(__file__).resolve().parents[1]
HEAP = "512K"

CORE = ("stretchcue.routine", "stretchcue.timeline", "stretchcue.engine", "stretchcue.cues",
        "stretchcue.sessionlog", "stretchcue.resume")
PROTOCOL = ("stretchcue.protocol.frame", "stretchcue.protocol.messages",
            "stretchcue.protocol.aes", "stretchcue.protocol.sha256", "stretchcue.protocol.auth",
            "stretchcue.protocol.device")
JOBS = ("stretchcue.routine_check", "stretchcue.log_prune", "stretchcue.protocol.text",
        "stretchcue.protocol.transfer", "stretchcue.protocol.pairing",
        "stretchcue.protocol.device_pair", "stretchcue.protocol.ed25519",
        "stretchcue.protocol.pake", "stretchcue.protocol.sha256_pure",
        "stretchcue.protocol.aes_pure")
ROUTINE = "+ default routine loaded"
ROUTINE_ROW = "routine + default routine loaded"

# Runs inside CircuitPython.  MODS, ROUTINE and JSON_PATH are prepended; prints
# "HEAP <name> <added> <total>" per step, or "HEAP <name> missing".
_SCRIPT = """
import gc
import binascii, json, struct  # noqa
import micropython  # noqa
import adafruit_ticks  # noqa


def _load(path):
    from stretchcue import routine as rt

    with open(path, "rb") as f:
        return rt.loads(f.read())


def _do(name):
    if name == ROUTINE:
        _kept.append(_load(JSON_PATH))
        return True
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def _scrub(n):  # overwrite stale stack slots, which the GC would take for references
    return _scrub(n - 1) if n else 0


_kept = []
_scrub(60)
gc.collect()
micropython.qstr_info()
_base = gc.mem_alloc()
_prev = _base
for _name in MODS:
    if not _do(_name):
        print("HEAP", _name, "missing")
        continue
    _scrub(60)
    gc.collect()
    _now = gc.mem_alloc()
    print("HEAP", _name, _now - _prev, _now - _base)
    micropython.qstr_info()
    _prev = _now
"""


def _vm_dir() -> Path | None:
    env = os.environ.get("CIRCUITPY_UNIX")
    d = Path(env) if env else Path("/work/shared/circuitpython")
    if d.is_file():
        d = d.parent
    if (d / "circuitpython").is_file() and (d / "mpy-cross").is_file():
        return d
    return None


def _tree(root: Path, dst: Path, vm: Path, mpy: bool) -> Path:
    """``root``/lib/stretchcue and adafruit_ticks under ``dst``, as sources or compiled."""
    src_root = root / "lib"
    for src in sorted(src_root.rglob("*.py")):
        rel = src.relative_to(src_root)
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if mpy:
            subprocess.run([str(vm / "mpy-cross"), "-o", str(out.with_suffix(".mpy")),
                            "-s", str(rel), str(src)], check=True)
        else:
            out.write_bytes(src.read_bytes())
    ticks = Path(adafruit_ticks.__file__)
    if mpy:
        subprocess.run([str(vm / "mpy-cross"), "-o", str(dst / "adafruit_ticks.mpy"),
                        str(ticks)], check=True)
    else:
        (dst / "adafruit_ticks.py").write_bytes(ticks.read_bytes())
    return dst


def _run(vm: Path, lib: Path, work: Path, mods: tuple, json_path: Path) -> dict:
    """{name: (added, total) or None if the module does not exist}; under the key
    ``(name,)`` the VM's names table after that step, ``""`` for before the first:
    (names, bytes of name pools)."""
    script = work / "heap_script.py"
    script.write_text("MODS = %r\nROUTINE = %r\nJSON_PATH = %r\n" % (mods, ROUTINE,
                                                                     str(json_path)) + _SCRIPT)
    env = dict(os.environ, MICROPYPATH=str(lib))
    res = subprocess.run([str(vm / "circuitpython"), "-X", "heapsize=" + HEAP, str(script)],
                         capture_output=True, text=True, env=env, cwd=work)
    out: dict = {}
    step = ""
    for line in res.stdout.splitlines():
        if line.startswith("qstr pool:"):
            f = dict(kv.split("=") for kv in line[len("qstr pool:"):].replace(" ", "").split(","))
            out[(step,)] = (int(f["n_qstr"]), int(f["n_total_bytes"]))
        elif line.startswith("HEAP "):
            body = line[5:]
            if body.endswith(" missing"):
                out[body[:-8]] = None
            else:
                name, added, total = body.rsplit(" ", 2)
                out[name] = (int(added), int(total))
                step = name
    if res.returncode or sum(1 for k in out if isinstance(k, str)) != len(mods):
        raise RuntimeError("CircuitPython run failed:\n" + res.stdout + res.stderr)
    return out


def measure(vm: Path, root: Path = ROOT) -> dict:
    """{row: {column: bytes}} for the columns py/mpy x alone/added."""
    _, canon = load(resolve("lower-back"))
    rows: dict = {}

    def put(row: str, col: str, value: int | None) -> None:
        if value is not None:
            rows.setdefault(row, {})[col] = value

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        json_path = work / "routine.json"
        json_path.write_bytes(canon)
        for kind in ("py", "mpy"):
            lib = _tree(root, work / kind, vm, kind == "mpy")
            for name in CORE + PROTOCOL + JOBS + (ROUTINE,):
                got = _run(vm, lib, work, (name,), json_path)[name]
                put(ROUTINE_ROW if name == ROUTINE else name, kind + " alone",
                    got[0] if got else None)
            resident = CORE + (ROUTINE,) + PROTOCOL
            got = _run(vm, lib, work, resident + JOBS, json_path)
            for name in resident + JOBS:
                put(ROUTINE_ROW if name == ROUTINE else name, kind + " added",
                    got[name][0] if got[name] else None)
            core = got[ROUTINE][1]
            put("= core + default routine", kind + " added", core)
            put("= protocol, resident", kind + " added", got[PROTOCOL[-1]][1] - core)
            put("= resident in all", kind + " added", got[PROTOCOL[-1]][1])
            q0 = got[("",)]
            for row, step in (("names: core + default routine", ROUTINE),
                              ("names: resident in all", PROTOCOL[-1])):
                q = got[(step,)]
                rows.setdefault(row, {})[kind] = (q[0] - q0[0], q[1] - q0[1])
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="a checkout whose lib/ to measure (default: this one)")
    args = ap.parse_args(argv)
    vm = _vm_dir()
    if vm is None:
        print("heap_core: skipped (no CircuitPython unix port; set CIRCUITPY_UNIX)")
        return 0
    rows = measure(vm, args.root)
    cols = ("py alone", "py added", "mpy alone", "mpy added")
    print("CircuitPython 10.3 unix port (32-bit), heap %s; bytes after gc.collect()" % HEAP)
    print(f"{'module':<40}" + "".join(f"{c:>11}" for c in cols))
    order = [*CORE, ROUTINE_ROW, "= core + default routine", *PROTOCOL,
             "= protocol, resident", "= resident in all", "-- imported only for a job:", *JOBS]
    for name in order:
        cells = rows.get(name, {})
        label = name.replace("stretchcue.", "")
        if not cells and not name.startswith("--"):
            label += " (none)"
        print(f"{label:<40}" + "".join(f"{cells[c]:>11}" if c in cells else f"{'':>11}"
                                       for c in cols))
    print()
    print("Names interned (the VM's qstr table; part of the figures above).  Its pools")
    print("double: the one allocated when the count passes 30, 70, 150, 310, 630 ... is")
    print("paid for whole, however few names it then holds.")
    for row in ("names: core + default routine", "names: resident in all"):
        cells = rows[row]
        print(f"  {row[7:]:<38}" + "".join(
            f"  {kind}: {cells[kind][0]} names, {cells[kind][1]} bytes" for kind in ("py", "mpy")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
