"""The history store: every log record ever pulled, in SQLite, plus the sessions they make.

The raw record bytes are the source of truth and are kept for ever; the
sessions, holds and ratings tables are derived from them and rebuilt after
each import, so a fix to the rebuilding rules never needs the device again.
Importing is idempotent (a device's sequence number is stored once), and a
record that reuses a stored number with different bytes is reported, not
written over.  A damaged database stops every command with advice instead of
being recreated: this is health data and must not vanish quietly.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host import sessions as ss

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records(device TEXT NOT NULL, seq INTEGER NOT NULL, rtype INTEGER NOT NULL,
    raw BLOB NOT NULL, imported_s INTEGER NOT NULL, PRIMARY KEY(device, seq)) WITHOUT ROWID;
CREATE TABLE sessions(id INTEGER PRIMARY KEY, device TEXT NOT NULL, start_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, epoch_s INTEGER, name TEXT, routine_crc INTEGER,
    planned_ms INTEGER, stretches INTEGER, status TEXT NOT NULL, elapsed_ms INTEGER,
    paused_ms INTEGER, extended_ms INTEGER, skipped_ms INTEGER, resumed INTEGER NOT NULL,
    missing INTEGER NOT NULL);
CREATE UNIQUE INDEX sessions_by_seq ON sessions(device, start_seq);
CREATE TABLE holds(session_id INTEGER NOT NULL, seq INTEGER NOT NULL, stretch INTEGER NOT NULL,
    side INTEGER NOT NULL, rep INTEGER NOT NULL, skipped INTEGER NOT NULL,
    planned_ms INTEGER NOT NULL, actual_ms INTEGER NOT NULL, extended_ms INTEGER NOT NULL);
CREATE INDEX holds_by_session ON holds(session_id);
CREATE TABLE ratings(session_id INTEGER NOT NULL, seq INTEGER NOT NULL,
    stretch INTEGER NOT NULL, rating INTEGER NOT NULL);
CREATE INDEX ratings_by_session ON ratings(session_id);
CREATE TABLE routines(crc INTEGER PRIMARY KEY, json TEXT NOT NULL);
"""

_SESSION_COLS = ("device", "start_seq", "last_seq", "epoch_s", "name", "routine_crc",
                 "planned_ms", "stretches", "status", "elapsed_ms", "paused_ms",
                 "extended_ms", "skipped_ms", "resumed", "missing")


class HistoryError(Exception):
    """The history could not be used (locked, unwritable, ...)."""


class HistoryDamaged(HistoryError):
    """The database file is not a readable stretchcue history."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"history database at {path} is damaged: {detail}; move it aside "
                         "(nothing was changed) and import the device log again")
        self.path = path


class HistoryBusy(HistoryError):
    """Another program holds the database's lock: nothing is wrong with it, try again."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"history database at {path} is in use by another program "
                         "(another stretchcue?); try again when it has finished")
        self.path = path


#: seconds to wait for another program's write to finish before saying it is busy
BUSY_TIMEOUT_S = 5.0
_BUSY = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED


def _busy(e: Exception) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY
    return "locked" in str(e) or "busy" in str(e)


class ImportResult:
    """What one import did; ``problems`` are the log reader's corrupt/torn reports."""

    def __init__(self) -> None:
        self.added = 0
        self.duplicates = 0
        self.conflicts: list[int] = []
        self.problems: list[tuple] = []
        self.sessions_touched = 0

    def as_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates,
                "conflicts": self.conflicts, "sessions_rebuilt": self.sessions_touched,
                "problems": [{"kind": k, "offset": o, "bytes": n} for k, o, n in self.problems]}


class History:
    """An open history database.  Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path, check: bool = False) -> None:
        self.path = Path(path)
        try:
            existed = self.path.exists() and self.path.stat().st_size > 0
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except (OSError, sqlite3.OperationalError) as e:
            raise HistoryError(f"cannot open history database at {self.path}: {e}") from None
        with self._guard():
            if existed:
                self._check_existing(check)
            else:
                with self.conn:
                    self.conn.executescript(_SCHEMA)
                    self.conn.execute("INSERT INTO meta VALUES('schema', ?)",
                                      (str(SCHEMA_VERSION),))

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _guard(self):
        return _Guard(self.path)

    def _check_existing(self, full: bool) -> None:
        if full:
            bad = [r[0] for r in self.conn.execute("PRAGMA quick_check")]
            if bad != ["ok"]:
                raise HistoryDamaged(self.path, "; ".join(bad[:3]))
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.OperationalError as e:
            if _busy(e):
                raise HistoryBusy(self.path) from None
            raise HistoryDamaged(self.path, "it is not a stretchcue history "
                                 "(no meta table)") from None
        if row is None:
            raise HistoryDamaged(self.path, "its schema version is missing")
        try:
            version = int(str(row[0]).strip())
        except ValueError:
            version = 0
        if version < 1:
            raise HistoryDamaged(self.path, f"its schema version is not a version "
                                 f"({str(row[0])[:20]!r})")
        if version > SCHEMA_VERSION:
            raise HistoryError(f"history database at {self.path} was written by a newer "
                               f"stretchcue (schema {row[0]}); upgrade stretchcue")

    # -- writing ------------------------------------------------------------

    def import_bytes(self, device: str, data: bytes) -> ImportResult:
        """Import every intact record in a raw log; report corrupt or torn parts."""
        records, problems, _ = sl.scan(data)
        result = self.import_records(device, records)
        result.problems = problems
        return result

    def import_records(self, device: str, records: list) -> ImportResult:
        """Store records not seen before and rebuild the sessions they belong to."""
        result = ImportResult()
        now = int(time.time())
        with self._guard(), self.conn:
            cur = self.conn.cursor()
            first_new = None
            stored: dict = {}
            if records:
                seqs = [r.seq for r in records]
                stored = dict(cur.execute("SELECT seq, raw FROM records WHERE device=? AND "
                                          "seq BETWEEN ? AND ?", (device, min(seqs), max(seqs))))
            for rec in records:
                row = stored.get(rec.seq)
                if row is not None:
                    if bytes(row) == bytes(rec.raw):
                        result.duplicates += 1
                    else:
                        result.conflicts.append(rec.seq)
                    continue
                cur.execute("INSERT INTO records VALUES(?,?,?,?,?)",
                            (device, rec.seq, rec.rtype, bytes(rec.raw), now))
                stored[rec.seq] = rec.raw
                result.added += 1
                first_new = rec.seq if first_new is None else min(first_new, rec.seq)
            if first_new is not None:
                result.sessions_touched = self._rebuild(cur, device, first_new)
        return result

    def _rebuild(self, cur: sqlite3.Cursor, device: str, from_seq: int) -> int:
        row = cur.execute("SELECT max(start_seq) FROM sessions WHERE device=? AND start_seq<=?",
                          (device, from_seq)).fetchone()
        start = row[0] if row and row[0] is not None else from_seq
        old = "SELECT id FROM sessions WHERE device=? AND start_seq>=?"
        cur.execute(f"DELETE FROM holds WHERE session_id IN ({old})", (device, start))
        cur.execute(f"DELETE FROM ratings WHERE session_id IN ({old})", (device, start))
        cur.execute("DELETE FROM sessions WHERE device=? AND start_seq>=?", (device, start))
        rows = cur.execute("SELECT seq, rtype, raw FROM records WHERE device=? AND seq>=? "
                           "ORDER BY seq", (device, start)).fetchall()
        decoded = []
        for seq, rtype, raw in rows:
            payload = bytes(raw[sl.HEADER:-4])
            decoded.append((seq, rtype, sl.decode_payload(rtype, payload)))
        built = ss.rebuild(decoded)
        cols = ",".join(_SESSION_COLS)
        marks = ",".join("?" * len(_SESSION_COLS))
        for s in built:
            s["device"] = device
            cur.execute(f"INSERT INTO sessions({cols}) VALUES({marks})",
                        [s[k] for k in _SESSION_COLS])
            sid = cur.lastrowid
            cur.executemany("INSERT INTO holds VALUES(?,?,?,?,?,?,?,?,?)",
                            [(sid,) + h for h in s["holds"]])
            cur.executemany("INSERT INTO ratings VALUES(?,?,?,?)",
                            [(sid,) + r for r in s["ratings"]])
        return len(built)

    def remember_routine(self, crc: int, canonical: bytes) -> None:
        """Keep a routine's canonical JSON so its stretch titles can label the history."""
        with self._guard(), self.conn:
            self.conn.execute("INSERT OR IGNORE INTO routines VALUES(?, ?)",
                              (crc, canonical.decode("utf-8")))

    # -- reading ------------------------------------------------------------

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        """Run a read query; damage is reported as HistoryDamaged."""
        with self._guard():
            return self.conn.execute(sql, args).fetchall()

    def sessions(self, since_epoch_s: int | None = None) -> list[dict]:
        cols = ("id",) + _SESSION_COLS
        where, args = "", ()
        if since_epoch_s is not None:
            where, args = "WHERE epoch_s >= ?", (since_epoch_s,)
        rows = self.query(f"SELECT {','.join(cols)} FROM sessions {where} "
                          "ORDER BY coalesce(epoch_s, (SELECT max(epoch_s) FROM sessions b "
                          "WHERE b.device = sessions.device AND b.start_seq < sessions.start_seq"
                          "), 0), device, start_seq", args)
        return [dict(zip(cols, r)) for r in rows]

    def holds(self, session_ids: list[int]) -> dict[int, list[dict]]:
        return self._children("holds", ("seq", "stretch", "side", "rep", "skipped",
                                        "planned_ms", "actual_ms", "extended_ms"), session_ids)

    def ratings(self, session_ids: list[int]) -> dict[int, list[dict]]:
        return self._children("ratings", ("seq", "stretch", "rating"), session_ids)

    def _children(self, table: str, cols: tuple, ids: list[int]) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {i: [] for i in ids}
        if not ids:
            return out
        rows = self.query(f"SELECT session_id, {','.join(cols)} FROM {table} "
                          f"WHERE session_id >= ? AND session_id <= ? ORDER BY seq",
                          (min(ids), max(ids)))
        for r in rows:
            if r[0] in out:
                out[r[0]].append(dict(zip(cols, r[1:])))
        return out

    def gaps(self) -> list[dict]:
        """Missing sequence numbers per device (see sessions.gaps)."""
        out = []
        for (device,) in self.query("SELECT DISTINCT device FROM records ORDER BY device"):
            seqs = [r[0] for r in self.query("SELECT seq FROM records WHERE device=? "
                                             "ORDER BY seq", (device,))]
            gap_recs = []
            for seq, raw in self.query("SELECT seq, raw FROM records WHERE device=? AND "
                                       "rtype=?", (device, Rec.GAP)):
                f = sl.decode_payload(Rec.GAP, bytes(raw[sl.HEADER:-4]))
                gap_recs.append((seq, f["first_seq"], f["count"]))
            for g in ss.gaps(seqs, gap_recs):
                g["device"] = device
                out.append(g)
        return out

    def routines(self) -> dict[int, str]:
        return dict(self.query("SELECT crc, json FROM routines"))

    def record_count(self) -> int:
        return self.query("SELECT count(*) FROM records")[0][0]


class _Guard:
    """Turns SQLite's damage errors into HistoryDamaged, other failures into HistoryError."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or isinstance(exc, HistoryError):
            return False
        if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
            raise HistoryBusy(self.path) from None
        if isinstance(exc, sqlite3.OperationalError):
            raise HistoryError(f"history database at {self.path}: {exc}") from None
        if isinstance(exc, sqlite3.DatabaseError):
            raise HistoryDamaged(self.path, str(exc)) from None
        if isinstance(exc, sl.LogError):
            raise HistoryDamaged(self.path, f"a stored record does not decode ({exc})") from None
        return False
