"""SHA-256 and HMAC with whichever hashlib the port has.

A CircuitPython board (nRF52840, 10.1 and later) has ``hashlib.new("sha256",
data=...)`` and nothing else: no ``hashlib.sha256``, no ``copy``, no
``hexdigest``.  These tests import ``sha256`` afresh over a stand-in hashlib of
that shape and check the native hash is the one doing the work.
"""

import sys

from stretchcue.protocol import auth, pake, sha256

SHA_VECTORS = [
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
]
# RFC 4231 cases 1-4, 6 and 7 (6 and 7: a key longer than a block; 5 truncates).
HMAC_VECTORS = [
    (b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (b"\xaa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (bytes(range(1, 26)), b"\xcd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    (b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (b"\xaa" * 131, b"This is a test using a larger than block-size key and a larger than "
     b"block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]
# RFC 5869 test cases 1-3 (ikm, salt, info, okm): a long output, then an empty salt and info.
HKDF_VECTORS = [
    (b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)),
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
    (bytes(range(0x50)), bytes(range(0x60, 0xB0)), bytes(range(0xB0, 0x100)),
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"),
    (b"\x0b" * 22, b"", b"",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
]


def _check_hkdf(mod, pure=False):
    for ikm, salt, info, hexd in HKDF_VECTORS:
        n = len(hexd) // 2
        assert mod.hkdf(ikm, salt, info, n, pure).hex() == hexd
        assert mod.hkdf(ikm, salt, info, 33, pure).hex() == hexd[:66]  # T(2) cut short
        assert mod.hkdf(ikm, salt, info, 0, pure) == b""
    ikm, salt, info, hexd = HKDF_VECTORS[2]
    assert mod.hkdf(ikm, bytes(32), info, 42, pure).hex() == hexd  # no salt = 32 zero bytes

_MOD = "stretchcue.protocol.sha256"
_PURE = "stretchcue.protocol.sha256_pure"
_NATIVE = sha256._native  # whatever this port has, to stand behind the fakes


def _real(data):
    return _NATIVE(data) if _NATIVE is not None else sha256.new(data, pure=True)


class _BoardHash:
    """What a board's ``hashlib.new`` returns: update, digest, digest_size, nothing else."""

    digest_size = 32

    def __init__(self, data):
        self._h = _real(bytes(data))

    def update(self, data):
        self._h.update(bytes(data))

    def digest(self):
        return self._h.digest()


class NewOnlyHashlib:
    """A board's hashlib module: ``new(name, data=b"")`` and no ``sha256``."""

    def __init__(self, names=("sha1", "sha256")):
        self.names = names
        self.calls = 0

    def new(self, name, *args, **kw):
        assert not args and list(kw) in ([], ["data"]), "the board takes data= by keyword"
        if name not in self.names:
            raise ValueError("unsupported hash type")
        self.calls += 1
        return _BoardHash(kw.get("data", b""))


def _fresh(fake):
    """``(module, restore)``: sha256 imported anew with ``fake`` as hashlib."""
    import stretchcue.protocol as pkg

    saved = {k: sys.modules.get(k) for k in ("hashlib", _MOD, _PURE)}
    pure = getattr(pkg, "sha256_pure", None)
    sys.modules["hashlib"] = fake
    for k in (_MOD, _PURE):
        if k in sys.modules:
            del sys.modules[k]
    if pure is not None:
        del pkg.sha256_pure  # else "from ... import sha256_pure" would not import again
    __import__(_MOD)
    fresh = sys.modules[_MOD]

    def restore():
        for k, v in saved.items():
            if v is None:
                if k in sys.modules:
                    del sys.modules[k]
            else:
                sys.modules[k] = v
        pkg.sha256 = sha256
        if pure is not None:
            pkg.sha256_pure = pure
        elif hasattr(pkg, "sha256_pure"):
            del pkg.sha256_pure

    return fresh, restore


def test_board_hashlib_with_only_new_is_used():
    fake = NewOnlyHashlib()
    fresh, restore = _fresh(fake)
    try:
        assert _PURE not in sys.modules, "the pure-Python tables were loaded anyway"
        for data, hexd in SHA_VECTORS:
            before = fake.calls
            assert fresh.sha256(data).hex() == hexd
            assert fake.calls == before + 1
        for key, msg, hexd in HMAC_VECTORS:
            h = fresh.Hmac(key)
            before = fake.calls
            assert h.tag(msg).hex() == hexd
            assert h.tag(msg).hex() == hexd  # no copy(): the pads are hashed again each time
            assert fake.calls == before + 4
            assert fresh.hmac(key, msg).hex() == hexd
        before = fake.calls
        _check_hkdf(fresh)
        assert fake.calls > before
        assert _PURE not in sys.modules
    finally:
        restore()


def test_pairing_and_signing_work_on_a_new_only_hashlib():
    fake = NewOnlyHashlib()
    fresh, restore = _fresh(fake)
    saved = sha256._native
    sha256._native = fresh._native  # what pake and auth already imported, switched over
    try:
        h = pake.Spake2(b"H", "004217", b"\x01" * 32)
        d = pake.Spake2(b"D", "004217", b"\x02" * 32)
        td = d.finish(h.share(), b"h", b"d")
        th = h.finish(d.share(), b"h", b"d")
        h.check(td)
        d.check(th)
        assert h.pair_key == d.pair_key
        hn, dn = b"n" * 16, b"m" * 16
        tag = auth.proof(h.pair_key, b"H", b"h" * 16, hn, dn)
        auth.check_proof(d.pair_key, b"H", b"h" * 16, hn, dn, tag)
        host = auth.Session(h.pair_key, b"H", b"h" * 16, b"d", hn, dn)
        dev = auth.Session(d.pair_key, b"D", b"h" * 16, b"d", hn, dn)
        from stretchcue.protocol import frame as fr

        sealed = fr.FrameDecoder().feed(host.seal(0x08, 3, b"payload"))[0]
        assert dev.open(sealed) == b"payload"
        assert fake.calls > 20
        used = fake.calls
    finally:
        sha256._native = saved
        restore()
    # The same exchange on this port's own hash gives the same key: nothing differs.
    h2 = pake.Spake2(b"H", "004217", b"\x01" * 32)
    d2 = pake.Spake2(b"D", "004217", b"\x02" * 32)
    h2.finish(d2.share(), b"h", b"d")
    assert h2.pair_key == h.pair_key and used


def test_no_hashlib_or_no_sha256_falls_back_to_pure_python():
    for fake in (None, NewOnlyHashlib(names=("sha1",))):
        fresh, restore = _fresh(fake)
        try:
            assert fresh._native is None
            for data, hexd in SHA_VECTORS:
                assert fresh.sha256(data).hex() == hexd
            for key, msg, hexd in HMAC_VECTORS:
                assert fresh.hmac(key, msg).hex() == hexd
            _check_hkdf(fresh)
            assert _PURE in sys.modules
        finally:
            restore()


def test_rfc4231_hmac_native_and_pure():
    for pure in (False, True):
        for key, msg, hexd in HMAC_VECTORS:
            assert sha256.hmac(key, msg, pure).hex() == hexd
            mac = sha256.Hmac(key, pure)
            assert mac.tag(msg).hex() == hexd
            assert mac.tag(bytearray(msg)).hex() == hexd  # a second tag under the same key
        assert sha256.hmac(b"Jefe", b"what do ya want for nothing!", pure).hex() \
            != HMAC_VECTORS[1][2]


def test_rfc5869_hkdf_native_and_pure():
    _check_hkdf(sha256)
    _check_hkdf(sha256, pure=True)
    ikm, salt, info, hexd = HKDF_VECTORS[0]
    assert sha256.hkdf(ikm, salt, info + b"!", 42).hex() != hexd
    assert len(sha256.hkdf(ikm, salt, info, 255 * 32)) == 255 * 32
    for bad in (255 * 32 + 1, -1):
        try:
            sha256.hkdf(ikm, salt, info, bad)
        except ValueError:
            continue
        raise AssertionError("hkdf gave %d bytes" % bad)


def test_equal_compares_whole_tags():
    tag = bytes(range(32))
    assert sha256.equal(tag, bytes(tag))
    assert sha256.equal(b"", b"")
    for i in (0, 15, 31):
        other = bytearray(tag)
        other[i] ^= 0x01
        assert not sha256.equal(tag, other)
    assert not sha256.equal(tag, tag[:31])
