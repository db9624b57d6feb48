"""Frame types, error codes and payload packing: the vocabulary both sides share.

Requests have the high bit clear, replies set it.  Every reply echoes the
request id it answers, so the host can match answers and drop stale ones after
a retry.  Small structured payloads are JSON (readable in a capture, and new
fields do not break old readers); bulk ones (routine chunks, log records) are
packed with ``struct``.
"""

from __future__ import annotations

import json
import struct

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

PROTOCOL = const(2)

# Requests (host -> device).
HELLO = const(0x01)  # -> INFO
STATUS = const(0x02)  # -> STATE
PAIR_START = const(0x03)  # host id 16 | share 32 | name -> PAIR_REPLY
PAIR_CONFIRM = const(0x04)  # host confirm 32 -> OK once the person says yes
AUTH_BEGIN = const(0x05)  # host id 16 | host nonce 16 -> AUTH_CHALLENGE
AUTH_PROVE = const(0x06)  # host proof 32 (in clear) -> OK (sealed)
SET_CLOCK = const(0x07)  # epoch_s u32 [| utc offset min i16 | remind min u16 | days u8] -> OK
ROUTINE_LIST = const(0x08)  # -> ROUTINES
ROUTINE_SELECT = const(0x09)  # name -> OK
ROUTINE_DELETE = const(0x0A)  # name -> OK
PUT_BEGIN = const(0x0B)  # size u32 | crc32 u32 | name -> PUT_ACK
PUT_DATA = const(0x0C)  # offset u32 | bytes; PUT_ACK once per window
PUT_COMMIT = const(0x0D)  # -> OK after CRC check, validation, atomic replace
LOG_READ = const(0x0E)  # cursor u32 | window u8 -> LOG_DATA * n, LOG_END
LOG_ACK = const(0x0F)  # seq u32 -> OK (device may prune up to seq)
FORGET = const(0x10)  # -> OK; the device drops this host's key

# Replies (device -> host).
OK = const(0x80)
INFO = const(0x81)
STATE = const(0x82)
PAIR_REPLY = const(0x83)  # share 32 | device confirm 32 | device id
AUTH_CHALLENGE = const(0x84)  # device nonce 16 | device proof 32
ROUTINES = const(0x85)
PUT_ACK = const(0x86)  # offset u32 | window u16 | chunk u16
LOG_DATA = const(0x87)  # whole session-log records, back to back
LOG_END = const(0x88)  # last seq u32 | count u16 | more u8
ERROR = const(0xFF)  # JSON {"code", "message", ["errors"]}

# Error codes.
BAD_REQUEST = const(1)
BAD_VERSION = const(2)
UNKNOWN_TYPE = const(3)
NOT_PAIRED = const(4)
AUTH_FAILED = const(5)
BUSY = const(6)
NO_SPACE = const(7)
UNKNOWN_ROUTINE = const(8)
BAD_ROUTINE = const(9)
BAD_CRC = const(10)
NOT_PAIRING = const(11)
PAIR_FAILED = const(12)
NO_TRANSFER = const(13)
TOO_LARGE = const(14)
INTERNAL = const(15)
PAIR_DECLINED = const(16)
NO_MEMORY = const(17)

NAME_MAX = const(32)
_NAME_OK = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


class AuthError(ValueError):
    """A proof, tag or counter did not check out (deliberately not saying which).

    Defined here, not in ``auth``, so the device can catch it without loading
    ``auth`` before a host authenticates; ``auth.AuthError`` is this class."""


class ProtocolError(Exception):
    """A request that cannot be done; ``code`` is one of the error codes above.

    The device API raises it to refuse (e.g. ``NO_SPACE``); the host client
    raises its subclass ``DeviceError`` (which knows the codes' names) when the
    device answered ERROR.
    """

    def __init__(self, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = errors or []


_MAX_ERROR = const(492)  # a frame's 512 payload bytes, less a seal's 20


def error_payload(code: int, message: str, errors: Any = None) -> bytes:
    """An ERROR payload; the ``errors`` list is cut short to fit one frame."""
    d: dict = {"code": code, "message": message}
    if errors:
        d["errors"] = [list(e) for e in errors]
    out = dump(d)
    while len(out) > _MAX_ERROR and d.get("errors"):
        errs = d["errors"]
        del errs[max(0, min(len(errs) - 1, len(errs) * _MAX_ERROR // len(out))):]
        out = dump(d)
    return out


def dump(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


def load(payload: Any) -> Any:
    try:
        return json.loads(bytes(payload).decode("utf-8"))
    except (ValueError, UnicodeError):
        raise ProtocolError(BAD_REQUEST, "payload is not JSON") from None


def check_name(raw: Any) -> str:
    """A routine's file name on the device: 1-32 of letters, digits, '-' and '_'."""
    try:
        name = bytes(raw).decode("utf-8")
    except UnicodeError:
        name = ""
    if not 0 < len(name) <= NAME_MAX or any(c not in _NAME_OK for c in name):
        raise ProtocolError(BAD_REQUEST, "routine name must be 1-%d letters, digits, - or _"
                            % NAME_MAX)
    return name


def unpack(fmt: str, payload: Any) -> tuple:
    """``struct.unpack`` of a payload's fixed head, as a ProtocolError when short."""
    size = struct.calcsize(fmt)
    if len(payload) < size:
        raise ProtocolError(BAD_REQUEST, "payload of %d bytes is too short" % len(payload))
    return struct.unpack(fmt, bytes(payload[:size]))
