"""Bench: expanding a 60-minute routine and ticking the engine, on CPython.

Prints figures; asserts nothing.  The on-device heap figures come from
bench/heap_micropython.py, which measures inside real MicroPython.
"""

from __future__ import annotations

import time
import tracemalloc

from stretchcue import engine as en
from stretchcue import routine, timeline
from stretchcue.codes import Step


def hour_routine() -> routine.Routine:
    """Twelve two-sided stretches sized to land just under the 60-minute cap."""
    stretches = [{"title": f"Stretch {i}", "sides": "both", "reps": 3, "hold_s": 30,
                  "rest_s": 5, "switch_s": 3} for i in range(12)]
    data = {"name": "Hour", "prepare_s": 5, "stretches": stretches}
    while True:
        try:
            return routine.from_dict(data)
        except routine.RoutineError:
            for s in stretches:
                s["hold_s"] -= 1


def main() -> None:
    r = hour_routine()
    n = 200
    t = time.perf_counter()
    for _ in range(n):
        steps = sum(1 for _ in timeline.iter_steps(r))
    expand_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        timeline.total_ms(r)
    total_us = (time.perf_counter() - t) / n * 1e6

    eng = en.Engine(r)
    now = 0
    eng.start(now)
    while eng.step[Step.KIND] != Step.HOLD:
        now += 50
        eng.tick(now)
    now += 1
    eng.tick(now)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    ticks = 0
    for _ in range(20):
        now += 40
        if eng.wait_ms(now) > 0:
            eng.tick(now)
            ticks += 1
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    t = time.perf_counter()
    m = 0
    while not eng.finished:
        m += 1
        now += 100
        eng.tick(now)
    tick_us = (time.perf_counter() - t) / m * 1e6

    print(f"routine: {len(r.stretches)} stretches, {steps} steps, "
          f"{timeline.total_ms(r) / 60000:.1f} min")
    print(f"{'figure':<44}{'value':>12}")
    print(f"{'full lazy expansion (CPython)':<44}{expand_us:>9.0f} us")
    print(f"{'total_ms arithmetic (CPython)':<44}{total_us:>9.1f} us")
    print(f"{'tick() mean over the session, 100 ms steps':<44}{tick_us:>9.2f} us")
    print(f"{'bytes retained over %d quiet hold ticks' % ticks:<44}{after - before:>9d} B")


if __name__ == "__main__":
    main()
