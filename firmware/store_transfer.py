"""What only a connected host asks of the store: routines by CRC, uploads staged on
flash and swapped in, deletes, the log read in windows and acknowledged.

Functions of the app's one ``store.Store`` (its companion, like ``store_open``),
loaded by ``device_api`` for the first of them a host asks for and forgotten with
the protocol, so the menu, a session and pairing do not hold them.  The power-cut
rules are the store's: nothing becomes a routine before it is checked and swapped
in whole, and ``seq.txt`` is written before a host can see a record or an ack can
prune one.
"""

from __future__ import annotations

import os

from store import Store, StoreError, _exists, _explain, _sync

from stretchcue import routine as rt
from stretchcue import sessionlog as sl

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_CHUNK = const(512)  # store._CHUNK (a const: not a name another module can import)


def routine_crc(store: Store, name: str) -> tuple:
    """(size, CRC-32) of a stored routine, read 512 bytes at a time; OSError if
    unreadable.  Listing routines holds none of them whole."""
    from binascii import crc32

    size = crc = 0
    with open(store.routine_path(name), "rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            if not chunk:
                return size, crc & 0xFFFFFFFF
            size += len(chunk)
            crc = crc32(chunk, crc)


def stage_write(store: Store, name: str, offset: int, data: Any) -> None:
    """Write part of an arriving routine, at ``offset`` (0 starts afresh), beside the
    routines as ``NAME.json.new``: not one of them (listing, boot and a cut never
    take it for one) until ``store_staged`` has checked it."""
    try:
        with open(store.routine_path(name) + ".new", "r+b" if offset else "wb") as f:
            if offset:
                f.seek(offset)
            f.write(data)
    except OSError as e:
        raise _explain(e) from None


def store_staged(store: Store, name: str) -> None:
    """Check the staged routine as read back from flash (so the upload's buffer is
    free by now), then swap it in atomically; RoutineError, and it is gone, if bad."""
    path = store.routine_path(name)
    new = path + ".new"
    try:
        _sync()  # every chunk on flash before it can become the routine
        with open(new, "rb") as f:
            rt.load(f)
        # checked: now the .tmp of a replace, which a cut leaves for the next boot
        # to finish (store_open), where an unchecked .new is never taken
        os.rename(new, path + ".tmp")
        if _exists(path):
            os.remove(path)
        os.rename(path + ".tmp", path)
        _sync()
    except OSError as e:
        raise _explain(e) from None
    except rt.RoutineError:
        try:
            os.remove(new)
        except OSError:
            pass
        raise


def delete_routine(store: Store, name: str) -> bool:
    path = store.routine_path(name)
    if not _exists(path):
        return False
    os.remove(path)
    _sync()
    return True


def log_after(store: Store, cursor: int, max_bytes: int, limit: int = 0) -> tuple:
    """``(raw records with seq > cursor, more)``, at most ``max_bytes`` of them (at least
    one), joined into pieces of up to ``limit`` bytes of whole records (0: one each).

    Joined as they are read: a window's records one by one are two hundred
    small objects, heavier on a board's heap than the frames they end up in.
    A pull asks for consecutive pieces (a frame's worth each), each from the seq
    the last one ended at: that one is read on from where the last stopped, not
    from the start.
    """
    off = store._pull_off if cursor == store._pull_seq else 0
    rd = sl.Reader(off)
    out: list = []
    part: list = []
    psize = size = 0
    last = cursor
    records = store._records(off, rd)
    try:
        for r in records:
            if r.seq <= cursor:
                continue
            n = len(r.raw)
            if size + n > max_bytes and size:
                store._pull_seq, store._pull_off = last, r.offset
                out.append(b"".join(part))
                return out, True
            if part and psize + n > limit:
                out.append(b"".join(part))
                part = []
                psize = 0
            part.append(r.raw)
            psize += n
            size += n
            last = r.seq
    finally:
        records.close()
    if part:
        out.append(b"".join(part))
    store._pull_seq, store._pull_off = last, rd.size  # the end: the next append goes there
    if last > store.mark:  # the host has seen it: never issue it again
        try:
            store._set_mark()
        except StoreError:
            pass  # read-only: nothing is appended or pruned either
    return out, False


def ack(store: Store, seq: int) -> None:
    """Remember what the host holds; prune only acknowledged records."""
    store.acked = max(store.acked, min(seq, store.next_seq - 1))
    store._set_mark()
    store._replace(store.root + "/ack.txt", (str(store.acked).encode(),))
    store._prune()
