"""SHA-256, HMAC-SHA256 and HKDF-SHA256 from the port's own ``hashlib``, whatever its shape.

No port has ``hmac``, yet pairing and every authenticated frame need HMAC-SHA256.
``hashlib`` comes in two shapes: ``hashlib.sha256(data)`` (CPython, MicroPython,
CircuitPython's unix port) and, on every nRF52840 CircuitPython build since 10.1,
only ``hashlib.new("sha256", data=b"")``, whose objects have ``update``,
``digest`` and ``digest_size`` but no ``copy``.  Either is used when present;
only with neither (or when a caller asks for ``pure``) is the plain-Python
compression function in ``sha256_pure`` imported, about 70 times slower, so a
board with a native SHA-256 never holds its tables.
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass


def _find() -> Any:
    """A function ``data -> hash object`` using the native SHA-256, or None."""
    try:
        import hashlib
    except ImportError:
        return None
    sha = getattr(hashlib, "sha256", None)
    if sha is not None:
        return sha
    make = getattr(hashlib, "new", None)
    if make is None:
        return None

    def by_name(data: Any = b"") -> Any:
        return make("sha256", data=data)

    try:
        by_name(b"")
    except (ValueError, TypeError, OSError, NotImplementedError):  # no "sha256" in this build
        return None
    return by_name


_native: Any = _find()


def _pure() -> Any:
    from stretchcue.protocol import sha256_pure

    return sha256_pure


def new(data: Any = b"", pure: bool = False) -> Any:
    """A SHA-256 object (``update``, ``digest``): native when it exists, unless ``pure``."""
    native = _native
    if native is not None and not pure:
        return native(bytes(data))
    return _pure().Sha256(data)


def sha256(data: Any, pure: bool = False) -> bytes:
    return new(data, pure).digest()


class Hmac:
    """HMAC-SHA256 under one key; ``tag(msg)`` may be called many times.

    A native hash object may have no ``copy``, so the padded key blocks are hashed
    again for every tag (C does that in microseconds); the pure-Python path keeps
    the hashed pads and copies them instead.
    """

    def __init__(self, key: Any, pure: bool = False) -> None:
        key = bytes(key)
        if len(key) > 64:
            key = sha256(key, pure)
        key = key + b"\x00" * (64 - len(key))
        self._new: Any = None if pure else _native
        self._pure: Any = None
        if self._new is None:
            self._pure = _pure().Hmac(key)
        else:
            self._ipad = bytes(b ^ 0x36 for b in key)
            self._opad = bytes(b ^ 0x5C for b in key)

    def tag(self, msg: Any) -> bytes:
        if self._pure is not None:
            return self._pure.tag(msg)
        inner = self._new(self._ipad)
        inner.update(bytes(msg))
        outer = self._new(self._opad)
        outer.update(inner.digest())
        return outer.digest()


def hmac(key: Any, msg: Any, pure: bool = False) -> bytes:
    return Hmac(key, pure).tag(msg)


def hkdf(ikm: Any, salt: Any, info: Any, length: int, pure: bool = False) -> bytes:
    """HKDF-SHA256 (RFC 5869): ``length`` bytes of key from ``ikm``; an empty ``salt``
    stands for 32 zero bytes, as the RFC says."""
    if not 0 <= length <= 255 * 32:
        raise ValueError("HKDF-SHA256 gives at most 8160 bytes")
    prk = hmac(salt or bytes(32), ikm, pure)
    mac = Hmac(prk, pure)
    info = bytes(info)
    out = b""
    t = b""
    i = 1
    while len(out) < length:
        t = mac.tag(t + info + bytes((i,)))
        out += t
        i += 1
    return out[:length]


def equal(a: Any, b: Any) -> bool:
    """Compare two tags in time that does not depend on where they differ."""
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0
