"""Property (issue 11): whatever bytes are in the files the device reads at boot, the boot
ends on a working menu, no intact record is lost, and sequence numbers only go up.

A data folder is made once the way the firmware makes it (a pushed routine, selected;
sessions logged; a host pulls and acknowledges).  Each example then damages any of
the files boot reads (random bytes, bit flips, a cut, garbage added, a folder in its
place, gone) and boots the firmware on CPython with the simulator's stand-ins.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import types
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "firmware") not in sys.path:
    sys.path.append(str(ROOT / "firmware"))  # appended: firmware/code.py must not shadow code
if "keypad" not in sys.modules:
    from stretchcue_host.sim.fakes import hw as _hw

    sys.modules["keypad"] = types.SimpleNamespace(Event=_hw.Event, Keys=_hw.Keys)

import store_transfer  # noqa: E402
from app import App  # noqa: E402
from hardware import Hardware  # noqa: E402
from store import Store  # noqa: E402

from stretchcue import sessionlog as sl  # noqa: E402
from stretchcue.codes import Rec  # noqa: E402
from stretchcue_host.routines import load, resolve  # noqa: E402
from stretchcue_host.sim.fakes import hw  # noqa: E402
from stretchcue_host.sim.fakes.nvm import ByteArray  # noqa: E402

KEY_FILE = "keys/" + "ab" * 16


def _baseline() -> tuple:
    """(folder, {relative path: bytes}, every raw record, the host's cursor)."""
    base = tempfile.mkdtemp(prefix="stretchcue-boot-props-")
    atexit.register(shutil.rmtree, base, True)
    store = Store(base + "/data")
    store.open()
    _, canon = load(resolve("desk-break"))
    store_transfer.stage_write(store, "desk", 0, canon)
    store_transfer.store_staged(store, "desk")
    store.select("desk")
    for s in range(3):
        store.append(Rec.START, 1_700_000_000 + s, 60_000, 7, 2, "Desk break")
        for i in range(4):
            store.append(Rec.HOLD, i // 2, 1 + i % 2, 1, 0, 30_000, 30_000, 0)
        store.append(Rec.RATING, 0, 3)
        store.append(Rec.END, 60_000, 0, 0, 0, 60_000, 0)
    page, more = store_transfer.log_after(store, 0, 1 << 20)
    cursor = sl.scan(b"".join(page))[0][-1].seq  # the host has every record ...
    store_transfer.ack(store, cursor - 3)  # ... and has acknowledged most
    os.makedirs(base + "/data/keys")
    with open(base + "/data/" + KEY_FILE, "wb") as f:
        f.write(b"k" * 32)
    files = {}
    for rel in ("routines/desk.json", "selected.txt", "ack.txt", "seq.txt", "log.bin",
                KEY_FILE):
        if os.path.exists(base + "/data/" + rel):
            with open(base + "/data/" + rel, "rb") as f:
                files[rel] = f.read()
    with open(store.log_path, "rb") as f:
        raws = [r.raw for r in sl.scan(f.read())[0]]
    return base + "/data", files, raws, cursor


BASE, FILES, RAWS, CURSOR = _baseline()
TARGETS = ("routines/desk.json", "routines/desk.json.tmp", "routines/other.json",
           "selected.txt", "selected.txt.tmp", "ack.txt", "ack.txt.tmp", "seq.txt",
           "seq.txt.tmp", "log.bin", "log.bin.tmp", KEY_FILE, "routines")

flips = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 7)), min_size=1, max_size=4)
damage = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=400)),
    st.tuples(st.just("digits"), st.text("0123456789 -\n", max_size=24)),
    st.tuples(st.just("flip"), flips),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20)),
    st.tuples(st.just("grow"), st.binary(min_size=1, max_size=400)),
    st.tuples(st.just("folder"), st.none()),
    st.tuples(st.just("gone"), st.none()),
)
damages = st.dictionaries(st.sampled_from(TARGETS), damage, max_size=5)


def _apply(root: str, rel: str, how: str, arg) -> object:
    """Damage one file; returns the flipped byte offsets for log.bin, else None."""
    path = root + "/" + rel
    old = FILES.get(rel, b"")
    if rel == "routines":  # the folder itself: a file, or gone
        shutil.rmtree(path)
        if how != "gone":
            with open(path, "wb") as f:
                f.write(arg if isinstance(arg, bytes) else b"x")
        return None
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.exists(path):
        os.remove(path)
    if how == "gone":
        return None
    if how == "folder":
        os.mkdir(path)
        return None
    data = bytearray(old)
    hit = []
    if how == "bytes":
        data = bytearray(arg)
    elif how == "digits":
        data = bytearray(arg.encode())
    elif how == "flip" and data:
        for pos, bit in arg:
            data[pos % len(data)] ^= 1 << bit
            hit.append(pos % len(data))
    elif how == "cut":
        data = data[:arg % (len(data) + 1)]
    elif how == "grow":
        data += arg
    with open(path, "wb") as f:
        f.write(bytes(data))
    return hit


def _boot(root: str, nvm) -> App:
    store = Store(root, nvm=nvm)
    keys = hw.Keys((0, 1), value_when_pressed=False)
    hardware = Hardware("test", display=None, keys=keys)
    note = store.open_keys()  # as app.main does
    if note:
        hardware.notes.append(note)
    app = App(hardware, store)
    app.boot(0)
    return app


def _menu_works(app: App) -> int:
    """Reach the menu, try every routine, run a session (started, stopped); returns the
    time reached."""
    now = 1
    if app.busy:  # a damaged log can leave a session to resume: stop it
        app._gesture("AB", now)
    if app.mode != "menu":
        app._gesture("A", now)
    assert app.mode == "menu"
    app.step(now)
    assert app.screens.kind == "menu"
    for _ in range(3):
        app._gesture("B", now)  # every routine on the drive is read and parsed
        now += app.step(now)
        assert app.mode == "menu"
    app._gesture("A", now)
    assert app.busy
    now += app.step(now)
    app._gesture("AB", now)
    now += app.step(now)
    assert app.mode == "summary"
    app._gesture("A", now)
    app.step(now)
    assert app.mode == "menu"
    return now


def _log(root: str) -> list:
    try:
        with open(root + "/log.bin", "rb") as f:
            return sl.scan(f.read())[0]
    except OSError:
        return []


def _survivors(how_arg) -> list:
    """The baseline records damage to log.bin left intact."""
    if how_arg is None:
        return RAWS
    how, arg = how_arg
    if how == "grow":
        return RAWS
    if how == "flip":
        data = bytearray(FILES["log.bin"])
        hits = {pos % len(data) for pos, _ in arg}
        out, off = [], 0
        for r in RAWS:
            if not any(off <= h < off + len(r) for h in hits):
                out.append(r)
            off += len(r)
        return out
    if how == "cut":
        n = arg % (len(FILES["log.bin"]) + 1)
        out, off = [], 0
        for r in RAWS:
            off += len(r)
            if off <= n:
                out.append(r)
        return out
    return []


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(damages, st.sampled_from(["erased", "random"]), st.binary(min_size=64, max_size=64))
def test_no_file_boot_reads_can_stop_it_lose_a_record_or_rewind_a_seq(hurt, nvm_kind, seed):
    work = tempfile.mkdtemp(prefix="stretchcue-boot-")
    try:
        root = work + "/data"
        shutil.copytree(BASE, root)
        for rel, (how, arg) in hurt.items():
            if not (rel.startswith("routines/") and "routines" in hurt):  # no folder for it
                _apply(root, rel, how, arg)
        nvm = ByteArray()
        if nvm_kind == "random":
            nvm[0:64] = seed
        app = _boot(root, nvm)  # 1. nothing escapes the boot
        _menu_works(app)  # 2. the menu comes up and works

        # 3. no intact record is lost: those the damage did not touch are all still there
        log_hurt = hurt.get("log.bin")
        if log_hurt is None or log_hurt[0] in ("grow", "flip", "cut"):
            kept = {r.raw for r in _log(root)}
            assert all(r in kept for r in _survivors(log_hurt))

        # 4. seqs only go up: above the host's cursor while anything remembers it ...
        # (seq.txt, or the log's last record, holds the cursor; ack.txt what was acked)
        new = [r.seq for r in _log(root) if r.raw not in RAWS]
        last = RAWS[-1] in _survivors(log_hurt) if (
            log_hurt is None or log_hurt[0] in ("grow", "flip", "cut")) else False
        floor = CURSOR if "seq.txt" not in hurt or last else (
            CURSOR - 3 if "ack.txt" not in hurt else 0)
        assert all(s > floor for s in new), (new, floor)
        assert new == sorted(new) and len(set(new)) == len(new)
        top = max([floor] + new)
        # ... and across the next reboot, always
        again = _boot(root, nvm)
        _menu_works(again)
        newer = [r.seq for r in _log(root) if r.raw not in RAWS and r.seq not in new]
        assert all(s > top for s in newer), (newer, top)
        assert again.mode == "menu"
    finally:
        shutil.rmtree(work, ignore_errors=True)
