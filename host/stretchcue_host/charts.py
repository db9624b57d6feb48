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


def adherence_png(weeks: list, goal: int, out: str | Path) -> Path:
    """Sessions per week as bars, the weekly goal as a line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 3.5))
    xs = range(len(weeks))
    counts = [w["sessions"] for w in weeks]
    colours = ["#2a9d8f" if c >= goal else "#e9c46a" for c in counts]
    ax.bar(xs, counts, color=colours)
    ax.axhline(goal, color="#e76f51", linestyle="--", label=f"goal {goal}/week")
    step = max(1, len(weeks) // 12)
    ax.set_xticks(list(xs)[::step])
    ax.set_xticklabels([w["week"] for w in weeks][::step], rotation=45, ha="right")
    ax.set_ylabel("sessions")
    ax.set_title("Sessions per week")
    ax.legend()
    return _save(fig, out)


def tightness_png(trends: list, out: str | Path) -> Path:
    """Each stretch's ratings over time (0 = loose, 5 = very tight)."""
    import datetime as dt

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 4))
    for t in trends:
        days = [dt.date.fromisoformat(d) for d, _ in t["points"]]
        ax.plot(days, [v for _, v in t["points"]], marker=".", linewidth=1,
                label=t["stretch"])
    ax.set_ylim(-0.2, 5.2)
    ax.set_ylabel("tightness (0-5)")
    ax.set_title("Tightness per stretch")
    if trends:
        ax.legend(fontsize="small")
    fig.autofmt_xdate()
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
