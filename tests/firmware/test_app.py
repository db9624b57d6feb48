"""The app without a display or motor, and every gesture in every state: it keeps going."""

from __future__ import annotations

import random

from app import App
from hardware import Hardware
from store import Store

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.sim.fakes import hw

GESTURES = ("A", "B", "A_long", "B_long", "AB")


def make(tmp_path):
    keys = hw.Keys((0, 1), value_when_pressed=False)
    hardware = Hardware("test", display=None, keys=keys, notes=["no display found"])
    app = App(hardware, Store(str(tmp_path / "data")))
    app.boot(0)
    return app, keys


def test_headless_app_runs_a_session_and_logs_it(tmp_path):
    app, keys = make(tmp_path)
    assert app.mode == "message" and "no display" in app.note
    now = 0
    for g in ("A", "A"):  # dismiss the note, start
        app._gesture(g, now)
    assert app.busy
    while app.busy and now < 3_600_000:
        now += app.step(now) or 1
    recs = sl.scan(open(app.store.log_path, "rb").read())[0]
    assert recs[0].rtype == Rec.START and recs[-1].rtype == Rec.END
    assert recs[-1].fields()["elapsed_ms"] == recs[-1].fields()["planned_ms"]


def test_random_gestures_in_every_state_never_break_it(tmp_path):
    rnd = random.Random(7)
    app, keys = make(tmp_path)
    now = 0
    seen = set()
    for _ in range(3000):
        if rnd.random() < 0.2:
            app._gesture(rnd.choice(GESTURES), now)
        seen.add(app.mode)
        now += rnd.randint(1, 20_000)
        app.step(now)
    assert {"menu", "session", "summary"} <= seen
    recs, problems, _ = sl.scan(open(app.store.log_path, "rb").read())
    assert problems == [] and recs


def test_a_fresh_install_starts_on_the_default_routine_not_the_first_by_name(tmp_path):
    from stretchcue_host import installer

    files = installer.plan("clue", installer.source_root(), mpy_cross=None)
    data = tmp_path / "data"
    for rel, blob in files:
        if rel.startswith(installer.DATA_DIR + "/routines/"):
            (data / "routines").mkdir(parents=True, exist_ok=True)
            (data / "routines" / rel.rsplit("/", 1)[1]).write_bytes(blob)
    assert len(list((data / "routines").iterdir())) > 1
    app, _ = make(tmp_path)
    assert app.name == "lower-back" and app.routine.name == "Lower back"
    assert "missing" not in app.note and "damaged" not in app.note


def test_the_session_code_is_held_only_from_a_session_start_to_leaving_its_summary(
        tmp_path, monkeypatch):
    import app as app_module

    dropped: list = []
    monkeypatch.setattr(app_module, "drop", dropped.append)
    monkeypatch.setattr(app_module, "sv", None)  # as on a fresh board
    monkeypatch.setattr(app_module, "en", None)
    monkeypatch.setattr(app_module, "cues", None)
    app, keys = make(tmp_path)
    # the reminder's reckoning, the built-in routine and the start-up code: used at boot
    # and let go
    assert dropped == ["stretchcue.remind", "default_routine", "app_more"]
    dropped.clear()
    app._gesture("A", 0)  # dismiss the note
    assert app.player is None and app_module.en is None
    app._gesture("A", 0)  # start
    assert app.busy and app.player is not None and app_module.en is not None
    app._gesture("AB", 10)  # stop: the summary still shows the results
    app.step(20)
    assert app.mode == "summary" and app.engine is not None
    app._gesture("A", 30)
    assert app.mode == "menu" and app.engine is None and app.player is None
    assert app_module.en is None and dropped == ["session_view", "session_screens",
                                                 "stretchcue.cues",
                                                 "stretchcue.engine"]
    app.step(40)  # the menu runs without them
    app._gesture("A", 50)
    assert app.busy and app_module.en is not None


def test_a_session_that_cannot_load_for_memory_says_so_and_the_menu_goes_on(
        tmp_path, monkeypatch):
    """A board can run short of heap at a session's start (a host connected, modules
    compiled from .py): the person gets a message, not a stopped program."""
    from stretchcue import engine

    app, keys = make(tmp_path)
    app._gesture("A", 0)  # dismiss the note
    real = engine.Engine

    def short(*args, **kw):
        raise MemoryError("memory allocation failed, allocating 584 bytes")

    monkeypatch.setattr(engine, "Engine", short)
    app._gesture("A", 10)
    assert app.mode == "message" and app.engine is None and not app.busy
    app.step(20)
    app._gesture("A", 30)
    assert app.mode == "menu"
    monkeypatch.setattr(engine, "Engine", real)
    app._gesture("A", 40)
    assert app.busy and app.engine is not None
