"""Property: whatever is pressed and whenever, the session's time adds up exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcue import engine as en
from stretchcue.codes import Action, Hold

from samples import drive, tiny

press = st.tuples(st.integers(0, 120_000),
                  st.sampled_from([Action.PAUSE, Action.SKIP, Action.EXTEND, Action.RATE]),
                  st.integers(-1, 6))


@settings(max_examples=150, deadline=None)
@given(st.lists(press, max_size=12), st.integers(1, 900), st.integers(0, (1 << 29) - 1))
def test_elapsed_is_plan_plus_pauses_plus_extensions_minus_skips(presses, step_ms, t0):
    eng = en.Engine(tiny())
    drive(eng, t0=t0, step_ms=step_ms, presses=presses, limit_ms=10 * 60_000)
    if eng.paused:
        eng.press(Action.PAUSE, 0)
        return
    assert eng.finished
    assert eng.elapsed_ms(0) == eng.plan_ms + eng.paused_ms + eng.extended_ms - eng.skipped_ms
    for r in eng.results:
        assert r[Hold.ACTUAL_MS] <= r[Hold.PLANNED_MS] + r[Hold.EXTENDED_MS]
        assert r[Hold.SKIPPED] or (
            r[Hold.ACTUAL_MS] == r[Hold.PLANNED_MS] + r[Hold.EXTENDED_MS])
    assert all(0 <= v <= Action.RATING_MAX for _, v in eng.ratings)
