"""Framing: one byte stream carries binary frames for the tool and text lines for people.

BLE writes arrive in pieces of any size (20 bytes at the default MTU, 244 at
the largest), so nothing here assumes a frame arrives whole.  A frame starts
with ``START`` (0xA5, never printable), so a phone UART terminal's typed text
and the tool's frames share the link.  Layout (little-endian)::

    START u8 | length u16 | version u8 | type u8 | request id u8 | flags u8
    | payload (length - 4 bytes) | crc32 u32 over everything before it

A bad CRC, an impossible length or a stray byte costs only that byte: the
decoder steps one byte forward and looks for the next START, so it resyncs on
the next intact frame.  A frame cut off mid-way (a dropped write) is abandoned
as soon as a whole intact frame follows it, so the next request is not
swallowed as its missing tail.  The buffer never holds more than one frame.
"""

from __future__ import annotations

import struct
from binascii import crc32

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

START = const(0xA5)
VERSION = const(2)
HEADER = const(7)  # start, length, version, type, request id, flags
OVERHEAD = const(11)
MAX_PAYLOAD = const(512)
MAX_FRAME = const(523)
MAX_LINE = const(80)
# What ``FrameDecoder`` hands on in place of a line it cannot pass as text (never typed:
# control characters other than a line end are dropped from lines).
LINE_TOO_LONG = "\x18"
LINE_NOT_ASCII = "\x1a"

SEALED = const(0x01)  # payload is counter u32 | ciphertext | 16-byte tag (see auth)


class Frame:
    """One intact frame."""

    __slots__ = ("version", "ftype", "req", "flags", "payload")

    def __init__(self, ftype: int, req: int = 0, payload: bytes = b"", flags: int = 0,
                 version: int = VERSION) -> None:
        self.version = version
        self.ftype = ftype
        self.req = req
        self.flags = flags
        self.payload = payload

    def header(self) -> bytes:
        return bytes((self.version, self.ftype, self.req, self.flags))

    def __repr__(self) -> str:
        return "Frame(type=0x%02x, req=%d, flags=%d, %d bytes)" % (
            self.ftype, self.req, self.flags, len(self.payload))


def encode(ftype: int, req: int = 0, payload: Any = b"", flags: int = 0,
           version: int = VERSION) -> bytes:
    """The bytes of one frame; raises ValueError if the payload is too long."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("payload of %d bytes; at most %d" % (len(payload), MAX_PAYLOAD))
    body = struct.pack("<BHBBBB", START, len(payload) + 4, version, ftype, req & 0xFF,
                       flags) + bytes(payload)
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


class FrameDecoder:
    """Feed bytes as they come; get back whole frames (``Frame``) and text lines (``str``).

    CR, LF or CRLF ends a line.  A line over ``MAX_LINE`` characters comes out as
    ``LINE_TOO_LONG`` and one with a byte over 127 as ``LINE_NOT_ASCII``, so the
    person gets an answer, and the rest of it is not kept (memory stays bounded).
    Other control bytes are dropped; the line around them is kept.  ``garbage``
    counts bytes thrown away and ``bad_crc`` frames that failed their check; both
    are only statistics.
    """

    def __init__(self) -> None:
        self._buf = b""
        self._line = bytearray()
        self._line_bad = ""  # "", LINE_TOO_LONG or LINE_NOT_ASCII
        self._cr = False  # the last byte ended a line with CR: an LF now is its CRLF
        self.garbage = 0
        self.bad_crc = 0

    def reset(self) -> None:
        """Forget any partial frame or line (the link dropped)."""
        self._buf = b""
        self._drop_line()

    def feed(self, data: Any) -> list:
        buf = self._buf + bytes(data)
        out: list = []
        i = 0
        n = len(buf)
        while i < n:
            b = buf[i]
            cr = self._cr
            self._cr = False
            if b == START:
                if n - i < 3:
                    if self._line and (buf[n - 1] == 10 or buf[n - 1] == 13):
                        self._add(b)  # typed: "¥" or "å" then Enter (C2 A5, C3 A5)
                        i += 1
                        continue
                    break  # the length decides
                length = buf[i + 1] | (buf[i + 2] << 8)
                if length < 4 or length > MAX_PAYLOAD + 4:
                    self.garbage += 1
                    self._add(b)
                    i += 1
                    continue
                end = i + 3 + length
                if end + 4 > n:
                    j = self._complete_after(buf, i + 1)
                    if j < 0:
                        break
                    self.garbage += j - i  # a cut-off frame: skip to the whole one after it
                    self._drop_line()
                    i = j
                    continue
                (crc,) = struct.unpack_from("<I", buf, end)
                if crc32(buf[i:end]) & 0xFFFFFFFF != crc:
                    self.bad_crc += 1
                    self.garbage += 1
                    self._add(b)
                    i += 1
                    continue
                self._drop_line()
                out.append(Frame(buf[i + 4], buf[i + 5], buf[i + 7:end], buf[i + 6], buf[i + 3]))
                i = end + 4
                continue
            if b == 10 or b == 13:
                if not (cr and b == 10):
                    if self._line_bad:
                        out.append(self._line_bad)
                    elif self._line:
                        out.append(self._line.decode("ascii"))
                    self._line = bytearray()
                    self._line_bad = ""
                self._cr = b == 13
            elif b >= 32 and b != 127 or b == 9:
                self._add(b)
            else:
                self.garbage += 1  # a control byte: dropped, the line kept
            i += 1
        self._buf = buf[i:]
        return out

    def _complete_after(self, buf: bytes, i: int) -> int:
        """Where a whole, intact frame starts at or after ``i``, or -1."""
        n = len(buf)
        while True:
            i = buf.find(b"\xa5", i)
            if i < 0 or n - i < OVERHEAD:
                return -1
            end = i + 3 + (buf[i + 1] | (buf[i + 2] << 8))
            if end + 4 <= n and (crc32(buf[i:end]) & 0xFFFFFFFF
                                 == struct.unpack_from("<I", buf, end)[0]):
                return i
            i += 1

    def _add(self, b: int) -> None:
        """A byte of a typed line: kept up to ``MAX_LINE``, noted if not ASCII."""
        if len(self._line) >= MAX_LINE:
            self._line_bad = LINE_TOO_LONG
        else:
            self._line.append(b)
            if b > 127 and not self._line_bad:
                self._line_bad = LINE_NOT_ASCII

    def _drop_line(self) -> None:
        if self._line:
            self.garbage += len(self._line)
            self._line = bytearray()
        self._line_bad = ""
