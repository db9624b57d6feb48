"""The data folder on flash: routines, the selected routine, the session log, the ack cursor.

Nothing here may lose data on a power cut: a routine is replaced by writing
a temporary file, syncing and renaming (a leftover ``.tmp`` is finished at the
next start); every log record is flushed and synced before the app goes on;
a torn tail from a cut mid-record is trimmed at start so appends stay clean.

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
_PROBLEMS = const(8)  # log problems kept: the first ones and the latest (a torn tail)


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


def _explain(e: OSError) -> StoreError:
    code = e.args[0] if e.args else 0
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
        self.problems: list = []
        self._resume = resume.Unfinished()
        self._pull_seq = -1  # where the last log_after answer ended: its last seq ...
        self._pull_off = 0  # ... and the file offset after it

    # -- start-up -------------------------------------------------------------

    def open(self) -> None:
        """Create folders, finish an interrupted routine replace, trim a torn log tail."""
        for d in (self.root, self.routines_dir):
            if not _exists(d):
                try:
                    os.mkdir(d)
                except OSError as e:
                    raise _explain(e) from None
        for name in os.listdir(self.routines_dir):
            if name.endswith(".json.tmp"):
                self._finish_replace(self.routines_dir + "/" + name)
        self.acked = self._read_int(self.root + "/ack.txt")
        tmp = self.log_path + ".tmp"
        if _exists(tmp):
            if _exists(self.log_path):
                os.remove(tmp)
            else:
                os.rename(tmp, self.log_path)
        rd = sl.Reader()
        track = resume.Unfinished()
        problems = rd.problems
        seq = 0
        for r in self._records(0, rd):
            seq = r.seq
            track.add(r)
            while len(problems) > _PROBLEMS:
                problems.pop(_PROBLEMS - 1)  # keep the first ones and the latest
        self.problems = problems
        self._resume = track
        self._pull_seq = -1
        self.size = rd.size
        if rd.good_end < rd.size and problems and problems[-1][0] == "torn":
            self._replace(self.log_path, self._head(rd.good_end))
            self.size = rd.good_end
        self.next_seq = max(seq, self.acked) + 1

    def unfinished(self) -> tuple:
        """``resume.unfinished`` of the log as opened and appended to since."""
        return self._resume.result()

    def _finish_replace(self, tmp: str) -> None:
        final = tmp[:-4]
        try:
            rt.loads(self._read(tmp))
        except rt.RoutineError:
            os.remove(tmp)
            return
        if _exists(final):
            os.remove(final)
        os.rename(tmp, final)

    # -- routines -------------------------------------------------------------

    def routine_names(self, builtin: str = "") -> list:
        """The stored routines' names, sorted; with ``builtin`` (the firmware's built-in
        routine) that name too, unless a stored routine of that name hides it."""
        names = [n[:-5] for n in os.listdir(self.routines_dir) if n.endswith(".json")]
        if builtin and builtin not in names:
            names.append(builtin)
        return sorted(names)

    def read_routine(self, name: str) -> bytes:
        return self._read(self.routines_dir + "/" + name + ".json")

    def put_routine(self, name: str, data: bytes) -> None:
        """Check, then atomically replace; a cut at any byte leaves old or new, never a mix."""
        rt.loads(data)
        self._replace(self.routines_dir + "/" + name + ".json", (data,))

    def delete_routine(self, name: str) -> bool:
        path = self.routines_dir + "/" + name + ".json"
        if not _exists(path):
            return False
        os.remove(path)
        _sync()
        return True

    def selected(self) -> str:
        try:
            return self._read(self.root + "/selected.txt").decode().strip()
        except (OSError, UnicodeError):
            return ""

    def select(self, name: str) -> None:
        self._replace(self.root + "/selected.txt", (name.encode(),))

    # -- the log --------------------------------------------------------------

    def append(self, rtype: int, *values: Any) -> int:
        """Write one record and sync it; returns its sequence number."""
        seq = self.next_seq
        raw = sl.encode(rtype, seq, *values)
        try:
            with open(self.log_path, "ab") as f:
                f.write(raw)
                f.flush()
            _sync()
        except OSError as e:
            raise _explain(e) from None
        self.next_seq = seq + 1
        self._resume.add(sl.Record(self.size, rtype, seq, raw[sl.HEADER:-4], raw))
        self.size += len(raw)
        if self.size > self.hard_limit:
            self._prune()
        return seq

    def log_after(self, cursor: int, max_bytes: int, limit: int = 0) -> tuple:
        """``(raw records with seq > cursor, more)``, at most ``max_bytes`` of them (at least
        one), joined into pieces of up to ``limit`` bytes of whole records (0: one each).

        Joined as they are read: a window's records one by one are two hundred
        small objects, heavier on a board's heap than the frames they end up in.
        A pull asks for consecutive pieces (a frame's worth each), each from the seq
        the last one ended at: that one is read on from where the last stopped, not
        from the start.
        """
        off = self._pull_off if cursor == self._pull_seq else 0
        rd = sl.Reader(off)
        out: list = []
        part: list = []
        psize = size = 0
        last = cursor
        records = self._records(off, rd)
        try:
            for r in records:
                if r.seq <= cursor:
                    continue
                n = len(r.raw)
                if size + n > max_bytes and size:
                    self._pull_seq, self._pull_off = last, r.offset
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
        self._pull_seq, self._pull_off = last, rd.size  # the end: the next append goes there
        return out, False

    def ack(self, seq: int) -> None:
        """Remember what the host holds; prune only acknowledged records."""
        self.acked = max(self.acked, min(seq, self.next_seq - 1))
        self._replace(self.root + "/ack.txt", (str(self.acked).encode(),))
        self._prune()

    def _prune(self) -> None:
        """``sessionlog.prune``'s rules, streamed: one pass sizes the log, a second writes
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

    def _head(self, n: int) -> Any:
        """The log's first ``n`` bytes, a chunk at a time."""
        with open(self.log_path, "rb") as f:
            while n > 0:
                chunk = f.read(min(n, _CHUNK))
                if not chunk:
                    return
                n -= len(chunk)
                yield chunk

    def _read(self, path: str) -> bytes:
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def _read_int(self, path: str) -> int:
        try:
            return int(self._read(path).decode().strip() or "0")
        except (ValueError, UnicodeError):
            return 0

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

