"""Session engine: absolute deadlines, presses, results, wraparound."""

from stretchcue import engine as en
from stretchcue import timeline as tl
from stretchcue.codes import Action, Event, Hold, Step

from samples import drive, tiny

WRAP = 1 << 29


def codes(events, code):
    return [e for e in events if e[0] == code]


def test_uninterrupted_session_takes_exactly_the_plan():
    eng = en.Engine(tiny())
    events = drive(eng, step_ms=137)
    done = codes(events, Event.SESSION_DONE)
    assert len(done) == 1 and done[0][1] == 0
    assert eng.elapsed_ms(0) == eng.plan_ms == tl.total_ms(tiny())
    assert len(eng.results) == 2 * 2 + 1
    assert all(r[Hold.ACTUAL_MS] == r[Hold.PLANNED_MS] for r in eng.results)
    assert not any(r[Hold.SKIPPED] for r in eng.results)


def test_events_are_stamped_at_their_deadlines_not_when_noticed():
    a = [e[:3] for e in drive(en.Engine(tiny()), step_ms=10)]
    b = [e[:3] for e in drive(en.Engine(tiny()), step_ms=730)]
    assert [e for e in a if e[0] != Event.HOLD_END] == [e for e in b if e[0] != Event.HOLD_END]


def test_named_events_in_order_for_first_hold():
    ev = [e[0] for e in drive(en.Engine(tiny()))]
    i = ev.index(Event.HOLD_START)
    assert ev[:3] == [Event.PHASE, Event.STRETCH_START, Event.SECOND]
    assert Event.INHALE in ev[:i] and Event.EXHALE in ev[:i]
    j = ev.index(Event.HOLD_END)
    assert Event.SECOND in ev[i:j] and ev[j + 1] == Event.PHASE
    for c in (Event.REST, Event.SWITCH_SIDE, Event.STRETCH_DONE, Event.RATE_REQUEST):
        assert c in ev


def test_countdown_seconds_during_hold():
    ev = drive(en.Engine(tiny()))
    i = [e[0] for e in ev].index(Event.HOLD_START)
    secs = []
    for e in ev[i + 1:]:
        if e[0] == Event.HOLD_END:
            break
        if e[0] == Event.SECOND:
            secs.append(e[1])
    assert secs == [5, 4, 3, 2, 1]


def test_breath_pacing_alternates_in_hold():
    d = {"name": "B", "stretches": [{"title": "X", "hold_s": 25, "reps": 1, "rate": False}]}
    from stretchcue import routine

    eng = en.Engine(routine.from_dict(d))
    ev = drive(eng)
    hs = [e[0] for e in ev].index(Event.HOLD_START)
    he = [e[0] for e in ev].index(Event.HOLD_END)
    breath = [(e[0], e[2] - ev[hs][2]) for e in ev[hs:he] if e[0] in (Event.INHALE, Event.EXHALE)]
    assert breath == [(Event.EXHALE, 4000), (Event.INHALE, 10000), (Event.EXHALE, 14000),
                      (Event.INHALE, 20000), (Event.EXHALE, 24000)]


def test_pause_adds_exactly_the_paused_time():
    eng = en.Engine(tiny())
    drive(eng, presses=((8000, Action.PAUSE, 0), (20000, Action.PAUSE, 0)))
    assert eng.paused_ms == 12000
    assert eng.elapsed_ms(0) == eng.plan_ms + 12000


def test_nothing_happens_while_paused_but_abort():
    eng = en.Engine(tiny())
    eng.start(0)
    eng.press(Action.PAUSE, 500)
    assert eng.tick(60000) == [] and eng.wait_ms(60000) == -1
    assert eng.press(Action.SKIP, 61000) == []
    assert eng.remaining_ms(61000) == 2500
    ev = eng.press(Action.ABORT, 62000)
    assert (Event.SESSION_DONE, 1, 62000) in ev and eng.aborted


def test_extend_adds_ten_seconds_capped_at_thirty():
    eng = en.Engine(tiny())
    start = 1000
    eng.start(start)
    t = start
    while eng.step[Step.KIND] != Step.HOLD:
        t += 100
        eng.tick(t)
    got = [e[0] for a in range(4) for e in eng.press(Action.EXTEND, t + a)]
    assert got.count(Event.EXTENDED) == 3 and got.count(Event.EXTEND_LIMIT) == 1
    assert eng.remaining_ms(t + 3) >= 6000 + 30000 - 200
    drive_rest = []
    while not eng.finished:
        t += 100
        drive_rest.extend(eng.tick(t))
    assert eng.results[0][Hold.EXTENDED_MS] == 30000
    assert eng.results[0][Hold.ACTUAL_MS] == 36000
    assert eng.elapsed_ms(0) == eng.plan_ms + 30000


def test_extend_outside_hold_does_nothing():
    eng = en.Engine(tiny())
    eng.start(0)
    assert eng.press(Action.EXTEND, 100) == []


def test_skip_hold_records_actual_time_and_keeps_accounting():
    eng = en.Engine(tiny())
    # prepare 3 s, move in 2 s, sink 2 s: first hold starts at 7 s.
    ev = drive(eng, t0=0, presses=((9000, Action.SKIP, 0),))
    r = eng.results[0]
    assert r[Hold.SKIPPED] and r[Hold.ACTUAL_MS] == 2000
    assert (Event.SKIPPED, Step.HOLD, 9000, 9000) in ev
    assert eng.elapsed_ms(0) == eng.plan_ms - eng.skipped_ms


def test_totals_without_kept_results_match_the_results_kept():
    presses = ((9000, Action.SKIP, 0), (20000, Action.EXTEND, 0))
    kept = en.Engine(tiny())
    ev = drive(kept, t0=0, presses=presses)
    board = en.Engine(tiny(), False)
    assert [e[:3] for e in drive(board, t0=0, presses=presses)] == [e[:3] for e in ev]
    assert board.results == [] and len(kept.results) == 5
    assert board.held_ms == kept.held_ms == sum(r[Hold.ACTUAL_MS] for r in kept.results)
    assert board.holds_done == kept.holds_done == 4  # one of five skipped


def test_rating_recorded_and_out_of_range_ignored():
    eng = en.Engine(tiny())
    eng.start(0)
    t = 0
    while eng.step[Step.KIND] != Step.RATE:
        t += 100
        eng.tick(t)
    assert eng.press(Action.RATE, t, 9) == []
    ev = eng.press(Action.RATE, t, 3)
    assert (Event.RATING, (0, 3), t) in ev
    assert eng.ratings == [(0, 3)] and eng.step[Step.KIND] == Step.PREPARE


def test_ticks_wraparound_is_harmless():
    a = en.Engine(tiny())
    drive(a, t0=WRAP - 9000)
    b = en.Engine(tiny())
    drive(b, t0=5)
    assert a.results == b.results
    assert a.elapsed_ms(0) == b.elapsed_ms(0) == a.plan_ms


def test_wait_ms_never_sleeps_past_an_event():
    eng = en.Engine(tiny())
    now = 0
    eng.start(now)
    while not eng.finished:
        w = eng.wait_ms(now)
        assert w >= 0
        now += max(1, w)
        assert eng.tick(now) or eng.finished, now
    assert eng.elapsed_ms(0) == eng.plan_ms


def test_checkpoint_resume_lands_on_the_same_step():
    a = en.Engine(tiny())
    a.start(0)
    a.tick(12345)
    index, into = a.checkpoint(12345)
    b = en.Engine(tiny())
    b.start(777, index, into)
    assert b.step == a.step and b.remaining_ms(777) == a.remaining_ms(12345)


def test_breath_indicator_grows_on_inhale_and_shrinks_on_exhale():
    eng = en.Engine(tiny())
    eng.start(0)
    eng.tick(3000)
    assert eng.step[Step.KIND] == Step.MOVE_IN
    assert eng.breath(3000) == 0 and eng.breath(4000) == 500
    eng.tick(5000)
    assert eng.step[Step.KIND] == Step.SINK
    assert eng.breath(5000) == 1000 and eng.breath(6000) == 500
