"""Bench: heap each core module takes on CircuitPython's own 32-bit VM, as .py and as .mpy.

Runs the unix port of CircuitPython 10.3 (``$CIRCUITPY_UNIX``: the folder holding
``circuitpython`` and ``mpy-cross``, else /work/shared/circuitpython) with a 512 KB
heap.  Each figure is a ``gc.collect(); gc.mem_alloc()`` difference:

* **alone**: a fresh VM imports only that module (and whatever it imports itself);
* **added**: one VM imports the modules in the table's order, each row what it adds.

``binascii``, ``json``, ``struct`` and ``micropython`` are C on a board and
``adafruit_ticks`` is a library the firmware imports anyway, so all are imported
before the first figure.  "core + default routine" is the firmware's core
(routine, timeline, engine, cues, sessionlog, resume) with routines/lower-back.toml
loaded from its canonical JSON, the bytes themselves freed.  Work happens in functions
and the stack is overwritten before each ``gc.collect()``, so a stale pointer left on
the C stack (the GC scans it conservatively) does not keep garbage alive.  The .mpy rows use
CircuitPython's mpy-cross, as a board needs.  Prints a table; asserts nothing.
"""

from __future__ import annotations

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
            "stretchcue.protocol.transfer", "stretchcue.protocol.text",
            "stretchcue.protocol.poly1305", "stretchcue.protocol.sha256",
            "stretchcue.protocol.auth", "stretchcue.protocol.device",
            "stretchcue.protocol.pake")
ROUTINE = "+ default routine loaded"

# Runs inside CircuitPython.  MODS and MODE are prepended; prints "HEAP <name> <bytes>".
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
    else:
        __import__(name)


def _scrub(n):  # overwrite stale stack slots, which the GC would take for references
    return _scrub(n - 1) if n else 0


_kept = []
_scrub(60)
gc.collect()
_base = gc.mem_alloc()
_prev = _base
for _name in MODS:
    _do(_name)
    _scrub(60)
    gc.collect()
    _now = gc.mem_alloc()
    print("HEAP", _name, _now - _prev, _now - _base)
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


def _tree(dst: Path, vm: Path, mpy: bool) -> Path:
    """lib/stretchcue and adafruit_ticks under ``dst``, as sources or compiled."""
    src_root = ROOT / "lib"
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
    script = work / "heap_script.py"
    script.write_text("MODS = %r\nROUTINE = %r\nJSON_PATH = %r\n" % (mods, ROUTINE,
                                                                     str(json_path)) + _SCRIPT)
    env = dict(os.environ, MICROPYPATH=str(lib))
    res = subprocess.run([str(vm / "circuitpython"), "-X", "heapsize=" + HEAP, str(script)],
                         capture_output=True, text=True, env=env, cwd=work)
    out = {}
    for line in res.stdout.splitlines():
        if line.startswith("HEAP "):
            parts = line[5:].rsplit(" ", 2)
            out[parts[0]] = (int(parts[1]), int(parts[2]))
    if res.returncode or len(out) != len(mods):
        raise RuntimeError("CircuitPython run failed:\n" + res.stdout + res.stderr)
    return out


def measure(vm: Path) -> dict:
    """{row: {column: bytes}} for the columns py/mpy x alone/added."""
    _, canon = load(resolve("lower-back"))
    rows: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        json_path = work / "routine.json"
        json_path.write_bytes(canon)
        for kind in ("py", "mpy"):
            lib = _tree(work / kind, vm, kind == "mpy")
            for name in CORE + PROTOCOL:
                got = _run(vm, lib, work, (name,), json_path)
                rows.setdefault(name, {})[kind + " alone"] = got[name][0]
            got = _run(vm, lib, work, (ROUTINE,), json_path)
            rows.setdefault("routine + default routine loaded", {})[kind + " alone"] = \
                got[ROUTINE][0]
            seq = CORE + (ROUTINE,) + PROTOCOL
            got = _run(vm, lib, work, seq, json_path)
            for name in seq:
                key = "routine + default routine loaded" if name == ROUTINE else name
                rows.setdefault(key, {})[kind + " added"] = got[name][0]
            core_total = got[ROUTINE][1]
            proto_total = got[PROTOCOL[-2]][1] - core_total  # without pake
            rows.setdefault("= core + default routine", {})[kind + " added"] = core_total
            rows.setdefault("= protocol (not pairing)", {})[kind + " added"] = proto_total
            rows.setdefault("= everything above", {})[kind + " added"] = got[PROTOCOL[-1]][1]
    return rows


def main() -> int:
    vm = _vm_dir()
    if vm is None:
        print("heap_core: skipped (no CircuitPython unix port; set CIRCUITPY_UNIX)")
        return 0
    rows = measure(vm)
    cols = ("py alone", "py added", "mpy alone", "mpy added")
    print("CircuitPython 10.3 unix port (32-bit), heap %s; bytes after gc.collect()" % HEAP)
    print(f"{'module':<40}" + "".join(f"{c:>11}" for c in cols))
    order = [*CORE, "routine + default routine loaded", "= core + default routine",
             *PROTOCOL, "= protocol (not pairing)", "= everything above"]
    for name in order:
        cells = rows.get(name, {})
        label = name.replace("stretchcue.", "")
        print(f"{label:<40}" + "".join(f"{cells[c]:>11}" if c in cells else f"{'':>11}"
                                       for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
