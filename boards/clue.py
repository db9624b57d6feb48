"""Adafruit CLUE: built-in 240x240 TFT, buttons A/B, speaker.

Motor: a DRV2605 on the STEMMA QT port if one answers, else a coin motor
through a transistor on pad P1 (see docs/hardware.md).
"""

import board
import keypad
from hardware import Hardware, PwmBuzzer, make_motor


def make_hardware() -> Hardware:
    notes: list = []
    keys = keypad.Keys((board.BUTTON_A, board.BUTTON_B), value_when_pressed=False, pull=True)
    return Hardware(
        "clue", display=board.DISPLAY, width=240, height=240, color=True, keys=keys,
        key_names=("A", "B"), motor=make_motor(board.STEMMA_I2C, board.P1, notes),
        buzzer=PwmBuzzer(board.SPEAKER), notes=notes, wake_pin=board.BUTTON_A)
