"""Button gestures from keypad events and their own timestamps."""

from controls import Controls

from stretchcue_host.sim.fakes import hw


def press(keys, key, down_ms, up_ms):
    keys.inject(key, True, down_ms)
    keys.inject(key, False, up_ms)


def test_short_long_and_both():
    keys = hw.Keys((0, 1), value_when_pressed=False)
    c = Controls(keys, ("A", "B"))
    press(keys, 0, 100, 250)
    press(keys, 1, 1000, 1900)
    assert c.poll() == ["A", "B_long"]
    keys.inject(0, True, 5000)
    keys.inject(1, True, 5030)
    keys.inject(0, False, 5200)
    assert c.poll() == []
    keys.inject(1, False, 5210)
    assert c.poll() == ["AB"]
    press(keys, 1, 6000, 6100)
    assert c.poll() == ["B"]


def test_timestamps_wrap_safely():
    keys = hw.Keys((0, 1), value_when_pressed=False)
    c = Controls(keys, ("A", "B"))
    press(keys, 0, (1 << 29) - 100, 50)
    assert c.poll() == ["A"]
    press(keys, 0, (1 << 29) - 500, 400)
    assert c.poll() == ["A_long"]
