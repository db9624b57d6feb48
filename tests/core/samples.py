"""Small routines for the core tests (no TOML here: these also run in MicroPython)."""

import json

from stretchcue import routine, routine_check


def tiny_dict(**over):
    d = {
        "name": "Tiny",
        "prepare_s": 3,
        "rate_timeout_s": 5,
        "stretches": [
            {"title": "Knee to chest", "cue": "Hug one knee", "sides": "both", "reps": 2,
             "hold_s": 6, "move_in_s": 2, "sink_s": 2, "release_s": 2, "rest_s": 3,
             "switch_s": 2},
            {"title": "Prayer", "sides": "none", "reps": 1, "hold_s": 5, "move_in_s": 2,
             "sink_s": 0, "release_s": 2, "rate": False},
        ],
    }
    d.update(over)
    return d


def tiny():
    return routine.from_dict(tiny_dict())


LOWER_BACK = {
    "name": "Lower back",
    "stretches": [{"title": "Stretch %d" % i, "sides": s}
                  for i, s in enumerate(("both", "none", "both", "both", "none"))],
}


def lower_back():
    """The default routine's shape (five stretches, 30 s holds, 4 reps)."""
    return routine.from_dict(LOWER_BACK)


def to_json(r):
    """A routine as JSON bytes with every field spelt out, as the laptop sends it (its
    canonical form sorts the keys too; the device reads any JSON)."""
    return json.dumps({
        "format": routine.FORMAT, "name": r.name, "prepare_s": r.prepare_s,
        "rate_timeout_s": r.rate_timeout_s,
        "stretches": [{k: getattr(s, k) for k in routine_check.STRETCH_KEYS} for s in r.stretches],
    }).encode()


def errors_of(data):
    try:
        routine.from_dict(data)
    except routine.RoutineError as e:
        return e.errors
    raise AssertionError("expected RoutineError")


def drive(eng, t0=1000, step_ms=100, presses=(), limit_ms=4 * 3600 * 1000):
    """Tick ``eng`` every ``step_ms`` from ``t0``; ``presses`` is ((at_ms, action, value),).

    Returns every event as (code, value, at) plus the tick time it came out at.
    """
    from adafruit_ticks import ticks_add, ticks_diff

    out = []
    todo = sorted(presses)
    now = t0
    for ev in eng.start(now):
        out.append(ev + (now,))
    rel = 0
    while not eng.finished and rel < limit_ms:
        rel += step_ms
        now = ticks_add(t0, rel)
        while todo and todo[0][0] <= rel:
            at, action, value = todo.pop(0)
            for ev in eng.press(action, ticks_add(t0, at), value):
                out.append(ev + (ticks_add(t0, at),))
        for ev in eng.tick(now):
            assert ticks_diff(now, ev[2]) < step_ms + 1, ev
            out.append(ev + (now,))
    return out
