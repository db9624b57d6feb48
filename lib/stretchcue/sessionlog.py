"""The session log: append-only binary records, each with a sequence number and CRC.

Logs are health data, so the format is built to lose nothing: a power cut can
only tear the record being written (the reader stops cleanly before it), a
flipped bit is reported and the reader resynchronises on the next intact
record, and pruning never drops a record the host has not acknowledged without
writing a GAP record that says so.  Layout of one record (little-endian)::

    magic u8 = 0xC5 | type u8 | payload length u16 | seq u32 | payload | crc32 u32

The CRC covers everything before it.  This module only turns values into bytes
and bytes into values; the firmware and the host do the file and radio I/O.
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

MAGIC = const(0xC5)
HEADER = const(8)
_OVERHEAD = const(12)
_MAX_PAYLOAD = const(256)

# Record types, private: stretchcue.codes.Rec names them for the laptop.
_REC_START = const(1)
_REC_HOLD = const(2)
_REC_RATING = const(3)
_REC_END = const(4)
_REC_GAP = const(5)
_REC_RESUMED = const(6)

TYPE_NAMES = ("", "start", "hold", "rating", "end", "gap", "resumed")

# Fixed part of each payload; START's routine name follows its fixed part.
_FORMATS = ("", "<IIIB", "<BBBBIII", "<BB", "<IIIIIB", "<II", "<HI")
_FIELDS = (
    (),
    ("epoch_s", "planned_ms", "routine_crc", "stretches", "name"),
    ("stretch", "side", "rep", "skipped", "planned_ms", "actual_ms", "extended_ms"),
    ("stretch", "rating"),
    ("elapsed_ms", "paused_ms", "extended_ms", "skipped_ms", "planned_ms", "aborted"),  # 0/1
    ("first_seq", "count"),
    ("step", "into_ms"),
)

SOFT_LIMIT = const(96 * 1024)
HARD_LIMIT = const(256 * 1024)


class LogError(ValueError):
    """A record could not be encoded or decoded."""


def encode(rtype: int, seq: int, *values: Any) -> bytes:
    """One whole record: header, packed payload, CRC."""
    fmt = _FORMATS[rtype]
    if rtype == _REC_START:
        name = values[-1].encode("utf-8")[:64]
        payload = struct.pack(fmt, *values[:-1]) + name
    else:
        payload = struct.pack(fmt, *values)
    head = struct.pack("<BBHI", MAGIC, rtype, len(payload), seq)
    body = head + payload
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


def decode_payload(rtype: int, payload: bytes) -> dict:
    """The fields of a payload as a dict named by ``_FIELDS``."""
    if rtype < 1 or rtype >= len(_FORMATS):
        raise LogError("unknown record type %d" % rtype)
    fmt = _FORMATS[rtype]
    size = struct.calcsize(fmt)
    if len(payload) < size or (rtype != _REC_START and len(payload) != size):
        raise LogError("%s record has %d payload bytes" % (TYPE_NAMES[rtype], len(payload)))
    values = list(struct.unpack(fmt, payload[:size]))
    if rtype == _REC_START:
        values.append(bytes(payload[size:]).decode("utf-8"))
    out = {}
    for k, v in zip(_FIELDS[rtype], values):
        out[k] = v
    return out


def valid(r: Any) -> bool:
    """Whether an intact record's payload decodes (``fields`` would not raise): a CRC
    proves the bytes were written so, not that a writer wrote them right."""
    fmt = _FORMATS[r.rtype]
    size = struct.calcsize(fmt)
    n = len(r.payload)
    if r.rtype != _REC_START:
        return n == size
    try:
        bytes(r.payload[size:]).decode("utf-8")
    except UnicodeError:
        return False
    return n >= size


class Record:
    """One intact record found in a buffer."""

    __slots__ = ("offset", "rtype", "seq", "payload", "raw")

    def __init__(self, offset: int, rtype: int, seq: int, payload: bytes, raw: bytes) -> None:
        self.offset = offset
        self.rtype = rtype
        self.seq = seq
        self.payload = payload
        self.raw = raw

    @property
    def name(self) -> str:
        return TYPE_NAMES[self.rtype] if self.rtype < len(TYPE_NAMES) else "?"

    def fields(self) -> dict:
        return decode_payload(self.rtype, self.payload)


def _at(buf: Any, off: int, base: int = 0) -> Any:
    """The record starting at ``off``: a Record, "torn" if cut short, or None if bad.

    ``base`` is where ``buf`` sits in the log, for the Record's offset.
    """
    n = len(buf)
    if n - off < _OVERHEAD:
        return "torn"
    magic, rtype, plen, seq = struct.unpack_from("<BBHI", buf, off)
    if magic != MAGIC or not 0 < rtype < len(_FORMATS) or plen > _MAX_PAYLOAD:
        return None
    end = off + HEADER + plen
    if end + 4 > n:
        return "torn"
    (crc,) = struct.unpack_from("<I", buf, end)
    body = bytes(buf[off:end])
    if crc32(body) & 0xFFFFFFFF != crc:
        return None
    return Record(base + off, rtype, seq, body[HEADER:], body + bytes(buf[end:end + 4]))


class Reader:
    """Reads a log fed in chunks of any size exactly as ``scan`` reads it whole.

    ``feed(data)`` returns the intact records the bytes so far complete, in
    order; ``close()``, once the log has ended, the last ones (a record cut
    short is only known to be torn then).  ``problems`` and ``good_end`` are
    ``scan``'s (``damaged`` counts the "corrupt" ones, however many are kept),
    ``size`` counts the bytes fed; offsets count from ``offset``,
    where the first byte fed sits in the log.  It holds back at most one
    record's worth of bytes, so a reader of a log on flash needs as little
    memory for a long log as for a short one.
    """

    def __init__(self, offset: int = 0) -> None:
        self.problems: list = []
        self.good_end = offset
        self.size = offset
        self.damaged = 0
        self._buf = b""
        self._bad = -1  # where the unreadable bytes being skipped began
        self._torn = False  # and whether they began with a record cut short

    def feed(self, data: Any) -> list:
        self.size += len(data)
        self._buf = self._buf + bytes(data) if self._buf else bytes(data)
        return self._run(False)

    def close(self) -> list:
        return self._run(True)

    def _run(self, final: bool) -> list:
        buf = self._buf
        n = len(buf)
        base = self.size - n
        out = []
        off = 0
        while off < n:
            rec = _at(buf, off, base)
            if rec == "torn" and not final:
                break  # more bytes decide it
            if isinstance(rec, Record):
                if self._bad >= 0:
                    self.problems.append(("corrupt", self._bad, base + off - self._bad))
                    self.damaged += 1
                    self._bad = -1
                out.append(rec)
                off += len(rec.raw)
                self.good_end = base + off
                continue
            if self._bad < 0:
                self._bad = base + off
                self._torn = rec == "torn"
            nxt = buf.find(b"\xc5", off + 1)  # resynchronise on the next intact record
            off = n if nxt < 0 else nxt
        if final and self._bad >= 0:
            self.problems.append(("torn" if self._torn else "corrupt", self._bad,
                                  self.size - self._bad))
            self.damaged += 0 if self._torn else 1
            self._bad = -1
        self._buf = buf[off:] if off < n else b""
        return out


def scan(buf: Any) -> tuple:
    """Read every intact record.

    Returns ``(records, problems, good_end)``: ``problems`` lists
    ``("corrupt", offset, skipped_bytes)`` and at most one trailing
    ``("torn", offset, bytes)``; ``good_end`` is where the last intact record
    ends, so a writer can cut a torn tail off before appending again.  A log
    too long for memory goes through a ``Reader`` a chunk at a time instead.
    """
    rd = Reader()
    records = rd.feed(buf)
    records += rd.close()
    return records, rd.problems, rd.good_end

