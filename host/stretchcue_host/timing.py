"""Routine arithmetic only the laptop shows: per-stretch times, time under stretch, steps.

The device needs just the whole session's length (``stretchcue.timeline.total_ms``)
and the steps themselves, so these stay off its heap.  All agree with the lazy
expansion ``stretchcue.timeline.iter_steps`` (tests/host/test_timing.py).
"""

from __future__ import annotations

from stretchcue import timeline as tl


def stretch_ms(routine, index: int) -> int:
    """Planned length of stretch ``index``, rating time included."""
    return tl.stretch_ms(routine, routine.stretches[index])


def hold_ms(routine) -> int:
    """Planned time under stretch (holds only) for the whole session."""
    return sum(st.reps * len(st.side_codes()) * st.hold_s * 1000 for st in routine.stretches)


def step_count(routine) -> int:
    """How many steps ``iter_steps`` yields, DONE included."""
    n = 1
    for st in routine.stretches:
        n_sides = len(st.side_codes())
        per_side = 4 if st.sink_s else 3
        n += 1 + st.reps * n_sides * per_side
        if st.switch_s:
            n += st.reps * (n_sides - 1)
        if st.rest_s:
            n += st.reps - 1
        if st.rate:
            n += 1
    return n
