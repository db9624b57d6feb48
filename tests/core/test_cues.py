"""Cues: every pair can be told apart by feel, and a motor can render every pulse."""

from stretchcue import cues
from stretchcue.codes import Cue, Event, Step


def segments(cue, table=None):
    """(start level, end level, ms) of each segment of a cue's haptic (or tone) pattern."""
    h = (table or cues.HAPTIC)[cue]
    assert len(h) % 3 == 0, cue
    return [(h[i], h[i + 1], h[i + 2] * 10) for i in range(0, len(h), 3)]


def pulse_count(cue):
    return sum(1 for a, b, _ in segments(cue) if a or b)


def test_every_two_cues_differ_by_count_or_300ms():
    n = Cue.COUNT
    assert len(cues.HAPTIC) == len(cues.TONE) == len(cues.PRIORITY) == n
    for a in range(n):
        assert cues.length_ms(a) == sum(ms for _, _, ms in segments(a))
        for b in range(a + 1, n):
            same_count = pulse_count(a) == pulse_count(b)
            close = abs(cues.length_ms(a) - cues.length_ms(b)) < 300
            assert not (same_count and close), (a, b)


def test_pulses_and_gaps_are_long_enough_for_an_erm_motor():
    for c in range(Cue.COUNT):
        segs = segments(c)
        assert segs[0][0] and segs[-1][0], c
        for a, b, ms in segs:
            if a or b:
                assert ms >= 120 and min(a, b) >= Cue.MIN_LEVEL, c
            else:
                assert ms >= 150, c


def test_patterns_are_the_designed_ones():
    """The byte tables spell out the cue design, pulse for pulse and note for note."""
    def pulses(n, on_ms, gap_ms, level=100):
        out = []
        for i in range(n):
            if i:
                out.append((0, 0, gap_ms))
            out.append((level, level, on_ms))
        return out

    assert [segments(c) for c in range(Cue.COUNT)] == [
        [(55, 100, 1000)], [(100, 55, 500), (0, 0, 200), (100, 55, 500)], pulses(3, 150, 150),
        [(100, 100, 1600)], [(100, 100, 150)], pulses(2, 300, 300, 75), pulses(4, 150, 150),
        pulses(2, 600, 300), pulses(3, 400, 200), pulses(3, 300, 200), pulses(5, 200, 150),
        pulses(2, 150, 150), [(100, 100, 500)], pulses(5, 120, 150),
        pulses(3, 250, 150) + [(0, 0, 600)] + pulses(3, 250, 150)]
    tones = [[((a << 8) | b, ms) for a, b, ms in segments(c, cues.TONE)]
             for c in range(Cue.COUNT)]
    assert tones == [
        [(440, 300), (554, 300), (659, 400)], [(659, 500), (0, 200), (440, 500)],
        [(880, 150), (0, 150), (880, 150), (0, 150), (880, 150)], [(523, 800), (392, 800)],
        [(1047, 100)], [(392, 300), (0, 300), (392, 300)],
        [(659, 150), (0, 150), (784, 150), (0, 150), (659, 150), (0, 150), (784, 150)],
        [(523, 600), (0, 300), (659, 600)],
        [(784, 400), (0, 200), (659, 400), (0, 200), (523, 400)],
        [(587, 300), (0, 200), (587, 300), (0, 200), (587, 300)],
        [(523, 200), (0, 150), (659, 200), (0, 150), (784, 200), (0, 150), (1047, 400)],
        [(330, 150), (0, 150), (330, 150)], [(880, 80)], [(220, 120), (0, 150), (220, 120)],
        ([(784, 250), (0, 150), (988, 250), (0, 150), (1175, 250), (0, 600)] * 2)[:-1]]
    assert list(cues.PRIORITY) == [3, 3, 5, 5, 2, 4, 6, 6, 5, 6, 9, 8, 7, 7, 6]


def test_inhale_and_exhale_feel_different():
    assert pulse_count(Cue.INHALE) != pulse_count(Cue.EXHALE)
    up = segments(Cue.INHALE)[0]
    down = segments(Cue.EXHALE)[0]
    assert up[1] > up[0] and down[1] < down[0]


def test_player_levels_follow_the_pattern():
    p = cues.Player()
    p.play(Cue.INHALE, 1000)
    assert p.level(1000) == 55 and p.level(1500) in (77, 78) and p.level(1999) >= 99
    assert p.tone(1000) == 440 and p.tone(1700) == 659
    assert p.level(2000) == 0 and not p.busy(2000)
    p.play(Cue.EXHALE, 0)
    assert p.level(600) == 0 and p.level(700) == 100


def test_weak_strength_never_goes_below_perceptible():
    p = cues.Player(strength=10)
    assert p.strength == 50
    p.play(Cue.HOLD_END, 0)
    assert p.level(10) == Cue.MIN_LEVEL


def test_higher_priority_interrupts_lower_does_not():
    p = cues.Player()
    assert p.play(Cue.LAST3, 0)
    assert p.play(Cue.SESSION_DONE, 50)
    assert not p.play(Cue.INHALE, 100)
    assert p.cue == Cue.SESSION_DONE


def test_next_change_points_at_edges():
    p = cues.Player()
    assert p.next_change_ms(0) == -1
    p.play(Cue.HOLD_START, 0)
    assert p.next_change_ms(0) == 150 and p.next_change_ms(200) == 100
    p.play(Cue.INHALE, 1000)
    assert p.next_change_ms(1000) == 50


def test_every_cue_is_reachable_from_an_event():
    seen = set()
    for code in range(1, Event.STRETCH_START + 1):  # every event code
        for value in (0, 3, 10):
            c = cues.for_event(code, value, Step.HOLD)
            if c >= 0:
                seen.add(c)
    assert seen == set(range(Cue.COUNT)) - {Cue.REMIND}  # the app plays it, not the engine
    assert cues.for_event(Event.SECOND, 10, Step.HOLD) == -1
    assert cues.for_event(Event.SECOND, 2, Step.REST) == -1


def test_each_event_has_its_cue():
    expect = {Event.PHASE: -1, Event.INHALE: Cue.INHALE, Event.EXHALE: Cue.EXHALE,
              Event.HOLD_END: Cue.HOLD_END, Event.REST: Cue.REST,
              Event.SWITCH_SIDE: Cue.SWITCH_SIDE,
              Event.STRETCH_DONE: Cue.STRETCH_DONE, Event.RATE_REQUEST: Cue.RATE,
              Event.RATING: Cue.ACK, Event.SESSION_DONE: Cue.SESSION_DONE, Event.PAUSED: Cue.PAUSED,
              Event.RESUMED: Cue.ACK, Event.EXTENDED: Cue.ACK, Event.EXTEND_LIMIT: Cue.LIMIT,
              Event.SKIPPED: Cue.ACK, Event.HOLD_START: Cue.HOLD_START,
              Event.STRETCH_START: Cue.STRETCH_START}
    for code, cue in expect.items():
        for kind in (Step.HOLD, Step.REST):
            assert cues.for_event(code, 0, kind) == cue, code
    assert cues.for_event(Event.SECOND, 3, Step.HOLD) == Cue.LAST3
    for code in (0, -1, Event.STRETCH_START + 1, 200):
        assert cues.for_event(code, 0, Step.HOLD) == -1
