"""Timeline: exact order, lazily produced, with arithmetic totals that match it."""

from stretchcue import timeline as tl
from stretchcue.codes import Step

from samples import lower_back, tiny


def test_order_of_a_two_sided_stretch():
    kinds = [(s[Step.KIND], s[Step.SIDE], s[Step.REP]) for s in tl.iter_steps(tiny())][:12]
    P, M, S, H, R = Step.PREPARE, Step.MOVE_IN, Step.SINK, Step.HOLD, Step.RELEASE
    assert kinds == [(P, 0, 0), (M, 1, 1), (S, 1, 1), (H, 1, 1), (R, 1, 1), (Step.SWITCH, 2, 1),
                     (M, 2, 1), (S, 2, 1), (H, 2, 1), (R, 2, 1), (Step.REST, 0, 1), (M, 1, 2)]


def test_zero_sink_and_no_rating_are_left_out():
    steps = [s for s in tl.iter_steps(tiny()) if s[Step.STRETCH] == 1]
    kinds = [s[Step.KIND] for s in steps]
    assert kinds == [Step.PREPARE, Step.MOVE_IN, Step.HOLD, Step.RELEASE, Step.DONE]


def test_totals_match_the_expansion():
    for r in (tiny(), lower_back()):
        steps = list(tl.iter_steps(r))
        assert tl.total_ms(r) == sum(s[Step.DURATION_MS] for s in steps)
        for st in r.stretches:
            i = r.stretches.index(st)
            assert tl.stretch_ms(r, st) == sum(s[Step.DURATION_MS] for s in steps
                                               if s[Step.STRETCH] == i)
        assert steps[-1][Step.KIND] == Step.DONE


def test_default_routine_shape():
    r = lower_back()
    holds = [s for s in tl.iter_steps(r) if s[Step.KIND] == Step.HOLD]
    assert len(holds) == 4 * (2 + 1 + 2 + 2 + 1)
    assert all(h[Step.DURATION_MS] == 30000 for h in holds)
    assert 25 * 60000 < tl.total_ms(r) < 35 * 60000


def test_steps_from_resumes_mid_way():
    r = tiny()
    full = list(tl.iter_steps(r))
    assert list(tl.steps_from(r, 7)) == full[7:]
