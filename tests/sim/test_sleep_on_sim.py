"""Idle on the menu -> deep sleep -> wake by the reminder's time alarm and by button A, on
the simulated board (virtual time; the board restarts code.py after each deep sleep)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from stretchcue_host.sim.device_dir import prepare, runner_command

MIN = 60_000


def test_idle_sleeps_and_wakes_by_alarm_then_by_button(tmp_path):
    data = tmp_path / "data"
    prepare(data, "lower-back")
    now = int(time.time())
    at_epoch = (now // 60 + 10) * 60  # a reminder 9-10 minutes from now (UTC)
    at_min = at_epoch % 86400 // 60
    (data / "remind.txt").write_text("%d 127 0 -1" % at_min)
    trace = tmp_path / "trace.jsonl"
    cmd = runner_command(sys.executable, "feather", data, trace=trace, quiet=True,
                         script="A@15m", until_ms=17 * MIN)
    subprocess.run(cmd, check=True, timeout=240)
    events = [json.loads(line) for line in trace.read_text().splitlines()]
    sleeps = [e for e in events if e["type"] == "deep_sleep"]
    wakes = [e for e in events if e["type"] == "wake"]
    assert [w["by"] for w in wakes] == ["time", "pin"]
    # Three idle minutes on the menu, then asleep until the reminder is due.
    assert 3 * MIN <= sleeps[0]["t"] < 3 * MIN + 1000
    due = (at_epoch - now) * 1000
    assert abs(sleeps[0]["until"] - due) < 15_000 and wakes[0]["t"] == sleeps[0]["until"]
    after = [e for e in events if e["t"] >= wakes[0]["t"]]
    shown = [e for e in after if e["type"] == "screen"]
    assert shown[0]["texts"][0] == "Time to stretch"  # the routine, at its time
    motor = [e["level"] for e in after if e["type"] == "motor" and e["t"] < wakes[0]["t"] + 3000]
    assert sum(1 for a, b in zip([0] + motor, motor) if not a and b) == 6  # its six pulses
    # Unanswered: three minutes later asleep again, the next alarm a day on.
    assert 3 * MIN <= sleeps[1]["t"] - wakes[0]["t"] < 3 * MIN + 1000
    assert sleeps[1]["until"] - wakes[0]["t"] > 23 * 60 * MIN
    # Button A wakes it to the menu (no boot message), where nothing was started.
    assert 15 * MIN <= wakes[1]["t"] < 15 * MIN + 1000
    menu = [e for e in events if e["type"] == "screen" and e["t"] >= wakes[1]["t"]]
    assert "A start  B next" in menu[0]["texts"]
    assert any(t.endswith("\n88%") for t in menu[0]["texts"])  # the Feather's battery, 3.9 V
    assert not any(e["type"] == "screen" and "Note" in e["texts"] for e in events)
    assert (data / "remind.txt").read_text() == "%d 127 0 %d" % (at_min, at_epoch // 86400)
    assert not (data / "log.bin").exists() or not (data / "log.bin").stat().st_size
