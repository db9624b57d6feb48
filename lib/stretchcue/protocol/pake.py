"""Pairing by SPAKE2 (RFC 9382) over edwards25519 with the RFC's own M and N.

The device shows a 6-digit code; the person types it into the laptop.  A
6-digit code is far too small to use as a key: anyone who recorded a plain
challenge-response exchange could try all million codes offline.  SPAKE2
blinds each side's Diffie-Hellman share with the code, so a recording is
useless without solving Diffie-Hellman, and an active attacker gets exactly one
guess per pairing attempt (a wrong one makes the device show a fresh code).

It used to run over the 2048-bit MODP group; edwards25519 (``ed25519``, plain
Python integers) takes 2.5 times less time on MicroPython and CircuitPython's
VM, a lower heap peak, and a 32-byte share instead of 256 bytes
(``bench/pairing_cost.py`` measures both; ``bench/pake_modp.py`` is the old
code).  Following RFC 9382 for edwards25519 with SHA-256, HKDF and HMAC:

* host = A (blinds with M), device = B (blinds with N); idA and idB are the
  host and device ids as the caller gives them;
* pA = x*G + w*M, pB = y*G + w*N; K = h*x*(pB - w*N) on A, h*y*(pA - w*M) on B
  with h = 8, so a share with a small-order part cannot steer K; a share that
  does not decode (RFC 8032, canonical only), is of small order, or gives K =
  identity is refused;
* TT = len(A)||A || len(B)||B || len(pA)||pA || len(pB)||pB || len(K)||K ||
  len(w)||w, each len 8 bytes little-endian, points in RFC 8032 encoding, w as
  32 bytes big-endian (the RFC's own test vectors' form);
* Ke||Ka = SHA256(TT), 16 bytes each; KcA||KcB = HKDF(Ka, salt=nil,
  info="ConfirmationKeys"||AAD, 32) with AAD = b"stretchcue v1"; cA =
  HMAC(KcA, TT), cB = HMAC(KcB, TT);
* ``pair_key``, the 32-byte key both sides keep, = HKDF(Ke, salt=b"",
  info=b"stretchcue v1 pair key", 32).

w = SHA256(b"stretchcue v1 w" || code) as a little-endian integer mod L.  RFC
9382 asks for a memory-hard function of the password; that slows offline
guessing, and SPAKE2 leaves nothing to guess offline: an attacker gets one
online guess per attempt, one in a million, whatever the hash.

The secret is 32 random bytes read little-endian mod L (never 0): 256 random
bits reduced mod L are within 2**-127 of uniform, as are w's.
RFC 9382 publishes test vectors only for P-256; ``tests/core/test_protocol_pake.py``
checks the group on RFC 8032's key-generation vectors, that M and N are the
points the RFC's seeds generate, and the protocol on its own properties.
"""

from __future__ import annotations

from stretchcue.protocol import ed25519 as _ed
from stretchcue.protocol import sha256 as _sha

try:
    from typing import Any
except ImportError:
    pass

SIZE = 32  # bytes in a share: one RFC 8032 point encoding
SECRET_BYTES = 32
AAD = b"stretchcue v1"
# RFC 9382 section 6, edwards25519 (seeds "edwards25519 point generation seed (M)", "(N)")
M = (b"\xd0\x48\x03\x2c\x6e\xa0\xb6\xd6\x97\xdd\xc2\xe8\x6b\xda\x85\xa3"
     b"\x3a\xda\xc9\x20\xf1\xbf\x18\xe1\xb0\xc6\xd1\x66\xa5\xce\xcd\xaf")
N = (b"\xd3\xbf\xb5\x18\xf4\x4f\x34\x30\xf2\x9d\x0c\x92\xaf\x50\x38\x65"
     b"\xa1\xed\x32\x81\xdc\x69\xb3\x5d\xd8\x68\xba\x85\xf8\x86\xc4\xab")


class PairError(ValueError):
    """A share was malformed or the other side's confirmation did not match."""


def code_scalar(code: str) -> int:
    """w, the password scalar, from the six digits."""
    if len(code) != 6 or code.strip("0123456789"):
        raise PairError("the pairing code is 6 digits")
    return int.from_bytes(_sha.sha256(b"stretchcue v1 w" + code.encode()), "little") % _ed.L


class Spake2:
    """One side of one pairing attempt; ``role`` is b"H" (host, A) or b"D" (device, B)."""

    def __init__(self, role: bytes, code: str, secret: Any) -> None:
        self.role = role
        self._w = code_scalar(code)
        self._x = int.from_bytes(bytes(secret), "little") % _ed.L or 1
        blind = _ed.decode(M if role == b"H" else N)
        self._share = _ed.encode(_ed.mul2(self._x, _ed.BASE, self._w, blind))
        self.pair_key = b""
        self._expect = b""  # the other side's tag, once finished

    def share(self) -> bytes:
        return self._share

    def finish(self, other: Any, host_id: bytes, device_id: bytes) -> bytes:
        """Take the other side's share; return this side's confirmation tag."""
        other = bytes(other)
        try:
            s = _ed.decode(other)
        except ValueError:
            raise PairError("share is not a point") from None
        dbl = _ed.double
        s = dbl(dbl(dbl(s)))
        host = self.role == b"H"
        x = self._x
        # h*x*(S - w*U) = x*(8S) + (-8*x*w mod L)*U, as U has order L
        k = _ed.mul2(x, s, -8 * x * self._w % _ed.L, _ed.decode(N if host else M))
        if s[0] % _ed.P == 0 or k[0] % _ed.P == 0:  # identity, in the prime-order subgroup
            raise PairError("share has small order")
        a, b = (self._share, other) if host else (other, self._share)
        tt = b""
        for f in (host_id, device_id, a, b, _ed.encode(k), self._w.to_bytes(32, "big")):
            tt += len(f).to_bytes(8, "little") + bytes(f)
        h = _sha.sha256(tt)
        kc = _sha.hkdf(h[16:], b"", b"ConfirmationKeys" + AAD, 32)
        self.pair_key = _sha.hkdf(h[:16], b"", b"stretchcue v1 pair key", 32)
        ca = _sha.hmac(kc[:16], tt)
        cb = _sha.hmac(kc[16:], tt)
        self._expect = cb if host else ca
        return ca if host else cb

    def kept(self) -> tuple:
        """(the other side's tag, ``pair_key``): all a finished side needs, so a board can
        let this object, and the group's code with it, go while the other side answers."""
        return self._expect, self.pair_key

    def check(self, tag: Any) -> None:
        """Raise PairError unless ``tag`` is the other side's correct confirmation."""
        if not self._expect or not _sha.equal(bytes(tag), self._expect):
            raise PairError("pairing code did not match")
