"""Pins, digital and PWM I/O, keypad, I2C with a DRV2605, NeoPixels."""

from __future__ import annotations

from stretchcue_host.sim.world import WORLD


class Pin:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"board.{self.name}"


class Pull:
    UP = "up"
    DOWN = "down"


class Direction:
    INPUT = "input"
    OUTPUT = "output"


class DigitalInOut:
    def __init__(self, pin: Pin) -> None:
        self.pin = pin
        self.value = True
        self.direction = Direction.INPUT
        self.pull = None

    def switch_to_input(self, pull=None) -> None:
        self.direction, self.pull = Direction.INPUT, pull
        self.value = pull != Pull.DOWN

    def switch_to_output(self, value: bool = False, drive_mode=None) -> None:
        self.direction, self.value = Direction.OUTPUT, value

    def deinit(self) -> None:
        pass


class PWMOut:
    """Records duty and frequency; the pin's role (motor or tone) comes from the board."""

    def __init__(self, pin: Pin, *, duty_cycle: int = 0, frequency: int = 500,
                 variable_frequency: bool = False) -> None:
        self.pin = pin
        self.role = WORLD.roles.get(pin.name, pin.name)
        self._duty = duty_cycle
        self.frequency = frequency

    @property
    def duty_cycle(self) -> int:
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, value: int) -> None:
        if value == self._duty:
            return
        self._duty = value
        if self.role == "motor":
            WORLD.emit("motor", level=value * 100 // 65535, via="pwm")
        elif self.role == "tone":
            WORLD.emit("tone", hz=self.frequency if value else 0)

    def deinit(self) -> None:
        pass


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
        self._q: list[tuple[int, bool, int]] = []

    def get_into(self, event: Event) -> bool:
        if not self._q:
            return False
        event.key_number, event.pressed, event.timestamp = self._q.pop(0)
        return True

    def get(self) -> Event | None:
        e = Event()
        return e if self.get_into(e) else None

    def __len__(self) -> int:
        return len(self._q)


class Keys:
    def __init__(self, pins, *, value_when_pressed: bool, pull: bool = True,
                 interval: float = 0.02, max_events: int = 64) -> None:
        self.pins = tuple(pins)
        self.events = EventQueue()
        WORLD.keys = self

    def inject(self, key: int, pressed: bool, ticks: int) -> None:
        if key < len(self.pins):
            self.events._q.append((key, pressed, ticks))
            WORLD.emit("key", key=key, pressed=pressed)

    def deinit(self) -> None:
        pass


_DRV_ADDR = 0x5A


class I2C:
    """An I2C bus with (optionally) a DRV2605 that answers like the real chip."""

    def __init__(self, *args, **kwargs) -> None:
        self.regs = bytearray(256)
        self.regs[0x00] = 0xE0  # status: device id 7 (DRV2605L)
        self._locked = False

    def try_lock(self) -> bool:
        self._locked = True
        return True

    def unlock(self) -> None:
        self._locked = False

    def scan(self) -> list[int]:
        return [_DRV_ADDR] if WORLD.drv2605 else []

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
        pass


class SPI:
    def __init__(self, *args, **kwargs) -> None:
        pass


class NeoPixel:
    def __init__(self, pin: Pin, n: int, *, brightness: float = 1.0, auto_write: bool = True,
                 **kwargs) -> None:
        self.n = n
        self.brightness = brightness
        self._px = [(0, 0, 0)] * n

    def fill(self, color) -> None:
        color = tuple(color)
        if self._px[0] != color:
            WORLD.emit("pixels", color=list(color))
        self._px = [color] * self.n

    def __setitem__(self, i, color) -> None:
        self._px[i] = tuple(color)

    def __getitem__(self, i):
        return self._px[i]

    def __len__(self) -> int:
        return self.n

    def show(self) -> None:
        pass
