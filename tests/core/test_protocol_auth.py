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


def test_a_wrong_code_gives_nothing_and_the_owner_pairs_with_the_fresh_one():
    api = MemoryDevice()
    dev = DeviceProtocol(api, urandom)
    host = Host(dev)
    dev.enter_pairing("123456", 0)
    assert host.pair("123456", typed="654321") is None
    w = dev.window
    assert dev.pairing and w.code != "123456"  # still open, a new code on the screen
    assert host.pair("123456") is None  # the old code is worth nothing now
    assert api.keys == {}
    assert host.pair(w.code).ftype == m.OK
    assert api.keys == {host.host_id: host.key} and w.result == "paired"


def test_wrong_codes_close_pairing_after_five():
    from stretchcue.protocol import pairing

    dev = DeviceProtocol(MemoryDevice(), urandom)
    host = Host(dev)
    dev.enter_pairing("123456", 0)
    for _ in range(pairing.TRIES):
        assert dev.pairing
        wrong = "%06d" % ((int(dev.window.code) + 1) % 1000000)
        assert host.pair(dev.window.code, typed=wrong) is None
    assert not dev.pairing and dev.window.result == "too many wrong codes"
    assert error_code(host.pair("123456")) == m.NOT_PAIRING


def test_a_right_code_still_needs_yes_on_the_device():
    api = MemoryDevice()
    dev = DeviceProtocol(api, urandom)
    host = Host(dev, name=b"Ann's laptop")
    dev.enter_pairing("123456", 0)
    assert error_code(host.pair("123456", answer=False)) == m.PAIR_DECLINED
    assert api.keys == {} and not dev.pairing and dev.window.result == "declined"
    dev.enter_pairing("123456", 1000)
    assert host.pair("123456", answer=None) is None  # nobody answers
    assert dev.window.asking and dev.window.name == "Ann's laptop"
    late = host.feed(dev.tick(1000 + 120_000))
    assert error_code(late[0]) == m.PAIR_FAILED and api.keys == {}


def test_one_attempt_at_a_time_on_all_links():
    from stretchcue.protocol import pake

    api = MemoryDevice()
    ble = DeviceProtocol(api, urandom)
    usb = DeviceProtocol(api, urandom, ble.window)  # links share one window
    phone, laptop = Host(ble, b"P" * 16), Host(usb)
    code = ble.enter_pairing(None, 0)
    sp = pake.Spake2(b"H", code, urandom(32))
    assert phone.one(m.PAIR_START, phone.host_id + sp.share()).ftype == m.PAIR_REPLY
    assert error_code(laptop.pair(code)) == m.NOT_PAIRING  # held by the first attempt
    ble.disconnected()  # an abandoned attempt counts as a wrong guess
    assert ble.window.code != code and usb.pairing
    assert laptop.pair(ble.window.code).ftype == m.OK


def test_a_stalled_attempt_ends_and_frees_the_window():
    from stretchcue.protocol import pairing, pake

    dev = DeviceProtocol(MemoryDevice(), urandom)
    host = Host(dev)
    code = dev.enter_pairing(None, 0)
    sp = pake.Spake2(b"H", code, urandom(32))
    assert host.one(m.PAIR_START, host.host_id + sp.share()).ftype == m.PAIR_REPLY
    dev.tick(pairing.ATTEMPT_MS)
    assert dev.window.owner is None and dev.window.code != code and dev._spake is None
    assert host.pair(dev.window.code).ftype == m.OK


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


def _refix_crc(raw):
    import struct
    from binascii import crc32

    body = bytes(raw[:-4])
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


def test_an_altered_frame_is_refused_with_one_generic_error_and_ends_the_session():
    api, dev, host = paired()
    api.routines["abd"] = b"{}"
    answers = []
    for where in (8, 12, -5):  # the counter, the ciphertext, the tag
        raw = bytearray(host.frame(m.ROUTINE_DELETE, b"abd"))
        raw[where] ^= 0x01  # then fix the CRC, so only the seal can tell
        reply = host.send_raw(_refix_crc(raw))[0]
        assert not reply.flags & fr.SEALED and error_code(reply) == m.AUTH_FAILED
        answers.append(reply.payload)
        assert not dev.authenticated and "abd" in api.routines
        host.session = None
        assert host.auth().ftype == m.OK
    assert answers[0] == answers[1] == answers[2]  # nothing says which check failed
    unsealed = fr.encode(m.ROUTINE_DELETE, 9, b"abd")
    assert error_code(host.send_raw(unsealed)[0]) == m.AUTH_FAILED
    assert "abd" in api.routines and not dev.authenticated


def test_every_frame_after_authentication_is_encrypted_both_ways():
    import struct

    api, dev, host = paired()
    api.routines["secret-stretch"] = b"{}"
    api.add_records(3)
    wire = []
    for ftype, payload in ((m.ROUTINE_LIST, b""), (m.LOG_READ, struct.pack("<IB", 0, 4))):
        out = host.frame(ftype, payload)
        back = dev.receive(out)
        wire.append(out + b"".join(back))
        assert all(f.ftype != m.ERROR for f in host.feed(back))
    capture = b"".join(wire)
    for clear in (b"secret-stretch", b"Lower back", b"sc-0001", b"selected"):
        assert clear not in capture


def test_a_reply_is_bound_to_the_request_it_answers():
    api, dev, host = paired()
    frame = host.frame(m.ROUTINE_LIST)
    (reply,) = fr.FrameDecoder().feed(b"".join(dev.receive(frame)))
    try:
        host.session.open(reply, host.counters[reply.req] + 1)  # as if for another request
    except auth.AuthError:
        pass
    else:
        raise AssertionError("a reply opened against another request's counter")
    assert host.session.open(reply, host.counters[reply.req])


def test_a_device_frame_reflected_back_is_refused():
    api, dev, host = paired()
    (reply,) = fr.FrameDecoder().feed(b"".join(dev.receive(host.frame(m.ROUTINE_LIST))))
    assert error_code(host.send_raw(fr.encode(reply.ftype & 0x7F, reply.req, reply.payload,
                                              fr.SEALED))[0]) == m.AUTH_FAILED


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


def test_pairing_times_hold_across_the_ticks_wrap_and_a_freshly_loaded_protocol():
    from stretchcue.protocol import pairing, pake

    mask = (1 << 29) - 1
    for near in ((1 << 29) - 1000, 5_000_000):  # near the wrap; an hour and more after boot
        dev = DeviceProtocol(MemoryDevice(), urandom)
        code = dev.window.start(pairing.LAPTOP, near)
        later = DeviceProtocol(dev.api, urandom, dev.window)  # loaded by a host's first bytes
        host = Host(later)
        sp = pake.Spake2(b"H", code, urandom(32))
        assert host.one(m.PAIR_START, host.host_id + sp.share()).ftype == m.PAIR_REPLY
        dev.tick((near + 2000) & mask)
        assert later.window.owner is later and later.window.code == code
        dev.tick((near + pairing.ATTEMPT_MS) & mask)
        assert later.window.owner is None and later.window.code != code
