"""Progression: the next version of a routine, from how its sessions went.

The rules (docs/progression.md gives each one with its source) are pure functions
over plain values: ``Plan`` (a stretch as the routine has it now, with its goal)
and ``Outing`` (one session's go at one stretch: its planned hold and reps, each
hold done or cut short, the tightness rating).  ``propose_stretch`` decides one
stretch, ``propose`` a whole routine (and keeps it inside the routine limits),
``rewrite`` edits the TOML text with a comment beside each changed value.  Nothing
here reads a clock or the history: ``today`` is passed in and ``outings`` takes an
open history, so the same history and day always give the same proposal.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from stretchcue import routine as rt
from stretchcue import routine_check as rc

STEP_S = 5          # one step of a hold, longer or shorter
WINDOW = 3          # sessions with the stretch that must all go well before a step
WEEK_DAYS = 7       # at most one step per stretch in this many days
PLAIN_MAX_S = 30    # the longest hold proposed without --allow-long (ACSM; Bandy 1997)
LONG_MAX_S = 60     # the longest hold proposed with it (ACSM: 30-60 s for older adults)
RATING_TOP = 5      # the top of the tightness scale: never lengthen a stretch rated so
ROSE_BY = 2         # a rise in tightness this large over the window backs off
MIN_HOLD_S = rc.limits("hold_s")[1]
MIN_REPS = rc.limits("reps")[1]

KEEP = "keep"
LONGER = "longer hold"
MORE_REPS = "one more rep"
SHORTER = "shorter hold"
FEWER_REPS = "one rep fewer"

SIDE_NAMES = ("", "left", "right")


class ProgressionError(Exception):
    """The proposal could not be written (a routine file laid out in a way not handled)."""


@dataclass(frozen=True)
class Plan:
    """A stretch as the routine has it now, and where it is heading."""

    title: str
    hold_s: int
    reps: int
    goal_hold_s: int
    goal_reps: int
    goal_hold_set: bool = True   # False: no goal in the file, the goal is the stretch's own
    goal_reps_set: bool = True


@dataclass(frozen=True)
class Outing:
    """One session's go at one stretch.

    ``holds`` lists ``(side, skipped)`` for every hold logged; ``sides`` the side
    codes the routine planned (``(0,)`` for a stretch without sides); ``order``
    breaks ties between sessions on one day.
    """

    day: dt.date
    order: int
    hold_s: int
    reps: int
    sides: tuple
    holds: tuple
    rating: int | None = None

    def cut_short(self) -> list[int]:
        """Sides with a hold cut short (skipped)."""
        return sorted({side for side, skipped in self.holds if skipped})

    def unfinished(self) -> list[tuple[int, int]]:
        """``(side, holds logged)`` for each side with fewer holds than the reps planned."""
        out = []
        for side in self.sides:
            n = sum(1 for s, _ in self.holds if s == side)
            if n < self.reps:
                out.append((side, n))
        return out

    def complete(self) -> bool:
        return not self.cut_short() and not self.unfinished()


@dataclass(frozen=True)
class Proposal:
    """What to do with one stretch, and the one line that says why."""

    index: int
    title: str
    action: str
    hold_s: int
    reps: int
    new_hold_s: int
    new_reps: int
    reason: str
    window: tuple = field(default=(), compare=False)  # the outings the rules looked at

    @property
    def changed(self) -> bool:
        return (self.hold_s, self.reps) != (self.new_hold_s, self.new_reps)

    def as_dict(self) -> dict:
        return {"stretch": self.title, "action": self.action, "hold_s": self.hold_s,
                "reps": self.reps, "new_hold_s": self.new_hold_s, "new_reps": self.new_reps,
                "reason": self.reason, "sessions": [_outing_dict(o) for o in self.window]}


def _outing_dict(o: Outing) -> dict:
    sides = {}
    for side in o.sides:
        hs = [skipped for s, skipped in o.holds if s == side]
        sides[SIDE_NAMES[side] or "-"] = {"holds": len(hs), "cut_short": sum(hs),
                                          "planned": o.reps}
    return {"date": o.day.isoformat(), "hold_s": o.hold_s, "reps": o.reps,
            "rating": o.rating, "sides": sides}


def shape(hold_s: int, reps: int) -> str:
    return f"{hold_s} s x {reps}"


def _sides(sides: list[int]) -> str:
    names = [SIDE_NAMES[s] for s in sides if 0 < s < 3]
    if not names:
        return ""
    return "both sides" if len(names) == 2 else names[0] + " side"


def _on(day: dt.date) -> str:
    return day.isoformat()


def _keep(i: int, plan: Plan, reason: str, window: tuple = ()) -> Proposal:
    return Proposal(i, plan.title, KEEP, plan.hold_s, plan.reps, plan.hold_s, plan.reps,
                    reason, window)


def hold_target(plan: Plan, allow_long: bool) -> int:
    """The longest hold the rules may lead this stretch to: its goal, but not past 30 s
    (60 s with ``allow_long``), and never below what it already is."""
    cap = LONG_MAX_S if allow_long else PLAIN_MAX_S
    return max(plan.hold_s, min(plan.goal_hold_s, cap))


def propose_stretch(plan: Plan, outings: list[Outing], today: dt.date,
                    allow_long: bool = False, index: int = 0) -> Proposal:
    """The rules for one stretch; see docs/progression.md.

    Only the latest run of sessions at the plan's own hold and reps counts (the
    evidence for 20 s is sessions at 20 s), and of those the last ``WINDOW``.
    """
    outs = sorted(outings, key=lambda o: (o.day, o.order))
    if not outs:
        return _keep(index, plan, "no sessions with this stretch yet")
    last = outs[-1]
    now = (plan.hold_s, plan.reps)
    if (last.hold_s, last.reps) != now:
        return _keep(index, plan, f"no sessions at {shape(*now)} yet (the last one, on "
                     f"{_on(last.day)}, was {shape(last.hold_s, last.reps)})")
    run = []
    for o in reversed(outs):
        if (o.hold_s, o.reps) != now:
            break
        run.insert(0, o)
    step_day = run[0].day if len(run) < len(outs) else None
    waiting = step_day is not None and (today - step_day).days < WEEK_DAYS
    after = _on(step_day + dt.timedelta(days=WEEK_DAYS)) if step_day else ""
    window = tuple(run[-WINDOW:])
    n = len(window)
    cut = [o for o in window if o.cut_short()]
    rated = [o for o in window if o.rating is not None]
    rise = rated[-1].rating - rated[0].rating if len(rated) >= 2 else 0

    # Backing off: holds cut short again and again, or tightness clearly up.
    why = ""
    if len(cut) >= 2:
        sides = _sides(sorted({s for o in cut for s in o.cut_short()}))
        why = (f"holds cut short in {len(cut)} of the last {n} sessions"
               + (f" ({sides})" if sides else ""))
    elif rise >= ROSE_BY:
        why = (f"tightness rose from {rated[0].rating} to {rated[-1].rating} over the last "
               f"{n} sessions")
    if why:
        if waiting:
            return _keep(index, plan, f"{why}, but it changed on {_on(step_day)} and one "
                         f"change a week is enough: shorter from {after}; until then skip "
                         "any hold that is too much", window)
        if plan.hold_s > MIN_HOLD_S:
            new = max(MIN_HOLD_S, plan.hold_s - STEP_S)
            return Proposal(index, plan.title, SHORTER, plan.hold_s, plan.reps, new,
                            plan.reps, why, window)
        if plan.reps > MIN_REPS:
            return Proposal(index, plan.title, FEWER_REPS, plan.hold_s, plan.reps,
                            plan.hold_s, plan.reps - 1, why, window)
        return _keep(index, plan, f"{why}, and it is already as gentle as a routine goes: "
                     "if it still hurts, stop it and ask a professional", window)

    # Moving toward the goal: the hold first, then the reps.
    target = hold_target(plan, allow_long)
    if plan.hold_s >= target and plan.reps >= plan.goal_reps:
        if plan.hold_s < plan.goal_hold_s:
            if allow_long:
                return _keep(index, plan, f"at {plan.hold_s} s, the longest progression "
                             f"proposes; the goal of {plan.goal_hold_s} s is your call")
            return _keep(index, plan, f"at {plan.hold_s} s: 30 s is as long as most adults "
                         f"need; --allow-long goes on toward the goal of {plan.goal_hold_s} s")
        if not (plan.goal_hold_set or plan.goal_reps_set):
            return _keep(index, plan, "as the routine has it, and it sets no goal "
                         "(goal_hold_s, goal_reps) to move toward")
        return _keep(index, plan, f"at its goal, {shape(plan.goal_hold_s, plan.goal_reps)}")
    for o in reversed(window):
        if o.cut_short():
            sides = _sides(o.cut_short())
            return _keep(index, plan, f"a hold cut short on {_on(o.day)}"
                         + (f" ({sides})" if sides else "")
                         + "; one more session like that and it gets shorter", window)
        if o.unfinished():
            side, done = o.unfinished()[0]
            where = f"the {SIDE_NAMES[side]} side" if side else "it"
            return _keep(index, plan, f"on {_on(o.day)} {where} stopped after {done} of "
                         f"{o.reps} reps (the session ended early)", window)
    if n < WINDOW:
        return _keep(index, plan, f"{n} of the {WINDOW} sessions needed at {shape(*now)} "
                     "so far", window)
    if rated and rated[-1].rating >= RATING_TOP:
        return _keep(index, plan, f"rated {rated[-1].rating} (very tight) on "
                     f"{_on(rated[-1].day)}: no longer until it eases", window)
    if rise > 0:
        return _keep(index, plan, f"a little tighter lately ({rated[0].rating} -> "
                     f"{rated[-1].rating}): the same until it settles", window)
    if waiting:
        return _keep(index, plan, f"ready, but it changed on {_on(step_day)}; one change "
                     f"a week, so from {after}", window)
    span = f"{_on(window[0].day)} to {_on(window[-1].day)}"
    if len(rated) < 2:
        tight = "tightness not rated"
    elif rise == 0:
        tight = f"tightness steady at {rated[-1].rating}"
    else:
        tight = f"tightness down from {rated[0].rating} to {rated[-1].rating}"
    why = f"every hold done in the last {n} sessions ({span}), {tight}"
    if plan.hold_s < target:
        new = min(target, plan.hold_s + STEP_S)
        return Proposal(index, plan.title, LONGER, plan.hold_s, plan.reps, new, plan.reps,
                        why, window)
    return Proposal(index, plan.title, MORE_REPS, plan.hold_s, plan.reps, plan.hold_s,
                    plan.reps + 1, f"the hold is at its goal and {why[0].lower()}{why[1:]}",
                    window)


def plans(routine: rt.Routine, data: dict) -> list[Plan]:
    """Each stretch of a checked routine with its goal (``data``: the file's fields)."""
    defaults = data.get("defaults") or {}
    out = []
    for s, raw in zip(routine.stretches, data.get("stretches") or []):
        gh = raw.get("goal_hold_s", defaults.get("goal_hold_s"))
        gr = raw.get("goal_reps", defaults.get("goal_reps"))
        out.append(Plan(s.title, s.hold_s, s.reps,
                        s.hold_s if gh is None else int(gh), s.reps if gr is None else int(gr),
                        gh is not None, gr is not None))
    return out


def _fold(title: str) -> str:
    return title.casefold()


def propose(routine: rt.Routine, stretch_plans: list[Plan], outings: dict,
            today: dt.date, allow_long: bool = False) -> list[Proposal]:
    """A proposal per stretch (``outings``: casefolded title -> [Outing]).

    Each stretch is decided alone; then, if the longer holds together would take
    the routine past its 60 minutes, the last ones are kept as they are until it fits.
    """
    out = [propose_stretch(p, outings.get(_fold(p.title), []), today, allow_long, i)
           for i, p in enumerate(stretch_plans)]
    while not fits(routine, out):
        grown = [p for p in out if p.action in (LONGER, MORE_REPS)]
        if not grown:
            break
        p = grown[-1]
        out[p.index] = Proposal(p.index, p.title, KEEP, p.hold_s, p.reps, p.hold_s, p.reps,
                                f"ready for {shape(p.new_hold_s, p.new_reps)}, but the "
                                f"routine would last more than {rt.MAX_TOTAL_S // 60} min",
                                p.window)
    return out


def apply(routine: rt.Routine, proposals: list[Proposal]) -> dict:
    """The routine's fields with the proposals applied (canonical form, for checking)."""
    from stretchcue_host.routine_rules import routine_dict

    data = routine_dict(routine)
    for p in proposals:
        data["stretches"][p.index]["hold_s"] = p.new_hold_s
        data["stretches"][p.index]["reps"] = p.new_reps
    return data


def fits(routine: rt.Routine, proposals: list[Proposal]) -> bool:
    """Whether the routine with these proposals still passes every check."""
    try:
        rt.from_dict(apply(routine, proposals))
    except rt.RoutineError:
        return False
    return True


# -- from the history ------------------------------------------------------------


def outings(history, routine: rt.Routine) -> dict[str, list[Outing]]:
    """Every dated session of this routine (by its name) as outings per stretch title.

    A session's stretches get their titles and planned reps from the routine
    version it ran (known by its CRC: bundled, pushed or written by ``progress``);
    a session of an unknown version with as many stretches as this routine is
    read with this routine's titles.  Sessions without a date (the device clock was
    never set) cannot be placed in a week and are left out.
    """
    from stretchcue_host.stats import Catalog, day_of

    cat = Catalog(history)
    sessions = [s for s in history.sessions() if s["name"] == routine.name and s["epoch_s"]]
    ids = [s["id"] for s in sessions]
    holds, ratings = history.holds(ids), history.ratings(ids)
    out: dict[str, list[Outing]] = {}
    for order, s in enumerate(sessions):
        version = cat.by_crc.get(s["routine_crc"])
        if version is None or version.name != routine.name:
            if s["stretches"] != len(routine.stretches):
                continue
            version = routine
        by_stretch: dict[int, list] = {}
        for h in holds[s["id"]]:
            by_stretch.setdefault(h["stretch"], []).append(h)
        rated = {r["stretch"]: r["rating"] for r in ratings[s["id"]]}
        for si, hs in sorted(by_stretch.items()):
            if si >= len(version.stretches):
                continue
            st = version.stretches[si]
            hold_s = round(max(h["planned_ms"] for h in hs) / 1000)
            out.setdefault(_fold(st.title), []).append(Outing(
                day_of(s["epoch_s"]), order, hold_s, st.reps, st.side_codes(),
                tuple((h["side"], bool(h["skipped"])) for h in hs), rated.get(si)))
    return out


# -- writing the new version -----------------------------------------------------

_HEADER = "# Proposed by stretchcue progress"
_TABLE = re.compile(r"\s*\[")


def _set_line(line: str, key: str, value: int, comment: str) -> list[str]:
    """The line with its new value and comment; a comment of the person's own (not an
    earlier ``# was``) moves to a line of its own above it."""
    m = re.match(rf"(\s*{key}\s*=\s*)[^#]*?\s*(#\s*(.*))?$", line)
    if not m:
        return [line]
    own = m.group(3) or ""
    above = [f"# {own}"] if own and not own.startswith("was ") else []
    return above + [f"{m.group(1)}{value}  # {comment}"]


def rewrite(text: str, data: dict, proposals: list[Proposal], today: dt.date) -> str:
    """The routine file's text with every change made and commented (``# was 15 s:
    why``).  A value the stretch took from ``[defaults]`` is set in the stretch
    itself; a stretch that backs off without a goal gets its old value as its goal,
    so later steps lead back to it.  Raises ProgressionError when the file's
    stretches are not ``[[stretches]]`` tables."""
    lines = text.splitlines()
    heads = [i for i, ln in enumerate(lines) if ln.strip().startswith("[[stretches]]")]
    changed = [p for p in proposals if p.changed]
    if changed and len(heads) != len(data.get("stretches") or []):
        raise ProgressionError("the stretches are not written as [[stretches]] tables; "
                               "make the changes by hand")
    defaults = data.get("defaults") or {}
    for p in sorted(changed, key=lambda p: -p.index):
        raw = data["stretches"][p.index]
        start = heads[p.index]
        stop = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])),
                    len(lines))
        while stop > start + 1 and not re.match(r"\s*[\w\"-]+\s*=", lines[stop - 1]):
            stop -= 1  # after the stretch's last field, before blank lines and comments
        edits = []
        for key, old, new, unit in (("hold_s", p.hold_s, p.new_hold_s, " s"),
                                    ("reps", p.reps, p.new_reps, " reps")):
            if old == new:
                continue
            where = "" if key in raw else " (from [defaults])"
            edits.append((key, new, f"was {old}{unit}{where}: {p.reason}"))
            goal = "goal_" + key
            if new < old and goal not in raw and goal not in defaults:
                edits.append((goal, old, f"back up to {old}{unit} when it is comfortable again"))
        for key, value, comment in edits:
            for i in range(start + 1, stop):
                if re.match(rf"\s*{key}\s*=", lines[i]):
                    new_lines = _set_line(lines[i], key, value, comment)
                    lines[i:i + 1] = new_lines
                    stop += len(new_lines) - 1
                    break
            else:
                lines.insert(stop, f"{key} = {value}  # {comment}")
                stop += 1
    lines = [ln for ln in lines if not ln.startswith(_HEADER)]
    lines.insert(0, f"{_HEADER} on {_on(today)}: " + (
        "each changed value says why." if changed else "nothing to change yet."))
    return "\n".join(lines) + "\n"
