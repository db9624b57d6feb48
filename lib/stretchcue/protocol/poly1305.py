"""Poly1305 (RFC 8439), the authenticator on every signed frame.

Plain-Python SHA-256 costs about 0.7 ms a byte on a 64 MHz board (each 32-bit
word becomes a big integer), so an HMAC over every 500-byte frame would hold the
device's loop for about half a second.  Poly1305 evaluates a polynomial modulo
2^130-5: a few big-integer operations per 16 bytes, which the interpreter does in
C.  It is keyed as in Poly1305-AES: one ``r`` per session, and a fresh pad ``s``
per frame from a PRF (HMAC-SHA256 of the frame's counter), so no pad is ever used
for two messages.
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass

_P = (1 << 130) - 5
_MASK128 = (1 << 128) - 1
_CLAMP = 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF


def clamp(r: Any) -> int:
    """The key ``r`` from 16 bytes, with the bits RFC 8439 requires cleared."""
    return int.from_bytes(bytes(r), "little") & _CLAMP


def mac(r: int, s: Any, msg: Any) -> bytes:
    """The 16-byte tag of ``msg`` under key ``r`` (from ``clamp``) and pad ``s``."""
    msg = bytes(msg)
    acc = 0
    for i in range(0, len(msg), 16):
        acc = (acc + int.from_bytes(msg[i:i + 16] + b"\x01", "little")) * r % _P
    acc = (acc + int.from_bytes(bytes(s), "little")) & _MASK128
    return acc.to_bytes(16, "little")
