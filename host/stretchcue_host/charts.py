"""PNG charts with matplotlib's Agg backend: no display, same pixels on every machine.

matplotlib is imported inside each function: it takes longer to import than
the rest of the tool, and only ``preview --png`` and ``plot`` need it.
"""

from __future__ import annotations

from pathlib import Path

KIND_COLOURS = {"prepare": "#bbbbbb", "move in": "#8ecae6", "sink": "#219ebc",
                "hold": "#e76f51", "release": "#f4a261", "rest": "#e9e9e9",
                "switch side": "#adb5bd", "rate": "#90be6d"}


class ChartError(Exception):
    """A chart could not be drawn or saved."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ChartError("matplotlib is not installed: pip install 'stretchcue[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out: str | Path) -> Path:
    plt = _pyplot()
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100, bbox_inches="tight")
    except (OSError, ValueError) as e:
        raise ChartError(f"cannot save {path}: {e}") from None
    finally:
        plt.close(fig)
    return path


def timeline_png(plan: dict, out: str | Path) -> Path:
    """One lane per stretch, a coloured bar per step, minutes on the x axis."""
    plt = _pyplot()
    n = len(plan["stretches"])
    fig, ax = plt.subplots(figsize=(12, 1 + 0.5 * n))
    seen = set()
    for s in plan["steps"]:
        label = None if s["kind"] in seen else s["kind"]
        seen.add(s["kind"])
        ax.broken_barh([(s["at_ms"] / 60000, s["duration_ms"] / 60000)],
                       (n - 1 - s["stretch"] - 0.4, 0.8),
                       facecolors=KIND_COLOURS.get(s["kind"], "#777777"), label=label)
    ax.set_yticks(range(n))
    ax.set_yticklabels([st["title"] for st in reversed(plan["stretches"])])
    ax.set_xlabel("minutes")
    ax.set_title(f"{plan['name']}: {plan['total_ms'] / 60000:.1f} min")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=8, frameon=False)
    return _save(fig, out)


def _monday(week: str):
    """``2025-W02`` -> the date of its Monday."""
    import datetime as dt

    year, w = week.split("-W")
    return dt.date.fromisocalendar(int(year), int(w), 1)


def adherence_png(weeks: list, goal: int, out: str | Path, last_day: str | None = None) -> Path:
    """Sessions per week as bars (labelled by each week's Monday), the goal as a line.

    ``weeks`` are the ones to show: the caller passes those up to the last week with
    a session, so old sessions are a chart of when they happened, not of empty weeks."""
    import datetime as dt

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 3.5))
    xs = range(len(weeks))
    counts = [w["sessions"] for w in weeks]
    colours = ["#2a9d8f" if c >= goal else "#e9c46a" for c in counts]
    ax.bar(xs, counts, color=colours)
    ax.axhline(goal, color="#e76f51", linestyle="--", label=f"goal {goal} a week")
    mondays = [_monday(w["week"]) for w in weeks]
    step = max(1, len(weeks) // 12)
    ax.set_xticks(list(xs)[::step])
    ax.set_xticklabels([f"{d:%d %b}" for d in mondays][::step], rotation=45, ha="right")
    ax.set_xlabel("week starting")
    ax.set_ylabel("sessions")
    ax.set_ylim(0, max(counts + [goal]) + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    title = "Sessions per week"
    if mondays:
        end = mondays[-1] + dt.timedelta(days=6)
        title += f", {mondays[0]:%d %b %Y} to {end:%d %b %Y}"
    if last_day:
        title += f" (last session {last_day})"
    ax.set_title(title)
    ax.legend(loc="upper left")
    return _save(fig, out)


WEEKLY_FROM_DAYS = 21  # ratings spanning three weeks or more are drawn as weekly means


def _fit(xs: list, ys: list) -> tuple[float, float]:
    """Least-squares (slope, intercept); a flat line through the mean for one x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
    return slope, my - slope * mx


def tightness_png(trends: list, out: str | Path) -> Path:
    """One small panel per stretch, sharing one date axis and the 0-5 scale.

    Three weeks of ratings or more: each week's mean (dots) and the straight trend
    through every rating (dashed), which read at a glance where daily ratings are
    a jagged line; less: each rating.  The axis spans the ratings with a few days
    either side (at least two weeks), never years around one day."""
    import datetime as dt
    from collections import defaultdict

    import matplotlib.dates as mdates

    plt = _pyplot()
    n = max(1, len(trends))
    fig, axes = plt.subplots(n, 1, figsize=(10, 0.6 + 1.35 * n), sharex=True, squeeze=False)
    all_days = []
    for i, (ax, t) in enumerate(zip(axes[:, 0], trends)):
        colour = f"C{i % 10}"
        pts = [(dt.date.fromisoformat(d), v) for d, v in t["points"]]
        days = [d for d, _ in pts]
        all_days += days
        first = min(days)
        if (max(days) - first).days >= WEEKLY_FROM_DAYS:
            weeks: dict = defaultdict(list)
            for d, v in pts:
                weeks[d - dt.timedelta(days=d.weekday())].append(v)
            mids = [w + dt.timedelta(days=3) for w in sorted(weeks)]
            means = [sum(weeks[w]) / len(weeks[w]) for w in sorted(weeks)]
            ax.plot(mids, means, marker="o", linestyle="-", linewidth=1, color=colour,
                    label="weekly mean")
            slope, icpt = _fit([(d - first).days for d in days], [v for _, v in pts])
            span = (max(days) - first).days
            ax.plot([first, max(days)], [icpt, icpt + slope * span], linestyle="--",
                    color=colour, alpha=0.7, label=f"trend {slope * 30:+.1f}/month")
            ax.legend(loc="upper right", fontsize="x-small", frameon=False, ncol=2)
        else:
            ax.plot(days, [v for _, v in pts], marker="o", linestyle="-" if len(pts) > 1
                    else "", color=colour)
        ax.set_ylim(-0.3, 5.3)
        ax.set_yticks([0, 5])
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(f"{t['stretch']}: {t['first']:.1f} -> {t['latest']:.1f}",
                     fontsize="small", loc="left")
    ax0 = axes[0, 0]
    if all_days:
        lo, hi = min(all_days), max(all_days)
        pad = dt.timedelta(days=max(3, (hi - lo).days // 20))
        lo, hi = lo - pad, hi + pad
        short = dt.timedelta(days=14) - (hi - lo)
        if short.days > 0:
            lo, hi = lo - short / 2, hi + short / 2
        ax0.set_xlim(lo, hi)
        locator = mdates.AutoDateLocator(maxticks=10)
        axes[-1, 0].xaxis.set_major_locator(locator)
        axes[-1, 0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.suptitle("Tightness per stretch (0 loose, 5 very tight)")
    fig.tight_layout()
    return _save(fig, out)


def time_png(rows: list, out: str | Path) -> Path:
    """Minutes under stretch per stretch and side, as horizontal bars."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 1 + 0.35 * max(1, len(rows))))
    labels = [r["stretch"] + (f" ({r['side']})" if r["side"] else "") for r in rows]
    ax.barh(range(len(rows)), [r["held_ms"] / 60000 for r in rows], color="#e76f51")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel("minutes under stretch")
    ax.set_title("Time under stretch")
    return _save(fig, out)
