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
    """A DRV2605 haptic driver in real-time playback, so the core's ramps are rendered."""

    def __init__(self, i2c: Any) -> None:
        import adafruit_drv2605

        self._drv = adafruit_drv2605.DRV2605(i2c)
        self._drv.use_ERM()
        self._drv.realtime_value = 0
        self._drv.mode = adafruit_drv2605.MODE_REALTIME

    def level(self, percent: int) -> None:
        self._drv.realtime_value = (percent * 127 + 99) // 100


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


class Hardware:
    """Everything the app drives; ``notes`` lists parts that were missing at start."""

    def __init__(self, board_name: str, display: Any = None, width: int = 240,
                 height: int = 240, color: bool = True, keys: Any = None,
                 key_names: tuple = ("A", "B"), motor: Any = None, buzzer: Any = None,
                 pixels: Any = None, mute_switch: Any = None, notes: list | None = None) -> None:
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

    @property
    def muted(self) -> bool:
        """True when a slide switch (CPB) asks for silence."""
        return bool(self.mute_switch is not None and not self.mute_switch.value)
