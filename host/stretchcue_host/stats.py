"""Numbers worth looking at in the history: adherence, streaks, time held, tightness.

Dates come from the START record's ``epoch_s``, read as the device's wall
clock (boards have no time zone, so the host sets them to local time and the
value is used as-is, never shifted again).  Heavy sums run in SQLite; only
per-week and per-stretch results reach Python, so ten years stay fast.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from stretchcue import routine as rt
from stretchcue_host import sessions as ss
from stretchcue_host.history import History

SPARKS = "▁▂▃▄▅▆▇█"
SIDE_NAMES = ("", "left", "right")


def day_of(epoch_s: int) -> dt.date:
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).date()


def week_of(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def sparkline(values: list[float], low: float | None = None, high: float | None = None) -> str:
    """One character per value, scaled between ``low`` and ``high`` (data range by default)."""
    if not values:
        return ""
    lo = min(values) if low is None else low
    hi = max(values) if high is None else high
    span = (hi - lo) or 1
    return "".join(SPARKS[max(0, min(7, round((v - lo) / span * 7)))] for v in values)


class Catalog:
    """Known routines by CRC, so stretch numbers in the log get their titles back."""

    def __init__(self, history: History) -> None:
        self.by_crc: dict[int, rt.Routine] = {}
        for crc, text in history.routines().items():
            try:
                self.by_crc[crc] = rt.loads(text)
            except rt.RoutineError:
                continue
        self._add_bundled()

    def _add_bundled(self) -> None:
        from stretchcue_host.routines import RoutineFileError, bundled_dir, load
        from stretchcue_host.synth import routine_crc

        for path in sorted(bundled_dir().glob("*.toml")):
            try:
                r, _ = load(path)
            except RoutineFileError:
                continue
            self.by_crc.setdefault(routine_crc(r), r)

    def title(self, crc: int | None, name: str | None, index: int) -> str:
        r = self.by_crc.get(crc) if crc is not None else None
        if r is not None and index < len(r.stretches):
            return r.stretches[index].title
        return f"{name or 'unknown'} #{index + 1}"


def _weeks(first: dt.date, last: dt.date) -> list[str]:
    start = first - dt.timedelta(days=first.weekday())
    out = []
    while start <= last:
        out.append(week_of(start))
        start += dt.timedelta(days=7)
    return out


def _streaks(days: set[dt.date], until: dt.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; today not done yet does not break it."""
    longest = run = 0
    prev = None
    for d in sorted(days):
        run = run + 1 if prev is not None and d - prev == dt.timedelta(days=1) else 1
        longest = max(longest, run)
        prev = d
    current = 0
    d = until if until in days else until - dt.timedelta(days=1)
    while d in days:
        current += 1
        d -= dt.timedelta(days=1)
    return current, longest


def _adherence(sessions: list[dict], goal: int, until: dt.date, recent_weeks: int) -> dict:
    done = [d for d in (day_of(s["epoch_s"]) for s in sessions
                        if s["status"] == ss.DONE and s["epoch_s"] is not None) if d <= until]
    per_week: dict[str, int] = defaultdict(int)
    for d in done:
        per_week[week_of(d)] += 1
    weeks = _weeks(min(done), until) if done else []
    rows = [{"week": w, "sessions": per_week.get(w, 0), "met": per_week.get(w, 0) >= goal}
            for w in weeks]
    full = rows[:-1]  # the current week is not over yet
    met = sum(r["met"] for r in full)
    run = 0
    for r in reversed(rows):
        if not r["met"] and r is not rows[-1]:
            break
        run += r["met"]
    day_now, day_best = _streaks(set(done), until)
    week_best = cur = 0
    for r in rows:
        cur = cur + 1 if r["met"] else 0
        week_best = max(week_best, cur)
    recent = rows[-recent_weeks:]
    # The chart's weeks: those up to the last week with a session, so a month of
    # sessions long ago is that month, not empty weeks since (the text says since when).
    with_data = [i for i, r in enumerate(rows) if r["sessions"]]
    charted = rows[:with_data[-1] + 1][-recent_weeks:] if with_data else []
    return {
        "goal_per_week": goal, "sessions_done": len(done),
        "weeks": len(full), "weeks_met": met,
        "rate": round(met / len(full), 3) if full else None,
        "recent": recent,
        "charted": charted,
        "last_day": max(done).isoformat() if done else None,
        "sparkline": sparkline([r["sessions"] for r in recent], 0, max(goal, 1)),
        "streak_days": day_now, "longest_streak_days": day_best,
        "streak_weeks": run, "longest_streak_weeks": week_best,
    }


def _per_stretch(h: History, cat: Catalog, since: int) -> tuple[list, list]:
    time_rows: dict[tuple, dict] = {}
    rows = h.query(
        "SELECT s.routine_crc, s.name, h.stretch, h.side, sum(h.actual_ms), count(*), "
        "sum(h.skipped), sum(h.extended_ms) FROM holds h JOIN sessions s ON s.id = h.session_id "
        "WHERE coalesce(s.epoch_s, 0) >= ? GROUP BY 1, 2, 3, 4", (since,))
    done: dict[str, list] = defaultdict(lambda: [0, 0, 0])
    for crc, name, si, side, held, n, skipped, ext in rows:
        title = cat.title(crc, name, si)
        key = (title, SIDE_NAMES[side] if side < 3 else "?")
        t = time_rows.setdefault(key, {"stretch": key[0], "side": key[1], "held_ms": 0,
                                       "holds": 0, "extended_ms": 0})
        t["held_ms"] += held
        t["holds"] += n
        t["extended_ms"] += ext
        done[title][0] += n - skipped
        done[title][1] += n
    for crc, n in h.query("SELECT routine_crc, count(*) FROM sessions WHERE "
                          "status != ? AND coalesce(epoch_s, 0) >= ? GROUP BY 1",
                          (ss.PARTIAL, since)):
        r = cat.by_crc.get(crc)
        if r is None:
            continue
        for st in r.stretches:
            done[st.title][2] += n * st.reps * len(st.side_codes())
    completion = []
    for title, (full, logged, planned) in sorted(done.items()):
        planned = max(planned, logged)
        rate = round(full / planned, 3) if planned else None
        completion.append({"stretch": title, "held": full, "logged": logged,
                           "planned": planned, "rate": rate})
    # Most held stretch first, both sides of one stretch together (left, then right).
    per_title: dict[str, int] = defaultdict(int)
    for r in time_rows.values():
        per_title[r["stretch"]] += r["held_ms"]
    order = {name: i for i, name in enumerate(SIDE_NAMES)}
    ordered = sorted(time_rows.values(), key=lambda r: (
        -per_title[r["stretch"]], r["stretch"], order.get(r["side"], 3)))
    return ordered, completion


def _tightness(h: History, cat: Catalog, since: int) -> list[dict]:
    series: dict[str, list] = defaultdict(list)
    for crc, name, epoch, si, rating in h.query(
            "SELECT s.routine_crc, s.name, s.epoch_s, r.stretch, r.rating FROM ratings r "
            "JOIN sessions s ON s.id = r.session_id WHERE s.epoch_s >= ? ORDER BY s.epoch_s",
            (since,)):
        series[cat.title(crc, name, si)].append((epoch, rating))
    out = []
    for title, pts in sorted(series.items()):
        months: dict[str, list] = defaultdict(list)
        for epoch, v in pts:
            months[day_of(epoch).isoformat()[:7]].append(v)
        monthly = [sum(v) / len(v) for _, v in sorted(months.items())][-12:]
        out.append({"stretch": title, "ratings": len(pts),
                    "first": round(_mean([v for _, v in pts[:5]]), 2),
                    "latest": round(_mean([v for _, v in pts[-5:]]), 2),
                    "per_month": round(_slope(pts) * 30 * 86400, 3),
                    "sparkline": sparkline(monthly, 0, 5),
                    "points": [(day_of(e).isoformat(), v) for e, v in pts]})
    return out


def _mean(xs: list) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _slope(pts: list) -> float:
    """Least-squares change in rating per second (0 with fewer than two days)."""
    if len(pts) < 2:
        return 0.0
    mx = _mean([x for x, _ in pts])
    my = _mean([y for _, y in pts])
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else 0.0


def compute(h: History, goal: int = 5, until: dt.date | None = None, since: dt.date | None = None,
            recent_weeks: int = 12) -> dict:
    """Every figure ``stats`` shows, as plain data."""
    until = until or dt.date.today()
    since_s = int(dt.datetime.combine(since, dt.time(), dt.UTC).timestamp()) if since \
        else 0
    cat = Catalog(h)
    sessions = h.sessions(since_s if since else None)
    statuses: dict[str, int] = defaultdict(int)
    for s in sessions:
        statuses[s["status"]] += 1
    time_rows, completion = _per_stretch(h, cat, since_s)
    return {
        "sessions": dict(statuses),
        "adherence": _adherence(sessions, goal, until, recent_weeks),
        "time_under_stretch": time_rows,
        "completion": completion,
        "tightness": _tightness(h, cat, since_s),
    }


def to_json(result: dict) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False)
