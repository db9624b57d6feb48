"""Deep sleep and the wake from it; loaded only for the two moments it is needed.

Deep sleep (``alarm.exit_and_deep_sleep_until_alarms``) powers down all but a
few µA of the board: woken by button A (a ``PinAlarm``) or by the daily
reminder (a ``TimeAlarm``), the board restarts ``code.py`` from the top.  The
nRF52840 loses its wall clock at that restart, so the clock goes to
``alarm.sleep_memory`` before sleeping: a wake by the reminder's alarm sets it
back to the alarm's time (exact), a wake by the button leaves it unset until
the laptop next connects (the time asleep is unknown).  A board without
``alarm`` (or a profile without a wake pin) stays on with its screen off.
"""

from __future__ import annotations

import struct
import time

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_MAGIC = const(0x5C)
_CLOCK_SET_S = const(1_600_000_000)  # stretchcue.remind.CLOCK_SET_S
WOKE_PIN = const(1)
WOKE_TIME = const(2)


def woke() -> int:
    """How this start came about: 0 power-up or reset, WOKE_PIN, WOKE_TIME.  After a wake
    by the time alarm the wall clock is set back from sleep memory if it was lost."""
    try:
        import alarm
    except ImportError:
        return 0
    w = alarm.wake_alarm
    if w is None:
        return 0
    if not isinstance(w, alarm.time.TimeAlarm):
        return WOKE_PIN
    mem = alarm.sleep_memory
    if len(mem) >= 9 and mem[0] == _MAGIC and time.time() < _CLOCK_SET_S:
        wake_utc = struct.unpack("<I", bytes(mem[5:9]))[0]
        if wake_utc:
            import rtc

            rtc.RTC().datetime = time.localtime(wake_utc)
    return WOKE_TIME


def deep_sleep(hw: Any, links: Any, wake_utc: int) -> bool:
    """Sleep until button A or ``wake_utc`` (0: no time alarm).  Returns False if this
    board cannot; on a board that can it never returns."""
    try:
        import alarm
    except ImportError:
        return False
    pin = hw.wake_pin
    if pin is None:
        return False
    now = int(time.time())
    mem = alarm.sleep_memory
    if len(mem) >= 9:
        mem[0:9] = struct.pack("<BII", _MAGIC, now, wake_utc)
    links.close()
    if hw.keys is not None:
        hw.keys.deinit()  # the button's pin goes to the pin alarm
    alarms: list = [alarm.pin.PinAlarm(pin, value=hw.wake_value, pull=True)]
    if wake_utc and now >= _CLOCK_SET_S:
        alarms.append(alarm.time.TimeAlarm(epoch_time=max(wake_utc, now + 1)))
    print("deep sleep", wake_utc - now if wake_utc else -1)
    alarm.exit_and_deep_sleep_until_alarms(*alarms)
    return True
