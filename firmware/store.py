"""The data folder on flash: routines, the selected routine, the session log, the ack cursor.

Nothing here may lose data on a power cut: a routine is replaced by writing
a temporary file, syncing and renaming (a leftover ``.tmp`` is finished at the
next start); every log record is flushed and synced before the app goes on;
a torn tail from a cut mid-record is trimmed at start so appends stay clean.

Nothing stored may stop a boot either (a crash at boot repeats at every boot):
every parse of stored bytes runs inside ``_guard``, which turns any error into
the file set aside (renamed ``NAME.bad``, kept for a person to look at) and a
note for the menu.  Log records that cannot be read (a bad CRC, a payload that
does not decode) are dropped from the log at start and counted in that note;
the intact ones around them are kept.

Sequence numbers never rewind, so a host's cursor never skips new records:
``seq.txt`` keeps the highest seq a host may have seen or that left the log (it
is written before an ack, a prune, and after a pull), and the next seq is above
it, the ack and every record in the log.  They are u32 and do not wrap: after
0xFFFFFFFF (only a forged or damaged log gets there) nothing more is logged and
the summary says so; pull, then delete log.bin and seq.txt to start again.

The log is never held in memory: it can reach ``sessionlog.SOFT_LIMIT`` (96 KB)
of unsynced records, most of a board's heap.  It is streamed from flash a
chunk at a time whenever it is read (at start, for a pull, to prune), so the
heap it takes does not grow with it.
"""

from __future__ import annotations

import os

from stretchcue import drop, resume
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

#: Not a Python name on purpose: a board searches "/" before "/lib" and takes a
#: folder without ``__init__.py`` for a package, so a data folder named like a
#: module (it once was "/stretchcue") hides that module and the next boot fails.
DATA_ROOT = "/stretchcue-data"
_OLD_ROOT = "/stretchcue"
_ENOSPC = const(28)
_EROFS = const(30)
_CHUNK = const(512)  # bytes read from the log at a time; a record is at most 268
_EISDIR = const(21)
_NAME = const(40)  # bytes at most in selected.txt
_TOP = 0xFFFFFFFF  # the last sequence number there is (u32)


class StoreError(OSError):
    """Flash is full or read-only; ``reason`` is a short sentence for the screen."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _exists(path: str) -> bool:
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _sync() -> None:
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()


def _explain(e: OSError, name: str = "") -> StoreError:
    code = e.args[0] if e.args else 0
    if code == _EISDIR and name:
        return StoreError(name + " is a folder")
    if code == _ENOSPC:
        return StoreError("flash is full")
    if code == _EROFS:
        return StoreError("flash is read-only (button held at boot?)")
    return StoreError("flash error " + str(code))


class Store:
    def __init__(self, root: str | None = None, soft_limit: int = sl.SOFT_LIMIT,
                 hard_limit: int = sl.HARD_LIMIT, nvm: Any = None) -> None:
        self.soft_limit = soft_limit
        self.hard_limit = hard_limit
        self.root = root or os.getenv("STRETCHCUE_DATA") or DATA_ROOT
        self.routines_dir = self.root + "/routines"
        self.keys_dir = self.root + "/keys"  # key files: earlier firmware's, or without an nvm
        self.nvm = nvm  # microcontroller.nvm, where keyring.py keeps the pairing keys
        self.log_path = self.root + "/log.bin"
        self.size = 0  # bytes in log.bin
        self.next_seq = 1
        self.acked = 0
        self.mark = 0  # seq.txt: no seq at or below it is issued again
        self.problems: list = []
        self.aside: list = []  # what was set aside, for the menu's note
        self.damaged = 0  # log records set aside at start
        self._resume = resume.Unfinished()
        self._pull_seq = -1  # where the last log_after answer ended: its last seq ...
        self._pull_off = 0  # ... and the file offset after it

    # -- start-up -------------------------------------------------------------

    def open(self) -> None:
        """Create folders, finish interrupted replaces, trim and mend the log; anything
        unreadable is set aside (``notes``), never raised.  Only a folder that cannot be
        made raises StoreError, once everything else has been read.  The work is in
        ``store_open``, loaded for it and forgotten after (a board's heap gets it back)."""
        import store_open

        try:
            store_open.run(self)
        finally:
            drop("store_open")

    def notes(self) -> str:
        """What the menu should say about what start set aside, or ''."""
        a = self.aside
        out = ("set aside: " + ", ".join(a[:3]) + (" +%d" % (len(a) - 3) if len(a) > 3 else "")
               if a else "")
        if self.damaged:
            out += "%slog: %d damaged record(s) set aside" % ("; " if out else "", self.damaged)
        return out

    def _guard(self, path: str, fn: Any, *args: Any) -> Any:
        """``fn(*args)``, a read of what ``path`` holds; if it fails in any way, the file
        is set aside and None returned: stored bytes never stop a boot."""
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001  (RecursionError, MemoryError, OSError, ...)
            self.set_aside(path, e)
        return None

    def set_aside(self, path: str, why: Any) -> None:
        """Rename ``path`` to ``path.bad`` (replacing an older one) and note it."""
        print("set aside:", path)  # the note says it on the screen; NAME.bad keeps the bytes
        bad = path + ".bad"
        for step in (1, 2):
            try:
                if step == 2:
                    os.remove(bad)
                os.rename(path, bad)
                break
            except OSError:
                pass
        name = path[len(self.root) + 1:] if path.startswith(self.root + "/") else path
        if name not in self.aside:
            self.aside.append(name)

    def unfinished(self) -> tuple:
        """``resume.unfinished`` of the log as opened and appended to since."""
        return self._resume.result()

    # -- routines -------------------------------------------------------------

    def routine_names(self, builtin: str = "") -> list:
        """The stored routines' names, sorted; with ``builtin`` (the firmware's built-in
        routine) that name too, unless a stored routine of that name hides it."""
        try:
            names = [n[:-5] for n in os.listdir(self.routines_dir) if n.endswith(".json")]
        except OSError:  # no folder (a read-only flash at first start)
            names = []
        if builtin and builtin not in names:
            names.append(builtin)
        return sorted(names)

    def routine_path(self, name: str) -> str:
        return self.routines_dir + "/" + name + ".json"

    def read_routine(self, name: str) -> bytes:
        """Its bytes; raises OSError or ValueError (over ``MAX_ROUTINE_BYTES``) if unreadable."""
        return self._load(self.routine_path(name), rt.MAX_ROUTINE_BYTES) or b""

    def selected(self) -> str:
        path = self.root + "/selected.txt"
        return self._guard(path, self._name, path) or ""

    def _name(self, path: str) -> str:
        name = (self._load(path, _NAME) or b"").decode().strip()
        for c in name:
            if c < " ":
                raise ValueError("not a name")
        return name

    def select(self, name: str) -> None:
        self._replace(self.root + "/selected.txt", (name.encode(),))

    def remind(self) -> str:
        """remind.txt: the daily reminder as ``stretchcue.remind`` reads it ('' if none)."""
        path = self.root + "/remind.txt"
        return (self._guard(path, self._load, path, _NAME) or b"").decode()

    def set_remind(self, text: str) -> None:
        self._replace(self.root + "/remind.txt", (text.encode(),))

    # -- the log --------------------------------------------------------------

    def append(self, rtype: int, *values: Any) -> int:
        """Write one record and sync it; returns its sequence number."""
        seq = self.next_seq
        if seq > _TOP:
            raise StoreError("log full: sequence numbers used up")
        raw = sl.encode(rtype, seq, *values)
        try:
            with open(self.log_path, "ab") as f:
                f.write(raw)
                f.flush()
            _sync()
        except OSError as e:
            raise _explain(e, "log.bin") from None
        self.next_seq = seq + 1
        self._resume.add(sl.Record(self.size, rtype, seq, raw[sl.HEADER:-4], raw))
        self.size += len(raw)
        if self.size > self.hard_limit:
            self._prune()
        return seq

    def _set_mark(self) -> None:
        """seq.txt := the last seq issued, before anything can take records out of the log."""
        top = self.next_seq - 1
        if top > self.mark:
            self._replace(self.root + "/seq.txt", (str(top).encode(),))
            self.mark = top

    def _prune(self) -> None:
        """``log_prune.prune``'s rules, streamed: one pass sizes the log, a second writes
        what it keeps to the temporary file that then replaces it."""
        if self.size <= self.soft_limit:
            return
        total = unacked = 0
        for r in self._records():
            total += len(r.raw)
            if r.seq > self.acked:
                unacked += len(r.raw)
        if total <= self.soft_limit or (unacked == self.size and unacked <= self.hard_limit):
            return  # nothing to drop: the log would be written again as it is
        self._set_mark()
        from stretchcue import log_prune

        try:
            p = log_prune.Pruner(self.acked, self.soft_limit, self.hard_limit, unacked)
            self._replace(self.log_path, p.run(self._records()))
            self.size = p.written
        finally:
            drop("stretchcue.log_prune")
        self._pull_seq = -1

    def free_bytes(self) -> int:
        try:
            st = os.statvfs(self.root)
            return st[0] * st[3]
        except (OSError, AttributeError):
            return -1

    # -- helpers --------------------------------------------------------------

    def keys(self) -> Any:
        """The paired computers' keys (``keyring.open_keys``: in the nvm, else files)."""
        import keyring

        k = keyring.open_keys(self.nvm, self.keys_dir)
        drop("keyring")  # kept alive by ``k`` only
        return k

    def open_keys(self) -> str:
        """At start: key files earlier firmware left on the drive move into the nvm.
        Returns a note for the menu if the keys are (still) on the drive, else ''."""
        keys = self.keys()
        if not hasattr(keys, "adopt"):
            return "no nvm: pairing keys are kept on the USB drive"
        try:
            keys.adopt(self.keys_dir)
        except Exception as e:  # noqa: BLE001  (a bad nvm or drive must not stop a boot)
            return "pairing keys not moved off the drive: " + str(e)
        if _exists(self.keys_dir):
            return "pairing keys left on the drive (read-only?)"
        return ""

    def forget_keys(self) -> int:
        """Drop every paired computer's key (the device's own reset); returns how many."""
        try:
            return self.keys().clear()
        except (OSError, RuntimeError) as e:
            raise StoreError("keys not forgotten: " + str(e)) from None

    def _records(self, offset: int = 0, reader: Any = None) -> Any:
        """Every intact record of the log from ``offset`` on, read a chunk at a time
        through ``reader`` (a fresh ``sessionlog.Reader`` if None)."""
        rd = reader or sl.Reader(offset)
        try:
            f = open(self.log_path, "rb")
        except OSError:
            return
        with f:
            if offset:
                f.seek(offset)
            while True:
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                for r in rd.feed(chunk):
                    yield r
        for r in rd.close():
            yield r

    def _load(self, path: str, limit: int) -> bytes | None:
        """The file's bytes, None if there is no file; never more than ``limit`` of them
        (a longer file raises ValueError: nothing on the drive is read whole unchecked)."""
        if not _exists(path):
            return None
        size = os.stat(path)[6]  # read(limit + 1) would take a block that size at once
        if size > limit:
            raise ValueError("over %d bytes" % limit)
        with open(path, "rb") as f:
            return f.read(size)

    def _replace(self, path: str, parts: Any) -> None:
        """Write ``parts`` (bytes, one after another) to ``path.tmp``, sync, then swap it
        in: a cut leaves old or new, never half."""
        tmp = path + ".tmp"
        try:
            with open(tmp, "wb") as f:
                for part in parts:
                    f.write(part)
                f.flush()
            _sync()
            if _exists(path):
                os.remove(path)
            os.rename(tmp, path)
            _sync()
        except OSError as e:
            raise _explain(e) from None

