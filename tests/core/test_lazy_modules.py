"""Rare jobs load their code for the job only: pairing, checking a routine, text mode.

On a board (``stretchcue.DROP``) the module is forgotten after the job, so the heap
gets it back; these tests switch that on under CPython too.
"""

import struct
import sys
from binascii import crc32

from proto_api import Host, MemoryDevice, urandom

import stretchcue
from stretchcue import routine
from stretchcue.protocol import device
from stretchcue.protocol import messages as m

import samples

PAKE = "stretchcue.protocol.pake"
CHECK = "stretchcue.routine_check"


def _dropping(fn):
    saved = stretchcue.DROP
    stretchcue.DROP = True
    try:
        fn()
    finally:
        stretchcue.DROP = saved


def _loaded(name):
    parent, _, child = name.rpartition(".")
    return name in sys.modules or child in dir(sys.modules[parent])


def test_pairing_code_lives_only_as_long_as_a_pairing():
    def body():
        from stretchcue.protocol import pake as host_pake  # the laptop's side

        stretchcue.drop(PAKE)
        assert not _loaded(PAKE) and "pake" not in dir(device)
        dev = device.DeviceProtocol(MemoryDevice(), urandom)
        host = Host(dev)
        dev.enter_pairing("123456", 0)
        assert not _loaded(PAKE)  # the gesture alone loads nothing
        sp = host_pake.Spake2(b"H", "123456", urandom(32))
        r = host.one(m.PAIR_START, host.host_id + sp.share())
        assert r.ftype == m.PAIR_REPLY
        assert not _loaded(PAKE)  # not by the import system, and not by the attempt either:
        assert isinstance(dev._spake, tuple) and [type(x) for x in dev._spake] == [bytes] * 2
        n = host_pake.SIZE
        mine = sp.finish(r.payload[:n], host.host_id, r.payload[n + 32:])
        sp.check(r.payload[n:n + 32])
        assert host.call(m.PAIR_CONFIRM, mine) == []  # the device asks the person first
        dev.window.answer(True)
        assert host.feed(dev.tick(0))[0].ftype == m.OK
        assert dev._spake is None and not _loaded(PAKE)
        # A wrong code: refused as PAIR_FAILED, and nothing kept either.
        dev.enter_pairing("123456", 0)
        sp = host_pake.Spake2(b"H", "654321", urandom(32))
        r = host.one(m.PAIR_START, host.host_id + sp.share())
        mine = sp.finish(r.payload[:n], host.host_id, r.payload[n + 32:])
        r = host.one(m.PAIR_CONFIRM, mine)
        assert r.ftype == m.ERROR and m.load(r.payload)["code"] == m.PAIR_FAILED
        assert dev._spake is None and not _loaded(PAKE)

    _dropping(body)


def test_a_bad_pairing_code_is_refused_without_loading_pairing():
    dev = device.DeviceProtocol(MemoryDevice(), urandom)
    for bad in ("12345", "1234567", "12345a", ""):
        try:
            dev.enter_pairing(bad, 0)
        except ValueError:
            continue
        raise AssertionError(bad)
    assert not dev.pairing


def test_the_routine_checker_is_forgotten_after_each_routine():
    def body():
        stretchcue.drop(CHECK)
        r = routine.loads(samples.to_json(samples.lower_back()))
        assert len(r.stretches) == 5 and not _loaded(CHECK)
        try:
            routine.from_dict({"name": "x"})
        except routine.RoutineError as e:
            assert e.errors == [("stretches", "required")]
        assert not _loaded(CHECK)

    _dropping(body)


def test_text_mode_is_loaded_only_to_answer_a_line():
    def body():
        stretchcue.drop("stretchcue.protocol.text")
        api = MemoryDevice()
        api.routines["a"] = b"{}"
        dev = device.DeviceProtocol(api, urandom)
        assert not _loaded("stretchcue.protocol.text")
        from stretchcue.protocol import pairing

        code = dev.window.start(pairing.PHONE, 0).encode()
        assert dev.receive(b"unlock " + code + b"\nlist\n") == [
            b"unlocked: list, start, stop\n", b"routines: 1 a\n"]
        assert dev.unlocked and not _loaded("stretchcue.protocol.text")
        dev.disconnected()
        assert not dev.unlocked

    _dropping(body)


def _fresh(names):
    """Forget ``names`` for a test and put the very same modules back after it, so the
    rest of the suite keeps the classes it imported."""
    saved = [(n, sys.modules.get(n)) for n in names]
    for n in names:
        sys.modules.pop(n, None)
        parent, _, child = n.rpartition(".")
        if child in dir(sys.modules[parent]):
            delattr(sys.modules[parent], child)

    def restore():
        for n, mod in saved:
            if mod is not None:
                sys.modules[n] = mod
                parent, _, child = n.rpartition(".")
                setattr(sys.modules[parent], child, mod)

    return restore


def test_pairing_the_session_and_an_upload_each_load_their_code_only_while_used():
    """A board pairing never holds the session's code (auth, aes, the sealed requests'
    handlers) nor the upload's (transfer); one serving a paired host never holds
    pairing's (device_pair, pake)."""
    pair, auth_, aes_, put = ("stretchcue.protocol.device_pair", "stretchcue.protocol.auth",
                              "stretchcue.protocol.aes", "stretchcue.protocol.transfer")
    ops = "stretchcue.protocol.device_ops"

    def body():
        from stretchcue.protocol import pairing

        window = pairing.Window(urandom)
        shared = [None]  # the app's window: None until the gesture, None again after
        dev = device.DeviceProtocol(MemoryDevice(), urandom, lambda: shared[0])
        host = Host(dev)
        assert dev.window is None and not dev.pairing
        assert host.one(m.HELLO).ftype == m.INFO
        r = host.one(m.PAIR_START, host.host_id + bytes(32))
        assert m.load(r.payload)["code"] == m.NOT_PAIRING  # no window: nothing loaded
        assert not any(_loaded(n) for n in (pair, PAKE, auth_, aes_, put))
        shared[0] = window
        dev.window.start(pairing.LAPTOP, 0)
        window.code = "123456"
        assert dev.pairing
        from stretchcue.protocol import pake as host_pake

        stretchcue.drop(PAKE)
        sp = host_pake.Spake2(b"H", "123456", urandom(32))
        r = host.one(m.PAIR_START, host.host_id + sp.share())
        assert r.ftype == m.PAIR_REPLY and not any(_loaded(n) for n in (auth_, aes_, put, ops))
        n = host_pake.SIZE
        mine = sp.finish(r.payload[:n], host.host_id, r.payload[n + 32:])
        assert host.call(m.PAIR_CONFIRM, mine) == [] and _loaded(pair)  # asking the person
        window.answer(True)
        assert host.feed(dev.tick(0))[0].ftype == m.OK
        host.key = sp.pair_key
        shared[0] = None  # the app forgets its window once the screen has moved on
        assert not _loaded(pair) and not _loaded(PAKE) and not dev.pairing
        assert host.auth().ftype == m.OK and _loaded(auth_) and not _loaded(put)
        data = samples.to_json(samples.lower_back())
        r = host.one(m.PUT_BEGIN, struct.pack("<II", len(data), crc32(data)) + b"r")
        assert r.ftype == m.PUT_ACK and _loaded(put) and _loaded(ops) and dev.resumable
        host.call(m.PUT_DATA, struct.pack("<I", 0) + data[:300])
        assert _loaded(put)
        for off in range(300, len(data), 480):
            host.call(m.PUT_DATA, struct.pack("<I", off) + data[off:off + 480])
        assert host.one(m.PUT_COMMIT).ftype == m.OK
        assert not _loaded(put) and not dev.resumable and dev.api.routines["r"] == data

    restore = _fresh((pair, PAKE, auth_, aes_, put, ops))
    try:
        _dropping(body)
    finally:
        restore()


def test_the_constants_copied_to_spare_imports_agree_with_their_modules():
    from stretchcue.protocol import auth, device_ops, device_pair, pairing, pake, text, transfer

    if not hasattr(device, "_ID"):
        return  # MicroPython folds private const() names away: nothing left to compare
    assert (device._ID, device._NONCE) == (auth.ID_BYTES, auth.NONCE)
    assert (device_ops._WINDOW, device_ops._CHUNK, device_ops._LOG_FRAME,
            device_ops._LOG_WINDOW) == (
        transfer.WINDOW, transfer.CHUNK, transfer.LOG_FRAME, transfer.LOG_WINDOW)
    assert device._LAPTOP == device_pair._LAPTOP == pairing.LAPTOP
    assert (device_pair._YES, text._PHONE) == (pairing.YES, pairing.PHONE)
    assert (device_pair._ID, device_pair._SHARE, device_pair._SECRET) == (
        auth.ID_BYTES, pake.SIZE, pake.SECRET_BYTES)
