"""The flash store: nothing acknowledged or completed is lost, whatever is cut."""

from __future__ import annotations

import os

import pytest
import store_transfer
from store import Store

import stretchcue
from stretchcue import log_prune
from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.routines import load, resolve


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "data"))
    s.open()
    return s


def logged(store):
    """The records in the store's log file, read whole."""
    with open(store.log_path, "rb") as f:
        return sl.scan(f.read())[0]


def fill(store, n):
    store.append(Rec.START, 1_700_000_000, 60_000, 7, 1, "Tiny")
    for i in range(1, n):
        store.append(Rec.HOLD, 0, 1, i, 0, 30_000, 30_000, 0)


def test_power_cut_at_every_byte_of_a_record_keeps_all_completed_ones(tmp_path, store):
    fill(store, 5)
    whole = open(store.log_path, "rb").read()
    nxt = sl.encode(Rec.HOLD, 6, 0, 1, 9, 0, 30_000, 30_000, 0)
    for cut in range(len(nxt) + 1):
        with open(store.log_path, "wb") as f:
            f.write(whole + nxt[:cut])
        again = Store(store.root)
        again.open()
        complete = 6 if cut == len(nxt) else 5
        assert [r.seq for r in logged(again)] == list(range(1, complete + 1))
        seq = again.append(Rec.RATING, 0, 3)
        assert seq == complete + 1
        recs, problems, _ = sl.scan(open(store.log_path, "rb").read())
        assert problems == [] and recs[-1].seq == seq


def put(store, name, data):
    """An upload in one chunk, as the protocol stages it: written aside, then checked
    and swapped in."""
    store_transfer.stage_write(store, name, 0, data)
    store_transfer.store_staged(store, name)


def test_interrupted_routine_replace_is_finished_at_next_start(tmp_path, store):
    _, canon = load(resolve("desk-break"))
    put(store, "desk", canon)
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
    put(store, "desk", canon)
    with open(store.routines_dir + "/desk.json.tmp", "wb") as f:
        f.write(canon[:40])
    again = Store(store.root)
    again.open()
    assert again.read_routine("desk") == canon and again.routine_names() == ["desk"]


def test_invalid_routine_is_refused_and_old_one_kept(store):
    from stretchcue import routine

    _, canon = load(resolve("desk-break"))
    put(store, "desk", canon)
    with pytest.raises(routine.RoutineError):
        put(store, "desk", b'{"name": "x"}')
    assert store.read_routine("desk") == canon


def test_ack_prunes_only_acknowledged(tmp_path):
    store = Store(str(tmp_path / "data"), soft_limit=100)
    store.open()
    fill(store, 30)
    size = os.path.getsize(store.log_path)
    store_transfer.ack(store, 20)
    assert [r.seq for r in logged(store)] == list(range(21, 31))
    assert os.path.getsize(store.log_path) < size
    again = Store(store.root)
    again.open()
    assert again.acked == 20 and again.next_seq == 31


def test_log_after_pages_by_size(store):
    fill(store, 10)
    page, more = store_transfer.log_after(store, 3, 60)
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
        store.append(Rec.RATING, 0, 1)
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
    assert recs[0].rtype == Rec.GAP
    gap = recs[0].fields()
    assert gap["first_seq"] == 1 and recs[1].seq == gap["count"] + 1
    assert recs[-1].seq == 40 and os.path.getsize(store.log_path) <= 600


def write_log(path, target, unfinished=True):
    """A log of ``target`` bytes or so of whole sessions, the last one left without its END
    if ``unfinished``; returns every raw record in order."""
    raws = []
    seq = 0
    while sum(len(r) for r in raws) < target:
        seq += 1
        raws.append(sl.encode(Rec.START, seq, 1_700_000_000 + seq, 60_000, 7, 3, "Lower back"))
        for i in range(12):
            seq += 1
            raws.append(sl.encode(Rec.HOLD, seq, i // 4, 1 + i % 2, 1 + i // 2 % 2, 0, 30_000,
                                  30_000, 0))
        seq += 1
        raws.append(sl.encode(Rec.RATING, seq, 0, 3))
        seq += 1
        raws.append(sl.encode(Rec.END, seq, 400_000, 0, 0, 0, 400_000, 0))
    if unfinished:
        seq += 1
        raws.append(sl.encode(Rec.START, seq, 1_800_000_000, 60_000, 9, 3, "Neck"))
        seq += 1
        raws.append(sl.encode(Rec.HOLD, seq, 1, 2, 1, 0, 30_000, 30_000, 0))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"".join(raws))
    return raws


def live_records():
    import gc

    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, sl.Record))


def test_opening_a_long_log_takes_as_little_memory_as_a_short_one(tmp_path):
    """Issue 9: a log read whole into RAM at boot was a MemoryError, and a boot loop, on a
    board whose owner had not synced for weeks.  The log is streamed: nothing kept per record."""
    import tracemalloc

    store = Store(str(tmp_path / "data"))
    raws = write_log(store.log_path, 200 * 1024)
    before = live_records()
    tracemalloc.start()
    try:
        store.open()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024, f"open() of a 200 KB log peaked at {peak} bytes"
    assert live_records() - before <= 2  # the unfinished session's START and its last HOLD
    lists = [k for k, v in vars(store).items() if isinstance(v, (list, tuple, dict))]
    assert all(len(getattr(store, k)) <= 8 for k in lists), lists
    assert store.size == sum(len(r) for r in raws) and store.next_seq == len(raws) + 1
    start, hold = store.unfinished()
    assert start.seq == len(raws) - 1 and start.fields()["routine_crc"] == 9
    assert (hold["stretch"], hold["side"], hold["rep"]) == (1, 2, 1)


def test_a_pull_of_the_whole_log_returns_every_record_once_in_order(tmp_path, monkeypatch):
    import store as store_module

    store = Store(str(tmp_path / "data"))
    raws = write_log(store.log_path, 200 * 1024)
    store.open()
    read = [0]
    real_open = open

    class Counting:
        def __init__(self, f):
            self.f = f

        def read(self, n=-1):
            data = self.f.read(n)
            read[0] += len(data)
            return data

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()

    def counting(path, mode="r", *a, **k):
        f = real_open(path, mode, *a, **k)
        return Counting(f) if "r" in mode else f

    monkeypatch.setattr(store_module, "open", counting, raising=False)
    got, cursor, windows = [], 0, 0
    while True:
        page, more = store_transfer.log_after(store, cursor, 8000)
        got += page
        windows += 1
        if page:
            cursor = sl.scan(page[-1])[0][0].seq
        if windows == 3:  # a session logs something between two windows
            raws.append(sl.encode(Rec.RATING, store.append(Rec.RATING, 1, 4), 1, 4))
        if not more:
            break
    assert got == raws
    assert windows > 20 and read[0] < 1.2 * os.path.getsize(store.log_path)
    # Nothing new: one empty answer, read from where the pull ended.
    before = read[0]
    assert store_transfer.log_after(store, cursor, 8000) == ([], False) and read[0] == before
    # Any other cursor is read from the start and still answered right.
    page, more = store_transfer.log_after(store, 5, 100)
    assert more and sl.scan(page[0])[0][0].seq == 6


def test_prune_streams_to_what_the_rules_keep(tmp_path):
    """The store prunes the file as ``log_prune.prune`` prunes the records, byte for byte."""
    import random

    rnd = random.Random(9)
    for case in range(25):
        soft = rnd.choice((300, 2000, 6000))
        hard = soft * rnd.choice((1, 2, 3))
        store = Store(str(tmp_path / f"data{case}"), soft_limit=soft, hard_limit=10**9)
        store.open()
        fill(store, rnd.randint(5, 250))
        recs = logged(store)
        acked = rnd.randint(0, len(recs) + 2)
        want, _ = log_prune.prune(recs, acked, soft, hard)
        store.hard_limit = hard
        store_transfer.ack(store, acked)
        data = open(store.log_path, "rb").read()
        assert data == (want if want is not None else b"".join(r.raw for r in recs)), case
        assert store.size == len(data)
        again = Store(store.root, soft, hard)
        again.open()
        assert again.next_seq == store.next_seq and again.problems == []


def test_a_pull_after_a_prune_reads_the_new_file(tmp_path):
    store = Store(str(tmp_path / "data"), soft_limit=2000)
    store.open()
    fill(store, 200)
    page, more = store_transfer.log_after(store, 0, 500)
    cursor = sl.scan(page[-1])[0][0].seq
    store_transfer.ack(store, 150)  # the file is rewritten: the pull's place in it is gone
    page, more = store_transfer.log_after(store, cursor, 10_000)
    assert [sl.scan(r)[0][0].seq for r in page] == list(range(151, 201)) and not more


def test_corruption_and_a_torn_tail_in_a_long_log(tmp_path):
    store = Store(str(tmp_path / "data"))
    raws = write_log(store.log_path, 100 * 1024, unfinished=False)
    data = bytearray(b"".join(raws))
    hit = sum(len(r) for r in raws[:1000]) + 5
    data[hit] ^= 0x20
    torn = sl.encode(Rec.HOLD, len(raws) + 1, 0, 1, 1, 0, 1, 1, 0)[:17]
    with open(store.log_path, "wb") as f:
        f.write(bytes(data) + torn)
    store.open()
    assert store.problems == [("corrupt", hit - 5, len(raws[1000])),
                              ("torn", len(data), len(torn))]
    # the damaged record is set aside (counted for the menu), the torn tail trimmed
    assert store.damaged == 1 and "1 damaged record" in store.notes()
    assert os.path.getsize(store.log_path) == len(data) - len(raws[1000]) == store.size
    assert store.unfinished() == (None, None)
    assert store.append(Rec.RATING, 0, 1) == len(raws) + 1
    recs, problems, _ = sl.scan(open(store.log_path, "rb").read())
    assert problems == [] and len(recs) == len(raws) and recs[-1].seq == len(raws) + 1
    again = Store(store.root)
    again.open()
    assert again.damaged == 0 and again.notes() == ""  # said once, not at every boot


def test_log_after_joins_whole_records_into_pieces_as_it_reads(store):
    fill(store, 60)
    single, more1 = store_transfer.log_after(store, 2, 1500)
    pieces, more2 = store_transfer.log_after(store, 2, 1500, 200)
    assert more1 == more2 and b"".join(pieces) == b"".join(single)
    assert len(pieces) < len(single) and all(len(p) <= 200 for p in pieces)
    for p in pieces:  # whole records only
        recs, problems, end = sl.scan(p)
        assert recs and problems == [] and end == len(p)


def test_an_upload_is_staged_on_flash_and_kept_only_if_it_reads_back_valid(store):
    """The protocol's commit stages the upload (its buffer then freed), and the check
    reads it back from flash: a bad one leaves nothing, the old routine untouched."""
    from stretchcue import routine as rt

    _, good = load(resolve("desk-break"))
    put(store, "r", good)
    store_transfer.stage_write(store, "r", 0, b'{"name": "x", "stretches": []}')
    assert "r" in store.routine_names() and os.path.exists(store.routine_path("r") + ".new")
    with pytest.raises(rt.RoutineError):
        store_transfer.store_staged(store, "r")
    assert not os.path.exists(store.routine_path("r") + ".new")
    assert store.read_routine("r") == good
    _, other = load(resolve("lower-back"))
    store_transfer.stage_write(store, "r", 0, other)
    assert store.read_routine("r") == good and store.routine_names() == ["r"]  # not yet
    store_transfer.store_staged(store, "r")
    assert store.read_routine("r") == other
    assert not os.path.exists(store.routine_path("r") + ".new")


def test_the_pruning_code_is_loaded_only_to_prune(tmp_path, monkeypatch):
    """A log reaches its soft limit after weeks without a sync: until then a board
    never holds ``log_prune``, and it forgets it once the log is pruned."""
    import sys

    monkeypatch.setattr(stretchcue, "DROP", True)  # forget modules as a board does
    monkeypatch.delitem(sys.modules, "stretchcue.log_prune", raising=False)
    monkeypatch.delattr(stretchcue, "log_prune", raising=False)
    store = Store(str(tmp_path / "data"), soft_limit=600, hard_limit=10**9)
    store.open()
    replaced = []
    real = store._replace

    def replace(path, chunks):
        if path == store.log_path:
            replaced.append("stretchcue.log_prune" in sys.modules)
        return real(path, chunks)

    monkeypatch.setattr(store, "_replace", replace)
    fill(store, 24)  # past the soft limit, but nothing acknowledged to let go
    assert store.size > 600 and "stretchcue.log_prune" not in sys.modules
    store_transfer.ack(store, 18)  # now pruned, once
    assert replaced == [True] and store.size <= 600
    assert "stretchcue.log_prune" not in sys.modules
    assert not hasattr(stretchcue, "log_prune")
