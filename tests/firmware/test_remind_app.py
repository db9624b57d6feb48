"""The daily reminder on the device: its own cue and the routine on the screen at its time,
once a day, kept in the data folder across restarts."""

from __future__ import annotations

import app as app_module
from app import App
from device_api import DeviceApi
from hardware import Hardware
from store import Store

from stretchcue_host.sim.fakes import hw

MON = 1_767_571_200  # 2026-01-05 00:00 UTC, a Monday
DAY = 86400


class Clock:
    def __init__(self, t: int) -> None:
        self.t = t

    def time(self) -> int:
        return self.t


class Motor:
    def __init__(self) -> None:
        self.levels: list = []

    def level(self, percent: int) -> None:
        self.levels.append(percent)


def boot(tmp_path, monkeypatch, t: int):
    clock = Clock(t)
    monkeypatch.setattr(app_module, "time", clock)
    motor = Motor()
    hardware = Hardware("test", display=None, keys=hw.Keys((0, 1), value_when_pressed=False),
                        motor=motor, notes=[])
    a = App(hardware, Store(str(tmp_path / "data")))
    a.boot(0)
    return a, clock, motor


def run(a, now_ms: int, until_ms: int) -> int:
    while now_ms < until_ms:
        now_ms += max(1, a.step(now_ms))
    return now_ms


def test_the_reminder_buzzes_its_cue_shows_the_routine_and_is_not_repeated(tmp_path, monkeypatch):
    a, clock, motor = boot(tmp_path, monkeypatch, MON + 7 * 3600)
    DeviceApi(a, "sc-1").set_remind(450, 0x1F, 0)  # 07:30, Monday to Friday
    assert (tmp_path / "data" / "remind.txt").read_text() == "450 31 0 -1"
    now = run(a, 0, 2000)
    assert a.mode == "menu" and not any(motor.levels)
    clock.t = MON + 7 * 3600 + 30 * 60
    now = run(a, now, now + 3000)
    assert a.mode == "message" and a.screens.kind == "message"
    assert [lab.text for lab in a.screens.labels][0] == "Time to stretch"
    assert a.routine.name.split()[0] in a.screens.detail.text
    assert max(motor.levels) == 100 and sum(1 for x, y in zip(motor.levels, motor.levels[1:])
                                            if not x and y) == 6  # its six pulses
    assert (tmp_path / "data" / "remind.txt").read_text() == "450 31 0 %d" % (MON // DAY)
    a._gesture("B", now)  # later: back to the menu, the cue's modules dropped
    assert a.mode == "menu" and app_module.cues is None
    clock.t += 3600
    now = run(a, now, now + 3000)
    assert a.mode == "menu"
    # A restart the same day remembers it fired; the next weekday it fires again.
    b, clock, motor = boot(tmp_path, monkeypatch, MON + 8 * 3600)
    run(b, 0, 2000)
    assert b.mode == "menu"
    clock.t = MON + DAY + 7 * 3600 + 45 * 60
    now = run(b, 2000, 4000)
    assert b.mode == "message"
    b._gesture("A", now)  # A starts the routine
    assert b.busy


def test_a_session_earlier_in_the_day_counts_and_off_turns_it_off(tmp_path, monkeypatch):
    a, clock, motor = boot(tmp_path, monkeypatch, MON + 6 * 3600)
    api = DeviceApi(a, "sc-1")
    api.set_remind(450, 0x7F, 60)  # 07:30 at UTC+1
    a._gesture("A", 0)
    assert a.busy
    assert a.reminder[3] == MON // DAY
    api.set_remind(480, 0x7F, 60)  # moved: still fired today
    assert a.reminder == [480, 0x7F, 60, MON // DAY]
    api.set_remind(0xFFFF, 0, 60)
    assert a.reminder is None and (tmp_path / "data" / "remind.txt").read_text() == ""


def test_no_clock_no_reminder(tmp_path, monkeypatch):
    a, clock, motor = boot(tmp_path, monkeypatch, 7 * 3600 + 30 * 60)  # 1970: never set
    a.set_remind([450, 0x7F, 0, -1])
    run(a, 0, 3000)
    assert a.mode == "menu" and not any(motor.levels)


def test_a_reminder_without_memory_for_its_cue_still_offers_the_routine(tmp_path, monkeypatch):
    from stretchcue import cues

    a, clock, motor = boot(tmp_path, monkeypatch, MON + 7 * 3600)
    DeviceApi(a, "sc-1").set_remind(450, 0x1F, 0)
    now = run(a, 0, 2000)

    def short(*args, **kw):
        raise MemoryError("memory allocation failed, allocating 136 bytes")

    monkeypatch.setattr(cues, "Player", short)
    clock.t = MON + 7 * 3600 + 30 * 60
    now = run(a, now, now + 3000)
    assert a.mode == "message" and [lab.text for lab in a.screens.labels][0] == "Time to stretch"
    assert a.player is None and not any(motor.levels)
    a._gesture("B", now)
    assert a.mode == "menu"
