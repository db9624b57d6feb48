"""Circuit Playground Bluefruit + TFT Gizmo: 240x240 TFT, buttons A/B, slide switch
(mute), speaker, ten NeoPixels as a breath light.

Motor: a DRV2605 on the I2C pads (SCL/SDA are taken by the Gizmo, so the
haptic breakout shares board.I2C, the accelerometer bus) if one answers, else
a coin motor through a transistor on pad A1.
"""

import board
import busio
import digitalio
import displayio
import fourwire
import keypad
import neopixel
from adafruit_st7789 import ST7789
from hardware import Hardware, PwmBuzzer, make_motor


def _gizmo_display() -> ST7789:
    displayio.release_displays()
    spi = busio.SPI(board.SCL, MOSI=board.SDA)
    bus = fourwire.FourWire(spi, command=board.TX, chip_select=board.RX)
    return ST7789(bus, width=240, height=240, rowstart=80, rotation=180,
                  backlight_pin=board.A3)


def make_hardware() -> Hardware:
    notes: list = []
    keys = keypad.Keys((board.BUTTON_A, board.BUTTON_B), value_when_pressed=True, pull=True)
    enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)
    enable.switch_to_output(value=True)
    switch = digitalio.DigitalInOut(board.SLIDE_SWITCH)
    switch.switch_to_input(pull=digitalio.Pull.UP)
    pixels = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.2, auto_write=True)
    return Hardware(
        "cpb", display=_gizmo_display(), width=240, height=240, color=True, keys=keys,
        key_names=("A", "B"), motor=make_motor(board.I2C, board.A1, notes),
        buzzer=PwmBuzzer(board.SPEAKER), pixels=pixels, mute_switch=switch, notes=notes)
