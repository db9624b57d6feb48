"""Resume after a reset: from the log alone, at the hold after the last one logged."""

from stretchcue import resume
from stretchcue import sessionlog as sl
from stretchcue import timeline as tl
from stretchcue.codes import Rec, Step

from samples import tiny


def _log(*holds, end=False):
    parts = [sl.encode(Rec.START, 1, 0, 1000, 7, 2, "Tiny")]
    for i, (s, side, rep) in enumerate(holds):
        parts.append(sl.encode(Rec.HOLD, i + 2, s, side, rep, 0, 6000, 6000, 0))
    if end:
        parts.append(sl.encode(Rec.END, 99, 0, 0, 0, 0, 0, 0))
    return sl.scan(b"".join(parts))[0]


def test_finished_session_does_not_resume():
    assert resume.unfinished(_log((0, 1, 1), end=True)) == (None, None)


def test_no_hold_yet_restarts_from_the_top():
    start, hold = resume.unfinished(_log())
    assert start.seq == 1 and resume.resume_index(tiny(), hold) == 0


def test_resumes_at_the_move_in_of_the_next_side():
    start, hold = resume.unfinished(_log((0, 1, 1)))
    steps = list(tl.iter_steps(tiny()))
    i = resume.resume_index(tiny(), hold)
    assert steps[i][:4] == (Step.MOVE_IN, 0, 2, 1)


def test_resumes_at_rating_then_next_stretch():
    steps = list(tl.iter_steps(tiny()))
    i = resume.resume_index(tiny(), resume.unfinished(_log((0, 2, 2)))[1])
    assert steps[i][Step.KIND] == Step.RATE
    i = resume.resume_index(tiny(), {"stretch": 1, "side": 0, "rep": 1})
    assert steps[i][Step.KIND] == Step.DONE


def test_unfinished_a_record_at_a_time_keeps_only_two_records():
    u = resume.Unfinished()
    for r in _log((0, 1, 1), (0, 2, 1)):
        u.add(r)
    start, hold = u.result()
    assert start.seq == 1 and (hold["stretch"], hold["side"], hold["rep"]) == (0, 2, 1)
    assert resume.unfinished(iter(_log((0, 1, 1), end=True))) == (None, None)
