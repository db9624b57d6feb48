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

_PREPARE = const(0)
_MOVE_IN = const(1)
_SINK = const(2)
_HOLD = const(3)
_RELEASE = const(4)
_REST = const(5)
_SWITCH = const(6)
_RATE = const(7)
_DONE = const(8)

# Step tuple fields.
_KIND = const(0)
_STRETCH = const(1)
_SIDE = const(2)
_REP = const(3)
_DURATION_MS = const(4)


def _stretch_steps(routine, si: int, st) -> Iterator[tuple]:
    yield (_PREPARE, si, 0, 0, routine.prepare_s * 1000)
    sides = st.side_codes()
    for rep in range(1, st.reps + 1):
        for j, side in enumerate(sides):
            yield (_MOVE_IN, si, side, rep, st.move_in_s * 1000)
            if st.sink_s:
                yield (_SINK, si, side, rep, st.sink_s * 1000)
            yield (_HOLD, si, side, rep, st.hold_s * 1000)
            yield (_RELEASE, si, side, rep, st.release_s * 1000)
            if j + 1 < len(sides) and st.switch_s:
                yield (_SWITCH, si, sides[j + 1], rep, st.switch_s * 1000)
        if rep < st.reps and st.rest_s:
            yield (_REST, si, 0, rep, st.rest_s * 1000)
    if st.rate:
        yield (_RATE, si, 0, st.reps, routine.rate_timeout_s * 1000)


def iter_steps(routine) -> Iterator[tuple]:
    """Yield ``(kind, stretch_index, side, rep, duration_ms)`` in session order."""
    for si, st in enumerate(routine.stretches):
        yield from _stretch_steps(routine, si, st)
    yield (_DONE, len(routine.stretches) - 1, 0, 0, 0)


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
