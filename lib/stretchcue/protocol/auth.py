"""Proving the pairing key on each connection, then encrypting every frame.

A paired host and device share a 32-byte key.  On connecting, each proves it
holds the key by an HMAC over both sides' fresh nonces (so an old answer is
worthless).  Both then derive four keys with HKDF-SHA256 (RFC 5869) from the
pairing key, salted with both nonces and bound to both ids and the protocol
version: an AES-128 key and an HMAC key for each direction.

Every frame after that is sealed: its payload becomes ``counter u32 |
AES-128-CTR ciphertext | 16-byte tag``, the tag an HMAC-SHA256 over the
frame's header, the counter, the counter of the request it answers, and the
ciphertext (encrypt-then-MAC).  The counter is the first 4 bytes of the CTR
nonce and grows with every frame, so no keystream is used twice.  A receiver
checks the counter first, then the tag in constant time, and only then
decrypts; any failure is one and the same error, and ends the session.
Binding the request's counter into a reply's tag ties each answer to its
question, not only to an 8-bit request id.  See docs/security.md.
"""

from __future__ import annotations

import struct

from stretchcue.protocol import aes
from stretchcue.protocol import frame as fr
from stretchcue.protocol import sha256 as _sha
from stretchcue.protocol.messages import AuthError

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
PROOF = const(32)
TAG = const(16)
TRAILER = const(20)  # counter u32 + tag
KEYS_LABEL = b"stretchcue v2 keys "
_ZEROS = bytes(12)


def proof(key: bytes, role: bytes, host_id: bytes, host_nonce: bytes, dev_nonce: bytes) -> bytes:
    return _sha.hmac(key, b"stretchcue auth " + role + host_id + host_nonce + dev_nonce)


def check_proof(key: bytes, role: bytes, host_id: bytes, host_nonce: bytes, dev_nonce: bytes,
                tag: Any) -> None:
    if not _sha.equal(bytes(tag), proof(key, role, host_id, host_nonce, dev_nonce)):
        raise AuthError("key proof did not match")


def session_keys(key: bytes, host_id: bytes, device_id: bytes, host_nonce: bytes,
                 dev_nonce: bytes) -> bytes:
    """96 bytes: host-to-device AES key 16, HMAC key 32, then the same device-to-host."""
    return _sha.hkdf(key, host_nonce + dev_nonce, KEYS_LABEL + host_id + device_id, 96)


class Session:
    """Seals outgoing and opens incoming frames after a successful challenge-response.

    ``role`` is this side (b"H" or b"D"); each direction has its own keys, so a
    frame cannot be reflected back at its sender.  ``seen`` is the counter of
    the last frame accepted: the one a reply to it passes as ``answers``.
    """

    def __init__(self, key: bytes, role: bytes, host_id: bytes, device_id: bytes,
                 host_nonce: bytes, dev_nonce: bytes) -> None:
        k = session_keys(key, host_id, device_id, host_nonce, dev_nonce)
        to_dev = (k[:16], _sha.Hmac(k[16:48]))
        to_host = (k[48:64], _sha.Hmac(k[64:96]))
        self._out, self._in = (to_dev, to_host) if role == b"H" else (to_host, to_dev)
        self.sent = 0
        self.seen = 0

    def seal(self, ftype: int, req: int, payload: Any = b"", answers: int = 0) -> bytes:
        """A whole sealed frame; ``answers`` is the counter of the request it replies to."""
        self.sent += 1
        ctr = struct.pack("<I", self.sent)
        header = bytes((fr.VERSION, ftype, req & 0xFF, fr.SEALED))
        body = aes.ctr(self._out[0], ctr + _ZEROS, payload)
        tag = self._out[1].tag(header + ctr + struct.pack("<I", answers) + body)
        return fr.encode(ftype, req, ctr + body + tag[:TAG], fr.SEALED)

    def open(self, f: fr.Frame, answers: int = 0) -> bytes:
        """The plaintext of a sealed frame from the peer; AuthError otherwise."""
        p = f.payload
        if not f.flags & fr.SEALED or len(p) < TRAILER:
            raise AuthError("frame rejected")
        (n,) = struct.unpack_from("<I", p, 0)
        if n <= self.seen:
            raise AuthError("frame rejected")
        body = p[4:-TAG]
        tag = self._in[1].tag(f.header() + p[:4] + struct.pack("<I", answers) + body)
        if not _sha.equal(tag[:TAG], p[-TAG:]):
            raise AuthError("frame rejected")
        self.seen = n
        return aes.ctr(self._in[0], p[:4] + _ZEROS, body)
