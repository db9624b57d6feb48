"""Pairing, challenge-response and per-frame signatures."""

from proto_api import Host, MemoryDevice, error_code, paired, urandom

from stretchcue.protocol import auth, pake, sha256
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol.device import DeviceProtocol

# FIPS 180-2 / RFC 4231 vectors, so the pure SHA-256 is checked even without hashlib.
VECTORS = [
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
]


def test_pure_sha256_vectors():
    for data, hexd in VECTORS:
        assert sha256.sha256(data, pure=True).hex() == hexd
        assert sha256.sha256(data).hex() == hexd


def test_hmac_rfc4231_case_2():
    tag = sha256.hmac(b"Jefe", b"what do ya want for nothing?", pure=True)
    assert tag.hex() == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert sha256.hmac(b"\xaa" * 131, b"Test Using Larger Than Block-Size Key - Hash Key First",
                       pure=True).hex() == \
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"


def test_spake2_agrees_only_on_the_same_code():
    h = pake.Spake2(b"H", "004217", b"\x01" * 32)
    d = pake.Spake2(b"D", "004217", b"\x02" * 32)
    td = d.finish(h.share(), b"h", b"d")
    th = h.finish(d.share(), b"h", b"d")
    h.check(td)
    d.check(th)
    assert h.pair_key == d.pair_key and len(h.pair_key) == 32
    wrong = pake.Spake2(b"H", "004218", b"\x01" * 32)
    wrong.finish(d.share(), b"h", b"d")
    try:
        wrong.check(td)
    except pake.PairError:
        return
    raise AssertionError("wrong code accepted")


def test_pairing_then_auth_gives_access():
    api, dev, host = paired()
    assert api.keys[host.host_id] == host.key
    assert host.one(m.ROUTINE_LIST).ftype == m.ROUTINES
    assert dev.authenticated and not dev.pairing


def test_wrong_code_fails_and_uses_up_pairing_mode():
    api = MemoryDevice()
    dev = DeviceProtocol(api, urandom)
    host = Host(dev)
    dev.enter_pairing("123456", 0)
    assert host.pair("123456", typed="654321") is None
    assert error_code(host.pair("123456")) == m.NOT_PAIRING  # no second guess
    assert error_code(host.one(m.PAIR_CONFIRM, b"\x00" * 32)) == m.PAIR_FAILED
    assert not dev.pairing
    assert error_code(host.pair("123456")) == m.NOT_PAIRING
    assert api.keys == {}


def test_pairing_needs_the_gesture_and_expires():
    dev = DeviceProtocol(MemoryDevice(), urandom)
    host = Host(dev)
    assert error_code(host.pair("123456")) == m.NOT_PAIRING
    dev.enter_pairing("123456", 1000)
    dev.tick(1000 + 119_000)
    assert dev.pairing
    dev.tick(1000 + 120_000)
    assert not dev.pairing


def test_without_auth_only_hello_and_status():
    dev = DeviceProtocol(MemoryDevice(), urandom)
    host = Host(dev)
    assert host.one(m.HELLO).ftype == m.INFO
    assert host.one(m.STATUS).ftype == m.STATE
    for t in (m.ROUTINE_LIST, m.SET_CLOCK, m.LOG_READ, m.PUT_BEGIN, m.FORGET, m.LOG_ACK):
        assert error_code(host.one(t, b"\x00" * 9)) == m.NOT_PAIRED


def test_unknown_host_and_wrong_key_are_refused():
    api, dev, host = paired()
    dev.disconnected()
    stranger = Host(dev, host_id=b"S" * 16)
    assert error_code(stranger.auth(key=b"k" * 32)) == m.NOT_PAIRED
    dev.disconnected()
    impostor = Host(dev)  # right host id, wrong key
    try:
        impostor.auth(key=b"k" * 32)
    except auth.AuthError:
        pass  # the device's proof fails on the impostor's side first
    else:
        raise AssertionError("device proof accepted under a wrong key")
    assert not dev.authenticated


def test_host_proof_with_wrong_key_is_refused():
    api, dev, host = paired()
    dev.disconnected()
    hn = b"n" * 16
    r = host.one(m.AUTH_BEGIN, host.host_id + hn)
    dn = r.payload[:16]
    host.session = None
    bad = host.one(m.AUTH_PROVE, auth.proof(b"x" * 32, b"H", host.host_id, hn, dn))
    assert error_code(bad) == m.AUTH_FAILED
    assert not dev.authenticated


def test_replayed_frame_is_rejected_without_effect():
    api, dev, host = paired()
    raw = host.frame(m.SET_CLOCK, b"\x10\x00\x00\x00")
    assert host.send_raw(raw)[0].ftype == m.OK
    api.clock = 0
    assert error_code(host.send_raw(raw)[0]) == m.AUTH_FAILED
    assert api.clock == 0


def test_forged_or_altered_frame_is_rejected():
    api, dev, host = paired()
    raw = bytearray(host.frame(m.ROUTINE_DELETE, b"abc"))
    api.routines["abd"] = b"{}"
    raw[8 + 2] = ord("d")  # change the name, then fix the CRC so only the tag can tell
    body = bytes(raw[:-4])
    import struct
    from binascii import crc32

    forged = body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)
    assert error_code(host.send_raw(forged)[0]) == m.AUTH_FAILED
    assert "abd" in api.routines
    unsigned = fr.encode(m.ROUTINE_DELETE, 9, b"abd")
    assert error_code(host.send_raw(unsigned)[0]) == m.AUTH_FAILED
    assert "abd" in api.routines


def test_session_ends_on_disconnect():
    api, dev, host = paired()
    dev.disconnected()
    assert not dev.authenticated
    host.session = None
    assert error_code(host.one(m.ROUTINE_LIST)) == m.NOT_PAIRED


def test_forget_removes_the_key():
    api, dev, host = paired()
    assert host.one(m.FORGET).ftype == m.OK
    assert api.keys == {}
    host.session = None
    assert error_code(host.auth()) == m.NOT_PAIRED


def test_poly1305_rfc8439_vector():
    from stretchcue.protocol import poly1305

    key = bytes.fromhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")
    tag = poly1305.mac(poly1305.clamp(key[:16]), key[16:], b"Cryptographic Forum Research Group")
    assert tag == bytes.fromhex("a8061dc1305136c6c22b8baf0c0127a9")
