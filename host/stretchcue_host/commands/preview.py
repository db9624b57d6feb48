"""``stretchcue preview``: see what a routine will ask of you before it reaches the device.

Times come from the core's timeline, the same expansion the engine runs, so the
preview cannot disagree with the session.
"""

from __future__ import annotations

import click

from stretchcue.codes import Step


def _mmss(ms: int) -> str:
    s = ms // 1000
    return f"{s // 60}:{s % 60:02d}"


def plan(r) -> dict:
    """Steps, per-stretch times and breath pacing as plain data (for --json and tables)."""
    from stretchcue import timeline as tl
    from stretchcue_host import timing
    from stretchcue_host.names import KIND_NAMES, SIDE_NAMES

    steps, at = [], 0
    for kind, si, side, rep, dur in tl.iter_steps(r):
        if kind == Step.DONE:
            break
        steps.append({"at_ms": at, "kind": KIND_NAMES[kind], "stretch": si,
                      "title": r.stretches[si].title, "side": SIDE_NAMES[side] or None,
                      "rep": rep or None, "duration_ms": dur})
        at += dur
    stretches = []
    for i, st in enumerate(r.stretches):
        per_min = 60 / (st.breath_in_s + st.breath_out_s)
        stretches.append({
            "title": st.title, "sides": st.sides, "reps": st.reps, "hold_s": st.hold_s,
            "time_ms": timing.stretch_ms(r, i),
            "hold_ms": st.reps * len(st.side_codes()) * st.hold_s * 1000,
            "breath": {"pacing": st.breath_pacing, "in_s": st.breath_in_s,
                       "out_s": st.breath_out_s, "per_min": round(per_min, 1)},
        })
    return {"name": r.name, "total_ms": tl.total_ms(r), "hold_ms": timing.hold_ms(r),
            "steps": steps, "stretches": stretches}


@click.command()
@click.argument("file")
@click.option("--png", "png", default=None, metavar="OUT", help="Also draw the timeline to OUT.")
@click.option("--steps/--no-steps", default=True, show_default=True,
              help="Also show the steps (one row per rep and side), after the summary.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def preview(file: str, png: str | None, steps: bool, as_json: bool) -> None:
    """Show FILE's steps, per-stretch and total time, and breath pacing.

    FILE is a routine file or a bundled name. Exits 2 if it is invalid.

    \b
    Examples:
      stretchcue preview routines/lower-back.toml
      stretchcue preview desk-break --no-steps
      stretchcue preview my.toml --png timeline.png
    """
    import json

    from stretchcue_host.context import wants_json
    from stretchcue_host.routines import RoutineFileError, load, resolve

    try:
        r, _ = load(resolve(file))
    except RoutineFileError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(2) from None
    p = plan(r)
    if wants_json(as_json):
        click.echo(json.dumps(p, indent=2))
    else:
        _print(p, steps)
    if png:
        from stretchcue_host.charts import ChartError, timeline_png

        if not wants_json(as_json):
            click.echo(f"drawing the timeline to {png} (matplotlib takes a second or two)...")
        try:
            timeline_png(p, png)
        except ChartError as e:
            click.echo(f"error: {e}", err=True)
            raise SystemExit(1) from None
        if not wants_json(as_json):
            click.echo(f"timeline drawn to {png}")


def _print(p: dict, steps: bool) -> None:
    """The summary first (stretches, total), then the steps, one row per rep and side."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    _summary(console, p)
    if not steps:
        return
    rows: list[list] = []
    for s in p["steps"]:
        key = (s["title"], s["side"], s["rep"])
        if not rows or rows[-1][0] != key:
            rows.append([key, s["at_ms"], []])
        part = f"{s['kind']} {s['duration_ms'] // 1000}"
        rows[-1][2].append(f"[bold]{part}[/]" if s["kind"] == "hold" else part)
    t = Table(title=f"{p['name']}: steps (seconds)", show_edge=False)
    for col in ("at", "stretch", "side", "rep", "steps"):
        t.add_column(col, justify="right" if col in ("at", "rep") else "left",
                     no_wrap=col != "steps")
    for (title, side, rep), at, parts in rows:
        t.add_row(_mmss(at), title, side or "", str(rep or ""), ", ".join(parts))
    console.print(t)


def _summary(console, p: dict) -> None:
    from rich.table import Table

    t = Table(title=f"{p['name']}: stretches", show_edge=False)
    for col in ("stretch", "sides", "reps", "hold", "time", "held", "breathing"):
        t.add_column(col, justify="right" if col in ("reps", "hold", "time") else "left",
                     no_wrap=col not in ("stretch", "breathing"))
    for s in p["stretches"]:
        b = s["breath"]
        breath = (f"in {b['in_s']} s / out {b['out_s']} s ({b['per_min']:g}/min)"
                  if b["pacing"] else "free")
        t.add_row(s["title"], s["sides"], str(s["reps"]), f"{s['hold_s']} s",
                  _mmss(s["time_ms"]), _mmss(s["hold_ms"]), breath)
    console.print(t)
    console.print(f"[bold]total {_mmss(p['total_ms'])}[/] "
                  f"({_mmss(p['hold_ms'])} under stretch, {len(p['steps'])} steps)")
