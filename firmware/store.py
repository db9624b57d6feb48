"""The data folder on flash: routines, the selected routine, the session log, the ack cursor.

Nothing here may lose data on a power cut: a routine is replaced by writing
a temporary file, syncing and renaming (a leftover ``.tmp`` is finished at the
next start); every log record is flushed and synced before the app goes on;
a torn tail from a cut mid-record is trimmed at start so appends stay clean.
"""

from __future__ import annotations

import os

from stretchcue import routine as rt
from stretchcue import sessionlog as sl

try:
    from typing import Any
except ImportError:
    pass

#: Not a Python name on purpose: a board searches "/" before "/lib" and takes a
#: folder without ``__init__.py`` for a package, so a data folder named like a
#: module (it once was "/stretchcue") hides that module and the next boot fails.
DATA_ROOT = "/stretchcue-data"
_OLD_ROOT = "/stretchcue"
_ENOSPC = 28
_EROFS = 30


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
                 hard_limit: int = sl.HARD_LIMIT) -> None:
        self.soft_limit = soft_limit
        self.hard_limit = hard_limit
        self.root = root or os.getenv("STRETCHCUE_DATA") or DATA_ROOT
        self.routines_dir = self.root + "/routines"
        self.keys_dir = self.root + "/keys"  # one file per paired computer (device_api)
        self.log_path = self.root + "/log.bin"
        self.records: list = []
        self.size = 0
        self.next_seq = 1
        self.acked = 0
        self.problems: list = []

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
        data = self._read(self.log_path)
        records, self.problems, good_end = sl.scan(data)
        if good_end < len(data) and self.problems and self.problems[-1][0] == "torn":
            self._replace(self.log_path, data[:good_end])
        self.records = records
        self.size = good_end
        self.next_seq = max(sl.last_seq(records), self.acked) + 1

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

    def routine_names(self) -> list:
        return sorted(n[:-5] for n in os.listdir(self.routines_dir) if n.endswith(".json"))

    def read_routine(self, name: str) -> bytes:
        return self._read(self.routines_dir + "/" + name + ".json")

    def put_routine(self, name: str, data: bytes) -> None:
        """Check, then atomically replace; a cut at any byte leaves old or new, never a mix."""
        rt.loads(data)
        self._replace(self.routines_dir + "/" + name + ".json", data)

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
        self._replace(self.root + "/selected.txt", name.encode())

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
        self.records.append(sl.scan(raw)[0][0])
        self.size += len(raw)
        if self.size > self.hard_limit:
            self._prune()
        return seq

    def log_after(self, cursor: int, max_bytes: int) -> tuple:
        out: list = []
        size = 0
        for r in sl.after(self.records, cursor):
            if size + len(r.raw) > max_bytes and out:
                return out, True
            out.append(r.raw)
            size += len(r.raw)
        return out, False

    def ack(self, seq: int) -> None:
        """Remember what the host holds; prune only acknowledged records."""
        self.acked = max(self.acked, min(seq, self.next_seq - 1))
        self._replace(self.root + "/ack.txt", str(self.acked).encode())
        self._prune()

    def _prune(self) -> None:
        data, _ = sl.prune(self.records, self.acked, self.soft_limit, self.hard_limit)
        if data is not None:
            self._replace(self.log_path, data)
            self.records = sl.scan(data)[0]
            self.size = len(data)

    def free_bytes(self) -> int:
        try:
            st = os.statvfs(self.root)
            return st[0] * st[3]
        except (OSError, AttributeError):
            return -1

    # -- helpers --------------------------------------------------------------

    def forget_keys(self) -> int:
        """Drop every paired computer's key (the device's own reset); returns how many."""
        try:
            names = os.listdir(self.keys_dir)
        except OSError:
            return 0
        for name in names:
            try:
                os.remove(self.keys_dir + "/" + name)
            except OSError:
                pass
        _sync()
        return len(names)

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

    def _replace(self, path: str, data: bytes) -> None:
        """Write ``path.tmp``, sync, then swap it in: a cut leaves old or new, never half."""
        tmp = path + ".tmp"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
            _sync()
            if _exists(path):
                os.remove(path)
            os.rename(tmp, path)
            _sync()
        except OSError as e:
            raise _explain(e) from None

