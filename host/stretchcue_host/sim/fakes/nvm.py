"""``microcontroller.nvm``: CircuitPython's ``nvm.ByteArray``, for every place the firmware
runs off a board.

One description of it: the CPython simulator installs it with ``fakes/modules.py``
(kept in a file of the simulated device's data folder, ``file_backed``), and the
board image test ships this very file into MicroPython and CircuitPython's own VM
(``sim/vm/``), where the driver keeps it.  So it keeps to what those VMs have.

It behaves as the nRF52840's: 8192 bytes that read 0xFF when erased, not part
of the USB drive; ``len``; an int index reads or writes one byte (negative counts
from the end, out of range raises ``IndexError``, a value outside 0-255
``ValueError``); a slice reads a ``bytearray`` (clamped, as any slice) and is
assigned from bytes, bytearray, memoryview or array of the same length
(``ValueError`` if not, ``NotImplementedError`` for anything else or a step);
items cannot be deleted.  ``on_write(start, data)`` hears of every write, after it.
"""

from __future__ import annotations

SIZE = 8192  # CIRCUITPY_INTERNAL_NVM_SIZE on nordic


def _bounds(index, n: int) -> tuple:
    if index.step not in (None, 1):
        raise NotImplementedError("only slices with step=1 (aka None) are supported")
    start = 0 if index.start is None else index.start
    stop = n if index.stop is None else index.stop
    if start < 0:
        start = max(0, start + n)
    if stop < 0:
        stop = max(0, stop + n)
    start = min(start, n)
    return start, min(max(stop, start), n)


class ByteArray:
    def __init__(self, data=None, on_write=None) -> None:
        self._b = bytearray(data) if data is not None else bytearray(b"\xff" * SIZE)
        self.on_write = on_write

    def __len__(self) -> int:
        return len(self._b)

    def __bool__(self) -> bool:
        return len(self._b) != 0

    def _index(self, index) -> int:
        if not isinstance(index, int):
            raise TypeError("ByteArray indices must be integers, not %s" % type(index).__name__)
        n = len(self._b)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("index out of range")
        return i

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop = _bounds(index, len(self._b))
            return bytearray(self._b[start:stop])
        return self._b[self._index(index)]

    def __setitem__(self, index, value) -> None:
        if isinstance(index, slice):
            start, stop = _bounds(index, len(self._b))
            if not isinstance(value, (bytes, bytearray, memoryview)) and (
                    type(value).__name__ != "array"):
                raise NotImplementedError("array/bytes required on right side")
            data = bytes(value)
            if len(data) != stop - start:
                raise ValueError("Slice and value different lengths.")
        else:
            start = self._index(index)
            if not isinstance(value, int) or not 0 <= value <= 255:
                raise ValueError("bytes must be 0-255")
            data = bytes((value,))
        self._b[start:start + len(data)] = data
        if self.on_write is not None:
            self.on_write(start, data)

    def __delitem__(self, index) -> None:
        raise TypeError("'ByteArray' object doesn't support item deletion")


def file_backed(path: str) -> ByteArray:
    """An nvm kept in the file ``path`` (created erased), so a reboot finds it as it was."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        data = b""
    if len(data) != SIZE:
        data = (data + b"\xff" * SIZE)[:SIZE]
        with open(path, "wb") as f:
            f.write(data)

    def save(start: int, chunk: bytes) -> None:
        with open(path, "r+b") as f:
            f.seek(start)
            f.write(chunk)

    return ByteArray(data, save)
