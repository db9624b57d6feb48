"""The paired computers' keys, in the board's non-volatile memory, off the USB drive.

A key file on CIRCUITPY is a copy that works forever for anyone with a cable
and thirty seconds.  ``microcontroller.nvm`` is flash the computer never sees
as a file.  (Code put on the drive could still read it: this stops copying,
not someone who can run their own code on the board.)

Two slots, each in a 4 KB flash page of its own (nvm bytes 0 and 4096 on an
nRF52840): CircuitPython writes nvm by erasing and programming only the pages a
write touches, so a power cut mid-write spoils at most the slot being written.
A slot is 400 bytes, little-endian::

    magic "SCK1" | seq u32 | count u8 | 3 zero bytes
    | count x (host id 16 bytes | key 32 bytes), oldest pairing first
    | crc32 u32 of everything before it | 0xFF to the end of the 400

The valid slot with the higher seq is the keyring.  Erased, zeroed or damaged
slots read as no keys, never as an error, so a bad nvm cannot stop a boot.  A
change is written to the other slot (seq + 1), then again over the one it
replaces (seq + 2): the old set stays whole until the new one is, and no
forgotten key lingers in the older slot once a change is done.

``MAX_HOSTS`` hosts fit; pairing one more replaces the least recently paired
(a host paired again counts as new).  Not the least recently used: noting each
use would erase a flash page at every connection.

Without an nvm (or one too small) ``open_keys`` gives ``FileKeys``: one file per
host in the data folder, as earlier firmware kept them.
"""

from __future__ import annotations

import os
import struct
from binascii import crc32, hexlify, unhexlify

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

MAX_HOSTS = const(8)
_PAGE = const(4096)  # the nRF52840's flash page: the unit an nvm write erases
_HEAD = const(12)  # magic, seq, count, padding
_ID = const(16)
_ENTRY = const(48)  # host id, key
_SLOT = const(400)  # _HEAD + MAX_HOSTS * _ENTRY + crc
_MAGIC = b"SCK1"


def _find(entries: bytes, host_id: bytes) -> int:
    for off in range(0, len(entries), _ENTRY):
        if entries[off:off + _ID] == host_id:
            return off
    return -1


def _sync() -> None:
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


class Keyring:
    """The keys in ``nvm`` (``microcontroller.nvm``, or anything indexed like it)."""

    def __init__(self, nvm: Any) -> None:
        self._nvm = nvm
        self._bases = (0, min(len(nvm) // 2, _PAGE))

    def get(self, host_id: bytes) -> bytes | None:
        entries = self._load()[2]
        off = _find(entries, bytes(host_id))
        return entries[off + _ID:off + _ENTRY] if off >= 0 else None

    def put(self, host_id: bytes, key: bytes) -> None:
        host_id = bytes(host_id)
        key = bytes(key)
        if len(host_id) != _ID or len(key) != _ENTRY - _ID:
            raise ValueError("a host id is 16 bytes and a key 32")
        seq, at, entries = self._load()
        off = _find(entries, host_id)
        if off >= 0:
            if entries[off + _ID:off + _ENTRY] == key:
                return
            entries = entries[:off] + entries[off + _ENTRY:]
        keep = max(0, len(entries) - (MAX_HOSTS - 1) * _ENTRY)  # the oldest go when full
        self._save(seq, at, entries[keep:] + host_id + key)

    def remove(self, host_id: bytes) -> bool:
        seq, at, entries = self._load()
        off = _find(entries, bytes(host_id))
        if off < 0:
            return False
        self._save(seq, at, entries[:off] + entries[off + _ENTRY:])
        return True

    def clear(self) -> int:
        """Forget every host, in both slots; returns how many there were."""
        seq, at, entries = self._load()
        self._save(seq, at, b"")
        return len(entries) // _ENTRY

    def adopt(self, folder: str) -> int:
        """Move the key files earlier firmware kept in ``folder`` (one per host, named by
        its id in hex) into the keyring, then delete them and the folder; returns how many
        keys came in.  The files are older than anything in the keyring: a host it already
        knows keeps its key there, and the files rank as the least recently paired."""
        try:
            names = os.listdir(folder)
        except OSError:
            return 0
        seq, at, entries = self._load()
        moved = b""
        for name in names:
            try:
                host = unhexlify(name)
                with open(folder + "/" + name, "rb") as f:
                    key = f.read(_ENTRY)
            except (ValueError, OSError):
                continue
            if (len(host) == _ID and len(key) == _ENTRY - _ID and _find(entries, host) < 0
                    and _find(moved, host) < 0):
                moved += host + key
        if moved:
            entries = moved + entries
            self._save(seq, at, entries[max(0, len(entries) - MAX_HOSTS * _ENTRY):])
        for name in names:
            try:
                os.remove(folder + "/" + name)
            except OSError:
                pass
        try:
            os.rmdir(folder)
        except OSError:
            pass
        _sync()
        return len(moved) // _ENTRY

    def _slot(self, i: int) -> Any:
        """``(seq, entries)`` of slot ``i``, or None if it is erased or damaged."""
        nvm = self._nvm
        base = self._bases[i]
        head = nvm[base:base + _HEAD]
        n = head[8]
        if head[:4] != _MAGIC or n > MAX_HOSTS:
            return None
        blob = nvm[base:base + _HEAD + n * _ENTRY + 4]
        crc = struct.unpack_from("<I", blob, len(blob) - 4)[0]
        if crc32(memoryview(blob)[:-4]) & 0xFFFFFFFF != crc:
            return None
        return struct.unpack_from("<I", head, 4)[0], bytes(blob[_HEAD:-4])

    def _load(self) -> tuple:
        """``(seq, slot, entries)`` of the newer valid slot; ``(0, 1, b"")`` if neither is."""
        best: Any = None
        at = 1
        for i in (0, 1):
            s = self._slot(i)
            if s is not None and (best is None or s[0] > best[0]):
                best, at = s, i
        if best is None:
            return 0, 1, b""
        return best[0], at, best[1]

    def _save(self, seq: int, at: int, entries: bytes) -> None:
        """``entries`` into the slot not at ``at``, then over slot ``at``; each slot is
        written whole, erased (0xFF) after its CRC, so a shorter set leaves no old entry."""
        end = _HEAD + len(entries)
        blob = bytearray(b"\xff" * _SLOT)
        blob[0:4] = _MAGIC
        blob[8:_HEAD] = b"\0\0\0\0"
        blob[_HEAD:end] = entries
        for i in (1 - at, at):
            seq += 1
            struct.pack_into("<IB", blob, 4, seq, len(entries) // _ENTRY)
            struct.pack_into("<I", blob, end, crc32(memoryview(blob)[:end]) & 0xFFFFFFFF)
            base = self._bases[i]
            self._nvm[base:base + _SLOT] = blob


class FileKeys:
    """The keys as files in ``folder``, one per host named by its id in hex: on the drive,
    where a cable can copy them; only for a board without an nvm."""

    def __init__(self, folder: str) -> None:
        self._dir = folder

    def _path(self, host_id: bytes) -> str:
        return self._dir + "/" + hexlify(bytes(host_id)).decode()

    def get(self, host_id: bytes) -> bytes | None:
        try:
            with open(self._path(host_id), "rb") as f:
                return f.read()
        except OSError:
            return None

    def put(self, host_id: bytes, key: bytes) -> None:
        try:
            os.mkdir(self._dir)
        except OSError:
            pass
        with open(self._path(host_id), "wb") as f:
            f.write(bytes(key))
        _sync()

    def remove(self, host_id: bytes) -> bool:
        try:
            os.remove(self._path(host_id))
        except OSError:
            return False
        _sync()
        return True

    def clear(self) -> int:
        try:
            names = os.listdir(self._dir)
        except OSError:
            return 0
        for name in names:
            try:
                os.remove(self._dir + "/" + name)
            except OSError:
                pass
        _sync()
        return len(names)


def open_keys(nvm: Any, folder: str) -> Any:
    """A ``Keyring`` in ``nvm`` if it has room for both slots, else ``FileKeys`` in ``folder``."""
    try:
        if nvm is not None and len(nvm) >= 2 * _SLOT:
            return Keyring(nvm)
    except TypeError:
        pass
    return FileKeys(folder)
