"""Build the stand-in modules for one board and install them into ``sys.modules``."""

from __future__ import annotations

import os
import re
import sys
import time as real_time
import types
from importlib import resources

from stretchcue_host.sim.fakes import hw, nvm
from stretchcue_host.sim.world import WORLD

STUB_BOARDS = {"clue": "clue_nrf52840_express", "cpb": "circuitplayground_bluefruit",
               "feather": "feather_nrf52840_express"}
NVM_FILE = "nvm.bin"  # microcontroller.nvm, in the data folder (a board keeps it off the drive)
ROLES = {"clue": {"P1": "motor", "SPEAKER": "tone"},
         "cpb": {"A1": "motor", "SPEAKER": "tone"},
         "feather": {"D10": "motor", "A0": "tone"}}


def _pin_names(board: str) -> list[str]:
    """The board's real pin names, read from circuitpython-stubs' board definition."""
    text = (resources.files("board_definitions") / STUB_BOARDS[board] / "__init__.pyi").read_text()
    return re.findall(r"^([A-Z][A-Z0-9_]*): microcontroller\.Pin", text, re.M)


def _module(name: str, **attrs) -> types.ModuleType:
    mod = types.ModuleType(name)
    mod.__dict__.update(attrs)
    sys.modules[name] = mod
    return mod


def _board(board: str) -> None:
    from stretchcue_host.sim.display import make_display

    attrs: dict = {name: hw.Pin(name) for name in _pin_names(board)}
    attrs["board_id"] = STUB_BOARDS[board]
    bus = {}

    def i2c():
        if "i2c" not in bus:
            bus["i2c"] = hw.I2C(attrs["SCL"], attrs["SDA"])
        return bus["i2c"]

    attrs["I2C"] = i2c
    attrs["STEMMA_I2C"] = i2c
    attrs["SPI"] = hw.SPI
    if board == "clue":
        attrs["DISPLAY"] = make_display(240, 240)
    _module("board", **attrs)


def _time() -> None:
    """Real ``time`` functions, but the clock and sleep are the simulated board's."""
    attrs = {k: getattr(real_time, k) for k in dir(real_time) if not k.startswith("__")}
    attrs.update(
        sleep=WORLD.sleep,
        monotonic=lambda: WORLD.now_ms / 1000,
        monotonic_ns=lambda: WORLD.now_ms * 1_000_000,
        time=lambda: WORLD.epoch_base + WORLD.now_ms // 1000,
        localtime=lambda t=None: real_time.localtime(
            WORLD.epoch_base + WORLD.now_ms // 1000 if t is None else t),
    )
    _module("time", **attrs)


def _nvm() -> nvm.ByteArray:
    """The board's nvm, kept in the simulated device's data folder across reboots."""
    data = os.environ.get("STRETCHCUE_DATA")
    if not data:
        return nvm.ByteArray()
    os.makedirs(data, exist_ok=True)
    return nvm.file_backed(os.path.join(data, NVM_FILE))


def install(board: str) -> None:
    """Install every stand-in; call before the firmware (or adafruit_ticks) is imported."""
    from stretchcue_host.sim.display import make_display

    WORLD.board = board
    WORLD.roles = ROLES[board]
    _module("digitalio", DigitalInOut=hw.DigitalInOut, Pull=hw.Pull, Direction=hw.Direction,
            DriveMode=hw.DriveMode)
    _module("pwmio", PWMOut=hw.PWMOut)
    _module("keypad", Keys=hw.Keys, Event=hw.Event, EventQueue=hw.EventQueue)
    _module("busio", I2C=hw.I2C, SPI=hw.SPI)
    _module("neopixel_write", neopixel_write=hw.neopixel_write)
    _module("analogio", AnalogIn=hw.AnalogIn)
    from stretchcue_host.sim.fakes import alarm

    alarm.install()  # deep sleep: runner.py runs code.py through alarm.run
    uid = bytes.fromhex("5c0ffee5" + f"{sum(map(ord, board)):08x}")
    cpu = types.SimpleNamespace(uid=uid, temperature=25.0, voltage=3.3)
    _module("microcontroller", cpu=cpu, nvm=_nvm(), Pin=hw.Pin,
            reset=lambda: (_ for _ in ()).throw(SystemExit("reset")))
    _module("supervisor", ticks_ms=WORLD.ticks_ms, runtime=types.SimpleNamespace(
        usb_connected=False, serial_connected=False), reload=lambda: None)
    _module("storage", remount=lambda *a, **k: None, getmount=lambda p: None)

    class RTC:
        @property
        def datetime(self):
            return real_time.localtime(WORLD.epoch_base + WORLD.now_ms // 1000)

        @datetime.setter
        def datetime(self, value) -> None:
            WORLD.epoch_base = int(real_time.mktime(value)) - WORLD.now_ms // 1000

    _module("rtc", RTC=RTC)
    _module("fourwire", FourWire=lambda *a, **k: types.SimpleNamespace())
    _module("i2cdisplaybus", I2CDisplayBus=lambda *a, **k: types.SimpleNamespace())
    _module("adafruit_st7789", ST7789=lambda bus, width=240, height=240, **k:
            make_display(width, height))
    _module("adafruit_displayio_sh1107", SH1107=lambda bus, width=128, height=64, **k:
            make_display(width, height, mono=True))
    _board(board)
    _time()
    if "usb_cdc" not in sys.modules:
        # As on a board whose boot.py left the data port off (--usb-pty puts one in).
        _module("usb_cdc", data=None, console=None, enable=lambda **k: None,
                disable=lambda: None)
    if "_bleio" not in sys.modules:
        # No virtual radio asked for: the firmware must not reach a real adapter.
        sys.modules["_bleio"] = None  # type: ignore[assignment]
