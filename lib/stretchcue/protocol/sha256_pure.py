"""Plain-Python SHA-256, for a port with no native one at all.

``sha256`` imports this only when ``hashlib`` has neither ``sha256`` nor
``new("sha256")`` (or a caller asks for ``pure``), so a board with a native
SHA-256 never holds these tables.  About 70 times slower than the C one on a
32-bit board: every 32-bit word here becomes a big integer.
"""

from __future__ import annotations

import struct

try:
    from typing import Any
except ImportError:
    pass

_K = (
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4,
    0xAB1C5ED5, 0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE,
    0x9BDC06A7, 0xC19BF174, 0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F,
    0x4A7484AA, 0x5CB0A9DC, 0x76F988DA, 0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7,
    0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967, 0x27B70A85, 0x2E1B2138, 0x4D2C6DFC,
    0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85, 0xA2BFE8A1, 0xA81A664B,
    0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070, 0x19A4C116,
    0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7,
    0xC67178F2,
)
_H0 = (0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB,
       0x5BE0CD19)
_M = 0xFFFFFFFF


def _compress(h: list, block: Any) -> None:
    w = list(struct.unpack(">16I", block))
    for i in range(16, 64):
        x = w[i - 15]
        y = w[i - 2]
        s0 = ((x >> 7 | x << 25) ^ (x >> 18 | x << 14) ^ (x >> 3)) & _M
        s1 = ((y >> 17 | y << 15) ^ (y >> 19 | y << 13) ^ (y >> 10)) & _M
        w.append((w[i - 16] + s0 + w[i - 7] + s1) & _M)
    a, b, c, d, e, f, g, hh = h
    for i in range(64):
        s1 = ((e >> 6 | e << 26) ^ (e >> 11 | e << 21) ^ (e >> 25 | e << 7)) & _M
        t1 = (hh + s1 + ((e & f) ^ (~e & g)) + _K[i] + w[i]) & _M
        s0 = ((a >> 2 | a << 30) ^ (a >> 13 | a << 19) ^ (a >> 22 | a << 10)) & _M
        t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) & _M
        hh = g
        g = f
        f = e
        e = (d + t1) & _M
        d = c
        c = b
        b = a
        a = (t1 + t2) & _M
    for i, v in enumerate((a, b, c, d, e, f, g, hh)):
        h[i] = (h[i] + v) & _M


class Sha256:
    """Pure-Python SHA-256 with the hashlib shape: update, copy, digest."""

    digest_size = 32

    def __init__(self, data: Any = b"") -> None:
        self._h = list(_H0)
        self._buf = b""
        self._n = 0
        if data:
            self.update(data)

    def update(self, data: Any) -> None:
        self._n += len(data)
        buf = self._buf + bytes(data)
        i = 0
        while len(buf) - i >= 64:
            _compress(self._h, buf[i:i + 64])
            i += 64
        self._buf = buf[i:]

    def copy(self) -> Sha256:
        c = Sha256()
        c._h = list(self._h)
        c._buf = self._buf
        c._n = self._n
        return c

    def digest(self) -> bytes:
        c = self.copy()
        pad = b"\x80" + b"\x00" * ((55 - self._n) % 64) + struct.pack(">Q", self._n * 8)
        c.update(pad)
        return struct.pack(">8I", *c._h)


class Hmac:
    """HMAC-SHA256 under one key with the padded-key states hashed once (``copy``), so
    each tag costs two compressions fewer than the textbook construction."""

    def __init__(self, key64: bytes) -> None:
        self._inner = Sha256(bytes(b ^ 0x36 for b in key64))
        self._outer = Sha256(bytes(b ^ 0x5C for b in key64))

    def tag(self, msg: Any) -> bytes:
        i = self._inner.copy()
        i.update(msg)
        o = self._outer.copy()
        o.update(i.digest())
        return o.digest()
