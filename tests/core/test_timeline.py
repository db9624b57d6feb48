"""Timeline: exact order, lazily produced, with arithmetic totals that match it."""

from stretchcue import timeline as tl

from samples import lower_back, tiny


def test_order_of_a_two_sided_stretch():
    kinds = [(s[tl.KIND], s[tl.SIDE], s[tl.REP]) for s in tl.iter_steps(tiny())][:12]
    P, M, S, H, R = tl.PREPARE, tl.MOVE_IN, tl.SINK, tl.HOLD, tl.RELEASE
    assert kinds == [(P, 0, 0), (M, 1, 1), (S, 1, 1), (H, 1, 1), (R, 1, 1), (tl.SWITCH, 2, 1),
                     (M, 2, 1), (S, 2, 1), (H, 2, 1), (R, 2, 1), (tl.REST, 0, 1), (M, 1, 2)]


def test_zero_sink_and_no_rating_are_left_out():
    steps = [s for s in tl.iter_steps(tiny()) if s[tl.STRETCH] == 1]
    kinds = [s[tl.KIND] for s in steps]
    assert kinds == [tl.PREPARE, tl.MOVE_IN, tl.HOLD, tl.RELEASE, tl.DONE]


def test_totals_match_the_expansion():
    for r in (tiny(), lower_back()):
        steps = list(tl.iter_steps(r))
        assert tl.total_ms(r) == sum(s[tl.DURATION_MS] for s in steps)
        for st in r.stretches:
            i = r.stretches.index(st)
            assert tl.stretch_ms(r, st) == sum(s[tl.DURATION_MS] for s in steps
                                               if s[tl.STRETCH] == i)
        assert steps[-1][tl.KIND] == tl.DONE


def test_default_routine_shape():
    r = lower_back()
    holds = [s for s in tl.iter_steps(r) if s[tl.KIND] == tl.HOLD]
    assert len(holds) == 4 * (2 + 1 + 2 + 2 + 1)
    assert all(h[tl.DURATION_MS] == 30000 for h in holds)
    assert 25 * 60000 < tl.total_ms(r) < 35 * 60000


def test_steps_from_resumes_mid_way():
    r = tiny()
    full = list(tl.iter_steps(r))
    assert list(tl.steps_from(r, 7)) == full[7:]
