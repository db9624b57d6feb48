"""Pins, digital and PWM I/O, keypad, I2C with a DRV2605, NeoPixels (neopixel_write),
an analog input (the battery's voltage).

One description of these board APIs for every place the firmware runs off a
board: the CPython simulator installs them with ``fakes/modules.py``, and the
board image test ships this very file into MicroPython and CircuitPython's own
VM (``sim/vm/``).  So it keeps to what those VMs have (no dataclasses, no
typing at run time, no ``types``), and the signatures are circuitpython-stubs'
own, keyword-only arguments included, so a call a board would refuse fails here.

Like a board, a pin serves one user at a time: claiming a pin in use raises
``ValueError("... in use")`` until its user calls ``deinit()``.
"""

from __future__ import annotations

from stretchcue_host.sim.world import WORLD


class Pin:
    def __init__(self, name: str) -> None:
        self.name = name
        self.user = None

    def __repr__(self) -> str:
        return "board." + self.name


def _claim(pin, user) -> None:
    """Take ``pin`` for ``user`` as a board does; other pin-like keys (tests) pass."""
    if isinstance(pin, Pin):
        if pin.user is not None and pin.user is not user:
            raise ValueError(repr(pin) + " in use")
        pin.user = user


def _release(pin, user) -> None:
    if isinstance(pin, Pin) and pin.user is user:
        pin.user = None


def release_all(pins) -> None:
    """Every pin free again, as after a reset (between boot.py and code.py)."""
    for pin in pins:
        if isinstance(pin, Pin):
            pin.user = None


class Pull:
    UP = "up"
    DOWN = "down"


class Direction:
    INPUT = "input"
    OUTPUT = "output"


class DriveMode:
    PUSH_PULL = "push_pull"
    OPEN_DRAIN = "open_drain"


class DigitalInOut:
    def __init__(self, pin: Pin) -> None:
        _claim(pin, self)
        self.pin = pin
        self.value = True
        self.direction = Direction.INPUT
        self.pull = None
        self.drive_mode = DriveMode.PUSH_PULL

    def switch_to_input(self, pull=None) -> None:
        self.direction, self.pull = Direction.INPUT, pull
        self.value = pull != Pull.DOWN

    def switch_to_output(self, value: bool = False, drive_mode=DriveMode.PUSH_PULL) -> None:
        self.direction, self.value, self.drive_mode = Direction.OUTPUT, value, drive_mode

    def deinit(self) -> None:
        _release(self.pin, self)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.deinit()


class PWMOut:
    """Records duty and frequency; the pin's role (motor or tone) comes from the board."""

    def __init__(self, pin: Pin, *, duty_cycle: int = 0, frequency: int = 500,
                 variable_frequency: bool = False) -> None:
        _claim(pin, self)
        self.pin = pin
        self.role = WORLD.roles.get(pin.name, pin.name) if isinstance(pin, Pin) else "pwm"
        self._duty = duty_cycle
        self.frequency = frequency

    @property
    def duty_cycle(self) -> int:
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, value: int) -> None:
        if not 0 <= value <= 0xFFFF:
            raise ValueError("duty_cycle must be 0-65535")
        if value == self._duty:
            return
        self._duty = value
        if self.role == "motor":
            WORLD.emit("motor", level=value * 100 // 65535, via="pwm")
        elif self.role == "tone":
            WORLD.emit("tone", hz=self.frequency if value else 0)

    def deinit(self) -> None:
        _release(self.pin, self)


class Event:
    def __init__(self, key_number: int = 0, pressed: bool = True) -> None:
        self.key_number = key_number
        self.pressed = pressed
        self.timestamp = 0

    @property
    def released(self) -> bool:
        return not self.pressed


class EventQueue:
    def __init__(self) -> None:
        self._q: list = []  # (key, pressed, ticks)

    def get_into(self, event: Event) -> bool:
        if not self._q:
            return False
        event.key_number, event.pressed, event.timestamp = self._q.pop(0)
        return True

    def get(self) -> Event | None:
        e = Event()
        return e if self.get_into(e) else None

    def clear(self) -> None:
        self._q = []

    def __len__(self) -> int:
        return len(self._q)


class Keys:
    def __init__(self, pins, *, value_when_pressed: bool, pull: bool = True,
                 interval: float = 0.02, max_events: int = 64,
                 debounce_threshold: int = 1) -> None:
        self.pins = tuple(pins)
        for pin in self.pins:
            _claim(pin, self)
        self.events = EventQueue()
        WORLD.keys = self

    @property
    def key_count(self) -> int:
        return len(self.pins)

    def inject(self, key: int, pressed: bool, ticks: int) -> None:
        if key < len(self.pins):
            self.events._q.append((key, pressed, ticks))
            WORLD.emit("key", key=key, pressed=pressed)

    def deinit(self) -> None:
        for pin in self.pins:
            _release(pin, self)


_DRV_ADDR = 0x5A


class I2C:
    """An I2C bus with (optionally) a DRV2605 that answers like the real chip, and any
    other addresses in ``WORLD.i2c_others`` answering as present (a display)."""

    def __init__(self, scl: Pin, sda: Pin, *, frequency: int = 100000,
                 timeout: int = 255) -> None:
        _claim(scl, self)
        _claim(sda, self)
        self._pins = (scl, sda)
        self.regs = bytearray(256)
        self.regs[0x00] = 0xE0  # status: device id 7 (DRV2605L)
        self._locked = False

    def try_lock(self) -> bool:
        self._locked = True
        return True

    def unlock(self) -> None:
        self._locked = False

    def scan(self) -> list:
        return ([_DRV_ADDR] if WORLD.drv2605 else []) + list(WORLD.i2c_others)

    def probe(self, address: int) -> bool:
        return address in self.scan()

    def _check(self, address: int) -> None:
        if address != _DRV_ADDR or not WORLD.drv2605:
            raise OSError(19, "No such device")

    def writeto(self, address: int, buffer, *, start: int = 0, end: int | None = None) -> None:
        self._check(address)
        data = bytes(buffer[start:end])
        if len(data) >= 2:
            reg, val = data[0], data[1]
            self.regs[reg] = val
            if reg == 0x02 and self.regs[0x01] & 0x07 == 5:
                WORLD.emit("motor", level=round(val * 100 / 127), via="drv2605")

    def readfrom_into(self, address: int, buffer, *, start: int = 0,
                      end: int | None = None) -> None:
        self._check(address)

    def writeto_then_readfrom(self, address: int, out_buf, in_buf, *, out_start: int = 0,
                              out_end: int | None = None, in_start: int = 0,
                              in_end: int | None = None) -> None:
        self._check(address)
        reg = out_buf[out_start]
        n = (in_end if in_end is not None else len(in_buf)) - in_start
        in_buf[in_start:in_start + n] = self.regs[reg:reg + n]

    def deinit(self) -> None:
        for pin in self._pins:
            _release(pin, self)


class SPI:
    def __init__(self, clock: Pin, MOSI: Pin | None = None, MISO: Pin | None = None,  # noqa: N803
                 half_duplex: bool = False) -> None:
        self._pins = (clock, MOSI, MISO)
        for pin in self._pins:
            _claim(pin, self)

    def deinit(self) -> None:
        for pin in self._pins:
            _release(pin, self)


class AnalogIn:
    """An analog pin; on VOLTAGE_MONITOR the battery (``WORLD.battery_mv``, 3.9 V unless
    set) through the Feather's 1/2 divider, over a 3.3 V reference as on an nRF52840."""

    reference_voltage = 3.3

    def __init__(self, pin: Pin) -> None:
        _claim(pin, self)
        self.pin = pin

    @property
    def value(self) -> int:
        mv = getattr(WORLD, "battery_mv", 3900) // 2
        return max(0, min(65535, mv * 65535 // 3300))

    def deinit(self) -> None:
        _release(self.pin, self)


def neopixel_write(digitalinout, buf) -> None:
    """The NeoPixel strip: the first pixel's colour (GRB on the wire) goes into the trace."""
    if len(buf) >= 3:
        WORLD.emit("pixels", color=[buf[1], buf[0], buf[2]])
