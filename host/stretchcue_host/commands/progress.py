"""``progress``: the next version of a routine, from the history, with a reason per stretch."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import EXIT_BAD_INPUT, fail, open_history
from stretchcue_host.commands.device import link_options


def _read(path) -> tuple:
    """The checked routine, its canonical JSON, its text and its parsed fields."""
    import json
    import tomllib

    from stretchcue_host.files import FileRefused, read_limited
    from stretchcue_host.routines import MAX_FILE_BYTES, RoutineFileError, load

    try:
        r, canon = load(path)
        text = read_limited(path, MAX_FILE_BYTES, "routine file").decode("utf-8")
    except RoutineFileError as e:
        fail(f"cannot use the routine:\n{e}", EXIT_BAD_INPUT)
    except FileRefused as e:  # changed since it was checked a moment ago
        fail(f"{path}: {e}", EXIT_BAD_INPUT)
    data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    return r, canon, text, data


def _write(out, text: str, proposals: list, before) -> tuple:
    """Write ``text`` to ``out`` only once it validates and says what was proposed."""
    import os
    import tempfile
    from pathlib import Path

    from stretchcue_host.progression import ProgressionError
    from stretchcue_host.routines import RoutineFileError, load

    out = Path(out)
    try:
        fd, tmp = tempfile.mkstemp(suffix=".toml", prefix=".progress-", dir=out.parent)
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            r, canon = load(tmp)
        except RoutineFileError as e:
            raise ProgressionError(f"the new version does not validate:\n{e}") from None
        got = [(s.hold_s, s.reps) for s in r.stretches]
        want = [(p.new_hold_s, p.new_reps) for p in proposals]
        if got != want or r.name != before.name:
            raise ProgressionError("the new version does not say what was proposed; "
                                   "make the changes by hand")
        os.replace(tmp, out)
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}")
    except ProgressionError as e:
        fail(f"{out} not written: {e}")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return r, canon


def _show(r, path, proposals: list, sessions: int, names: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from stretchcue_host.progression import KEEP, SHORTER, shape

    console = Console(highlight=False)
    console.print(f"[bold]{r.name}[/] ({path}): {sessions} sessions in the history")
    if not sessions:
        others = ", ".join(f"{n!r} ({c})" for n, c in sorted(names.items()) if n)
        console.print("do the routine a few times, then `stretchcue pull`"
                      + (f"; the history has sessions of {others}" if others else ""))
    t = Table(show_edge=False)
    for col in ("stretch", "now", "next", "why"):
        t.add_column(col, no_wrap=col in ("now", "next"))
    for p in proposals:
        style = "" if p.action == KEEP else "yellow" if p.action == SHORTER else "green"
        nxt = "same" if p.action == KEEP else f"[{style}]{shape(p.new_hold_s, p.new_reps)}[/]"
        t.add_row(p.title, shape(p.hold_s, p.reps), nxt, p.reason)
    console.print(t)


@click.command()
@click.argument("routine", required=False)
@click.option("--allow-long", is_flag=True,
              help="Let holds grow past 30 s toward their goal, up to 60 s (for older "
                   "adults, or on a professional's advice).")
@click.option("--write", "out", default=None, metavar="FILE",
              help="Write the proposed routine to FILE as TOML, each change commented.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option("--push", "push_it", is_flag=True,
              help="Then send FILE to the device (as `stretchcue push FILE` does).")
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as JSON.")
@link_options
@click.pass_context
def progress(ctx: click.Context, routine: str | None, allow_long: bool, out: str | None,
             force: bool, push_it: bool, as_json: bool, transport: str | None,
             device: str | None) -> None:
    """Propose the next version of ROUTINE (default lower-back) from your history.

    For each stretch it reads the last sessions that included it and proposes
    one small step toward the stretch's goal (goal_hold_s, goal_reps), or a
    step back, or nothing, with the reason. A hold gets 5 s longer only after
    3 sessions at it with every hold done and tightness no higher; never past
    30 s without --allow-long; at most one change a week per stretch; 5 s
    shorter when holds were cut short in 2 of the last 3 sessions or tightness
    rose by 2; reps grow once the hold is at its goal. docs/progression.md has
    every rule and its source. Nothing changes until you --write and push.

    \b
    Examples:
      stretchcue progress lower-back-starter
      stretchcue progress lower-back-starter --write my-back.toml
      stretchcue progress my-back.toml --write my-back.toml --force --push
    """
    import datetime as dt
    import json
    from pathlib import Path

    from stretchcue_host import progression as pg
    from stretchcue_host.context import wants_json
    from stretchcue_host.history import HistoryError
    from stretchcue_host.routines import RoutineFileError, bundled_dir, device_name, resolve
    from stretchcue_host.synth import routine_crc

    if push_it and not out:
        fail("--push sends the file --write writes: add --write FILE", EXIT_BAD_INPUT)
    if out:
        dest = Path(out)
        if dest.suffix != ".toml":
            fail(f"--write writes TOML: give a FILE ending in .toml, not {out!r}",
                 EXIT_BAD_INPUT)
        if dest.exists() and not force:
            fail(f"{out} exists; choose another --write FILE or add --force", EXIT_BAD_INPUT)
        if push_it:
            try:
                device_name(dest)
            except RoutineFileError as e:
                fail(str(e), EXIT_BAD_INPUT)
    path = resolve(routine)
    r, _, text, data = _read(path)
    if out and path.suffix == ".json":
        fail("--write edits a TOML routine; turn this JSON one into TOML first with "
             f"`stretchcue new NAME --from {path}`", EXIT_BAD_INPUT)
    today = dt.date.today()
    h = open_history()
    try:
        with h:
            outs = pg.outings(h, r)
            names: dict = {}
            for s in h.sessions():
                names[s["name"]] = names.get(s["name"], 0) + 1
    except HistoryError as e:
        fail(str(e))
    proposals = pg.propose(r, pg.plans(r, data), outs, today, allow_long)
    sessions = names.get(r.name, 0)
    written = None
    if out:
        try:
            new_text = pg.rewrite(text, data, proposals, today)
        except pg.ProgressionError as e:
            fail(f"{out} not written: {e}")
        new_r, canon = _write(out, new_text, proposals, r)
        written = str(out)
        try:
            with open_history() as h:
                h.remember_routine(routine_crc(new_r), canon)  # its sessions get titles
        except HistoryError as e:
            fail(str(e))
    if wants_json(as_json):
        click.echo(json.dumps({"routine": r.name, "file": str(path), "sessions": sessions,
                               "allow_long": allow_long, "today": today.isoformat(),
                               "changes": sum(p.changed for p in proposals),
                               "written": written,
                               "proposals": [p.as_dict() for p in proposals]},
                              indent=2, ensure_ascii=False))
    else:
        _show(r, routine if routine and path.parent == bundled_dir() else path, proposals,
              sessions, names)
        changes = sum(p.changed for p in proposals)
        if written:
            click.echo(f"wrote {written} ({changes} changed)"
                       + ("" if push_it else f"; send it with: stretchcue push {written}"))
        elif changes:
            click.echo(f"{changes} changed; to use them: stretchcue progress "
                       f"{routine or ''} --write FILE.toml".replace("  ", " ")
                       + ", then stretchcue push FILE.toml")
    if push_it:
        from stretchcue_host.commands.device import push

        ctx.invoke(push, routine=written, select=True, transport=transport, device=device)
