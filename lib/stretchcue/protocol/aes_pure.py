"""Plain-Python AES-128 encryption and CTR mode, for a port with no native AES.

``aes`` imports this only when the VM has no ``aesio``, ``cryptolib`` or
``cryptography`` (or a caller asks for ``pure``), so a board with a native AES
never holds it.  CTR only ever runs the cipher forwards, so there is no inverse
S-box and no decryption.  Byte by byte rather than with 32-bit T-tables: on a
32-bit MicroPython a 32-bit word is a big integer, and the 256-byte S-box is
all the table a board then pays for.
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass

_SBOX = (
    b"\x63\x7c\x77\x7b\xf2\x6b\x6f\xc5\x30\x01\x67\x2b\xfe\xd7\xab\x76"
    b"\xca\x82\xc9\x7d\xfa\x59\x47\xf0\xad\xd4\xa2\xaf\x9c\xa4\x72\xc0"
    b"\xb7\xfd\x93\x26\x36\x3f\xf7\xcc\x34\xa5\xe5\xf1\x71\xd8\x31\x15"
    b"\x04\xc7\x23\xc3\x18\x96\x05\x9a\x07\x12\x80\xe2\xeb\x27\xb2\x75"
    b"\x09\x83\x2c\x1a\x1b\x6e\x5a\xa0\x52\x3b\xd6\xb3\x29\xe3\x2f\x84"
    b"\x53\xd1\x00\xed\x20\xfc\xb1\x5b\x6a\xcb\xbe\x39\x4a\x4c\x58\xcf"
    b"\xd0\xef\xaa\xfb\x43\x4d\x33\x85\x45\xf9\x02\x7f\x50\x3c\x9f\xa8"
    b"\x51\xa3\x40\x8f\x92\x9d\x38\xf5\xbc\xb6\xda\x21\x10\xff\xf3\xd2"
    b"\xcd\x0c\x13\xec\x5f\x97\x44\x17\xc4\xa7\x7e\x3d\x64\x5d\x19\x73"
    b"\x60\x81\x4f\xdc\x22\x2a\x90\x88\x46\xee\xb8\x14\xde\x5e\x0b\xdb"
    b"\xe0\x32\x3a\x0a\x49\x06\x24\x5c\xc2\xd3\xac\x62\x91\x95\xe4\x79"
    b"\xe7\xc8\x37\x6d\x8d\xd5\x4e\xa9\x6c\x56\xf4\xea\x65\x7a\xae\x08"
    b"\xba\x78\x25\x2e\x1c\xa6\xb4\xc6\xe8\xdd\x74\x1f\x4b\xbd\x8b\x8a"
    b"\x70\x3e\xb5\x66\x48\x03\xf6\x0e\x61\x35\x57\xb9\x86\xc1\x1d\x9e"
    b"\xe1\xf8\x98\x11\x69\xd9\x8e\x94\x9b\x1e\x87\xe9\xce\x55\x28\xdf"
    b"\x8c\xa1\x89\x0d\xbf\xe6\x42\x68\x41\x99\x2d\x0f\xb0\x54\xbb\x16"
)
# x * 2 in GF(2^8), the only product MixColumns needs.
_X2 = bytes(((x << 1) ^ (0x1B if x & 0x80 else 0)) & 0xFF for x in range(256))
# SubBytes then ShiftRows: byte i of the result comes from byte _SHIFT[i] (column-major).
_SHIFT = b"\x00\x05\x0a\x0f\x04\x09\x0e\x03\x08\x0d\x02\x07\x0c\x01\x06\x0b"
_RCON = b"\x01\x02\x04\x08\x10\x20\x40\x80\x1b\x36"


def expand(key: Any) -> bytes:
    """The 11 round keys of AES-128 (FIPS 197, 5.2), 176 bytes one after another."""
    if len(key) != 16:
        raise ValueError("AES-128 key must be 16 bytes")
    sbox = _SBOX
    w = bytearray(key)
    for i in range(4, 44):
        n = len(w)
        t = w[n - 4:n]
        if i % 4 == 0:
            t = bytearray((sbox[t[1]] ^ _RCON[i // 4 - 1], sbox[t[2]], sbox[t[3]], sbox[t[0]]))
        for j in range(4):
            w.append(w[n - 16 + j] ^ t[j])
    return bytes(w)


def encrypt_block(rk: Any, block: Any) -> bytes:
    """One 16-byte block under the round keys ``rk`` from ``expand`` (FIPS 197, 5.1)."""
    sbox = _SBOX
    x2 = _X2
    s = [block[i] ^ rk[i] for i in range(16)]
    for k in range(16, 160, 16):
        t = [sbox[s[i]] for i in _SHIFT]
        s = []
        for c in (0, 4, 8, 12):
            a0 = t[c]
            a1 = t[c + 1]
            a2 = t[c + 2]
            a3 = t[c + 3]
            e = a0 ^ a1 ^ a2 ^ a3
            s.append(a0 ^ e ^ x2[a0 ^ a1] ^ rk[k + c])
            s.append(a1 ^ e ^ x2[a1 ^ a2] ^ rk[k + c + 1])
            s.append(a2 ^ e ^ x2[a2 ^ a3] ^ rk[k + c + 2])
            s.append(a3 ^ e ^ x2[a3 ^ a0] ^ rk[k + c + 3])
    return bytes(sbox[s[_SHIFT[j]]] ^ rk[160 + j] for j in range(16))


def ctr(key: Any, iv: Any, data: Any) -> bytes:
    """``data`` XORed with E(iv), E(iv + 1)...: the counter is one 128-bit big-endian
    number, as in SP 800-38A, B.1 (and aesio, cryptolib and cryptography)."""
    rk = expand(key)
    counter = bytearray(iv)
    out = bytearray(data)
    n = len(out)
    for base in range(0, n, 16):
        ks = encrypt_block(rk, counter)
        for j in range(min(16, n - base)):
            out[base + j] ^= ks[j]
        i = 15
        while i >= 0:
            counter[i] = (counter[i] + 1) & 0xFF
            if counter[i]:
                break
            i -= 1
    return bytes(out)
