"""Synthetic session logs: the core engine run in virtual time with random presses.

Tests and benchmarks need realistic logs without a board.  The records come
from the same engine results the firmware logs, in the firmware's order
(START, then HOLD per finished hold and RATING per answer, END), so the
history code sees exactly the shapes a device produces.
"""

from __future__ import annotations

import random
from binascii import crc32

from stretchcue import engine as en
from stretchcue import routine as rt
from stretchcue import sessionlog as sl
from stretchcue.codes import Action, Event, Hold, Rec, Step
from stretchcue_host.routine_rules import canonical_json

SECOND_MS = 1000


def routine_crc(r: rt.Routine) -> int:
    """The CRC the device logs for a routine: over its canonical JSON."""
    return crc32(canonical_json(r)) & 0xFFFFFFFF


class Synth:
    """Makes sessions of one routine; ``seq`` carries on across calls, like the device's."""

    def __init__(self, routine: rt.Routine, seed: int = 0, seq: int = 1) -> None:
        self.routine = routine
        self.rng = random.Random(seed)
        self.seq = seq
        self.crc = routine_crc(routine)

    def _rec(self, rtype: int, *values) -> bytes:
        raw = sl.encode(rtype, self.seq, *values)
        self.seq += 1
        return raw

    def _plan(self, code: int, value, now: int, tightness: float, skip_p: float,
              extend_p: float) -> list:
        """Presses a person might make in reaction to an event at ``now``."""
        rng = self.rng
        if code == Event.HOLD_START:
            st = self.routine.stretches[self._eng.step[Step.STRETCH]]
            if rng.random() < extend_p:
                return [(now + st.hold_s * SECOND_MS // 2, Action.EXTEND, 0)]
            if rng.random() < skip_p:
                return [(now + st.hold_s * SECOND_MS // 3, Action.SKIP, 0)]
        elif code == Event.RATE_REQUEST:
            noisy = round(tightness + rng.uniform(-1, 1) - 0.2 * value)
            return [(now + 2 * SECOND_MS, Action.RATE, max(0, min(Action.RATING_MAX, noisy)))]
        return []

    def events(self, tightness: float = 3.0, skip_p: float = 0.05, extend_p: float = 0.05,
               pause_p: float = 0.2, abort_at_ms: int | None = None,
               stop_ms: int | None = None) -> tuple:
        """Drive an engine to the end, reacting to its cues like a person would.

        Returns ``(engine, [(code, value), ...])``; time jumps from deadline to
        deadline, so a session costs a few hundred engine calls.
        """
        rng = self.rng
        eng = self._eng = en.Engine(self.routine)
        pending: list = []
        if rng.random() < pause_p:
            t = rng.randrange(eng.plan_ms)
            back = t + rng.randrange(5, 120) * SECOND_MS
            pending += [(t, Action.PAUSE, 0), (back, Action.PAUSE, 0)]
        if abort_at_ms is not None:
            pending.append((abort_at_ms, Action.ABORT, 0))
        out: list = []
        now = 0
        batch = eng.start(0)
        while True:
            for code, value, _ in batch:
                out.append((code, _copy(value)))
                pending += self._plan(code, value, now, tightness, skip_p, extend_p)
            pending.sort()
            if eng.finished:
                break
            due = now + max(1, eng.remaining_ms(now)) if not eng.paused else None
            if pending and (due is None or pending[0][0] <= due):
                at, action, value = pending.pop(0)
                due = max(now, at)
                if stop_ms is not None and due >= stop_ms:
                    break
                now = due
                batch = eng.press(action, now, value)
                continue
            if due is None or (stop_ms is not None and due >= stop_ms):
                break
            now = due
            batch = eng.tick(now)
        return eng, out

    def session(self, epoch_s: int, tightness: float = 3.0, skip_p: float = 0.05,
                extend_p: float = 0.05, pause_p: float = 0.2, abort_at_ms: int | None = None,
                interrupt_at_ms: int | None = None) -> list:
        """The raw records of one session.

        ``abort_at_ms`` presses abort then (an END with aborted=1);
        ``interrupt_at_ms`` cuts the log there with no END, as a flat battery would.
        """
        r = self.routine
        eng, events = self.events(tightness, skip_p, extend_p, pause_p, abort_at_ms,
                                  interrupt_at_ms)
        out = [self._rec(Rec.START, epoch_s, eng.plan_ms, self.crc, len(r.stretches), r.name)]
        for code, value in events:
            if code == Event.HOLD_END:
                out.append(self._rec(Rec.HOLD, value[Hold.STRETCH], value[Hold.SIDE],
                                     value[Hold.REP], 1 if value[Hold.SKIPPED] else 0,
                                     value[Hold.PLANNED_MS], value[Hold.ACTUAL_MS],
                                     value[Hold.EXTENDED_MS]))
            elif code == Event.RATING:
                out.append(self._rec(Rec.RATING, value[0], value[1]))
        if eng.finished:
            out.append(self._rec(Rec.END, eng.elapsed_ms(eng.ended_at), eng.paused_ms,
                                 eng.extended_ms, eng.skipped_ms, eng.plan_ms,
                                 1 if eng.aborted else 0))
        return out


def _copy(v):
    return list(v) if isinstance(v, list) else v


def daily_log(routine: rt.Routine, days: int, start_epoch_s: int = 1_577_836_800,
              seed: int = 0, miss_p: float = 0.15, variants: int = 0) -> bytes:
    """``days`` of roughly daily sessions (some missed), tightness easing over time.

    With ``variants`` > 0 only that many distinct sessions are simulated and
    then re-stamped with fresh dates and sequence numbers, which keeps a
    ten-year log fast to build for benchmarks.
    """
    syn = Synth(routine, seed)
    rng = random.Random(seed + 1)
    shapes: list = []
    parts = []
    for day in range(days):
        if rng.random() < miss_p:
            continue
        epoch = start_epoch_s + day * 86400 + rng.randrange(6 * 3600, 22 * 3600)
        tight = max(0.5, 4.0 - 3.0 * day / max(1, days))
        if variants and len(shapes) >= variants:
            parts += restamp(rng.choice(shapes), syn, epoch)
            continue
        recs = syn.session(epoch, tightness=tight)
        if variants:
            shapes.append(recs)
        parts += recs
    return b"".join(parts)


def restamp(records: list, syn: Synth, epoch_s: int) -> list:
    """Copies of one session's records with new sequence numbers and start time."""
    out = []
    for raw in records:
        recs, _, _ = sl.scan(raw)
        rec = recs[0]
        values = list(rec.fields().values())
        if rec.rtype == Rec.START:
            values[0] = epoch_s
        out.append(syn._rec(rec.rtype, *values))
    return out
