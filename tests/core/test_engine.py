"""Session engine: absolute deadlines, presses, results, wraparound."""

from stretchcue import engine as en
from stretchcue import timeline as tl

from samples import drive, tiny

WRAP = 1 << 29


def codes(events, code):
    return [e for e in events if e[0] == code]


def test_uninterrupted_session_takes_exactly_the_plan():
    eng = en.Engine(tiny())
    events = drive(eng, step_ms=137)
    done = codes(events, en.SESSION_DONE)
    assert len(done) == 1 and done[0][1] == 0
    assert eng.elapsed_ms(0) == eng.plan_ms == tl.total_ms(tiny())
    assert len(eng.results) == 2 * 2 + 1
    assert all(r[en.HOLD_ACTUAL_MS] == r[en.HOLD_PLANNED_MS] for r in eng.results)
    assert not any(r[en.HOLD_SKIPPED] for r in eng.results)


def test_events_are_stamped_at_their_deadlines_not_when_noticed():
    a = [e[:3] for e in drive(en.Engine(tiny()), step_ms=10)]
    b = [e[:3] for e in drive(en.Engine(tiny()), step_ms=730)]
    assert [e for e in a if e[0] != en.HOLD_END] == [e for e in b if e[0] != en.HOLD_END]


def test_named_events_in_order_for_first_hold():
    ev = [e[0] for e in drive(en.Engine(tiny()))]
    i = ev.index(en.HOLD_START)
    assert ev[:3] == [en.PHASE, en.STRETCH_START, en.SECOND]
    assert en.INHALE in ev[:i] and en.EXHALE in ev[:i]
    j = ev.index(en.HOLD_END)
    assert en.SECOND in ev[i:j] and ev[j + 1] == en.PHASE
    for c in (en.REST, en.SWITCH_SIDE, en.STRETCH_DONE, en.RATE_REQUEST):
        assert c in ev


def test_countdown_seconds_during_hold():
    ev = drive(en.Engine(tiny()))
    i = [e[0] for e in ev].index(en.HOLD_START)
    secs = []
    for e in ev[i + 1:]:
        if e[0] == en.HOLD_END:
            break
        if e[0] == en.SECOND:
            secs.append(e[1])
    assert secs == [5, 4, 3, 2, 1]


def test_breath_pacing_alternates_in_hold():
    d = {"name": "B", "stretches": [{"title": "X", "hold_s": 25, "reps": 1, "rate": False}]}
    from stretchcue import routine

    eng = en.Engine(routine.from_dict(d))
    ev = drive(eng)
    hs = [e[0] for e in ev].index(en.HOLD_START)
    he = [e[0] for e in ev].index(en.HOLD_END)
    breath = [(e[0], e[2] - ev[hs][2]) for e in ev[hs:he] if e[0] in (en.INHALE, en.EXHALE)]
    assert breath == [(en.EXHALE, 4000), (en.INHALE, 10000), (en.EXHALE, 14000),
                      (en.INHALE, 20000), (en.EXHALE, 24000)]


def test_pause_adds_exactly_the_paused_time():
    eng = en.Engine(tiny())
    drive(eng, presses=((8000, en.PAUSE, 0), (20000, en.PAUSE, 0)))
    assert eng.paused_ms == 12000
    assert eng.elapsed_ms(0) == eng.plan_ms + 12000


def test_nothing_happens_while_paused_but_abort():
    eng = en.Engine(tiny())
    eng.start(0)
    eng.press(en.PAUSE, 500)
    assert eng.tick(60000) == [] and eng.wait_ms(60000) == -1
    assert eng.press(en.SKIP, 61000) == []
    assert eng.remaining_ms(61000) == 2500
    ev = eng.press(en.ABORT, 62000)
    assert (en.SESSION_DONE, 1, 62000) in ev and eng.aborted


def test_extend_adds_ten_seconds_capped_at_thirty():
    eng = en.Engine(tiny())
    start = 1000
    eng.start(start)
    t = start
    while eng.step[tl.KIND] != tl.HOLD:
        t += 100
        eng.tick(t)
    got = [e[0] for a in range(4) for e in eng.press(en.EXTEND, t + a)]
    assert got.count(en.EXTENDED) == 3 and got.count(en.EXTEND_LIMIT) == 1
    assert eng.remaining_ms(t + 3) >= 6000 + 30000 - 200
    drive_rest = []
    while not eng.finished:
        t += 100
        drive_rest.extend(eng.tick(t))
    assert eng.results[0][en.HOLD_EXTENDED_MS] == 30000
    assert eng.results[0][en.HOLD_ACTUAL_MS] == 36000
    assert eng.elapsed_ms(0) == eng.plan_ms + 30000


def test_extend_outside_hold_does_nothing():
    eng = en.Engine(tiny())
    eng.start(0)
    assert eng.press(en.EXTEND, 100) == []


def test_skip_hold_records_actual_time_and_keeps_accounting():
    eng = en.Engine(tiny())
    # prepare 3 s, move in 2 s, sink 2 s: first hold starts at 7 s.
    ev = drive(eng, t0=0, presses=((9000, en.SKIP, 0),))
    r = eng.results[0]
    assert r[en.HOLD_SKIPPED] and r[en.HOLD_ACTUAL_MS] == 2000
    assert (en.SKIPPED, tl.HOLD, 9000, 9000) in ev
    assert eng.elapsed_ms(0) == eng.plan_ms - eng.skipped_ms


def test_totals_without_kept_results_match_the_results_kept():
    presses = ((9000, en.SKIP, 0), (20000, en.EXTEND, 0))
    kept = en.Engine(tiny())
    ev = drive(kept, t0=0, presses=presses)
    board = en.Engine(tiny(), False)
    assert [e[:3] for e in drive(board, t0=0, presses=presses)] == [e[:3] for e in ev]
    assert board.results == [] and len(kept.results) == 5
    assert board.held_ms == kept.held_ms == sum(r[en.HOLD_ACTUAL_MS] for r in kept.results)
    assert board.holds_done == kept.holds_done == 4  # one of five skipped


def test_rating_recorded_and_out_of_range_ignored():
    eng = en.Engine(tiny())
    eng.start(0)
    t = 0
    while eng.step[tl.KIND] != tl.RATE:
        t += 100
        eng.tick(t)
    assert eng.press(en.RATE, t, 9) == []
    ev = eng.press(en.RATE, t, 3)
    assert (en.RATING, (0, 3), t) in ev
    assert eng.ratings == [(0, 3)] and eng.step[tl.KIND] == tl.PREPARE


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
    assert eng.step[tl.KIND] == tl.MOVE_IN
    assert eng.breath(3000) == 0 and eng.breath(4000) == 500
    eng.tick(5000)
    assert eng.step[tl.KIND] == tl.SINK
    assert eng.breath(5000) == 1000 and eng.breath(6000) == 500
