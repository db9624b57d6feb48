"""The daily reminder: due once a day on its weekdays, never late into the day."""

from stretchcue import remind

MON = 1_767_571_200  # 2026-01-05 00:00 UTC, a Monday
DAY = 86400


def r(at="07:30", days=0x1F, offset=0, fired=-1):
    h, m = at.split(":")
    return [int(h) * 60 + int(m), days, offset, fired]


def test_settings_round_trip_and_refuse_junk():
    assert remind.parse(remind.dump([450, 31, 60, 20458])) == [450, 31, 60, 20458]
    for bad in ("", "450 31 60", "1440 31 0 0", "450 0 0 0", "450 128 0 0", "a b c d",
                "450 31 1440 0"):
        assert remind.parse(bad) is None, bad


def test_due_from_its_minute_for_two_hours_on_its_days():
    rem = r()
    assert remind.due(rem, MON + 7 * 3600 + 29 * 60) == -1
    day = MON // DAY
    assert remind.due(rem, MON + 7 * 3600 + 30 * 60) == day
    assert remind.due(rem, MON + 9 * 3600 + 29 * 60) == day
    assert remind.due(rem, MON + 9 * 3600 + 30 * 60) == -1  # missed: not in the evening
    assert remind.due(rem, MON + 5 * DAY + 8 * 3600) == -1  # Saturday: mon-fri only


def test_once_fired_not_again_that_day():
    rem = r(fired=MON // DAY)
    assert remind.due(rem, MON + 8 * 3600) == -1
    assert remind.due(rem, MON + DAY + 8 * 3600) == MON // DAY + 1


def test_local_time_uses_the_laptops_offset():
    rem = r(offset=120)  # UTC+2: 07:30 local is 05:30 UTC
    assert remind.due(rem, MON + 5 * 3600 + 30 * 60) == MON // DAY
    assert remind.next_utc(rem, MON) == MON + 5 * 3600 + 30 * 60


def test_next_wake_skips_fired_days_and_other_weekdays():
    fri = MON + 4 * DAY
    rem = r(fired=fri // DAY)
    assert remind.next_utc(rem, fri + 8 * 3600) == MON + 7 * DAY + 7 * 3600 + 30 * 60
    assert remind.next_utc(r(), MON + 8 * 3600) == MON + 8 * 3600  # due now
    assert remind.next_utc(r(), MON + 10 * 3600) == MON + DAY + 7 * 3600 + 30 * 60


def test_no_clock_no_reminder():
    assert remind.due(r(days=0x7F), 3600) == -1
    assert remind.next_utc(r(), 3600) == 0
    assert remind.next_utc(None, MON) == 0
