"""boot.py turns on the USB data port and reads button A the right way round per board;
a bus made for the DRV2605 is freed."""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path

import pytest

BOOT = str(Path(__file__).resolve().parents[2] / "firmware" / "boot.py")


def _run_boot(monkeypatch, board_id: str, pin: str, active_high: bool, pressed: bool,
              usb: bool = True, drive: set | None = None) -> list:
    """``drive``: the paths at the drive's root (default none); renames update it."""
    import os

    drive = set() if drive is None else drive

    def stat(path):
        if path not in drive:
            raise OSError(2, path)

    def rename(old, new):
        drive.discard(old)
        drive.add(new)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "rename", rename)
    remounts: list = []
    enabled: list = []

    class DigitalInOut:
        def __init__(self, p):
            self.value = False

        def switch_to_input(self, pull=None):
            idle = pull == "up"
            self.value = (active_high if pressed else idle)

        def deinit(self):
            pass

    board = types.SimpleNamespace(board_id=board_id, **{pin: object()})
    monkeypatch.setitem(sys.modules, "board", board)
    monkeypatch.setitem(sys.modules, "digitalio", types.SimpleNamespace(
        DigitalInOut=DigitalInOut, Pull=types.SimpleNamespace(UP="up", DOWN="down")))
    monkeypatch.setitem(sys.modules, "storage", types.SimpleNamespace(
        remount=lambda path, readonly: remounts.append(readonly)))
    if usb:
        monkeypatch.setitem(sys.modules, "usb_cdc", types.SimpleNamespace(
            enable=lambda **kw: enabled.append(kw)))
    else:
        monkeypatch.setitem(sys.modules, "usb_cdc", None)  # a build without usb_cdc
    runpy.run_path(BOOT)
    assert enabled == ([{"console": True, "data": True}] if usb else [])
    return remounts


@pytest.mark.parametrize("board_id,pin,high", [
    ("clue_nrf52840_express", "BUTTON_A", False),
    ("circuitplayground_bluefruit", "BUTTON_A", True),
    ("feather_nrf52840_express", "D9", False),
])
def test_boot_enables_data_port_keeps_usb_writable_only_while_a_held(monkeypatch, board_id, pin,
                                                                     high):
    assert _run_boot(monkeypatch, board_id, pin, high, pressed=False) == [False]
    assert _run_boot(monkeypatch, board_id, pin, high, pressed=True) == []


@pytest.mark.parametrize("before,after", [
    ({"/stretchcue"}, {"/stretchcue-data"}),
    ({"/stretchcue", "/stretchcue-data"}, {"/stretchcue.old", "/stretchcue-data"}),
    ({"/stretchcue-data"}, {"/stretchcue-data"}),
    ({"/stretchcue", "/stretchcue/__init__.py"}, {"/stretchcue", "/stretchcue/__init__.py"}),
])
def test_boot_moves_an_old_data_folder_that_would_hide_the_core(monkeypatch, before, after):
    drive = set(before)
    _run_boot(monkeypatch, "clue_nrf52840_express", "BUTTON_A", False, pressed=False,
              drive=drive)
    assert drive == after


def test_boot_leaves_the_drive_alone_while_usb_owns_it(monkeypatch):
    drive = {"/stretchcue"}
    _run_boot(monkeypatch, "clue_nrf52840_express", "BUTTON_A", False, pressed=True, drive=drive)
    assert drive == {"/stretchcue"}


def test_boot_without_usb_cdc_still_makes_the_flash_writable(monkeypatch):
    assert _run_boot(monkeypatch, "clue_nrf52840_express", "BUTTON_A", False, pressed=False,
                     usb=False) == [False]


def test_bus_made_for_the_drv2605_is_released_for_the_pwm_motor(monkeypatch):
    import hardware

    claimed: set = set()

    class Bus:
        def __init__(self):
            claimed.update(("A1", "A2"))

        def deinit(self):
            claimed.difference_update(("A1", "A2"))

    class PWMOut:
        def __init__(self, pin, **kwargs):
            if pin in claimed:
                raise ValueError(pin + " in use")

    def no_drv(bus):
        raise ValueError("No I2C device at address: 0x5a")

    monkeypatch.setitem(sys.modules, "pwmio", types.SimpleNamespace(PWMOut=PWMOut))
    monkeypatch.setattr(hardware, "Drv2605Motor", no_drv)
    notes: list = []
    assert isinstance(hardware.make_motor(Bus, "A1", notes, own_bus=True), hardware.PwmMotor)
    assert notes == []
    shared = hardware.make_motor(Bus, "A1", notes)
    assert isinstance(shared, hardware.NullMotor) and "no motor found" in notes


def test_pixels_fill_every_pixel_grb_at_the_set_brightness_and_only_on_change(monkeypatch):
    import hardware

    writes: list = []

    class Pin:
        direction = None

    monkeypatch.setitem(sys.modules, "digitalio", types.SimpleNamespace(
        DigitalInOut=lambda pin: Pin(), Direction=types.SimpleNamespace(OUTPUT="out")))
    monkeypatch.setitem(sys.modules, "neopixel_write", types.SimpleNamespace(
        neopixel_write=lambda pin, buf: writes.append((pin.direction, bytes(buf)))))
    px = hardware.Pixels("NEOPIXEL", 3, brightness_pct=20)
    px.fill((100, 50, 255))
    px.fill((100, 50, 255))
    px.fill((0, 0, 0))
    assert writes == [("out", bytes((10, 20, 51)) * 3), ("out", bytes(9))]


def test_drv2605_set_up_for_real_time_playback_and_levels(monkeypatch):
    import hardware

    from stretchcue_host.sim.fakes import hw
    from stretchcue_host.sim.world import WORLD

    monkeypatch.setattr(WORLD, "drv2605", True)
    bus = hw.I2C(hw.Pin("SCL"), hw.Pin("SDA"))
    bus.regs[0x1A] = 0xB6  # an LRA set-up left by someone else
    motor = hardware.Drv2605Motor(bus)
    assert bus.regs[0x01] == 0x05 and bus.regs[0x1A] & 0x80 == 0 and bus.regs[0x1D] & 0x20
    motor.level(100)
    assert bus.regs[0x02] == 127
    motor.level(1)
    assert bus.regs[0x02] == 2
    monkeypatch.setattr(WORLD, "drv2605", False)
    with pytest.raises(OSError):
        hardware.Drv2605Motor(hw.I2C(hw.Pin("SCL2"), hw.Pin("SDA2")))
