"""edwards25519 and SPAKE2 pairing, on CPython and inside MicroPython.

RFC 9382 publishes test vectors only for P-256, so what is checked instead:
the group on RFC 8032's key-generation vectors (A = s*B); that M and N are the
points the RFC's seeds generate and have order L; the encoding's rejections;
the cofactor clearing; the key schedule recomputed here step by step from RFC
9382's formulas (HMAC from the standard library where there is one); and one
fixed exchange, so a change to the wire format cannot pass unnoticed.
"""

from stretchcue.protocol import ed25519 as ed
from stretchcue.protocol import pake
from stretchcue.protocol import sha256 as _sha

# RFC 8032 section 7.1, TESTs 1-3: secret key (seed), the clamped scalar s from
# SHA-512(seed) (hard-coded: MicroPython may have no sha512), public key A = s*B.
RFC8032 = [
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "68bd9ed75882d52815a97585caf4790a7f6c6b3b7f821c5e259a24b02e502e51",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "909a8b755ed902849023a55b15c23d11ba4d7f4ec5c2f51b1325a181991ea95c",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"),
]
# The eight points of order 1, 2, 4 and 8, each as RFC 8032 encodes it.
SMALL_ORDER = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
]
IDS = (b"H" * 16, b"dev-1")
# test_fixed_exchange: code 004217, host secret 01*32, device secret 02*32, IDS
SHARE_H = "270e2a874d4d98a545209bceb82ab6c4378b4959725aa92da951eca13c5d0ddb"
SHARE_D = "5b8483bfdc33baaef2984fd883c4a6376407e261c6f7ee5593ea222cc4d1fafd"
PAIR_KEY = "4bc1914f2b5a7c9c8243c76596f240d04862568a90c22b4d56ff9c04fbce0392"


def _mul(k, a):
    return ed.mul2(k, a, 0, ed.IDENTITY)


def _add(a, b):
    return ed.mul2(1, a, 1, b)


def _is_identity(a):
    return a[0] % ed.P == 0 and (a[1] - a[2]) % ed.P == 0


def _neg(a):
    return (-a[0] % ed.P, a[1], a[2], -a[3] % ed.P)


def _raises(fn, *args):
    try:
        fn(*args)
    except ValueError as e:
        return e
    raise AssertionError("no error from %r" % (args,))


def _sha512():
    try:
        import hashlib
    except ImportError:
        return None
    return getattr(hashlib, "sha512", None)


def _pair(code_h="004217", code_d="004217", xh=b"\x01" * 32, xd=b"\x02" * 32):
    h = pake.Spake2(b"H", code_h, xh)
    d = pake.Spake2(b"D", code_d, xd)
    td = d.finish(h.share(), *IDS)
    th = h.finish(d.share(), *IDS)
    return h, d, th, td


def test_rfc8032_public_keys():
    sha512 = _sha512()
    for seed, s_hex, pub in RFC8032:
        s = bytes.fromhex(s_hex)
        if sha512 is not None:
            h = bytearray(sha512(bytes.fromhex(seed)).digest()[:32])
            h[0] &= 248
            h[31] = (h[31] & 127) | 64
            assert bytes(h) == s
        a = _mul(int.from_bytes(s, "little"), ed.BASE)
        assert ed.encode(a).hex() == pub
        assert ed.encode(ed.decode(bytes.fromhex(pub))).hex() == pub


def test_base_point_group_order_and_round_trips():
    assert ed.encode(ed.BASE).hex() == "58" + "66" * 31
    assert _is_identity(_mul(ed.L, ed.BASE))
    assert not _is_identity(_mul(ed.L - 1, ed.BASE))
    assert ed.encode(_mul(ed.L - 1, ed.BASE)) == ed.encode(_neg(ed.BASE))
    pt = ed.BASE
    for k in range(1, 12):
        enc = ed.encode(pt)
        assert ed.encode(ed.decode(enc)) == enc
        assert enc == ed.encode(_mul(k, ed.BASE))
        neg = ed.encode(_neg(pt))
        assert neg[:31] == enc[:31] and neg[31] == enc[31] ^ 0x80  # same y, other sign
        assert ed.encode(ed.double(pt)) == ed.encode(_add(pt, pt))
        pt = _add(pt, ed.BASE)
    a, b = 123456789 ** 5, 987654321 ** 4
    joint = ed.mul2(a, ed.BASE, b, pt)
    assert ed.encode(joint) == ed.encode(_add(_mul(a, ed.BASE), _mul(b, pt)))


def test_bad_encodings_are_rejected():
    p = ed.P
    for y in (p, p + 1, (1 << 255) - 1):  # y >= p: non-canonical
        _raises(ed.decode, y.to_bytes(32, "little"))
    _raises(ed.decode, (p + 1).to_bytes(32, "little")[:31])
    _raises(ed.decode, b"\x00" * 33)
    _raises(ed.decode, (2).to_bytes(32, "little"))  # y = 2: no x on the curve
    _raises(ed.decode, (1 | 1 << 255).to_bytes(32, "little"))  # x = 0 with the sign bit: -0
    ed.decode((3).to_bytes(32, "little"))


def test_m_and_n_are_the_points_the_rfc_seeds_give():
    """RFC 9382 section 6 / appendix: SHA-256 the seed, rehash until a point of order L."""
    for seed, want in ((b"edwards25519 point generation seed (M)", pake.M),
                       (b"edwards25519 point generation seed (N)", pake.N)):
        v = _sha.sha256(seed)
        while True:
            try:
                pt = ed.decode(v)
            except ValueError:
                pt = None
            if pt is not None and _is_identity(_mul(ed.L, pt)):
                break
            v = _sha.sha256(v)
        assert v == want
    assert pake.M.hex() == "d048032c6ea0b6d697ddc2e86bda85a33adac920f1bf18e1b0c6d166a5cecdaf"
    assert pake.N.hex() == "d3bfb518f44f3430f29d0c92af503865a1ed3281dc69b35dd868ba85f886c4ab"


def test_both_sides_agree_and_tags_differ_per_role():
    h, d, th, td = _pair()
    assert len(h.share()) == len(d.share()) == pake.SIZE == 32
    h.check(td)
    d.check(th)
    assert h.pair_key == d.pair_key and len(h.pair_key) == 32
    assert th != td and len(th) == len(td) == 32
    _raises(h.check, th)  # a side's own tag reflected back is refused
    _raises(d.check, td)


def test_wrong_code_fails_check_on_both_sides():
    h, d, th, td = _pair(code_h="004218")
    assert isinstance(_raises(h.check, td), pake.PairError)
    assert isinstance(_raises(d.check, th), pake.PairError)
    assert h.pair_key != d.pair_key


def test_check_before_finish_and_bad_codes_fail():
    sp = pake.Spake2(b"D", "000000", b"\x05" * 32)
    _raises(sp.check, b"\x00" * 32)
    for code in ("12345", "1234567", "12a456", "12 456"):
        e = _raises(pake.Spake2, b"H", code, b"\x01" * 32)
        assert isinstance(e, pake.PairError) and str(e) == "the pairing code is 6 digits"


def test_bad_and_small_order_shares_are_refused():
    d = pake.Spake2(b"D", "004217", b"\x02" * 32)
    for bad in (b"", b"\x01" * 31, ed.P.to_bytes(32, "little"), (2).to_bytes(32, "little")):
        assert isinstance(_raises(d.finish, bad, *IDS), pake.PairError)
    for enc in SMALL_ORDER:
        pt = ed.decode(bytes.fromhex(enc))
        assert _is_identity(_mul(8, pt))
        assert isinstance(_raises(d.finish, bytes.fromhex(enc), *IDS), pake.PairError)
    # pA = w*M exactly (x = 0) leaves K the identity on the device's side
    w = pake.code_scalar("004217")
    wm = ed.encode(_mul(w, ed.decode(pake.M)))
    assert isinstance(_raises(d.finish, wm, *IDS), pake.PairError)


def _hmac(key, msg):
    try:
        import hashlib
        import hmac
    except ImportError:
        return _sha.hmac(key, msg)
    return hmac.new(key, msg, hashlib.sha256).digest()


def _hkdf(ikm, salt, info, n):
    prk = _hmac(salt or b"\x00" * 32, ikm)
    return _hmac(prk, info + b"\x01")[:n]


def _lp(b):
    return len(b).to_bytes(8, "little") + b


def _expected(pa, pb, k, w):
    """(cA, cB, pair_key) from RFC 9382's formulas, for shares pa, pb (bytes) and point K."""
    tt = (_lp(IDS[0]) + _lp(IDS[1]) + _lp(pa) + _lp(pb) + _lp(ed.encode(k))
          + _lp(w.to_bytes(32, "big")))
    digest = _sha.sha256(tt)
    ke, ka = digest[:16], digest[16:]
    kc = _hkdf(ka, b"", b"ConfirmationKeys" + b"stretchcue v1", 32)
    return _hmac(kc[:16], tt), _hmac(kc[16:], tt), _hkdf(ke, b"", b"stretchcue v1 pair key", 32)


def test_key_schedule_is_rfc9382():
    """Recompute K, TT, Ke||Ka, KcA||KcB, cA, cB and pair_key from the formulas."""
    xh, xd = b"\x07" * 32, b"\x09" * 32
    h, d, th, td = _pair(xh=xh, xd=xd)
    w = pake.code_scalar("004217")
    assert w == int.from_bytes(_sha.sha256(b"stretchcue v1 w004217"), "little") % ed.L
    x = int.from_bytes(xh, "little") % ed.L
    y = int.from_bytes(xd, "little") % ed.L
    m, n = ed.decode(pake.M), ed.decode(pake.N)
    pa = _add(_mul(x, ed.BASE), _mul(w, m))
    pb = _add(_mul(y, ed.BASE), _mul(w, n))
    assert ed.encode(pa) == h.share() and ed.encode(pb) == d.share()
    k = _mul(8 * x, _add(pb, _neg(_mul(w, n))))  # A's K = h*x*(pB - w*N)
    assert ed.encode(k) == ed.encode(_mul(8 * y, _add(pa, _neg(_mul(w, m)))))
    assert (th, td, h.pair_key) == _expected(h.share(), d.share(), k, w)


def test_a_small_order_part_in_a_share_leaves_k_alone():
    """K = h*y*(pA - w*M): pA moved by a point of order 8 gives the same K (TT has the bytes)."""
    xh, xd = b"\x07" * 32, b"\x09" * 32
    h = pake.Spake2(b"H", "004217", xh)
    d = pake.Spake2(b"D", "004217", xd)
    t8 = ed.decode(bytes.fromhex(SMALL_ORDER[4]))
    pa = ed.decode(h.share())
    moved = ed.encode(_add(pa, t8))
    assert moved != h.share()
    td = d.finish(moved, *IDS)
    w = pake.code_scalar("004217")
    y = int.from_bytes(xd, "little") % ed.L
    k = _mul(8 * y, _add(pa, _neg(_mul(w, ed.decode(pake.M)))))
    assert td == _expected(moved, d.share(), k, w)[1]


def test_fixed_exchange():
    """One exchange pinned byte for byte: the same on every VM, and across releases."""
    h, d, th, td = _pair()
    assert h.share().hex() == SHARE_H
    assert d.share().hex() == SHARE_D
    assert h.pair_key.hex() == PAIR_KEY
