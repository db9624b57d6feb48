"""The history store: idempotent import, gaps, session rebuilding, damaged databases."""

from __future__ import annotations

import sqlite3

import pytest

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host import sessions as ss
from stretchcue_host.history import History, HistoryDamaged, HistoryError
from stretchcue_host.synth import Synth

DAY = 86400
T0 = 1_735_732_800  # 2025-01-01 12:00


def _sessions(routine, n, seed=1, **kw):
    syn = Synth(routine, seed)
    return [syn.session(T0 + i * DAY, **kw) for i in range(n)]


def test_import_is_idempotent(tmp_path, desk_break):
    log = b"".join(b"".join(s) for s in _sessions(desk_break, 3))
    with History(tmp_path / "h.db") as h:
        first = h.import_bytes("clue", log)
        again = h.import_bytes("clue", log)
        assert first.added == len(sl.scan(log)[0]) and first.duplicates == 0
        assert again.added == 0 and again.duplicates == first.added
        assert [s["status"] for s in h.sessions()] == ["done"] * 3
        assert h.record_count() == first.added


def test_same_seq_on_another_device_is_separate(tmp_path, desk_break):
    log = b"".join(_sessions(desk_break, 1)[0])
    with History(tmp_path / "h.db") as h:
        h.import_bytes("a", log)
        assert h.import_bytes("b", log).added > 0
        assert [s["device"] for s in h.sessions()] == ["a", "b"]


def test_conflicting_record_is_reported_not_overwritten(tmp_path, desk_break):
    recs = _sessions(desk_break, 1)[0]
    other = sl.encode(Rec.RATING, 2, 0, 5)
    with History(tmp_path / "h.db") as h:
        h.import_bytes("clue", b"".join(recs))
        res = h.import_bytes("clue", other)
        assert res.conflicts == [2] and res.added == 0
        assert bytes(h.query("SELECT raw FROM records WHERE seq=2")[0][0]) == recs[1]


def test_duplicate_seq_inside_one_log(tmp_path, desk_break):
    recs = _sessions(desk_break, 1)[0]
    with History(tmp_path / "h.db") as h:
        res = h.import_bytes("clue", b"".join(recs) + recs[1])
        assert res.duplicates == 1 and res.added == len(recs)


def test_gaps_missing_and_pruned(tmp_path, desk_break):
    s1, s2, s3 = _sessions(desk_break, 3)
    n1 = len(s1)
    gap = sl.encode(Rec.GAP, n1 + len(s2), n1 + 1, len(s2))  # device pruned session 2
    with History(tmp_path / "h.db") as h:
        h.import_bytes("clue", b"".join(s1) + gap + b"".join(s3[2:]))
        gaps = h.gaps()
        kinds = {(g["kind"], g["first"], g["last"]) for g in gaps}
        first3 = n1 + len(s2) + 1
        assert ("pruned", n1 + 1, n1 + len(s2)) in kinds
        assert ("missing", first3, first3 + 1) in kinds
        assert len(gaps) == 2
        statuses = [s["status"] for s in h.sessions()]
        assert statuses[0] == "done" and "partial" in statuses


def test_unterminated_session_is_interrupted_then_completed_by_later_import(tmp_path,
                                                                           desk_break):
    recs = _sessions(desk_break, 1)[0]
    with History(tmp_path / "h.db") as h:
        h.import_bytes("clue", b"".join(recs[:-3]))
        assert [s["status"] for s in h.sessions()] == ["interrupted"]
        h.import_bytes("clue", b"".join(recs[-3:]))
        (s,) = h.sessions()
        assert s["status"] == "done" and s["elapsed_ms"] is not None
        assert len(h.holds([s["id"]])[s["id"]]) == sum(
            1 for r in recs if r[1] == Rec.HOLD)


def test_aborted_and_interrupted_sessions(tmp_path, desk_break):
    syn = Synth(desk_break, 3)
    log = syn.session(T0, abort_at_ms=60_000) + syn.session(T0 + DAY, interrupt_at_ms=90_000) \
        + syn.session(T0 + 2 * DAY)
    with History(tmp_path / "h.db") as h:
        h.import_bytes("clue", b"".join(log))
        assert [s["status"] for s in h.sessions()] == ["aborted", "interrupted", "done"]


def test_torn_and_corrupt_bytes_are_reported(tmp_path, desk_break):
    recs = _sessions(desk_break, 1)[0]
    broken = bytearray(b"".join(recs))
    broken[len(recs[0]) + 10] ^= 0xFF  # flip a bit in the second record
    with History(tmp_path / "h.db") as h:
        res = h.import_bytes("clue", bytes(broken) + recs[0][:5])
        assert res.added == len(recs) - 1
        assert [p[0] for p in res.problems] == ["corrupt", "torn"]
        assert h.gaps()[0]["first"] == 2


@pytest.mark.parametrize("content", [b"not a database at all" * 100,
                                     b"SQLite format 3\x00" + b"\x00" * 84 + b"\xff" * 4000])
def test_damaged_database_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "h.db"
    path.write_bytes(content)
    with pytest.raises(HistoryDamaged) as e:
        History(path).sessions()
    assert f"history database at {path} is damaged" in str(e.value)
    assert "move it aside" in str(e.value)
    assert path.read_bytes() == content


def test_foreign_sqlite_file_is_not_taken_over(tmp_path):
    path = tmp_path / "h.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes(x)")
    con.commit()
    con.close()
    with pytest.raises(HistoryDamaged, match="not a stretchcue history"):
        History(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("notes",)]


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.db"
    History(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema'")
    con.commit()
    con.close()
    with pytest.raises(HistoryError, match="newer"):
        History(path)


def test_rebuild_rules_without_a_database():
    f_start = {"epoch_s": 1, "planned_ms": 1, "routine_crc": 1, "stretches": 1, "name": "x"}
    hold = {"stretch": 0, "side": 0, "rep": 1, "skipped": 0, "planned_ms": 5,
            "actual_ms": 5, "extended_ms": 0}
    end = {"elapsed_ms": 9, "paused_ms": 0, "extended_ms": 0, "skipped_ms": 0,
           "planned_ms": 9, "aborted": 0}
    got = ss.rebuild([(1, Rec.HOLD, hold), (2, Rec.START, f_start), (3, Rec.HOLD, hold),
                      (6, Rec.END, end), (7, Rec.START, f_start)])
    assert [s["status"] for s in got] == ["partial", "done", "interrupted"]
    assert got[1]["missing"] == 2
    assert ss.gaps([1, 2, 5], [])[0] == {"kind": "missing", "first": 3, "last": 4,
                                         "count": 2, "at_seq": 5}
