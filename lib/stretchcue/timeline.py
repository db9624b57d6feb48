"""The ordered steps a routine expands to, produced lazily.

A 60-minute routine is a few hundred steps; the device never needs them all in
RAM, so ``iter_steps`` yields one small tuple at a time and ``total_ms`` is
computed arithmetically.  The same order is used by the engine, the simulator,
the host's preview and the log, so they cannot disagree.  Totals only the
laptop shows (per stretch, under stretch, step count) are in
``stretchcue_host.timing``.
"""

from __future__ import annotations

try:
    from typing import Iterator
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

# Step kinds, private: stretchcue.codes.Step names them for the laptop.
_STEP_PREPARE = const(0)
_STEP_MOVE_IN = const(1)
_STEP_SINK = const(2)
_STEP_HOLD = const(3)
_STEP_RELEASE = const(4)
_STEP_REST = const(5)
_STEP_SWITCH = const(6)
_STEP_RATE = const(7)
_STEP_DONE = const(8)

# Step tuple fields.
_STEP_KIND = const(0)
_STEP_STRETCH = const(1)
_STEP_SIDE = const(2)
_STEP_REP = const(3)
_STEP_DURATION_MS = const(4)


def _stretch_steps(routine, si: int, st) -> Iterator[tuple]:
    yield (_STEP_PREPARE, si, 0, 0, routine.prepare_s * 1000)
    sides = st.side_codes()
    for rep in range(1, st.reps + 1):
        for j, side in enumerate(sides):
            yield (_STEP_MOVE_IN, si, side, rep, st.move_in_s * 1000)
            if st.sink_s:
                yield (_STEP_SINK, si, side, rep, st.sink_s * 1000)
            yield (_STEP_HOLD, si, side, rep, st.hold_s * 1000)
            yield (_STEP_RELEASE, si, side, rep, st.release_s * 1000)
            if j + 1 < len(sides) and st.switch_s:
                yield (_STEP_SWITCH, si, sides[j + 1], rep, st.switch_s * 1000)
        if rep < st.reps and st.rest_s:
            yield (_STEP_REST, si, 0, rep, st.rest_s * 1000)
    if st.rate:
        yield (_STEP_RATE, si, 0, st.reps, routine.rate_timeout_s * 1000)


def iter_steps(routine) -> Iterator[tuple]:
    """Yield ``(kind, stretch_index, side, rep, duration_ms)`` in session order."""
    for si, st in enumerate(routine.stretches):
        yield from _stretch_steps(routine, si, st)
    yield (_STEP_DONE, len(routine.stretches) - 1, 0, 0, 0)


def stretch_ms(routine, st) -> int:
    """Planned length of one stretch (a ``Stretch``), rating time included."""
    n_sides = len(st.side_codes())
    per_side = st.move_in_s + st.sink_s + st.hold_s + st.release_s
    rep_s = n_sides * per_side + (n_sides - 1) * st.switch_s
    total = routine.prepare_s + st.reps * rep_s + (st.reps - 1) * st.rest_s
    if st.rate:
        total += routine.rate_timeout_s
    return total * 1000


def total_ms(routine) -> int:
    """Planned length of the whole session, without pauses or extensions."""
    return sum(stretch_ms(routine, st) for st in routine.stretches)


def steps_from(routine, index: int) -> Iterator[tuple]:
    """Resume expansion at step ``index`` without building the earlier steps' list."""
    it = iter_steps(routine)
    for _ in range(index):
        next(it)
    return it
