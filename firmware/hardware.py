"""The board's parts as the app sees them, built by ``board_profile.make_hardware()``.

The app never touches ``board``: a profile hands it a display, keys, a motor and
a buzzer, so one app runs on three boards and on the desktop simulator.  Parts
that are missing (no DRV2605 answered, no display) become quiet stand-ins and
a note for the screen, so the rest keeps working.
"""

from __future__ import annotations

try:
    from typing import Any, Callable
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_DRV_ADDR = const(0x5A)
_DRV_STATUS = const(0x00)
_DRV_MODE = const(0x01)
_DRV_RTP = const(0x02)
_DRV_FEEDBACK = const(0x1A)
_DRV_CONTROL3 = const(0x1D)


class NullMotor:
    """No motor fitted or found: cues fall back to the buzzer and the screen."""

    def level(self, percent: int) -> None:
        pass


class PwmMotor:
    """A coin ERM motor switched by a transistor on a PWM pin."""

    def __init__(self, pin: Any) -> None:
        import pwmio

        self._pwm = pwmio.PWMOut(pin, frequency=1000, duty_cycle=0)

    def level(self, percent: int) -> None:
        self._pwm.duty_cycle = percent * 65535 // 100


class Drv2605Motor:
    """A DRV2605(L) haptic driver in real-time playback, so the core's ramps are rendered.

    Real-time playback needs five register writes, in adafruit_drv2605's own
    order (its ERM open-loop set-up); that library and adafruit_bus_device
    under it hold 6-8 KB of heap on CircuitPython for them, a board's budget
    for a whole screen.  No answer at the address raises OSError.
    """

    def __init__(self, i2c: Any) -> None:
        self._i2c = i2c
        self._buf = bytearray(2)
        if (self._read(_DRV_STATUS) >> 5) & 7 not in (3, 7):  # DRV2605, DRV2605L
            raise RuntimeError("not a DRV2605 at 0x5a")
        self._write(_DRV_MODE, 0x00)  # out of standby
        self._write(_DRV_RTP, 0)
        self._write(_DRV_FEEDBACK, self._read(_DRV_FEEDBACK) & 0x7F)  # ERM, not LRA
        self._write(_DRV_CONTROL3, self._read(_DRV_CONTROL3) | 0x20)  # ERM open loop
        self._write(_DRV_MODE, 0x05)  # real-time playback

    def _lock(self) -> None:
        if not self._i2c.try_lock():  # only this loop uses the bus: never held elsewhere
            raise RuntimeError("I2C bus busy")

    def _write(self, reg: int, value: int) -> None:
        buf = self._buf
        buf[0] = reg
        buf[1] = value
        self._lock()
        try:
            self._i2c.writeto(_DRV_ADDR, buf)
        finally:
            self._i2c.unlock()

    def _read(self, reg: int) -> int:
        buf = self._buf
        buf[0] = reg
        self._lock()
        try:
            self._i2c.writeto_then_readfrom(_DRV_ADDR, buf, buf, out_end=1, in_end=1)
        finally:
            self._i2c.unlock()
        return buf[0]

    def level(self, percent: int) -> None:
        self._write(_DRV_RTP, (percent * 127 + 99) // 100)


class Pixels:
    """NeoPixels as one breath light: every pixel the same colour, GRB, at a set brightness.

    Written with the board's ``neopixel_write``: the neopixel library (for
    addressing pixels one by one) is heap this never needs.
    """

    def __init__(self, pin: Any, n: int, brightness_pct: int) -> None:
        import digitalio
        import neopixel_write

        self._out = digitalio.DigitalInOut(pin)
        self._out.direction = digitalio.Direction.OUTPUT
        self._write = neopixel_write.neopixel_write
        self._buf = bytearray(3 * n)
        self._pct = brightness_pct
        self._last = -1

    def fill(self, rgb: tuple) -> None:
        pct = self._pct
        r, g, b = rgb[0] * pct // 100, rgb[1] * pct // 100, rgb[2] * pct // 100
        packed = g << 16 | r << 8 | b
        if packed == self._last:
            return
        self._last = packed
        buf = self._buf
        for i in range(0, len(buf), 3):
            buf[i] = g
            buf[i + 1] = r
            buf[i + 2] = b
        self._write(self._out, buf)


class NullBuzzer:
    def tone(self, hz: int) -> None:
        pass


class PwmBuzzer:
    """A speaker or piezo on a PWM pin; 0 Hz is silence."""

    def __init__(self, pin: Any) -> None:
        import pwmio

        self._pwm = pwmio.PWMOut(pin, frequency=440, duty_cycle=0, variable_frequency=True)

    def tone(self, hz: int) -> None:
        if hz:
            self._pwm.frequency = hz
            self._pwm.duty_cycle = 0x4000
        else:
            self._pwm.duty_cycle = 0


def make_motor(i2c_factory: Callable[[], Any] | None, pin: Any, notes: list,
               own_bus: bool = False) -> Any:
    """A DRV2605 if one answers on I2C, else a PWM motor on ``pin``, else none.

    ``own_bus``: the bus was made only for the DRV2605 (CPB: pads A1/A2), so it
    is released when nothing answers and ``pin`` may be one of its pins.
    A shared bus (the OLED's, the sensors') is left alone.
    """
    if i2c_factory is not None:
        bus = None
        try:
            bus = i2c_factory()
            return Drv2605Motor(bus)
        except (ValueError, RuntimeError, OSError):
            if own_bus and bus is not None:
                bus.deinit()
    if pin is not None:
        try:
            return PwmMotor(pin)
        except (ValueError, RuntimeError) as e:
            notes.append("motor: " + str(e))
    notes.append("no motor found")
    return NullMotor()


def lipo_percent(mv: int) -> int:
    """A LiPo cell's charge from its voltage (mV).  The curve is Zephyr's nRF battery
    sample (samples/boards/nrf/battery, battery.c, Peter Bigot, Apache-2.0), measured on
    an Adafruit 3.7 V 2000 mAh LiPo: 15/16 of the charge between 3.95 and 3.55 V, the
    last 1/16 between 3.55 and 3.10 V."""
    if mv >= 3950:
        return 100
    if mv >= 3550:
        pm = 625 + (mv - 3550) * 9375 // 400  # per ten thousand
    elif mv > 3100:
        pm = (mv - 3100) * 625 // 450
    else:
        return 0
    return (pm + 50) // 100


class Battery:
    """The cell's voltage on an analog pin through a divider (the Feather nRF52840's
    VOLTAGE_MONITOR: 1/2), as a percentage."""

    def __init__(self, pin: Any, divider: int = 2) -> None:
        import analogio

        self._adc = analogio.AnalogIn(pin)
        self._divider = divider

    def percent(self) -> int:
        a = self._adc
        mv = int(a.value * a.reference_voltage * 1000) * self._divider // 65535
        return lipo_percent(mv)


def make_battery(pin: Any) -> Any:
    """A ``Battery`` on ``pin``, or None if the board cannot read it."""
    try:
        return Battery(pin)
    except (ImportError, ValueError, RuntimeError):
        return None


class Hardware:
    """Everything the app drives; ``notes`` lists parts that were missing at start.
    ``wake_pin`` (button A's pin, pressed at ``wake_value``) wakes the board from deep
    sleep; ``battery`` is a ``Battery`` or None where the board cannot tell."""

    def __init__(self, board_name: str, display: Any = None, width: int = 240,
                 height: int = 240, color: bool = True, keys: Any = None,
                 key_names: tuple = ("A", "B"), motor: Any = None, buzzer: Any = None,
                 pixels: Any = None, mute_switch: Any = None, notes: list | None = None,
                 wake_pin: Any = None, wake_value: bool = False, battery: Any = None) -> None:
        self.board_name = board_name
        self.display = display
        self.width = width
        self.height = height
        self.color = color
        self.keys = keys
        self.key_names = key_names
        self.motor = motor or NullMotor()
        self.buzzer = buzzer or NullBuzzer()
        self.pixels = pixels
        self.mute_switch = mute_switch
        self.notes = notes or []
        self.wake_pin = wake_pin
        self.wake_value = wake_value
        self.battery = battery

    @property
    def muted(self) -> bool:
        """True when a slide switch (CPB) asks for silence."""
        return bool(self.mute_switch is not None and not self.mute_switch.value)
