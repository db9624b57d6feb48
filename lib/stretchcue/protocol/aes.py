"""AES-128 in CTR mode (NIST SP 800-38A) with the VM's own AES, whatever its shape.

The encrypted link needs one thing from AES: CTR over a frame, under a key and
a 16-byte initial counter block that the caller never reuses.  Each VM has a
native AES of its own shape, and one small adapter per shape is picked at import:
``aesio`` (CircuitPython), ``cryptolib`` (MicroPython; ECB makes the keystream
on a build without CTR), ``cryptography`` (CPython).  Only with none of them
(or when a caller asks for ``pure``) is the plain-Python cipher in ``aes_pure``
imported, so a board with a native AES never holds its tables.  ``BACKEND``
names the one in use.
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass


def _find() -> tuple:
    """``(name, ctr function or None)`` for the first native AES this VM has: one small
    adapter per VM's shape, defined here so the others' code leaves with ``_find``."""
    try:
        import aesio
    except ImportError:
        pass
    else:
        if hasattr(aesio, "MODE_CTR"):
            make = aesio.AES
            mode = aesio.MODE_CTR

            def by_aesio(key: Any, iv: Any, data: Any) -> bytes:
                # A new object each time: the counter carries over from call to call.
                # encrypt_into wants an output exactly as long as the input; any length.
                out = bytearray(len(data))
                make(key, mode, iv).encrypt_into(data, out)
                return bytes(out)

            return "aesio", by_aesio
    try:
        import cryptolib  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        aes = getattr(cryptolib, "aes", None)
        if aes is not None:
            try:
                aes(bytes(16), 6, bytes(16))
            except ValueError:  # built without MICROPY_PY_CRYPTOLIB_CTR: "mode"
                pass
            else:
                def by_cryptolib(key: Any, iv: Any, data: Any) -> bytes:
                    return bytes(aes(key, 6, iv).encrypt(data))

                return "cryptolib", by_cryptolib

            def by_ecb(key: Any, iv: Any, data: Any) -> bytes:
                """The counter blocks encrypted in one ECB call, then XORed in."""
                n = len(data)
                if not n:
                    return b""
                counter = bytearray(iv)
                blocks = bytearray()
                for _ in range((n + 15) // 16):
                    blocks.extend(counter)
                    i = 15
                    while i >= 0:
                        counter[i] = (counter[i] + 1) & 0xFF
                        if counter[i]:
                            break
                        i -= 1
                stream = aes(key, 1).encrypt(blocks)
                return bytes(a ^ b for a, b in zip(data, stream))

            return "cryptolib", by_ecb
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        return "pure", None

    def by_cryptography(key: Any, iv: Any, data: Any) -> bytes:
        enc = Cipher(algorithms.AES(bytes(key)), modes.CTR(bytes(iv))).encryptor()
        return enc.update(bytes(data)) + enc.finalize()

    return "cryptography", by_cryptography


BACKEND, _native = _find()
del _find


def ctr(key: Any, iv: Any, data: Any, pure: bool = False) -> bytes:
    """``data`` encrypted (or decrypted: the same) with AES-128-CTR under ``key``, ``iv``
    the initial counter block, counted up as one 128-bit big-endian number per block."""
    if len(key) != 16 or len(iv) != 16:
        raise ValueError("AES-128 needs a 16-byte key and a 16-byte counter block")
    native = _native
    if native is not None and not pure:
        return native(key, iv, data)
    from stretchcue.protocol import aes_pure

    return aes_pure.ctr(key, iv, data)
