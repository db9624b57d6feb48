"""AES-128-CTR against the published vectors, on whichever AES this VM has and on the
pure-Python one, and each VM's adapter over a stand-in of that VM's module.

CPython here has ``cryptography``, MicroPython's WebAssembly build has no native
AES at all (so its default is the pure path), CircuitPython's has ``aesio``; the
stand-ins of ``aesio`` and ``cryptolib`` (with and without CTR) behave as the
real ones do where the adapters could go wrong: aesio's CTR keeps its counter
from one call to the next and wants an output exactly as long as the input,
cryptolib's ECB takes whole blocks only and a build without CTR refuses mode 6.
"""

import sys
from binascii import unhexlify

from stretchcue.protocol import aes, aes_pure

# FIPS 197, Appendix C.1 (AES-128), and the last round key of Appendix A.1's expansion.
FIPS_KEY = unhexlify("000102030405060708090a0b0c0d0e0f")
FIPS_PLAIN = unhexlify("00112233445566778899aabbccddeeff")
FIPS_CIPHER = unhexlify("69c4e0d86a7b0430d8cdb78070b4c55a")
A1_KEY = unhexlify("2b7e151628aed2a6abf7158809cf4f3c")
A1_LAST_ROUND_KEY = unhexlify("d014f9a8c9ee2589e13f0cc8b6630ca6")

# SP 800-38A, F.5.1 CTR-AES128.Encrypt.
CTR_KEY = A1_KEY
CTR_IV = unhexlify("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
CTR_PLAIN = unhexlify(
    "6bc1bee22e409f96e93d7e117393172a" "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef" "f69f2445df4f9b17ad2b417be66c3710")
CTR_CIPHER = unhexlify(
    "874d6191b620e3261bef6864990db6ce" "9806f66b7970fdff8617187bb9fffdff"
    "5ae4df3edbd5d35e5b4f09020db03eab" "1e031dda2fbe03d1792170a0f3009cee")
PREFIXES = (0, 1, 15, 16, 17, 31, 33, 47, 63, 64)

_MOD = "stretchcue.protocol.aes"
_PURE = "stretchcue.protocol.aes_pure"
_ATTRS = ("aes", "aes_pure")
# CPython only: a None in sys.modules makes its import fail; cryptography is nowhere else.
_NO_CRYPTOGRAPHY = ({"cryptography": None, "cryptography.hazmat.primitives.ciphers": None}
                    if sys.implementation.name == "cpython" else {})


def _check_vectors(ctr, label):
    assert ctr(CTR_KEY, CTR_IV, CTR_PLAIN) == CTR_CIPHER, label
    assert ctr(CTR_KEY, CTR_IV, CTR_CIPHER) == CTR_PLAIN, label + ": decrypting"
    for n in PREFIXES:
        got = ctr(CTR_KEY, CTR_IV, CTR_PLAIN[:n])
        assert isinstance(got, bytes), label
        assert got == CTR_CIPHER[:n], "%s: %d-byte prefix" % (label, n)
    assert ctr(CTR_KEY, CTR_IV, bytearray(CTR_PLAIN[:20])) == CTR_CIPHER[:20], label
    assert ctr(bytearray(CTR_KEY), memoryview(CTR_IV), memoryview(CTR_PLAIN)[5:40]) \
        == bytes(a ^ b for a, b in zip(CTR_PLAIN[5:40], ctr(CTR_KEY, CTR_IV, bytes(40))[:35])), \
        label + ": memoryview"


def _blocks(iv, n):
    """E(iv), E(iv + 1)... by the FIPS-checked block function: the keystream CTR must give."""
    rk = aes_pure.expand(CTR_KEY)
    c = int.from_bytes(iv, "big")
    out = b""
    for i in range(n):
        out += aes_pure.encrypt_block(rk, ((c + i) % (1 << 128)).to_bytes(16, "big"))
    return out


def test_fips197_block_and_key_expansion():
    assert aes_pure.encrypt_block(aes_pure.expand(FIPS_KEY), FIPS_PLAIN) == FIPS_CIPHER
    rk = aes_pure.expand(A1_KEY)
    assert len(rk) == 176 and rk[:16] == A1_KEY
    assert rk[160:] == A1_LAST_ROUND_KEY


def test_sp800_38a_ctr_on_the_default_backend_and_pure():
    _check_vectors(aes.ctr, "default (%s)" % aes.BACKEND)
    _check_vectors(lambda k, i, d: aes.ctr(k, i, d, pure=True), "pure")


def test_backend_is_the_native_one_this_vm_has():
    name = sys.implementation.name
    if name == "cpython":
        assert aes.BACKEND == "cryptography"
    elif name == "circuitpython":
        assert aes.BACKEND == "aesio"
    else:
        try:
            import cryptolib  # noqa: F401
            want = "cryptolib"
        except ImportError:
            want = "pure"
        assert aes.BACKEND == want


def test_counter_is_one_128_bit_big_endian_number():
    for iv in (b"\xff" * 16, bytes(13) + b"\x00\xff\xff", bytes(8) + b"\xff" * 8, CTR_IV):
        want = _blocks(iv, 3)
        assert aes.ctr(CTR_KEY, iv, bytes(48)) == want
        assert aes.ctr(CTR_KEY, iv, bytes(48), pure=True) == want
        assert aes.ctr(CTR_KEY, iv, bytes(40), pure=True) == want[:40]


def test_only_aes_128_and_16_byte_counter_blocks():
    for key, iv in ((bytes(15), bytes(16)), (bytes(32), bytes(16)), (bytes(16), bytes(12))):
        for pure in (False, True):
            try:
                aes.ctr(key, iv, b"x", pure=pure)
            except ValueError:
                continue
            raise AssertionError("accepted a %d-byte key, %d-byte iv" % (len(key), len(iv)))


# --- stand-ins for each VM's module -----------------------------------------------------------

class _AesioCipher:
    def __init__(self, key, mode, iv):
        assert mode == FakeAesio.MODE_CTR and len(iv) == 16
        self.key = bytes(key)
        self.iv = bytes(iv)
        self.done = 0  # the counter goes on from one call to the next, as aesio's does

    def encrypt_into(self, src, dest):
        if len(src) != len(dest):
            raise ValueError("Source and destination buffers must be the same length")
        stream = aes_pure.ctr(self.key, self.iv, bytes(self.done + len(src)))[self.done:]
        for i in range(len(src)):
            dest[i] = src[i] ^ stream[i]
        self.done += len(src)


class FakeAesio:
    """CircuitPython's aesio, as far as CTR goes."""

    MODE_ECB = 1
    MODE_CBC = 2
    MODE_CTR = 6

    def __init__(self):
        self.made = 0

    def AES(self, key, mode, iv=None):  # noqa: N802  (aesio's name)
        self.made += 1
        return _AesioCipher(key, mode, iv)


class _CryptolibCipher:
    def __init__(self, key, mode, iv):
        if len(key) not in (16, 32):
            raise ValueError("key")
        if mode != 1 and (iv is None or len(iv) != 16):
            raise ValueError("IV")
        self.key = bytes(key)
        self.mode = mode
        self.iv = iv

    def encrypt(self, data):
        if self.mode == 6:
            return aes_pure.ctr(self.key, self.iv, data)
        assert self.mode == 1
        if len(data) % 16:
            raise ValueError("blksize % 16")
        rk = aes_pure.expand(self.key)
        return b"".join(aes_pure.encrypt_block(rk, data[i:i + 16])
                        for i in range(0, len(data), 16))


class FakeCryptolib:
    """MicroPython's cryptolib; a build without MICROPY_PY_CRYPTOLIB_CTR refuses mode 6."""

    def __init__(self, with_ctr):
        self.modes = (1, 2, 6) if with_ctr else (1, 2)
        self.used = []

    def aes(self, key, mode, iv=None):
        if mode not in self.modes:
            raise ValueError("mode")
        self.used.append(mode)
        return _CryptolibCipher(key, mode, iv)


def _fresh(fakes):
    """``(module, restore)``: aes imported anew with ``fakes`` (name -> module or None)
    in sys.modules and aes_pure forgotten."""
    import stretchcue.protocol as pkg

    saved = {k: sys.modules.get(k) for k in list(fakes) + [_MOD, _PURE]}
    attrs = {a: getattr(pkg, a, None) for a in _ATTRS}
    for k in fakes:
        sys.modules[k] = fakes[k]
    for k in (_MOD, _PURE):
        if k in sys.modules:
            del sys.modules[k]
    for a in _ATTRS:
        if attrs[a] is not None:
            delattr(pkg, a)  # else "from ... import aes_pure" would not import again
    __import__(_MOD)
    fresh = sys.modules[_MOD]

    def restore():
        for k in saved:
            if saved[k] is None:
                if k in sys.modules:
                    del sys.modules[k]
            else:
                sys.modules[k] = saved[k]
        for a in _ATTRS:
            if attrs[a] is not None:
                setattr(pkg, a, attrs[a])
            elif hasattr(pkg, a):
                delattr(pkg, a)

    return fresh, restore


def test_aesio_adapter_makes_a_cipher_per_call_and_sizes_the_output():
    fake = FakeAesio()
    fresh, restore = _fresh({"aesio": fake})
    try:
        assert fresh.BACKEND == "aesio"
        before = fake.made
        _check_vectors(fresh.ctr, "aesio stand-in")
        assert fake.made > before
        one = fresh.ctr(CTR_KEY, CTR_IV, CTR_PLAIN[:20])
        assert fresh.ctr(CTR_KEY, CTR_IV, CTR_PLAIN[:20]) == one  # no counter carried over
        assert _PURE not in sys.modules, "the pure-Python AES was loaded anyway"
    finally:
        restore()


def test_cryptolib_adapter_with_ctr_and_with_ecb_only():
    for with_ctr, mode in ((True, 6), (False, 1)):
        fake = FakeCryptolib(with_ctr)
        fresh, restore = _fresh({"aesio": None, "cryptolib": fake})
        try:
            assert fresh.BACKEND == "cryptolib"
            fake.used.clear()
            _check_vectors(fresh.ctr, "cryptolib stand-in, CTR %s" % with_ctr)
            assert fake.used and all(m == mode for m in fake.used), fake.used
            assert fresh.ctr(CTR_KEY, b"\xff" * 16, bytes(40)) == _blocks(b"\xff" * 16, 3)[:40]
            assert _PURE not in sys.modules, "the pure-Python AES was loaded anyway"
        finally:
            restore()


def test_no_native_aes_falls_back_to_pure_python():
    blocked = {"aesio": None, "cryptolib": None}
    blocked.update(_NO_CRYPTOGRAPHY)
    fresh, restore = _fresh(blocked)
    try:
        assert fresh.BACKEND == "pure"
        assert _PURE not in sys.modules  # not until the first call
        _check_vectors(fresh.ctr, "no native AES")
        assert _PURE in sys.modules
    finally:
        restore()


def test_native_backend_leaves_the_pure_tables_unloaded():
    fresh, restore = _fresh({})
    try:
        if fresh.BACKEND == "pure":
            return  # this VM has no native AES: nothing to leave out
        assert fresh.ctr(CTR_KEY, CTR_IV, CTR_PLAIN) == CTR_CIPHER
        assert _PURE not in sys.modules
    finally:
        restore()
