"""Feather nRF52840 Express + 128x64 OLED FeatherWing (SH1107): buttons A/B/C,
piezo on A0, the battery's voltage on VOLTAGE_MONITOR.

Motor: a DRV2605 on STEMMA QT / I2C (shared with the OLED) if one answers,
else a coin motor through a transistor on D10.
"""

import board
import displayio
import i2cdisplaybus
import keypad
from adafruit_displayio_sh1107 import SH1107
from hardware import Hardware, PwmBuzzer, make_battery, make_motor


def make_hardware() -> Hardware:
    notes: list = []
    displayio.release_displays()
    i2c = None
    display = None
    try:
        # Raises without pull-ups, i.e. with neither the wing nor a breakout fitted.
        i2c = board.I2C()
        display = SH1107(i2cdisplaybus.I2CDisplayBus(i2c, device_address=0x3C),
                         width=128, height=64, rotation=0)
    except (ValueError, RuntimeError, OSError):
        notes.append("no OLED found")
    # board.I2C() is one shared bus: the DRV2605 sits beside the OLED.
    motor = make_motor(None if i2c is None else board.I2C, board.D10, notes)
    keys = keypad.Keys((board.D9, board.D6, board.D5), value_when_pressed=False, pull=True)
    return Hardware(
        "feather", display=display, width=128, height=64, color=False, keys=keys,
        key_names=("A", "B", "C"), motor=motor,
        buzzer=PwmBuzzer(board.A0), notes=notes, wake_pin=board.D9,
        battery=make_battery(board.VOLTAGE_MONITOR))
