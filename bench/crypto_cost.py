"""Bench: what the encrypted link's crypto costs, native vs pure.

Times ``aes.ctr`` (AES-128-CTR) and ``sha256.Hmac.tag`` (HMAC-SHA256, key set up
beforehand) over a 512-byte message, and a whole frame's seal plus open
(``auth.Session``, a 492-byte payload: the largest a sealed frame carries),
with whatever native primitive the VM has and with the pure-Python fallback, on:

* CPython (``cryptography`` and ``hashlib``);
* MicroPython 1.27's WebAssembly build under Node (``tests/micropython/run.mjs
  --script``; 32-bit like a board; it has ``hashlib.sha256`` and no ``cryptolib``,
  so its AES has no native figure);
* CircuitPython 10.3's own unix VM (``$CIRCUITPY_UNIX`` or ../shared/circuitpython
  beside the checkout; ``aesio``, and its own C ``hashlib.sha256``, the same C a
  board reaches through ``hashlib.new``).

Each figure is the median of 5 batches taken in turn with the others', a batch
running at least 150 ms (MicroPython's ``ticks_us`` moves in whole milliseconds
there).  Measured on this machine, not on a board: a 64 MHz Cortex-M4 is far
slower.  Prints a table; asserts nothing.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "boardimage"))

from vmproc import circuitpython_vm  # noqa: E402

# Runs inside each VM.  Prints "BENCH name microseconds" lines and the backend's name.
_SCRIPT = """
import gc
import sys

from stretchcue.protocol import aes, auth, sha256
from stretchcue.protocol import frame as fr

try:
    from time import ticks_diff, ticks_us

    def _now():
        return ticks_us()

    def _since(t0):
        return ticks_diff(ticks_us(), t0)
except ImportError:
    from time import perf_counter

    def _now():
        return perf_counter()

    def _since(t0):
        return (perf_counter() - t0) * 1e6

TARGET_US = 150000
ROUNDS = 5
KEY = bytes(range(16))
IV = bytes(range(16, 32))
DATA = bytes(i & 0xFF for i in range(512))
MAC = sha256.Hmac(bytes(range(32)))
MAC_PURE = sha256.Hmac(bytes(range(32)), pure=True)
assert aes.ctr(KEY, IV, DATA) == aes.ctr(KEY, IV, DATA, pure=True)
assert MAC.tag(DATA) == MAC_PURE.tag(DATA)

_warm = 0
for _i in range(200000):  # the WebAssembly build runs under a JIT
    _warm = (_warm + _i) & 0xFFFF

benches = []
if aes.BACKEND != "pure":
    benches.append(("aes_native", lambda: aes.ctr(KEY, IV, DATA)))
benches.append(("aes_pure", lambda: aes.ctr(KEY, IV, DATA, pure=True)))
if sha256._native is not None:
    benches.append(("hmac_native", lambda: MAC.tag(DATA)))
benches.append(("hmac_pure", lambda: MAC_PURE.tag(DATA)))


def _pair(pure):
    saved = aes._native, sha256._native
    if pure:
        aes._native = sha256._native = None
    try:
        h = auth.Session(bytes(32), b"H", b"h" * 16, b"d", b"n" * 16, b"m" * 16)
        d = auth.Session(bytes(32), b"D", b"h" * 16, b"d", b"n" * 16, b"m" * 16)
    finally:
        aes._native, sha256._native = saved
    return h, d


PAYLOAD = DATA[:492]


def _seal_open(pure):
    h, d = _pair(pure)

    def run():
        saved = aes._native, sha256._native
        if pure:
            aes._native = sha256._native = None
        try:
            f = fr.FrameDecoder().feed(h.seal(0x0C, 1, PAYLOAD))[0]
            assert d.open(f) == PAYLOAD
        finally:
            aes._native, sha256._native = saved

    return run


if aes.BACKEND != "pure" or sha256._native is not None:
    benches.append(("frame_native", _seal_open(False)))
benches.append(("frame_pure", _seal_open(True)))


def batch(fn, reps):
    gc.collect()
    t0 = _now()
    for _ in range(reps):
        fn()
    return _since(t0)


reps = []
for _, fn in benches:
    n = 1
    while batch(fn, n) < TARGET_US:
        n *= 2
    reps.append(n)
samples = [[] for _ in benches]
for _ in range(ROUNDS):
    for i in range(len(benches)):
        samples[i].append(batch(benches[i][1], reps[i]) / reps[i])
for (name, _), xs in zip(benches, samples):
    xs.sort()
    print("BENCH %s %.2f" % (name, xs[len(xs) // 2]))
print("BENCH backend " + aes.BACKEND)
print("BENCH version %d.%d.%d" % tuple(sys.implementation.version[:3]))
"""

COLUMNS = (("aes_native", "AES-CTR native"), ("aes_pure", "AES-CTR pure"),
           ("hmac_native", "HMAC native"), ("hmac_pure", "HMAC pure"),
           ("frame_native", "seal+open native"), ("frame_pure", "seal+open pure"))


def figures(stdout: str) -> dict:
    return {p[1]: p[2] for p in (line.split() for line in stdout.splitlines())
            if len(p) == 3 and p[0] == "BENCH"}


def fmt(us: str | None) -> str:
    if us is None:
        return "-"
    x = float(us)
    if x >= 1e3:
        return "%.1f ms" % (x / 1e3)
    return "%.1f us" % x if x < 10 else "%.0f us" % x


def run_all(tmp: Path) -> list:
    """[(label, completed process or a reason it did not run)]."""
    script = tmp / "crypto_cost_script.py"
    script.write_text(_SCRIPT)
    out = []
    out.append(("CPython %s" % platform.python_version(),
                subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT / "lib")))))
    out.append(("MicroPython (WebAssembly)",
                subprocess.run(["node", str(ROOT / "tests/micropython/run.mjs"),
                                "--lib", str(ROOT / "lib/stretchcue"), "--script", str(script)],
                               capture_output=True, text=True)))
    vm = circuitpython_vm()
    if vm is None:
        out.append(("CircuitPython VM", "not found ($CIRCUITPY_UNIX or "
                                        "../shared/circuitpython/circuitpython)"))
    else:
        out.append(("CircuitPython",
                    subprocess.run([str(vm), str(script)], capture_output=True, text=True,
                                   env=dict(os.environ, MICROPYPATH=str(ROOT / "lib")))))
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        runs = run_all(Path(tmp))
    print("Time per 512 bytes, median of 5 interleaved batches, on this %s machine"
          % platform.machine())
    print()
    head = "%-38s" % "VM (AES backend)" + "".join("%18s" % c for _, c in COLUMNS)
    print(head)
    failed = 0
    for label, res in runs:
        if isinstance(res, str):
            print("%-38s%s" % (label, res))
            continue
        fig = figures(res.stdout)
        if res.returncode or "version" not in fig:
            failed += 1
            print("%-38s failed:\n%s%s" % (label, res.stdout, res.stderr))
            continue
        if not label.startswith("CPython"):
            label = "%s %s" % (label, fig["version"])
        label = "%s (%s)" % (label, fig["backend"])
        print("%-38s" % label + "".join("%18s" % fmt(fig.get(k)) for k, _ in COLUMNS))
    print()
    print("AES and HMAC: per 512 bytes.  seal+open: one frame with 492 payload bytes sealed")
    print("by one side and opened by the other (its 11 framing + 20 seal bytes included).")
    print("'-': no native primitive on that VM.  Measured here, not on a board.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
