"""Idle on the menu: the radio slows after a minute, the board sleeps after three (here,
without ``alarm``, the screen goes off and a press lights it again); a session, a host or
a pairing window keep it awake."""

from __future__ import annotations

import sys
import time

import pytest
from app import App
from hardware import Hardware
from store import Store

from stretchcue_host.sim.fakes import hw

MIN = 60_000


class Display:
    def __init__(self) -> None:
        self.lit: list = []
        self.auto_refresh = True
        self.root_group = None

    def sleep(self) -> None:
        self.lit.append(False)

    def wake(self) -> None:
        self.lit.append(True)

    def refresh(self) -> None:
        pass


class Link:
    def __init__(self) -> None:
        self.connected = False
        self.slow: list = []
        self.closed = 0

    def poll(self, now_ms: int) -> None:
        pass

    def close(self) -> None:
        self.closed += 1

    def advertise_slowly(self, slow: bool) -> None:
        self.slow.append(slow)


@pytest.fixture
def no_alarm(monkeypatch):
    monkeypatch.setitem(sys.modules, "alarm", None)  # a board without deep sleep


def make(tmp_path):
    keys = hw.Keys((0, 1), value_when_pressed=False)
    display = Display()
    hardware = Hardware("test", display=display, width=128, height=64, color=False,
                        keys=keys, notes=[], wake_pin=0)
    a = App(hardware, Store(str(tmp_path / "data")))
    a.boot(0)
    link = Link()
    a.attach_radio(link, None)
    return a, keys, display, link


def run(a, now: int, until: int) -> int:
    while now < until:
        now += max(1, a.step(now))
    return now


def test_idle_slows_the_radio_then_turns_the_screen_off(tmp_path, no_alarm):
    a, keys, display, link = make(tmp_path)
    now = run(a, 0, MIN - 600)
    assert link.slow == [] and not a.screen_off
    now = run(a, now, MIN + 600)
    assert link.slow == [True]
    now = run(a, now, 3 * MIN + 600)
    assert a.screen_off and display.lit == [False] and a.mode == "menu"
    keys.inject(0, True, now)  # A: lights the screen, starts nothing
    keys.inject(0, False, now + 100)
    now = run(a, now, now + 1000)
    assert not a.screen_off and display.lit == [False, True] and not a.busy
    assert link.slow == [True, False]
    keys.inject(0, True, now)  # A again: now it starts the routine
    keys.inject(0, False, now + 100)
    run(a, now, now + 1000)
    assert a.busy


def test_a_session_or_a_host_keeps_it_awake(tmp_path, no_alarm):
    a, keys, display, link = make(tmp_path)
    a._gesture("A", 0)
    now = run(a, 0, 10 * MIN)
    assert a.busy and not a.screen_off and link.slow == []
    a._gesture("AB", now)  # stop: the summary, then idle from there
    link.connected = True
    now = run(a, now, now + 5 * MIN)
    assert not a.screen_off and link.slow == []
    link.connected = False
    run(a, now, now + 3 * MIN + 600)
    assert a.screen_off and a.mode == "menu"


def test_with_alarm_it_deep_sleeps_until_button_a_or_the_reminder(tmp_path, monkeypatch):
    from stretchcue_host.sim.fakes import alarm

    alarm.install()
    for name in ("alarm", "alarm.pin", "alarm.time"):  # gone again after the test
        monkeypatch.setitem(sys.modules, name, sys.modules[name])
    mon = 1_767_571_200  # Monday 00:00 UTC
    monkeypatch.setattr(alarm.WORLD, "epoch_base", mon)
    monkeypatch.setattr(alarm.WORLD, "now_ms", 0)
    monkeypatch.setattr(time, "time", lambda: mon)
    a, keys, display, link = make(tmp_path)
    a.set_remind([450, 0x7F, 0, -1])
    with pytest.raises(alarm.DeepSleep) as e:
        run(a, 0, 4 * MIN)
    pin, when = e.value.alarms
    assert pin.pin == 0 and pin.value is False and link.closed == 1
    assert when.monotonic_time == pytest.approx(7.5 * 3600, abs=1)
    assert bytes(sys.modules["alarm"].sleep_memory[:1]) == b"\x5c"
