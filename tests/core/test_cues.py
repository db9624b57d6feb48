"""Cues: every pair can be told apart by feel, and a motor can render every pulse."""

from stretchcue import cues
from stretchcue import engine as en
from stretchcue import timeline as tl


def segments(cue):
    h = cues.HAPTIC[cue]
    return [(h[i], h[i + 1], h[i + 2]) for i in range(0, len(h), 3)]


def test_every_two_cues_differ_by_count_or_300ms():
    n = len(cues.NAMES)
    assert len(cues.HAPTIC) == len(cues.TONE) == len(cues.PRIORITY) == n
    for a in range(n):
        for b in range(a + 1, n):
            same_count = cues.pulse_count(a) == cues.pulse_count(b)
            close = abs(cues.length_ms(a) - cues.length_ms(b)) < 300
            assert not (same_count and close), (cues.NAMES[a], cues.NAMES[b])


def test_pulses_and_gaps_are_long_enough_for_an_erm_motor():
    for c in range(len(cues.NAMES)):
        segs = segments(c)
        assert segs[0][0] and segs[-1][0], cues.NAMES[c]
        for a, b, ms in segs:
            if a or b:
                assert ms >= 120 and min(a, b) >= cues.MIN_LEVEL, cues.NAMES[c]
            else:
                assert ms >= 150, cues.NAMES[c]


def test_inhale_and_exhale_feel_different():
    assert cues.pulse_count(cues.INHALE) != cues.pulse_count(cues.EXHALE)
    up = segments(cues.INHALE)[0]
    down = segments(cues.EXHALE)[0]
    assert up[1] > up[0] and down[1] < down[0]


def test_player_levels_follow_the_pattern():
    p = cues.Player()
    p.play(cues.INHALE, 1000)
    assert p.level(1000) == 55 and p.level(1500) in (77, 78) and p.level(1999) >= 99
    assert p.tone(1000) == 440 and p.tone(1700) == 659
    assert p.level(2000) == 0 and not p.busy(2000)
    p.play(cues.EXHALE, 0)
    assert p.level(600) == 0 and p.level(700) == 100


def test_weak_strength_never_goes_below_perceptible():
    p = cues.Player(strength=10)
    assert p.strength == 50
    p.play(cues.HOLD_END, 0)
    assert p.level(10) == cues.MIN_LEVEL


def test_higher_priority_interrupts_lower_does_not():
    p = cues.Player()
    assert p.play(cues.LAST3, 0)
    assert p.play(cues.SESSION_DONE, 50)
    assert not p.play(cues.INHALE, 100)
    assert p.cue == cues.SESSION_DONE


def test_next_change_points_at_edges():
    p = cues.Player()
    assert p.next_change_ms(0) == -1
    p.play(cues.HOLD_START, 0)
    assert p.next_change_ms(0) == 150 and p.next_change_ms(200) == 100
    p.play(cues.INHALE, 1000)
    assert p.next_change_ms(1000) == 50


def test_every_cue_is_reachable_from_an_event():
    seen = set()
    for code in range(1, len(en.EVENT_NAMES)):
        for value in (0, 3, 10):
            c = cues.for_event(code, value, tl.HOLD)
            if c >= 0:
                seen.add(c)
    assert seen == set(range(len(cues.NAMES)))
    assert cues.for_event(en.SECOND, 10, tl.HOLD) == -1
    assert cues.for_event(en.SECOND, 2, tl.REST) == -1
