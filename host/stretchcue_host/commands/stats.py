"""``stats`` and ``plot``: what the history says about the habit and the muscles."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import (
    EXIT_BAD_INPUT,
    fail,
    open_history,
    parse_date,
    plural,
)


def _compute(goal: int | None, since: str | None, until: str | None, weeks: int) -> dict:
    from stretchcue_host import stats as st
    from stretchcue_host.commands.common import settings
    from stretchcue_host.history import HistoryError

    if goal is not None and not 1 <= goal <= 21:
        fail(f"--goal must be between 1 and 21, got {goal}", EXIT_BAD_INPUT)
    goal = goal or settings()["weekly_goal"]
    since_d, until_d = parse_date(since, "--since"), parse_date(until, "--until")
    h = open_history(read_only=True)
    try:
        with h:
            return st.compute(h, goal, until_d, since_d, weeks)
    except HistoryError as e:
        fail(str(e))


_COMMON = [
    click.option("--goal", type=int, default=None,
                 help="Sessions per week to aim for (default: config weekly_goal, 5)."),
    click.option("--since", default=None, metavar="DATE", help="Only sessions from DATE on."),
    click.option("--until", default=None, metavar="DATE", help="Count up to DATE (default today)."),
    click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 520),
                 help="Recent weeks to show."),
]


def _common(f):
    for opt in reversed(_COMMON):
        f = opt(f)
    return f


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


@click.command()
@_common
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
def stats(goal: int | None, since: str | None, until: str | None, weeks: int,
          as_json: bool) -> None:
    """Adherence against your weekly goal, streaks, time under stretch per stretch and
    side, completion of planned holds, and tightness trends with sparklines.

    \b
    Examples:
      stretchcue stats
      stretchcue stats --goal 3 --since 2025-01-01
      stretchcue --json stats
    """
    from stretchcue_host import stats as st
    from stretchcue_host.context import wants_json

    result = _compute(goal, since, until, weeks)
    if wants_json(as_json):
        click.echo(st.to_json(result))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    a = result["adherence"]
    if not a["sessions_done"] and not result["sessions"]:
        console.print("no sessions yet: pull the device log, or `stretchcue import-log log.bin`")
        return
    met = (f"met it {a['weeks_met']} of {plural(a['weeks'], 'full week')} "
           f"({_pct(a['rate'])})" if a["weeks"] else "no full week yet")
    console.print(f"[bold]Adherence[/] goal {plural(a['goal_per_week'], 'session')} a week: "
                  f"{met}")
    recent = a["recent"]
    if recent:
        this_week = recent[-1]["sessions"]
        since = f"; last session {a['last_day']}" if a["last_day"] and not any(
            w["sessions"] for w in recent) else ""
        console.print(f"[bold]Sessions per week[/], the last {plural(len(recent), 'week')}: "
                      f"{a['sparkline']} (this week {this_week}{since})")
    console.print(f"[bold]Streaks[/] {plural(a['streak_days'], 'day')} now "
                  f"(best {plural(a['longest_streak_days'], 'day')}), "
                  f"{plural(a['streak_weeks'], 'week')} on goal "
                  f"(best {plural(a['longest_streak_weeks'], 'week')})")
    console.print("[bold]Sessions[/] " + ", ".join(f"{n} {k}" for k, n in
                                                   sorted(result["sessions"].items())))
    t = Table(title="Time under stretch", show_edge=False)
    for col in ("stretch", "side", "held", "holds", "extended"):
        t.add_column(col, no_wrap=col != "stretch")
    for r in result["time_under_stretch"]:
        t.add_row(r["stretch"], r["side"], f"{r['held_ms'] / 60000:.1f} min", str(r["holds"]),
                  f"{r['extended_ms'] / 60000:.1f} min")
    console.print(t)
    t = Table(title="Holds and tightness (0 loose - 5 tight)", show_edge=False)
    for col in ("stretch", "holds", "done", "tightness", "/month", "12 mo"):
        t.add_column(col, no_wrap=col != "stretch")
    trends = {x["stretch"]: x for x in result["tightness"]}
    for c in result["completion"]:
        x = trends.get(c["stretch"])
        t.add_row(c["stretch"], f"{c['held']}/{c['planned']}", _pct(c["rate"]),
                  f"{x['first']:.1f} -> {x['latest']:.1f}" if x else "",
                  f"{x['per_month']:+.2f}" if x else "", x["sparkline"] if x else "")
    console.print(t)


@click.command()
@click.option("--out", required=True, metavar="DIR", help="Folder for the PNG files.")
@_common
def plot(out: str, goal: int | None, since: str | None, until: str | None, weeks: int) -> None:
    """Draw adherence.png, tightness.png and time-under-stretch.png into DIR.

    Adherence shows the last --weeks weeks up to the last one with a session;
    tightness shows each stretch's weekly mean and its trend once there are three
    weeks of ratings (each rating before that). With no sessions, nothing is drawn.

    \b
    Examples:
      stretchcue plot --out charts
      stretchcue plot --out charts --since 2025-01-01 --weeks 52
    """
    from pathlib import Path

    from stretchcue_host import charts

    result = _compute(goal, since, until, weeks)
    a = result["adherence"]
    if not result["sessions"]:
        click.echo("nothing to plot: no sessions in the history yet (pull the device log, "
                   "or `stretchcue import-log log.bin`)")
        return
    d = Path(out)
    try:
        files = [
            charts.adherence_png(a["charted"], a["goal_per_week"], d / "adherence.png",
                                 last_day=a["last_day"]),
            charts.tightness_png(result["tightness"], d / "tightness.png"),
            charts.time_png(result["time_under_stretch"], d / "time-under-stretch.png"),
        ]
    except charts.ChartError as e:
        fail(str(e))
    for f in files:
        click.echo(f"wrote {f}")
