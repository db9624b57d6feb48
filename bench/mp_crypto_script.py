# Runs inside MicroPython and in CPython (via bench/mp_crypto_speed.py): the time the
# device's cryptography takes with the pure-Python SHA-256, the fallback for a port with
# no native one (CircuitPython on the nRF52840 has hashlib.new("sha256") since 10.1, which
# sha256.py uses).  Prints "BENCH name median min max reps" lines, in
# microseconds per operation.
import gc
import sys

from stretchcue.protocol import auth, pake
from stretchcue.protocol import frame as fr
from stretchcue.protocol import sha256 as _sha
from stretchcue.protocol import sha256_pure as _pure

try:
    from time import ticks_diff, ticks_us

    TARGET_US = 150000  # ticks_us advances in whole ms in this build: >= 150 ticks a batch

    def _now() -> int:
        return ticks_us()

    def _since(t0: int) -> float:
        return ticks_diff(ticks_us(), t0)
except ImportError:
    from time import perf_counter

    TARGET_US = 50000

    def _now() -> float:  # type: ignore[misc]
        return perf_counter()

    def _since(t0: float) -> float:  # type: ignore[misc]
        return (perf_counter() - t0) * 1e6

ROUNDS = 7

# Force the plain-Python compression function: this MicroPython build (and CPython) has
# hashlib.sha256.  sha256.new/hmac/Hmac read the module global ``_native`` when called
# (an Hmac keeps the one it was made with), so clearing it switches every user over.
_hashlib_sha256 = _sha._native
_sha._native = None
assert isinstance(_sha.new(b""), _pure.Sha256)
if _hashlib_sha256 is not None:  # the fallback still agrees with the real thing
    _probe = bytes(range(200))
    assert _sha.sha256(_probe) == _hashlib_sha256(_probe).digest()

_warm = 0
for _i in range(200000):  # warm up: this WebAssembly build runs under a JIT
    _warm = (_warm + _i) & 0xFFFF

# --- one compression --------------------------------------------------------------------
BLOCK = bytes(range(64))


def compress_body(reps: int) -> None:
    h = list(_pure._H0)
    c = _pure._compress
    for _ in range(reps):
        c(h, BLOCK)


# --- signed frames ------------------------------------------------------------------------
KEY = _sha.sha256(b"stretchcue bench key")
HN = bytes(range(16))
DN = bytes(range(16, 32))


def frame_bodies(size: int) -> tuple:
    payload = bytes(i & 0xFF for i in range(size))
    device = auth.Session(KEY, b"D", HN, DN)
    host = auth.Session(KEY, b"H", HN, DN)

    def seal_body(reps: int) -> None:
        for _ in range(reps):
            device.seal(0x20, 7, payload)

    # One frame opened again and again: forgetting the last counter seen lets the same
    # counter through, and no pile of frames sits on the heap while the clock runs.
    sealed = fr.FrameDecoder().feed(host.seal(0x20, 7, payload))[0]
    assert device.open(sealed) == payload

    def open_body(reps: int) -> None:
        for i in range(reps):
            device._seen = 0
            if i & 1:  # frames come in counter order: one pad HMAC per two frames
                device._pads.clear()
            device.open(sealed)

    return seal_body, open_body


# --- the device side of one SPAKE2 pairing ----------------------------------------------------
CODE = "493817"
HOST_ID = bytes(16)
DEV_ID = bytes(range(100, 116))
host = pake.Spake2(b"H", CODE, _sha.sha256(b"host secret"))
HOST_SHARE = host.share()  # computed before any clock runs
SECRETS = [_sha.sha256(("device secret %d" % i).encode()) for i in range(8)]

# Once untimed, as a check that the device side really pairs with the host.
dev = pake.Spake2(b"D", CODE, SECRETS[0])
dev_tag = dev.finish(HOST_SHARE, HOST_ID, DEV_ID)
host_tag = host.finish(dev.share(), HOST_ID, DEV_ID)
host.check(dev_tag)
dev.check(host_tag)
assert dev.pair_key == host.pair_key

_pairings = [0]


def spake_body(reps: int) -> None:
    for _ in range(reps):
        _pairings[0] += 1
        d = pake.Spake2(b"D", CODE, SECRETS[_pairings[0] % len(SECRETS)])
        d.share()
        d.finish(HOST_SHARE, HOST_ID, DEV_ID)


def spake_hashlib_body(reps: int) -> None:
    """The same with hashlib's SHA-256: the big-integer share."""
    _sha._native = _hashlib_sha256
    try:
        spake_body(reps)
    finally:
        _sha._native = None


# --- timing -----------------------------------------------------------------------------------
def batch_us(body, reps: int) -> float:
    gc.collect()
    t0 = _now()
    body(reps)
    return _since(t0)


def calibrate(body) -> int:
    """Double ``reps`` until one batch takes TARGET_US."""
    reps = 1
    while batch_us(body, reps) < TARGET_US:
        reps *= 2
    return reps


seal_500, open_500 = frame_bodies(500)
seal_40, open_40 = frame_bodies(40)
BENCHES = (("compress", compress_body), ("seal_500", seal_500), ("open_500", open_500),
           ("seal_40", seal_40), ("open_40", open_40), ("spake2_device", spake_body))
if _hashlib_sha256 is not None:
    BENCHES += (("spake2_device_hashlib", spake_hashlib_body),)
reps = [calibrate(body) for _, body in BENCHES]
samples: list = [[] for _ in BENCHES]
# Round-robin: every figure sees the same stretches of a busy machine.
for _ in range(ROUNDS):
    for i, (_, body) in enumerate(BENCHES):
        samples[i].append(batch_us(body, reps[i]) / reps[i])
    gc.collect()


def median(xs: list) -> float:
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


for (name, _), xs, n in zip(BENCHES, samples, reps):
    print("BENCH %s %.1f %.1f %.1f %d" % (name, median(xs), min(xs), max(xs), n))
print("BENCH version %d.%d.%d" % tuple(sys.implementation.version[:3]))
