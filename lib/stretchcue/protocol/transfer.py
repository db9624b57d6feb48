"""Windowed transfers: many chunks in flight, one acknowledgement per window.

BLE round trips cost one or two connection intervals (15-50 ms) each, so
waiting for an answer after every 20-byte piece would spend most of a transfer
idle.  The sender sends a whole window (``WINDOW`` chunks) back to back and the
receiver acknowledges once, with the offset it has.  A chunk at an unexpected
offset makes the receiver acknowledge at once with the offset it wants, and
the sender goes back to it.  The device keeps a half-received routine across a
disconnect (a board on flash as it arrives, else in RAM), so a put of the same
name, size and CRC resumes from the last acknowledged offset instead of
starting again.
"""

from __future__ import annotations

from binascii import crc32

from stretchcue.protocol import messages as m
from stretchcue.routine import MAX_ROUTINE_BYTES

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

WINDOW = const(2)  # chunks per acknowledgement: few, for a small receive buffer (below)
CHUNK = const(480)  # routine bytes per PUT_DATA frame
LOG_FRAME = const(492)  # log bytes per LOG_DATA frame: 512 less the seal (auth.TRAILER)
LOG_WINDOW = const(32)  # most LOG_DATA frames per LOG_READ
# Bytes the device's radio buffers unread.  Writes without response have no
# flow control: one that does not fit is dropped, so the host never has more
# than PUT_BEGIN + one window + PUT_COMMIT (~1.1 KB) in flight.  A board keeps
# this ring on its heap for as long as it runs: 1.25 KB, not the 5 KB a window
# of nine needed; a 4 KB push takes four more round trips for it (about 0.08 s,
# bench/ble_transfer.py).
RX_BUFFER = const(1280)


class PutReceiver:
    """The device's side of one routine upload (sans-I/O; the caller sends the acks).

    ``write(name, offset, chunk)`` takes each chunk as it arrives (a board stages it
    on flash, so an upload never needs a buffer of its size, up to 8 KB in one
    piece, on a fragmented heap); without it the chunks are kept in RAM until
    ``finish``.  Chunks are taken in order only, so the CRC is kept as they come.
    """

    def __init__(self, write: Any = None) -> None:
        self._write = write
        self.clear()

    def clear(self) -> None:
        self.name = ""
        self.size = 0
        self.crc = 0
        self.offset = 0
        self.active = False
        self._acked = 0
        self._n = 0
        self._run = 0  # CRC-32 of the bytes up to offset
        self._run_acked = 0
        self._data: Any = None

    def begin(self, name: str, size: int, crc: int) -> int:
        """Start, or resume the same upload; returns the offset to send from."""
        if size == 0:
            raise m.ProtocolError(m.BAD_REQUEST, "empty routine: PUT_BEGIN size is 0")
        if size > MAX_ROUTINE_BYTES:
            raise m.ProtocolError(m.TOO_LARGE, "routine of %d bytes; at most %d fit"
                                  % (size, MAX_ROUTINE_BYTES))
        if not (self.active and self.name == name and self.size == size and self.crc == crc):
            self.clear()
            self.name = name
            self.size = size
            self.crc = crc
            self.active = True
            if self._write is None:
                self._data = bytearray(size)
        self.offset = self._acked
        self._run = self._run_acked
        self._n = 0
        return self.offset

    def data(self, offset: int, chunk: Any) -> bool:
        """Store a chunk; True when an acknowledgement is due now.

        A chunk with no bytes, or one ending past the size PUT_BEGIN gave, is a
        broken sender whatever its offset: refused, and the upload kept as it was.
        """
        if not self.active:
            raise m.ProtocolError(m.NO_TRANSFER, "no routine upload in progress")
        end = offset + len(chunk)
        if not chunk or end > self.size:
            raise m.ProtocolError(m.BAD_REQUEST, "chunk of %d bytes at %d; the routine has %d"
                                  % (len(chunk), offset, self.size))
        if offset != self.offset:
            return offset > self.offset  # a gap: ask for the missing bytes now
        if self._write is None:
            self._data[offset:end] = chunk
        else:
            self._write(self.name, offset, chunk)
        self._run = crc32(chunk, self._run)
        self.offset = end
        self._n += 1
        return end == self.size or self._n >= WINDOW

    def acked(self) -> int:
        """Record that the current offset was acknowledged; returns it."""
        self._acked = self.offset
        self._run_acked = self._run
        self._n = 0
        return self.offset

    def finish(self) -> Any:
        """The whole file once complete and its CRC matches (the receive buffer itself,
        not a copy: a board may not have room for two; None if ``write`` took it);
        clears the upload either way."""
        if not self.active:
            raise m.ProtocolError(m.NO_TRANSFER, "no routine upload in progress")
        if self.offset != self.size:
            raise m.ProtocolError(m.NO_TRANSFER, "upload has %d of %d bytes"
                                  % (self.offset, self.size))
        data = self._data
        good = self._run & 0xFFFFFFFF == self.crc
        self.clear()
        if not good:
            raise m.ProtocolError(m.BAD_CRC, "routine CRC does not match; send it again")
        return data
