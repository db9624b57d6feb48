"""docs/security.md's worked example, recomputed from the code: the page cannot drift.

The example is one pairing and one authenticated request with its reply, from
fixed secrets and nonces.  The device's frames come from the real
``DeviceProtocol`` (its random bytes fed from the example); the host's are
built as ``client.py`` builds them; K and the transcript are recomputed here
from RFC 9382's formulas with the group code, so the page's intermediate
values are checked too.  ``python tests/protocol/test_worked_example.py``
prints the block to paste when the protocol changes on purpose.
"""

from __future__ import annotations

import re
import struct
import sys
from pathlib import Path

from proto_api import MemoryDevice

from stretchcue.protocol import auth, pake
from stretchcue.protocol import ed25519 as ed
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol import sha256 as sha
from stretchcue.protocol.device import DeviceProtocol

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
_BLOCK = re.compile(r"<!-- worked example -->\n```text\n(.*?)```", re.S)
WRAP = 64  # hex digits per line on the page

CODE = "246810"
HOST_SECRET = bytes(range(1, 33))
DEVICE_SECRET = bytes(range(33, 65))
HOST_ID = bytes.fromhex("00112233445566778899aabbccddeeff")
HOST_NAME = b"docs laptop"
HOST_NONCE = bytes(range(0xA0, 0xB0))
DEVICE_NONCE = bytes(range(0xB0, 0xC0))


class _Feed:
    """The device's ``os.urandom``, handing out the example's bytes in order."""

    def __init__(self, *chunks: bytes) -> None:
        self._chunks = list(chunks)

    def __call__(self, n: int) -> bytes:
        chunk = self._chunks.pop(0)
        assert len(chunk) == n, (len(chunk), n)
        return chunk


def _tt(ids: list, w: int, pa: bytes, pb: bytes, k: bytes) -> bytes:
    out = b""
    for f in ids + [pa, pb, k, w.to_bytes(32, "big")]:
        out += len(f).to_bytes(8, "little") + f
    return out


def example() -> list[tuple[str, str]]:
    """(name, hex or text) rows, in the page's order."""
    rows: list[tuple[str, str]] = []
    api = MemoryDevice()
    api.routines["lower-back"] = b"{}"
    api.info = lambda: {"id": "stretchcue-0001a9", "fw": "0.2.0", "board": "clue",
                        "free": 0, "battery": None}
    dev = DeviceProtocol(api, _Feed(bytes(4), DEVICE_SECRET, DEVICE_NONCE))  # 4: a code drawn
    dev.enter_pairing(CODE, 0)
    dev_id = b"stretchcue-0001a9"
    host = pake.Spake2(b"H", CODE, HOST_SECRET)
    w = pake.code_scalar(CODE)
    rows += [("code", CODE), ("w", w.to_bytes(32, "big").hex()),
             ("host secret x", HOST_SECRET.hex()), ("device secret y", DEVICE_SECRET.hex()),
             ("host id", HOST_ID.hex()), ("host name", HOST_NAME.decode()),
             ("device id", dev_id.decode())]

    def exchange(frame: bytes) -> list:
        replies = dev.receive(frame) + dev.tick(0)
        return fr.FrameDecoder().feed(b"".join(replies))

    start = fr.encode(m.PAIR_START, 1, HOST_ID + host.share() + HOST_NAME)
    (reply,) = exchange(start)
    assert reply.ftype == m.PAIR_REPLY, reply
    pb = bytes(reply.payload[:32])
    ca = host.finish(pb, HOST_ID + HOST_NAME, dev_id)
    host.check(reply.payload[32:64])
    pa = host.share()
    # K and the transcript, recomputed from RFC 9382's formulas.
    x = int.from_bytes(HOST_SECRET, "little") % ed.L
    k_point = ed.mul2(8 * x % ed.L, ed.decode(pb), -8 * x * w % ed.L, ed.decode(pake.N))
    k = ed.encode(k_point)
    tt = _tt([HOST_ID + HOST_NAME, dev_id], w, pa, pb, k)
    h = sha.sha256(tt)
    kc = sha.hkdf(h[16:], b"", b"ConfirmationKeys" + pake.AAD, 32)
    assert sha.hmac(kc[:16], tt) == ca and sha.hmac(kc[16:], tt) == bytes(reply.payload[32:64])
    key = sha.hkdf(h[:16], b"", b"stretchcue v1 pair key", 32)
    assert key == host.pair_key
    rows += [("pA (host share)", pa.hex()), ("pB (device share)", pb.hex()), ("K", k.hex()),
             ("TT", tt.hex()), ("Ke", h[:16].hex()), ("Ka", h[16:].hex()),
             ("KcA", kc[:16].hex()), ("KcB", kc[16:].hex()), ("cA", ca.hex()),
             ("cB", bytes(reply.payload[32:64]).hex()), ("pair key", key.hex()),
             ("PAIR_START", start.hex()), ("PAIR_REPLY", _raw(reply))]
    confirm = fr.encode(m.PAIR_CONFIRM, 2, ca)
    assert exchange(confirm) == []  # the device asks "Pair with docs laptop?"
    dev.window.answer(True)
    (ok,) = exchange(b"")
    assert ok.ftype == m.OK and api.keys == {HOST_ID: key}
    rows += [("PAIR_CONFIRM", confirm.hex()), ("OK (after A on the device)", _raw(ok))]

    begin = fr.encode(m.AUTH_BEGIN, 3, HOST_ID + HOST_NONCE)
    (challenge,) = exchange(begin)
    assert bytes(challenge.payload[:16]) == DEVICE_NONCE
    auth.check_proof(key, b"D", HOST_ID, HOST_NONCE, DEVICE_NONCE, challenge.payload[16:])
    proof = auth.proof(key, b"H", HOST_ID, HOST_NONCE, DEVICE_NONCE)
    prove = fr.encode(m.AUTH_PROVE, 4, proof)
    session = auth.Session(key, b"H", HOST_ID, dev_id, HOST_NONCE, DEVICE_NONCE)
    (ok,) = exchange(prove)
    assert session.open(ok, 0) == b""
    keys = auth.session_keys(key, HOST_ID, dev_id, HOST_NONCE, DEVICE_NONCE)
    rows += [("host nonce", HOST_NONCE.hex()), ("device nonce", DEVICE_NONCE.hex()),
             ("AUTH_BEGIN", begin.hex()), ("AUTH_CHALLENGE", _raw(challenge)),
             ("AUTH_PROVE", prove.hex()), ("session keys (96)", keys.hex()),
             ("host->device AES key", keys[:16].hex()),
             ("host->device HMAC key", keys[16:48].hex()),
             ("device->host AES key", keys[48:64].hex()),
             ("device->host HMAC key", keys[64:].hex()), ("OK (sealed, counter 1)", _raw(ok))]

    name = b"lower-back"
    request = session.seal(m.ROUTINE_SELECT, 5, name)
    (f,) = fr.FrameDecoder().feed(request)
    ctr, body, tag = f.payload[:4], f.payload[4:-16], f.payload[-16:]
    mac_input = f.header() + ctr + struct.pack("<I", 0) + body
    assert sha.hmac(keys[16:48], mac_input)[:16] == tag
    (reply,) = exchange(request)
    rows += [("ROUTINE_SELECT plaintext", name.decode()), ("counter", ctr.hex()),
             ("CTR block", (ctr + bytes(12)).hex()), ("ciphertext", body.hex()),
             ("MAC input", mac_input.hex()), ("tag", tag.hex()),
             ("ROUTINE_SELECT (sealed)", request.hex())]
    assert session.open(reply, 1) == b"" and reply.ftype == m.OK
    r_ctr = reply.payload[:4]
    r_mac = reply.header() + r_ctr + struct.pack("<I", 1) + reply.payload[4:-16]
    assert sha.hmac(keys[64:], r_mac)[:16] == reply.payload[-16:]
    rows += [("OK reply MAC input", r_mac.hex()), ("OK reply (sealed)", _raw(reply))]
    return rows


def _raw(f: fr.Frame) -> str:
    return fr.encode(f.ftype, f.req, f.payload, f.flags, f.version).hex()


def render(rows: list) -> str:
    out = []
    for name, value in rows:
        lines = [value[i:i + WRAP] for i in range(0, len(value), WRAP)] or [""]
        out.append("%-28s %s" % (name + ":", lines[0]))
        out += ["%-28s %s" % ("", line) for line in lines[1:]]
    return "\n".join(out) + "\n"


def test_the_page_shows_what_the_code_computes():
    found = _BLOCK.search(DOC.read_text())
    assert found, "docs/security.md has no worked example block"
    expected = render(example())
    assert found.group(1) == expected, (
        "docs/security.md's worked example differs from the code; if the change is "
        "meant, paste `python tests/protocol/test_worked_example.py`'s output:\n" + expected)


if __name__ == "__main__":
    sys.stdout.write(render(example()))
