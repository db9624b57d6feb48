"""``alarm``: deep sleep on the simulated board, and the restart a board makes after it.

``exit_and_deep_sleep_until_alarms`` ends code.py (``DeepSleep``, not an Exception, so
the firmware cannot catch it); ``run`` then lets virtual time pass until a ``PinAlarm``'s
button is pressed or a ``TimeAlarm`` is due, and starts code.py again from the top as a
board does: its modules loaded afresh, every pin free, ``alarm.wake_alarm`` set,
``alarm.sleep_memory`` kept, and the wall clock lost (an nRF52840 restarts its RTC at
2000-01-01).  The trace gets ``deep_sleep`` and ``wake`` lines.  Signatures are
circuitpython-stubs'.
"""

from __future__ import annotations

import sys
import types

from stretchcue_host.sim.world import WORLD

SLEEP_MEMORY = 256  # bytes of alarm.sleep_memory an nRF52840 keeps
Y2000 = 946_684_800  # what an nRF52840's time.time() says after a reset


class DeepSleep(BaseException):
    """code.py asked for deep sleep until one of ``alarms``."""

    def __init__(self, alarms: tuple) -> None:
        super().__init__("deep sleep")
        self.alarms = alarms


class PinAlarm:
    def __init__(self, pin, value: bool, edge: bool = False, pull: bool = False) -> None:
        self.pin = pin
        self.value = value
        self.edge = edge
        self.pull = pull


class TimeAlarm:
    def __init__(self, *, monotonic_time: float | None = None,
                 epoch_time: int | None = None) -> None:
        if (monotonic_time is None) == (epoch_time is None):
            raise ValueError("give one of monotonic_time and epoch_time")
        now_s = WORLD.now_ms / 1000
        if epoch_time is not None:
            monotonic_time = now_s + epoch_time - (WORLD.epoch_base + WORLD.now_ms // 1000)
        if monotonic_time < now_s:
            raise ValueError("Time alarm time is in the past")
        self.monotonic_time = monotonic_time


def exit_and_deep_sleep_until_alarms(*alarms, preserve_dios=()) -> None:
    raise DeepSleep(alarms)


def light_sleep_until_alarms(*alarms):
    raise NotImplementedError("the firmware sleeps with time.sleep between deadlines")


def install() -> types.ModuleType:
    """``alarm``, ``alarm.pin`` and ``alarm.time`` into ``sys.modules``."""
    pin = types.ModuleType("alarm.pin")
    pin.PinAlarm = PinAlarm
    tm = types.ModuleType("alarm.time")
    tm.TimeAlarm = TimeAlarm
    mod = types.ModuleType("alarm")
    mod.__dict__.update(pin=pin, time=tm, sleep_memory=bytearray(SLEEP_MEMORY),
                        wake_alarm=None, light_sleep_until_alarms=light_sleep_until_alarms,
                        exit_and_deep_sleep_until_alarms=exit_and_deep_sleep_until_alarms)
    sys.modules.update({"alarm": mod, "alarm.pin": pin, "alarm.time": tm})
    return mod


def _sleep_until(alarms: tuple):
    """Virtual time until a PinAlarm's button goes down or a TimeAlarm is due; returns the
    alarm that woke the board (SimStop at --until-ms, as for a run awake)."""
    keys = WORLD.keys
    pins = list(getattr(keys, "pins", ()))
    watch = {pins.index(a.pin) for a in alarms if isinstance(a, PinAlarm) and a.pin in pins}
    due_ms = [int(a.monotonic_time * 1000) for a in alarms if isinstance(a, TimeAlarm)]
    due = min(due_ms) if due_ms else None
    WORLD.emit("deep_sleep", until=due)
    if keys is not None:
        keys.events.clear()
    while True:
        target = WORLD.until_ms if due is None else min(due, WORLD.until_ms)
        if WORLD.presses:
            target = min(target, WORLD.presses[0][0])
        step = max(0, target - WORLD.now_ms)
        if WORLD.speed > 0 or WORLD.pump is not None or WORLD._commands:
            step = min(step, 500)  # a live finger: look at the buttons as often as awake
        WORLD.sleep(step / 1000)
        if keys is not None:
            while keys.events._q:
                key, pressed, _ = keys.events._q.pop(0)
                if pressed and key in watch:
                    for a in alarms:
                        if isinstance(a, PinAlarm) and pins.index(a.pin) == key:
                            return a
        if due is not None and WORLD.now_ms >= due:
            return next(a for a in alarms if isinstance(a, TimeAlarm))


def run(code_py) -> None:
    """Run ``code_py()`` as the board runs code.py: again after every deep sleep."""
    from stretchcue_host.sim.fakes import hw

    mod = sys.modules.get("alarm")
    before = set(sys.modules)
    while True:
        try:
            code_py()
            return
        except DeepSleep as e:
            if mod is None:
                raise
            woke = _sleep_until(e.alarms)
        mod.wake_alarm = woke
        for name in list(sys.modules):
            if name not in before:
                del sys.modules[name]
        board = sys.modules.get("board")
        hw.release_all(list(vars(board).values()) if board is not None else [])
        WORLD.epoch_base = Y2000 - WORLD.now_ms // 1000
        WORLD.emit("wake", by="pin" if isinstance(woke, PinAlarm) else "time")
