"""Runs once at power-up, before USB starts: the second serial port, and who writes the flash.

USB data port: ``usb_cdc.enable(console=True, data=True)`` adds a second serial
port next to the REPL console; the stretchcue tool speaks its binary protocol
there (``--transport usb``), and pairs there most safely.  It can only be turned
on here, before USB is connected.  All three boards are nRF52840s, whose seven
endpoint pairs fit every default device plus both serial ports.  It is done
first and on its own, so nothing below can keep it off; a build without
``usb_cdc`` simply has no USB link.

Flash: CircuitPython lets either the computer (USB) or the program write it,
never both.  Normally stretchcue needs it (routines, session log); hold button
A while plugging in or resetting to keep it writable over USB instead, for
copying files by hand.  Button A is BUTTON_A on the CLUE and the Circuit
Playground (where it reads high when pressed) and D9 on the OLED FeatherWing.

Data folder: it is /stretchcue-data.  Boards set up before kept it in
/stretchcue, which a board finds before /lib/stretchcue (a folder without
``__init__.py`` is a package there), so the core would not import: such a
folder is renamed here, where the heap costs code.py nothing.
"""

try:
    import usb_cdc

    usb_cdc.enable(console=True, data=True)
except ImportError:
    pass

import os

import board
import digitalio
import storage


def _exists(path: str) -> bool:
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def move_old_data() -> None:
    """Rename a data folder that would hide the core; keep it whole either way."""
    if not _exists("/stretchcue") or _exists("/stretchcue/__init__.py"):
        return
    dest = "/stretchcue.old" if _exists("/stretchcue-data") else "/stretchcue-data"
    try:
        os.rename("/stretchcue", dest)
    except OSError:
        pass


_ACTIVE_HIGH = ("circuitplayground_bluefruit",)

_PIN = getattr(board, "BUTTON_A", None) or getattr(board, "D9", None)

held = False
if _PIN is not None:
    high = board.board_id in _ACTIVE_HIGH
    button = digitalio.DigitalInOut(_PIN)
    button.switch_to_input(pull=digitalio.Pull.DOWN if high else digitalio.Pull.UP)
    held = button.value == high
    button.deinit()
if not held:
    storage.remount("/", readonly=False)
    move_old_data()
