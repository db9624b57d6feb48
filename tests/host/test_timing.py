"""The laptop's routine totals agree with the core's expansion, step for step."""

from __future__ import annotations

from stretchcue import timeline as tl
from stretchcue.codes import Step
from stretchcue_host import timing

from samples import lower_back, tiny


def test_totals_match_the_expansion(desk_break):
    for r in (tiny(), lower_back(), desk_break):
        steps = list(tl.iter_steps(r))
        assert timing.step_count(r) == len(steps)
        assert timing.hold_ms(r) == sum(s[Step.DURATION_MS] for s in steps
                                        if s[Step.KIND] == Step.HOLD)
        assert sum(timing.stretch_ms(r, i) for i in range(len(r.stretches))) == tl.total_ms(r)
        for i in range(len(r.stretches)):
            assert timing.stretch_ms(r, i) == sum(s[Step.DURATION_MS] for s in steps
                                                  if s[Step.STRETCH] == i)
