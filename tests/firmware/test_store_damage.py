"""Issue 11, the device half: nothing on the drive can crash a boot (which would repeat at
every boot), hang it or silently lose a record, and sequence numbers never rewind.

Each case here was found on the simulated board; each crashed every boot before.
"""

from __future__ import annotations

import os
import tracemalloc

import pytest
import store_transfer
from app import App
from hardware import Hardware
from store import Store, StoreError

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.routines import load, resolve
from stretchcue_host.sim.fakes import hw

DEEP = b"[" * 4000 + b"]" * 4000  # json.loads: RecursionError, not ValueError


@pytest.fixture
def deep_crashes(monkeypatch):
    """``DEEP`` fails as on CircuitPython's VM, with an error that is no RoutineError
    (CPython's checker turns its RecursionError into one)."""
    from stretchcue import routine as rt

    real = rt.loads

    def loads(data):
        if bytes(data) == DEEP:
            raise RecursionError("maximum recursion depth exceeded")
        return real(data)

    monkeypatch.setattr(rt, "loads", loads)


def boot(root):
    keys = hw.Keys((0, 1), value_when_pressed=False)
    app = App(Hardware("test", display=None, keys=keys), Store(str(root)))
    app.boot(0)
    return app


def to_menu(app, now=0):
    """Dismiss a note, as a person would; the menu must come up and draw."""
    if app.mode == "message":
        app._gesture("A", now)
    assert app.mode == "menu"
    app.step(now)
    assert app.screens.kind == "menu"


def records(root):
    with open(os.path.join(root, "log.bin"), "rb") as f:
        return sl.scan(f.read())


def session(app, now=1):
    """Button A on the menu, then the whole session on the clock."""
    app._gesture("A", now)
    while app.busy:
        now += app.step(now) or 1
    return now


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def good_log(n, first=1):
    out = [sl.encode(Rec.START, first, 1_700_000_000, 60_000, 7, 1, "Tiny")]
    for i in range(1, n):
        out.append(sl.encode(Rec.HOLD, first + i, 0, 1, i, 0, 30_000, 30_000, 0))
    return out


# -- 1. one guard for every parse at boot -----------------------------------------


@pytest.mark.parametrize("leftover", [False, True])
def test_a_routine_nested_too_deep_is_set_aside_not_a_boot_loop(tmp_path, leftover,
                                                                 deep_crashes):
    root = tmp_path / "data"
    name = "deep.json.tmp" if leftover else "deep.json"
    write(str(root / "routines" / name), DEEP)
    write(str(root / "selected.txt"), b"deep")
    for _ in range(2):  # and the next boot is clean
        app = boot(root)
        assert app.name == "lower-back"
        to_menu(app)
    assert (root / "routines" / (name + ".bad")).read_bytes() == DEEP
    assert not (root / "routines" / name).exists()


def test_the_note_names_what_was_set_aside(tmp_path, deep_crashes):
    root = tmp_path / "data"
    write(str(root / "routines" / "deep.json"), DEEP)
    write(str(root / "selected.txt"), b"deep")
    app = boot(root)
    assert app.mode == "message" and "'deep' is unreadable, set aside" in app.note


def test_routines_as_a_file_is_set_aside_and_the_folder_made_again(tmp_path):
    root = tmp_path / "data"
    write(str(root / "routines"), b"not a folder")
    app = boot(root)
    assert "set aside: routines" in app.note
    to_menu(app)
    assert (root / "routines.bad").read_bytes() == b"not a folder"
    _, canon = load(resolve("desk-break"))
    store_transfer.stage_write(app.store, "desk", 0, canon)  # and the folder works
    store_transfer.store_staged(app.store, "desk")
    assert app.store.routine_names() == ["desk"]


def test_a_record_with_a_good_crc_and_a_bad_payload_is_set_aside(tmp_path):
    root = tmp_path / "data"
    good = good_log(3)
    bad_start = bytearray(sl.encode(Rec.START, 4, 1, 2, 3, 1, "ab"))
    bad_start[-6:-4] = b"\xff\xfe"  # the name: not UTF-8
    bad_start = _recrc(bad_start)
    short_hold = _record(Rec.HOLD, 5, b"\x01")  # one byte of sixteen
    write(str(root / "log.bin"), b"".join(good) + bad_start + short_hold)
    app = boot(root)
    assert "log: 2 damaged record(s) set aside" in app.note
    to_menu(app)
    recs, problems, _ = records(root)
    assert [r.raw for r in recs] == good and problems == []
    session(app)
    recs = records(root)[0]
    assert recs[3].seq == 6  # above everything the log held, the set-aside ones too
    again = boot(root)
    assert again.mode == "menu" and again.note == ""


def _recrc(body):
    from binascii import crc32

    body = bytes(body[:-4])
    return body + (crc32(body) & 0xFFFFFFFF).to_bytes(4, "little")


def _record(rtype, seq, payload):
    import struct

    return _recrc(struct.pack("<BBHI", sl.MAGIC, rtype, len(payload), seq) + payload + b"....")


@pytest.mark.parametrize("text", [b"99999999999999999999", b"4294967296", b"-3", b"\xff\xfe",
                                  b"12abc", b"1" * 100])
def test_an_ack_out_of_range_or_unreadable_is_set_aside(tmp_path, text):
    root = tmp_path / "data"
    write(str(root / "log.bin"), b"".join(good_log(5)))
    write(str(root / "ack.txt"), text)
    app = boot(root)
    assert "ack.txt" in app.note
    to_menu(app)
    session(app)
    recs = records(root)[0]
    assert [r.seq for r in recs][:6] == [1, 2, 3, 4, 5, 6] and recs[-1].rtype == Rec.END


def test_the_last_seq_there_is_does_not_crash_and_the_summary_says_why(tmp_path):
    root = tmp_path / "data"
    write(str(root / "log.bin"), b"".join(good_log(3, 0xFFFFFFFF - 2)))
    app = boot(root)
    to_menu(app)
    assert app.store.next_seq == 0x1_0000_0000
    with pytest.raises(StoreError, match="sequence numbers used up"):
        app.store.append(Rec.RATING, 0, 1)
    session(app)
    assert app.mode == "summary" and app.screens.kind == "message"
    assert app.screens.title.text == "Not saved"
    assert "used up" in app.screens.detail.text.replace("\n", " ")
    assert [r.seq for r in records(root)[0]][-1] == 0xFFFFFFFF  # nothing wrapped to 1
    app._gesture("A", 10**9)
    to_menu(app, 10**9)


def test_selected_txt_of_garbage_is_set_aside(tmp_path):
    root = tmp_path / "data"
    write(str(root / "selected.txt"), b"x" * 5000)
    app = boot(root)
    assert app.name == "lower-back" and "selected.txt" in app.note
    to_menu(app)


def test_a_routine_too_big_to_be_one_is_not_read_whole(tmp_path):
    root = tmp_path / "data"
    write(str(root / "routines" / "huge.json"), b" " * 3_000_000)
    write(str(root / "selected.txt"), b"huge")
    tracemalloc.start()
    try:
        app = boot(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000 and "huge" in app.note  # of a 3 MB file
    to_menu(app)


# -- 2. sequence numbers never rewind -----------------------------------------------


def _pulled(store):
    page, more = store_transfer.log_after(store, 0, 1 << 20)
    assert not more
    return sl.scan(b"".join(page))[0][-1].seq


def test_a_zero_filled_log_does_not_rewind_the_seqs_a_host_has_seen(tmp_path):
    root = tmp_path / "data"
    app = boot(root)
    session(app)
    cursor = _pulled(app.store)  # the host's cursor; no ack yet
    size = os.path.getsize(root / "log.bin")
    write(str(root / "log.bin"), bytes(size))
    app = boot(root)
    assert "damaged" in app.note
    to_menu(app)
    session(app)
    recs, problems, _ = records(root)
    assert recs[0].seq == cursor + 1 and recs[0].offset == 0 and problems == []  # zeros gone


def test_a_cut_between_the_steps_of_an_ack_replace_keeps_the_ack_and_the_seqs(tmp_path):
    root = tmp_path / "data"
    app = boot(root)
    session(app)
    store = app.store
    store.soft_limit = 1  # the ack prunes everything acknowledged
    top = _pulled(store)
    store_transfer.ack(store, top)
    assert records(root)[0] == []
    os.rename(root / "ack.txt", root / "ack.txt.tmp")  # cut after the remove, before the rename
    again = boot(root)
    assert again.store.acked == top and again.store.next_seq == top + 1
    os.remove(root / "ack.txt")  # and with no ack at all, seq.txt still holds the line
    assert boot(root).store.next_seq == top + 1
    for name in ("seq.txt", "ack.txt"):  # nor a cut in seq.txt's replace
        os.rename(root / name, root / (name + ".tmp")) if (root / name).exists() else None
    assert boot(root).store.next_seq == top + 1


def test_a_half_written_seq_tmp_beside_the_file_is_dropped(tmp_path):
    root = tmp_path / "data"
    write(str(root / "seq.txt"), b"500")
    write(str(root / "seq.txt.tmp"), b"5")
    app = boot(root)
    assert app.store.next_seq == 501 and not (root / "seq.txt.tmp").exists()


# -- 3. garbage past the last record is trimmed, a chunk at a time ------------------


def test_megabytes_of_garbage_after_the_records_are_trimmed_in_bounded_memory(tmp_path):
    import random

    root = tmp_path / "data"
    good = good_log(20)
    rnd = random.Random(3)
    junk = rnd.randbytes(3 << 20) + b"\xc5\x02\x10\x00" * 50_000  # header-like bytes too
    write(str(root / "log.bin"), b"".join(good) + junk)
    store = Store(str(root))
    tracemalloc.start()
    try:
        store.open()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, peak
    assert os.path.getsize(root / "log.bin") == store.size == sum(map(len, good))
    assert store.append(Rec.RATING, 0, 2) == 21
    recs, problems, _ = records(root)
    assert [r.seq for r in recs] == list(range(1, 22)) and problems == []


def test_a_bit_flip_in_the_middle_keeps_the_records_after_it_and_says_so(tmp_path):
    root = tmp_path / "data"
    good = good_log(30)
    data = bytearray(b"".join(good))
    data[sum(map(len, good[:10])) + 12] ^= 4  # in the 11th record's payload
    write(str(root / "log.bin"), bytes(data))
    app = boot(root)
    assert "log: 1 damaged record(s) set aside" in app.note
    assert [r.raw for r in records(root)[0]] == good[:10] + good[11:]


# -- 4. a log that cannot be written says so ----------------------------------------


def test_a_log_that_became_a_folder_mid_session_is_not_well_done(tmp_path):
    root = tmp_path / "data"
    app = boot(root)
    to_menu(app)
    app._gesture("A", 1)
    os.remove(root / "log.bin")
    os.mkdir(root / "log.bin")
    now = 2
    while app.busy:
        now += app.step(now) or 1
    assert app.screens.kind == "message" and app.screens.title.text == "Not saved"
    assert "log.bin is a folder" in app.screens.detail.text.replace("\n", " ")
    app._gesture("B", now)
    to_menu(app, now)
    again = boot(root)  # at the next boot the folder is set aside and logging works
    assert "set aside: log.bin" in again.note
    to_menu(again)
    session(again)
    assert records(root)[0][-1].rtype == Rec.END
    assert (root / "log.bin.bad").is_dir()


def test_deep_nesting_on_cpython_is_a_damaged_routine(tmp_path):
    root = tmp_path / "data"
    write(str(root / "routines" / "deep.json"), DEEP)
    write(str(root / "selected.txt"), b"deep")
    app = boot(root)
    assert "'deep' is damaged" in app.note and app.name == "lower-back"


def test_a_read_only_flash_at_first_start_still_boots_to_the_menu(tmp_path, monkeypatch):
    def refuse(path, *a):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "mkdir", refuse)
    app = boot(tmp_path / "data")
    assert "read-only" in app.note and "set aside" not in app.note
    to_menu(app)
    session(app)
    assert app.screens.title.text == "Not saved"


def test_out_of_memory_reading_a_routine_frees_it_before_the_built_in_is_read(tmp_path,
                                                                              monkeypatch):
    """Found on CircuitPython's VM with a heap near a CLUE's: json ran out of memory on
    a routine nested 4000 deep, and reading the built-in routine then failed too while
    the damaged bytes were still held."""
    import app_more

    from stretchcue import routine as rt

    real_loads, real_builtin = rt.loads, app_more._builtin
    order = []

    def loads(data):
        if bytes(data) == DEEP:
            raise MemoryError("memory allocation failed, allocating 8192 bytes")
        return real_loads(data)

    def builtin():
        order.append("built-in")
        return real_builtin()

    monkeypatch.setattr(rt, "loads", loads)
    monkeypatch.setattr(app_more, "_builtin", builtin)
    monkeypatch.setattr(app_more.gc, "collect", lambda: order.append("collect"))
    monkeypatch.setattr(app_more, "DROP", True)  # as on a board (CPython's collect is slow)
    root = tmp_path / "data"
    write(str(root / "routines" / "deep.json"), DEEP)
    write(str(root / "selected.txt"), b"deep")
    app = boot(root)
    assert order == ["collect", "built-in"] and app.name == "lower-back"
    assert "'deep' is unreadable, set aside" in app.note
    assert (root / "routines" / "deep.json.bad").read_bytes() == DEEP
