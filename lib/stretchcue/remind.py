"""The daily reminder: when it is due, and when to wake for it.  Pure: the caller
passes the wall clock (``utc_s``, Unix time) and keeps the settings.

A reminder is ``[at_min, days, offset_min, fired_day]``: minutes after local
midnight, the weekdays as bits (bit 0 Monday ... bit 6 Sunday), the laptop's
offset from UTC in minutes (boards keep UTC and know no time zone), and the
local day number (days since 1970-01-01) it last fired on, so a reminder that
went unanswered is not repeated that day.  It is due from its minute until
``LATE_S`` after it: a device asleep (or off) through the whole of that is a
missed reminder, not one that buzzes in the evening.
"""

from __future__ import annotations

try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

DAY_S = const(86400)
LATE_S = const(7200)  # due for two hours after its time, then missed for the day
CLOCK_SET_S = const(1_600_000_000)  # below this the RTC was never set (or lost at a reset)
OFF = const(0xFFFF)  # at_min of no reminder
EVERY_DAY = const(0x7F)


def parse(text: str) -> list | None:
    """``"at days offset fired"`` (the device's remind.txt) as a reminder; None if off or
    not four integers in range."""
    parts = text.split()
    if len(parts) != 4:
        return None
    try:
        r = [int(p) for p in parts]
    except ValueError:
        return None
    if not (0 <= r[0] < 1440 and 0 < r[1] <= EVERY_DAY and -1440 < r[2] < 1440):
        return None
    return r


def dump(r: list) -> str:
    return "%d %d %d %d" % (r[0], r[1], r[2], r[3])


def _local(r: list, utc_s: int) -> tuple:
    """(local day number, seconds into it, weekday with Monday 0)."""
    local = utc_s + r[2] * 60
    day = local // DAY_S
    return day, local - day * DAY_S, (day + 3) % 7  # 1970-01-01 was a Thursday


def due(r: list | None, utc_s: int) -> int:
    """The local day number if the reminder should fire now, else -1."""
    if r is None or utc_s < CLOCK_SET_S:
        return -1
    day, into, wd = _local(r, utc_s)
    at = r[0] * 60
    if day != r[3] and r[1] >> wd & 1 and at <= into < at + LATE_S:
        return day
    return -1


def next_utc(r: list | None, utc_s: int) -> int:
    """Unix time of the next moment the reminder is due (``utc_s`` itself if it is due
    now); 0 if there is none or the clock is not set."""
    if r is None or utc_s < CLOCK_SET_S:
        return 0
    day, into, wd = _local(r, utc_s)
    at = r[0] * 60
    for d in range(8):
        if r[1] >> ((wd + d) % 7) & 1 and day + d != r[3]:
            if d == 0 and into >= at + LATE_S:
                continue
            start = (day + d) * DAY_S + at - r[2] * 60
            return start if start > utc_s else utc_s
    return 0
