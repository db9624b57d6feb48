"""Stand-ins that run inside MicroPython and CircuitPython's own VM (the board image test).

The CPython simulator (``sim/fakes``) installs Python stand-ins into a
desktop Python; the board image test instead runs the firmware on the real
VMs, which lack a board's C modules.  This package supplies the ones only the
VMs need (``displayio``'s Group and TileGrid, ``busdisplay``, ``terminalio``,
``time`` on a virtual clock, ``hashlib`` in a board's shape, ...) and reuses
``fakes/hw.py``, ``fakes/bleio.py`` and ``world.py`` for everything the
simulator already describes: one description of each board API, not two.
``air`` is what stands behind ``_bleio`` here (on CPython it is bumble).

Every file here is shipped into the VM as it is, so it is written for
MicroPython: no dataclasses, no ``typing`` at run time, no ``types`` module.
``start.main`` is the entry point; ``link`` talks to the driver on the
desktop (tests/boardimage) one line at a time.
"""
