"""The battery where a board can read it (the Feather's VOLTAGE_MONITOR): the menu shows
it and INFO reports it; elsewhere INFO says unknown (None)."""

from __future__ import annotations

import sys
import types

import pytest
from app import App
from device_api import DeviceApi
from hardware import Battery, Hardware, lipo_percent
from store import Store

from stretchcue_host.sim.fakes import hw
from stretchcue_host.sim.world import WORLD


@pytest.fixture(autouse=True)
def analogio(monkeypatch):
    """The board's analogio (Blinka's, in this venv, knows no such board)."""
    monkeypatch.setitem(sys.modules, "analogio", types.SimpleNamespace(AnalogIn=hw.AnalogIn))


def test_the_lipo_curve():
    assert [lipo_percent(mv) for mv in (4200, 3950, 3750, 3550, 3325, 3100, 3000)] == [
        100, 100, 53, 6, 3, 0, 0]
    values = [lipo_percent(mv) for mv in range(3000, 4300, 10)]
    assert values == sorted(values)  # never rises as the voltage falls


@pytest.mark.parametrize("mv, pct", [(4100, 100), (3750, 53), (3400, 4)])
def test_the_feathers_divider_and_reference(monkeypatch, mv, pct):
    monkeypatch.setattr(WORLD, "battery_mv", mv, raising=False)
    b = Battery(hw.Pin("VOLTAGE_MONITOR"))
    assert abs(b.percent() - pct) <= 1


def make(tmp_path, battery):
    hardware = Hardware("test", display=None, keys=hw.Keys((0, 1), value_when_pressed=False),
                        notes=[], battery=battery)
    a = App(hardware, Store(str(tmp_path / "data")))
    a.boot(0)
    return a


def test_menu_and_info_show_it(tmp_path, monkeypatch):
    monkeypatch.setattr(WORLD, "battery_mv", 3800, raising=False)
    a = make(tmp_path, Battery(hw.Pin("VOLTAGE_MONITOR")))
    a.step(0)
    pct = lipo_percent(3800)
    assert DeviceApi(a, "sc-1").info()["battery"] == pct
    assert a.screens.title.text == "stretchcue  %d%%" % pct  # beside the title in colour


def test_unknown_elsewhere(tmp_path):
    a = make(tmp_path, None)
    a.step(0)
    assert DeviceApi(a, "sc-1").info()["battery"] is None
    assert not any("%" in lab.text for lab in a.screens.labels)
