"""The progression rules one at a time, on small hand-built histories (docs/progression.md)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from stretchcue import routine as rt
from stretchcue_host import progression as pg
from stretchcue_host.routines import load

ROOT = Path(__file__).resolve().parents[2]

TODAY = dt.date(2025, 3, 31)
BOTH = (1, 2)


def day(n: int) -> dt.date:
    """``n`` days before TODAY."""
    return TODAY - dt.timedelta(days=n)


def out(ago: int, hold: int = 15, reps: int = 3, sides: tuple = BOTH, rating: int | None = 2,
        cut: tuple = (), done: dict | None = None) -> pg.Outing:
    """An outing ``ago`` days back: every hold done, except one cut short on each side in
    ``cut``, and only ``done[side]`` holds on a side that stopped early."""
    holds = []
    for side in sides:
        n = (done or {}).get(side, reps)
        holds += [(side, side in cut and i == 0) for i in range(n)]
    return pg.Outing(day(ago), 0, hold, reps, sides, tuple(holds), rating)


def plan(hold: int = 15, reps: int = 3, goal_hold: int = 30, goal_reps: int = 4,
         **kw) -> pg.Plan:
    return pg.Plan("Knee to chest", hold, reps, goal_hold, goal_reps, **kw)


def decide(p: pg.Plan, outings: list, allow_long: bool = False) -> pg.Proposal:
    return pg.propose_stretch(p, outings, TODAY, allow_long)


GOOD = [out(12), out(10), out(8)]


def test_no_history_keeps_and_says_so():
    d = decide(plan(), [])
    assert (d.action, d.new_hold_s, d.new_reps) == (pg.KEEP, 15, 3)
    assert "no sessions" in d.reason


def test_not_enough_sessions_keeps_with_the_count():
    d = decide(plan(), GOOD[:2])
    assert d.action == pg.KEEP and "2 of the 3 sessions" in d.reason


def test_three_clean_sessions_with_flat_tightness_lengthen_by_5s():
    d = decide(plan(), GOOD)
    assert (d.action, d.new_hold_s, d.new_reps) == (pg.LONGER, 20, 3)
    assert "every hold done in the last 3 sessions" in d.reason
    assert "tightness steady at 2" in d.reason


def test_falling_tightness_lengthens_rising_by_one_keeps():
    d = decide(plan(), [out(12, rating=3), out(10, rating=3), out(8, rating=2)])
    assert d.action == pg.LONGER and "tightness down from 3 to 2" in d.reason
    d = decide(plan(), [out(12, rating=2), out(10, rating=2), out(8, rating=3)])
    assert d.action == pg.KEEP and "a little tighter" in d.reason and "2 -> 3" in d.reason


def test_only_the_last_three_sessions_count():
    old_bad = [out(20, cut=(1,)), out(18, cut=(2,))]
    assert decide(plan(), old_bad + GOOD).action == pg.LONGER


def test_no_ratings_do_not_block_a_step():
    d = decide(plan(), [out(12, rating=None), out(10, rating=None), out(8, rating=None)])
    assert d.action == pg.LONGER and "not rated" in d.reason


def test_a_step_stops_at_the_goal():
    d = decide(plan(hold=27), [out(a, hold=27) for a in (12, 10, 8)])
    assert d.new_hold_s == 30


def test_never_past_30s_without_allow_long():
    p = plan(hold=30, goal_hold=45, reps=4)
    sessions = [out(a, hold=30, reps=4) for a in (12, 10, 8)]
    d = decide(p, sessions)
    assert d.action == pg.KEEP and "--allow-long" in d.reason and "45 s" in d.reason
    d = decide(p, sessions, allow_long=True)
    assert (d.action, d.new_hold_s) == (pg.LONGER, 35)


def test_allow_long_stops_at_60s():
    p = plan(hold=60, goal_hold=90, reps=4)
    d = decide(p, [out(a, hold=60, reps=4) for a in (12, 10, 8)], allow_long=True)
    assert d.action == pg.KEEP and "longest" in d.reason


def test_reps_grow_only_once_the_hold_is_at_its_goal():
    d = decide(plan(hold=25), [out(a, hold=25) for a in (12, 10, 8)])
    assert (d.new_hold_s, d.new_reps) == (30, 3)
    d = decide(plan(hold=30), [out(a, hold=30) for a in (12, 10, 8)])
    assert (d.action, d.new_hold_s, d.new_reps) == (pg.MORE_REPS, 30, 4)
    assert d.reason.startswith("the hold is at its goal")


def test_reps_grow_when_the_hold_is_as_long_as_allowed():
    d = decide(plan(hold=30, goal_hold=45), [out(a, hold=30) for a in (12, 10, 8)])
    assert (d.action, d.new_reps) == (pg.MORE_REPS, 4)


def test_at_goal_keeps():
    d = decide(plan(hold=30, reps=4), [out(a, hold=30, reps=4) for a in (12, 10, 8)])
    assert d.action == pg.KEEP and "at its goal, 30 s x 4" in d.reason


def test_without_a_goal_the_routine_is_its_own_goal():
    p = plan(hold=30, reps=4, goal_hold=30, goal_reps=4, goal_hold_set=False,
             goal_reps_set=False)
    d = decide(p, [out(a, hold=30, reps=4) for a in (12, 10, 8)])
    assert d.action == pg.KEEP and "sets no goal" in d.reason


def test_one_step_a_week_counted_from_the_first_session_at_the_new_hold():
    history = [out(20), out(19), out(18)] + [out(a, hold=20) for a in (6, 5, 4)]
    d = decide(plan(hold=20), history)
    assert d.action == pg.KEEP and "one change a week" in d.reason
    assert day(6).isoformat() in d.reason and day(-1).isoformat() in d.reason
    history = [out(20), out(19), out(18)] + [out(a, hold=20) for a in (7, 5, 4)]
    assert decide(plan(hold=20), history).action == pg.LONGER


def test_a_plan_not_yet_done_keeps():
    d = decide(plan(hold=20), GOOD)
    assert d.action == pg.KEEP and "no sessions at 20 s x 3 yet" in d.reason


def test_top_rating_in_the_last_session_never_lengthens():
    d = decide(plan(), [out(12, rating=5), out(10, rating=5), out(8, rating=5)])
    assert d.action == pg.KEEP and "rated 5" in d.reason


def test_one_hold_cut_short_keeps_and_warns():
    d = decide(plan(), [out(12), out(10, cut=(1,)), out(8)])
    assert d.action == pg.KEEP and "cut short" in d.reason and "left side" in d.reason


def test_a_session_that_ended_early_keeps():
    d = decide(plan(), [out(12), out(10), out(8, done={2: 1})])
    assert d.action == pg.KEEP and "right side stopped after 1 of 3 reps" in d.reason


def test_holds_cut_short_twice_back_off_5s():
    d = decide(plan(hold=20), [out(12, hold=20, cut=(1,)), out(10, hold=20),
                               out(8, hold=20, cut=(1, 2))])
    assert (d.action, d.new_hold_s, d.new_reps) == (pg.SHORTER, 15, 3)
    assert d.reason == "holds cut short in 2 of the last 3 sessions (both sides)"


def test_tightness_up_by_two_backs_off():
    d = decide(plan(hold=20), [out(12, hold=20, rating=1), out(10, hold=20, rating=2),
                               out(8, hold=20, rating=3)])
    assert d.action == pg.SHORTER and "rose from 1 to 3" in d.reason


def test_backing_off_stops_at_the_routine_minimum():
    d = decide(plan(hold=7), [out(a, hold=7, cut=(1,)) for a in (12, 10, 8)])
    assert d.new_hold_s == 5
    d = decide(plan(hold=5), [out(a, hold=5, cut=(1,)) for a in (12, 10, 8)])
    assert (d.action, d.new_hold_s, d.new_reps) == (pg.FEWER_REPS, 5, 2)
    d = decide(plan(hold=5, reps=1), [out(a, hold=5, reps=1, cut=(1,)) for a in (12, 10)])
    assert d.action == pg.KEEP and "ask a professional" in d.reason


def test_backing_off_waits_a_week_too():
    history = [out(20), out(19), out(18)] + [out(a, hold=20, cut=(1,)) for a in (3, 2)]
    d = decide(plan(hold=20), history)
    assert d.action == pg.KEEP and "shorter from" in d.reason and "skip" in d.reason


def test_stretch_without_sides():
    d = decide(plan(), [out(a, sides=(0,)) for a in (12, 10, 8)])
    assert d.action == pg.LONGER
    d = decide(plan(), [out(a, sides=(0,), cut=(0,)) for a in (12, 10)])
    assert d.action == pg.SHORTER and "(" not in d.reason


# -- a whole routine ---------------------------------------------------------------


STARTER = ROOT / "routines" / "lower-back-starter.toml"


def starter():
    r, _ = load(STARTER)
    text = STARTER.read_text(encoding="utf-8")
    return r, text, tomllib.loads(text)


def test_plans_read_goals_from_defaults_and_stretches():
    r, _, data = starter()
    ps = pg.plans(r, data)
    assert [(p.hold_s, p.reps, p.goal_hold_s, p.goal_reps) for p in ps] == \
        [(15, 3, 30, 4)] * 3 + [(20, 3, 30, 4)] * 2
    lb, _ = load(ROOT / "routines" / "lower-back.toml")
    lbp = pg.plans(lb, tomllib.loads((ROOT / "routines" / "lower-back.toml").read_text()))
    assert all(p.goal_hold_s == 30 and not p.goal_hold_set for p in lbp)


def test_the_bundled_starter_heads_for_the_standard_routine():
    r, _, data = starter()
    lb, _ = load(ROOT / "routines" / "lower-back.toml")
    assert [s.title for s in r.stretches] == [s.title for s in lb.stretches]
    assert all(15 <= s.hold_s <= 20 for s in r.stretches)
    assert {(p.goal_hold_s, p.goal_reps) for p in pg.plans(r, data)} == \
        {(s.hold_s, s.reps) for s in lb.stretches} == {(30, 4)}
    assert "sharp or growing pain means ease off and stop" in STARTER.read_text()


def test_a_routine_never_grows_past_its_60_minutes():
    stretch = {"title": "", "sides": "both", "reps": 10, "hold_s": 25, "goal_hold_s": 30,
               "rest_s": 30}  # 56.5 min; three 5 s longer holds make it 61.5
    data = {"name": "Long", "stretches": [dict(stretch, title=f"s{i}") for i in range(3)]}
    r = rt.from_dict(data)
    ps = pg.plans(r, data)
    good = {f"s{i}": [out(a, hold=25, reps=10) for a in (12, 10, 8)] for i in range(3)}
    props = pg.propose(r, ps, good, TODAY)
    assert pg.fits(r, props)
    kept = [p for p in props if p.action == pg.KEEP]
    assert kept and "more than 60 min" in kept[-1].reason and kept[-1].index == 2
    assert [p.action for p in props[:2]] == [pg.LONGER, pg.LONGER]


def test_rewrite_comments_each_change_and_validates(tmp_path):
    r, text, data = starter()
    outs = {"knee to chest": [out(a) for a in (12, 10, 8)],
            "trunk rotation": [out(a, hold=20, cut=(2,)) for a in (12, 10, 8)]}
    props = pg.propose(r, pg.plans(r, data), outs, TODAY)
    assert [p.action for p in props] == [pg.LONGER, pg.KEEP, pg.KEEP, pg.SHORTER, pg.KEEP]
    new = pg.rewrite(text, data, props, TODAY)
    assert new.startswith("# Proposed by stretchcue progress on 2025-03-31")
    assert "hold_s = 20  # was 15 s (from [defaults]): every hold done" in new
    assert "hold_s = 15  # was 20 s: holds cut short in 3 of the last 3 sessions" in new
    assert "# gentler than the others, so it starts a step ahead" in new  # kept, above
    f = tmp_path / "next.toml"
    f.write_text(new)
    r2, _ = load(f)
    assert [s.hold_s for s in r2.stretches] == [20, 15, 15, 15, 20]
    again = pg.rewrite(new, tomllib.loads(new), props, TODAY)
    assert again.count("# Proposed by") == 1 and again.count("# was 15 s") == 1


def test_rewrite_records_the_goal_it_backs_off_from(tmp_path):
    path = ROOT / "routines" / "lower-back.toml"
    r, _ = load(path)
    text = path.read_text()
    data = tomllib.loads(text)
    outs = {"prayer stretch": [out(a, hold=30, reps=4, sides=(0,), cut=(0,))
                               for a in (12, 10)]}
    props = pg.propose(r, pg.plans(r, data), outs, TODAY)
    assert props[1].action == pg.SHORTER
    new = pg.rewrite(text, data, props, TODAY)
    f = tmp_path / "lb.toml"
    f.write_text(new)
    r2, _ = load(f)
    assert r2.stretches[1].hold_s == 25
    back = pg.plans(r2, tomllib.loads(new))[1]
    assert (back.goal_hold_s, back.goal_hold_set) == (30, True)


def test_rewrite_refuses_stretches_it_cannot_find():
    data = {"name": "x", "stretches": [{"title": "a", "hold_s": 20}]}
    text = 'name = "x"\nstretches = [{title = "a", hold_s = 20}]\n'
    rt.from_dict(data)  # a valid routine, laid out as an inline list
    p = pg.Proposal(0, "a", pg.SHORTER, 20, 4, 15, 4, "why")
    with pytest.raises(pg.ProgressionError):
        pg.rewrite(text, data, [p], TODAY)
