"""Circuit Playground Bluefruit + TFT Gizmo: 240x240 TFT, buttons A/B, slide switch
(mute), speaker, ten NeoPixels as a breath light.

Motor: a DRV2605 on its own I2C bus on pads A1 (SDA) and A2 (SCL) if one
answers, else a coin motor through a transistor on pad A1.  board.I2C() is
no use here: its pins, the SCL/SDA pads, carry the Gizmo's SPI clock and data.
"""

import board
import busio
import digitalio
import displayio
import fourwire
import keypad
from adafruit_st7789 import ST7789
from hardware import Hardware, Pixels, PwmBuzzer, make_motor


def _gizmo_display() -> ST7789:
    displayio.release_displays()
    spi = busio.SPI(board.SCL, MOSI=board.SDA)
    bus = fourwire.FourWire(spi, command=board.TX, chip_select=board.RX)
    return ST7789(bus, width=240, height=240, rowstart=80, rotation=180,
                  backlight_pin=board.A3)


def _haptic_bus() -> busio.I2C:
    return busio.I2C(board.A2, board.A1)


def make_hardware() -> Hardware:
    notes: list = []
    keys = keypad.Keys((board.BUTTON_A, board.BUTTON_B), value_when_pressed=True, pull=True)
    enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)
    enable.switch_to_output(value=True)
    switch = digitalio.DigitalInOut(board.SLIDE_SWITCH)
    switch.switch_to_input(pull=digitalio.Pull.UP)
    pixels = Pixels(board.NEOPIXEL, 10, brightness_pct=20)
    return Hardware(
        "cpb", display=_gizmo_display(), width=240, height=240, color=True, keys=keys,
        key_names=("A", "B"), motor=make_motor(_haptic_bus, board.A1, notes, own_bus=True),
        buzzer=PwmBuzzer(board.SPEAKER), pixels=pixels, mute_switch=switch, notes=notes,
        wake_pin=board.BUTTON_A, wake_value=True)
