"""Random and mutated input never crashes the device handler or changes its state."""

import hashlib
import hmac
import os
import random
import struct

from hypothesis import given, settings
from hypothesis import strategies as st
from proto_api import MemoryDevice, paired

from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol import sha256
from stretchcue.protocol.device import DeviceProtocol


def _snapshot(api, dev):
    return (dict(api.routines), api.selected, dict(api.keys), api.acked, api.clock,
            dev.authenticated, dev.pairing, dev._put and dev._put.offset)


def _valid_frames(rng):
    types = list(range(0x01, 0x11)) + [0x80, 0x81, 0xFF, 0x42]
    return fr.encode(rng.choice(types), rng.randrange(256), rng.randbytes(rng.randrange(40)),
                     rng.choice((0, 0, fr.SEALED)), rng.choice((1, 1, 1, 2)))


def _mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(4)
        if op == 0 and b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        elif op == 1 and b:
            del b[rng.randrange(len(b)):][:rng.randrange(1, 8)]
        elif op == 2:
            b.insert(rng.randrange(len(b) + 1), rng.randrange(256))
        else:
            b[rng.randrange(len(b) + 1):rng.randrange(len(b) + 1)] = rng.randbytes(3)
    return bytes(b)


def test_100k_random_and_mutated_frames_change_nothing():
    """Frames from an unauthenticated attacker: valid-CRC, mutated and random bytes."""
    rng = random.Random(1234)
    api = MemoryDevice()
    api.routines["keep"] = b"{}"
    api.keys[b"K" * 16] = b"k" * 32
    dev = DeviceProtocol(api)
    before = _snapshot(api, dev)
    batch = []
    for i in range(100_000):
        kind = i % 3
        f = _valid_frames(rng)
        if kind == 1:
            f = _mutate(rng, f)
        elif kind == 2:
            f = rng.randbytes(rng.randrange(1, 30))
        batch.append(f)
        if len(batch) == 200:
            for reply in dev.receive(b"".join(batch)):
                assert isinstance(reply, bytes)
            batch = []
    dev.receive(b"\n")
    assert _snapshot(api, dev) == before
    items = fr.FrameDecoder().feed(b"".join(dev.receive(fr.encode(m.HELLO, 7))))
    assert items[-1].ftype == m.INFO and items[-1].req == 7


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.integers(1, 244))
def test_arbitrary_bytes_in_any_pieces_then_hello_still_answers(junk, size):
    dev = DeviceProtocol(MemoryDevice())
    for i in range(0, len(junk), size):
        dev.receive(junk[i:i + size])
    dev.receive(b"\n")
    out = b"".join(dev.receive(fr.encode(m.HELLO, 9) * 2))
    frames = [x for x in fr.FrameDecoder().feed(out) if isinstance(x, fr.Frame)]
    assert frames and frames[-1].ftype == m.INFO and frames[-1].req == 9
    assert not dev.authenticated


def test_every_mutated_sealed_frame_is_refused_and_ends_the_session():
    rng = random.Random(5)
    api, dev, host = paired()
    api.routines["keep"] = b"{}"
    for _ in range(300):
        raw = host.frame(m.ROUTINE_DELETE, b"keep")
        bad = bytearray(raw)
        pos = rng.randrange(3, len(bad) - 4)  # header, counter, ciphertext or tag
        bad[pos] ^= 1 << rng.randrange(8)
        body = bytes(bad[:-4])
        replies = dev.receive(body + struct.pack("<I", __import__("binascii").crc32(body)))
        frames = fr.FrameDecoder().feed(b"".join(replies))
        assert "keep" in api.routines and not dev.authenticated
        assert all(f.ftype == m.ERROR and not f.flags & fr.SEALED for f in frames)
        host.session = None
        assert host.auth().ftype == m.OK  # a forger gets one try per session, not 2,000


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=200))
def test_pure_sha256_and_hmac_match_hashlib(data, key):
    assert sha256.sha256(data, pure=True) == hashlib.sha256(data).digest()
    assert sha256.hmac(key, data, pure=True) == hmac.new(key, data, "sha256").digest()
    assert sha256.hmac(key, data) == hmac.new(key, data, "sha256").digest()


def test_sha256_block_boundaries():
    for n in range(0, 200):
        d = os.urandom(n)
        assert sha256.sha256(d, pure=True) == hashlib.sha256(d).digest()
