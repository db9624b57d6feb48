"""The flash store: nothing acknowledged or completed is lost, whatever is cut."""

from __future__ import annotations

import os

import pytest
from store import Store

from stretchcue import sessionlog as sl
from stretchcue_host.routines import load, resolve


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "data"))
    s.open()
    return s


def fill(store, n):
    store.append(sl.START, 1_700_000_000, 60_000, 7, 1, "Tiny")
    for i in range(1, n):
        store.append(sl.HOLD, 0, 1, i, 0, 30_000, 30_000, 0)


def test_power_cut_at_every_byte_of_a_record_keeps_all_completed_ones(tmp_path, store):
    fill(store, 5)
    whole = open(store.log_path, "rb").read()
    nxt = sl.encode(sl.HOLD, 6, 0, 1, 9, 0, 30_000, 30_000, 0)
    for cut in range(len(nxt) + 1):
        with open(store.log_path, "wb") as f:
            f.write(whole + nxt[:cut])
        again = Store(store.root)
        again.open()
        complete = 6 if cut == len(nxt) else 5
        assert [r.seq for r in again.records] == list(range(1, complete + 1))
        seq = again.append(sl.RATING, 0, 3)
        assert seq == complete + 1
        recs, problems, _ = sl.scan(open(store.log_path, "rb").read())
        assert problems == [] and recs[-1].seq == seq


def test_interrupted_routine_replace_is_finished_at_next_start(tmp_path, store):
    _, canon = load(resolve("desk-break"))
    store.put_routine("desk", canon)
    _, newer = load(resolve("lower-back"))
    final = store.routines_dir + "/desk.json"
    with open(final + ".tmp", "wb") as f:
        f.write(newer)
    os.remove(final)  # cut between remove and rename
    again = Store(store.root)
    again.open()
    assert again.read_routine("desk") == newer


def test_half_written_temporary_routine_is_discarded(tmp_path, store):
    _, canon = load(resolve("desk-break"))
    store.put_routine("desk", canon)
    with open(store.routines_dir + "/desk.json.tmp", "wb") as f:
        f.write(canon[:40])
    again = Store(store.root)
    again.open()
    assert again.read_routine("desk") == canon and again.routine_names() == ["desk"]


def test_invalid_routine_is_refused_and_old_one_kept(store):
    from stretchcue import routine

    _, canon = load(resolve("desk-break"))
    store.put_routine("desk", canon)
    with pytest.raises(routine.RoutineError):
        store.put_routine("desk", b'{"name": "x"}')
    assert store.read_routine("desk") == canon


def test_ack_prunes_only_acknowledged(tmp_path):
    store = Store(str(tmp_path / "data"), soft_limit=100)
    store.open()
    fill(store, 30)
    size = os.path.getsize(store.log_path)
    store.ack(20)
    assert [r.seq for r in store.records] == list(range(21, 31))
    assert os.path.getsize(store.log_path) < size
    again = Store(store.root)
    again.open()
    assert again.acked == 20 and again.next_seq == 31


def test_log_after_pages_by_size(store):
    fill(store, 10)
    page, more = store.log_after(3, 60)
    assert more and sl.scan(b"".join(page))[0][0].seq == 4


def test_full_flash_is_a_clear_error(store, monkeypatch):
    import builtins

    from store import StoreError

    real_open = builtins.open

    def full(path, mode="r", *a, **k):
        if "a" in mode:
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr(builtins, "open", full)
    with pytest.raises(StoreError, match="flash is full"):
        store.append(sl.RATING, 0, 1)
    assert store.next_seq == 1


def test_builtin_default_matches_the_bundled_routine():
    import app
    import default_routine

    _, canon = load(resolve("lower-back"))
    assert default_routine.DEFAULT_JSON == canon
    assert app.DEFAULT_NAME == default_routine.DEFAULT_NAME == "lower-back"


def test_full_log_of_unacknowledged_records_says_what_it_dropped(tmp_path):
    store = Store(str(tmp_path / "data"), soft_limit=300, hard_limit=600)
    store.open()
    fill(store, 40)
    recs = sl.scan(open(store.log_path, "rb").read())[0]
    assert recs[0].rtype == sl.GAP
    gap = recs[0].fields()
    assert gap["first_seq"] == 1 and recs[1].seq == gap["count"] + 1
    assert recs[-1].seq == 40 and os.path.getsize(store.log_path) <= 600
