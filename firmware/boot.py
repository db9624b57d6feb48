"""Let the firmware write its data folder, unless button A is held at power-up.

CircuitPython lets either the computer (USB) or the program write the flash,
never both.  Normally stretchcue needs it (routines, session log); hold
button A while plugging in or resetting to keep it writable over USB instead,
for copying files by hand.  Button A is BUTTON_A on the CLUE and the Circuit
Playground (where it reads high when pressed) and D9 on the OLED FeatherWing.
"""

import board
import digitalio
import storage

_ACTIVE_HIGH = ("circuitplayground_bluefruit",)

_PIN = getattr(board, "BUTTON_A", None) or getattr(board, "D9", None)

if _PIN is not None:
    high = board.board_id in _ACTIVE_HIGH
    button = digitalio.DigitalInOut(_PIN)
    button.switch_to_input(pull=digitalio.Pull.DOWN if high else digitalio.Pull.UP)
    held = button.value == high
    button.deinit()
    if not held:
        storage.remount("/", readonly=False)
else:
    storage.remount("/", readonly=False)
