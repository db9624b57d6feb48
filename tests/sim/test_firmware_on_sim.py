"""The unmodified firmware on the simulated board, checked against the core's plan."""

from __future__ import annotations

import struct

from stretchcue import cues, timeline
from stretchcue import engine as en
from stretchcue import sessionlog as sl
from stretchcue.codes import Cue, Rec, Step
from stretchcue_host.routines import load, resolve

LOOP_TICK_MS = 500


def planned_cues(name: str) -> list[int]:
    """Times (ms from session start) at which the engine asks for a cue."""
    r, _ = load(resolve(name))
    eng = en.Engine(r)
    out = []
    now = 0
    events = eng.start(0)
    while True:
        for code, value, at in events:
            if cues.for_event(code, value, eng.step[Step.KIND]) >= 0:
                out.append(at)
        if eng.finished:
            return sorted(set(out))
        now += max(1, eng.wait_ms(now))
        events = eng.tick(now)


def motor_starts(run) -> list[int]:
    out, level = [], 0
    for e in run.trace:
        if e["type"] == "motor":
            if e["level"] and not level:
                out.append(e["t"])
            level = e["level"]
    return out


def test_whole_default_routine_runs_to_the_plan(sim_runs):
    run = sim_runs["plain"].wait()
    assert run.rc == 0, run.output.decode()[-2000:]
    r, _ = load(resolve("lower-back"))
    recs = run.records()
    kinds = [x.rtype for x in recs]
    assert kinds[0] == Rec.START and kinds[-1] == Rec.END
    assert kinds.count(Rec.HOLD) == 32
    end = recs[-1].fields()
    assert end["elapsed_ms"] == end["planned_ms"] == timeline.total_ms(r)
    assert end["aborted"] == 0 and end["paused_ms"] == 0
    assert all(h.fields()["actual_ms"] == 30000 for h in recs if h.rtype == Rec.HOLD)


def test_every_cue_within_one_loop_tick_of_its_deadline(sim_runs):
    run = sim_runs["plain"].wait()
    starts = motor_starts(run)
    t0 = starts[0]
    for p in planned_cues("lower-back"):
        assert any(0 <= s - (t0 + p) <= LOOP_TICK_MS for s in starts), p
    summary = [e for e in run.screens() if "under stretch" in e["texts"]]
    assert summary and summary[0]["t"] - t0 - timeline.total_ms(load(resolve("lower-back"))[0]) \
        <= LOOP_TICK_MS


def test_drv2605_renders_inhale_as_a_ramp(sim_runs):
    run = sim_runs["plain"].wait()
    levels = [e["level"] for e in run.trace if e["type"] == "motor" and e["via"] == "drv2605"]
    ramp = [v for v in levels if 0 < v < 100]
    assert len(ramp) > 10 and min(ramp) >= Cue.MIN_LEVEL


def test_each_screen_type_is_drawn(sim_runs):
    run = sim_runs["presses"].wait()
    texts = [" | ".join(e["texts"]) for e in run.screens()]
    assert any("A start  B next" in t and "Lower back" in t for t in texts)
    assert any("Hold" in t and "Left rep 1/4" in t for t in texts)
    assert any("PAUSED" in t for t in texts)
    assert any("How tight?" in t for t in texts)
    assert any(t.startswith("Stopped") and "under stretch" in t for t in texts)
    pngs = [e["png"] for e in run.screens() if e["png"]]
    assert len(pngs) > 20
    assert all(e["lit"] > 0 for e in run.screens() if e["png"])  # drawn only for a PNG
    with open(pngs[-1], "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24]) == (240, 240)


def test_presses_are_logged_as_they_happened(sim_runs):
    run = sim_runs["presses"].wait()
    recs = run.records()
    holds = [r.fields() for r in recs if r.rtype == Rec.HOLD]
    assert any(h["extended_ms"] == 10000 for h in holds)
    assert any(h["skipped"] and h["actual_ms"] < h["planned_ms"] for h in holds)
    ratings = [r.fields() for r in recs if r.rtype == Rec.RATING]
    assert ratings == [{"stretch": 0, "rating": 4}]
    end = recs[-1].fields()
    assert recs[-1].rtype == Rec.END and end["aborted"] == 1
    assert 14_000 <= end["paused_ms"] <= 16_000


def test_mono_oled_layout(sim_runs):
    run = sim_runs["feather"].wait()
    shots = [e for e in run.screens() if e["png"]]
    with open(shots[-1]["png"], "rb") as f:
        head = f.read(24)
    assert struct.unpack(">II", head[16:24]) == (128, 64)
    assert any("Neck side bend" in e["texts"] and any(t.startswith("Hold") for t in e["texts"])
               for e in run.screens())


def test_without_drv2605_the_pwm_motor_is_used(sim_runs):
    run = sim_runs["nodrv"].wait()
    vias = {e["via"] for e in run.trace if e["type"] == "motor" and e["level"]}
    assert vias == {"pwm"}


def test_corrupt_routine_falls_back_with_a_message(sim_runs):
    run = sim_runs["corrupt"].wait()
    texts = " ".join(" ".join(e["texts"]) for e in run.screens())
    assert "'mine' is damaged" in texts and "built-in" in texts


def test_power_cut_loses_no_record_and_resumes(sim_runs):
    run = sim_runs["cut"].wait()
    assert run.rc == 3
    before = (run.data / "log.bin").read_bytes()
    kept = sl.scan(before)[0]
    assert kept[0].rtype == Rec.START and kept[-1].rtype == Rec.HOLD
    run.again()
    after = (run.data / "log.bin").read_bytes()
    assert after.startswith(before)
    recs = sl.scan(after)[0]
    kinds = [r.rtype for r in recs]
    assert Rec.RESUMED in kinds and kinds[-1] == Rec.END
    holds = [(h.fields()["stretch"], h.fields()["side"], h.fields()["rep"])
             for h in recs if h.rtype == Rec.HOLD]
    r, _ = load(resolve("desk-break"))
    planned = [(s[1], s[2], s[3]) for s in timeline.iter_steps(r) if s[0] == Step.HOLD]
    assert holds == planned
