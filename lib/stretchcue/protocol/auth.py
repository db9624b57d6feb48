"""Proving the pairing key on each connection, then signing every frame.

A paired host and device share a 32-byte key.  On connecting, each proves it
holds the key by an HMAC over both sides' fresh nonces (so an old answer is
worthless), and both derive a session key from the same nonces.  From then on
each binary frame carries a counter and an 8-byte tag over its header,
payload and counter: a frame an attacker forged, altered or replays (same or
older counter, or from another connection) is rejected.  Eight bytes is plenty
for tags checked online over a link that carries a few thousand frames.  The
tag is Poly1305 with a per-frame pad (see ``poly1305``): HMAC-SHA256 over whole
frames would cost the board half a second each.
"""

from __future__ import annotations

import struct

from stretchcue.protocol import frame as fr
from stretchcue.protocol import poly1305
from stretchcue.protocol import sha256 as _sha

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

NONCE = const(16)
ID_BYTES = const(16)
TAG = const(8)
TRAILER = const(12)  # counter u32 + tag


class AuthError(ValueError):
    """A proof, tag or counter did not check out."""


def proof(key: bytes, role: bytes, host_id: bytes, host_nonce: bytes, dev_nonce: bytes) -> bytes:
    return _sha.hmac(key, b"stretchcue auth " + role + host_id + host_nonce + dev_nonce)


def check_proof(key: bytes, role: bytes, host_id: bytes, host_nonce: bytes, dev_nonce: bytes,
                tag: Any) -> None:
    if not _sha.equal(bytes(tag), proof(key, role, host_id, host_nonce, dev_nonce)):
        raise AuthError("key proof did not match")


class Session:
    """Signs outgoing and checks incoming frames after a successful challenge-response.

    ``role`` is this side (b"H" or b"D"); the direction is part of every tag,
    so a frame cannot be reflected back at its sender.
    """

    def __init__(self, key: bytes, role: bytes, host_nonce: bytes, dev_nonce: bytes) -> None:
        self._prf = _sha.Hmac(_sha.hmac(key, b"stretchcue session " + host_nonce + dev_nonce))
        self._r = poly1305.clamp(self._prf.tag(b"poly1305 r")[:16])
        self._pads: dict = {}  # direction -> (counter // 2, 32 bytes: the pads of two frames)
        self._role = role
        self._peer = b"D" if role == b"H" else b"H"
        self._sent = 0
        self._seen = 0

    def _pad(self, direction: bytes, counter: bytes) -> bytes:
        """Frame ``counter``'s one-time pad: half of one HMAC, so one HMAC per two frames."""
        (n,) = struct.unpack("<I", counter)
        got = self._pads.get(direction)
        if got is None or got[0] != n >> 1:
            got = (n >> 1, self._prf.tag(b"pad " + direction + struct.pack("<I", n >> 1)))
            self._pads[direction] = got
        half = (n & 1) * 16
        return got[1][half:half + 16]

    def _tag(self, direction: bytes, header: bytes, payload: Any, counter: bytes) -> bytes:
        msg = direction + header + bytes(payload) + counter
        return poly1305.mac(self._r, self._pad(direction, counter), msg)[:TAG]

    def seal(self, ftype: int, req: int, payload: Any = b"") -> bytes:
        """A whole signed frame."""
        self._sent += 1
        ctr = struct.pack("<I", self._sent)
        header = bytes((fr.VERSION, ftype, req & 0xFF, fr.SIGNED))
        tag = self._tag(self._role, header, payload, ctr)
        return fr.encode(ftype, req, bytes(payload) + ctr + tag, fr.SIGNED)

    def open(self, f: fr.Frame) -> bytes:
        """The payload of a signed frame from the peer; AuthError if forged or replayed."""
        p = f.payload
        if not f.flags & fr.SIGNED or len(p) < TRAILER:
            raise AuthError("frame is not signed")
        body = p[:-TRAILER]
        ctr = p[-TRAILER:-TAG]
        if not _sha.equal(p[-TAG:], self._tag(self._peer, f.header(), body, ctr)):
            raise AuthError("frame tag is wrong")
        (n,) = struct.unpack("<I", ctr)
        if n <= self._seen:
            raise AuthError("frame was replayed")
        self._seen = n
        return bytes(body)
