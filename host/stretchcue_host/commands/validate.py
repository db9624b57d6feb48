"""``stretchcue validate``: the gate every routine passes before it reaches a device."""

from __future__ import annotations

import click


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def validate(files: tuple[str, ...], as_json: bool) -> None:
    """Check routine FILES; list every error with file:line and field, in line order.

    Stretches are named as people count them: "stretch 2 (Prayer stretch) hold_s"
    (--json also gives the path, stretches[1].hold_s).

    Exits 2 if any file is invalid.

    \b
    Examples:
      stretchcue validate routines/*.toml
      stretchcue validate --json my-routine.toml
    """
    import json as _json

    from stretchcue import timeline
    from stretchcue_host.context import wants_json
    from stretchcue_host.routines import RoutineFileError, in_words, load

    as_json = wants_json(as_json)

    bad = False
    report = []
    for f in files:
        try:
            r, canon = load(f)
        except RoutineFileError as e:
            bad = True
            report.append({"file": f, "ok": False, "errors": [
                {"where": w, "field": p, "in_words": in_words(p, e.data), "reason": why}
                for w, p, why in e.problems]})
            if not as_json:
                for w, p, why in e.problems:
                    field = in_words(p, e.data)
                    click.echo(f"{w}: {field + ': ' if field else ''}{why}", err=True)
            continue
        total = timeline.total_ms(r) // 1000
        report.append({"file": f, "ok": True, "name": r.name, "stretches": len(r.stretches),
                       "total_s": total, "bytes": len(canon)})
        if not as_json:
            click.echo(f"{f}: ok: {r.name!r}, {len(r.stretches)} stretches, "
                       f"{total // 60} min {total % 60:02d} s")
    if as_json:
        click.echo(_json.dumps(report, indent=2))
    if bad:
        raise SystemExit(2)
