"""The pairing module as it was before edwards25519, kept for bench/pairing_cost.py.

Pairing by SPAKE2 over the 2048-bit MODP group (RFC 3526 group 14).

The device shows a 6-digit code; the person types it into the laptop.  A
6-digit code is far too small to use as a key: anyone who recorded a plain
challenge-response exchange could try all million codes offline.  SPAKE2
(RFC 9382) blinds each side's Diffie-Hellman share with the code, so a
recording is useless without solving Diffie-Hellman, and an active attacker
gets exactly one guess per pairing attempt (the device leaves pairing mode
after any failure).  CircuitPython has no X25519 and no elliptic-curve point
arithmetic, but it has arbitrary-precision integers and three-argument
``pow``, which is all this needs: two 256-bit-exponent powers per side.

Both sides call ``start``, exchange ``share()``, call ``finish`` with the
other's share and both ids, and compare confirmation tags; the derived
``pair_key`` is then stored by both as the per-device key.
"""

from __future__ import annotations

from stretchcue.protocol import sha256 as _sha

try:
    from typing import Any
except ImportError:
    pass

P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)
G = 2
SIZE = 256  # bytes in a group element
SECRET_BYTES = 32  # 256-bit exponents: 128-bit security, above the group's 112


class PairError(ValueError):
    """A share was malformed or the other side's confirmation did not match."""


def _int(b: Any) -> int:
    return int.from_bytes(bytes(b), "big")


def _bytes(n: int) -> bytes:
    return n.to_bytes(SIZE, "big")


def _powmod(b: int, e: int, m: int) -> int:
    try:
        return pow(b, e, m)
    except (TypeError, NotImplementedError):  # a port built without 3-argument pow
        r = 1
        b %= m
        while e:
            if e & 1:
                r = r * b % m
            b = b * b % m
            e >>= 1
        return r


def _inverse(a: int, m: int) -> int:
    r0, r1, s0, s1 = m, a % m, 0, 1
    while r1:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if r0 != 1:
        raise PairError("share is not invertible")
    return s0 % m


def _element(label: bytes) -> int:
    """A group element nobody knows the logarithm of: hash, reduce, square."""
    out = b""
    i = 0
    while len(out) < SIZE + 16:
        out += _sha.sha256(b"stretchcue spake2 " + label + bytes((i,)))
        i += 1
    return _powmod(_int(out) % P, 2, P)


def code_scalar(code: str) -> int:
    """The password scalar: the six digits as a number (plus one, so never 0)."""
    if len(code) != 6 or any(c not in "0123456789" for c in code):
        raise PairError("the pairing code is 6 digits")
    return int(code) + 1


def _lp(b: bytes) -> bytes:
    return len(b).to_bytes(2, "big") + b


class Spake2:
    """One side of one pairing attempt; ``role`` is b"H" (host, A) or b"D" (device, B)."""

    def __init__(self, role: bytes, code: str, secret: Any) -> None:
        self.role = role
        self._w = code_scalar(code)
        self._x = _int(secret) or 1
        mine = _element(b"M" if role == b"H" else b"N")
        self._share = _powmod(G, self._x, P) * _powmod(mine, self._w, P) % P
        self.pair_key = b""
        self._confirm: dict = {}  # role -> expected tag

    def share(self) -> bytes:
        return _bytes(self._share)

    def finish(self, other: Any, host_id: bytes, device_id: bytes) -> bytes:
        """Take the other side's share; return this side's confirmation tag."""
        if len(other) != SIZE:
            raise PairError("share must be %d bytes" % SIZE)
        y = _int(other)
        if y <= 1 or y >= P - 1:
            raise PairError("share out of range")
        theirs = _element(b"N" if self.role == b"H" else b"M")
        unblinded = y * _inverse(_powmod(theirs, self._w, P), P) % P
        k = _powmod(_powmod(unblinded, self._x, P), 2, P)  # squared: stay in the prime subgroup
        a, b = (self.share(), bytes(other)) if self.role == b"H" else (bytes(other), self.share())
        transcript = (_lp(host_id) + _lp(device_id) + _lp(a) + _lp(b) + _lp(_bytes(k))
                      + _lp(self._w.to_bytes(4, "big")))
        ke = _sha.sha256(transcript)
        th = _sha.sha256(a + b)
        self.pair_key = _sha.hmac(ke, b"stretchcue pair key")
        for r in (b"H", b"D"):
            self._confirm[r] = _sha.hmac(_sha.hmac(ke, b"confirm " + r), th)
        return self._confirm[self.role]

    def check(self, tag: Any) -> None:
        """Raise PairError unless ``tag`` is the other side's correct confirmation."""
        other = b"D" if self.role == b"H" else b"H"
        if not self._confirm or not _sha.equal(bytes(tag), self._confirm[other]):
            raise PairError("pairing code did not match")
