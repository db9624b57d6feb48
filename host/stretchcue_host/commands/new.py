"""``stretchcue new``: start a routine from a commented template instead of a blank page."""

from __future__ import annotations

import re

import click


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "routine"


@click.command()
@click.argument("name")
@click.option("--from", "source", default=None, metavar="ROUTINE",
              help="Start from a bundled routine name or a routine file.")
@click.option("--out", default=None, metavar="FILE",
              help="Where to write (default: NAME made a file name, here: 'Morning hips' "
                   "-> morning-hips.toml; '-' prints it).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def new(name: str, source: str | None, out: str | None, force: bool) -> None:
    """Write a commented TOML routine called NAME, to NAME made a file name
    (lower case, dashes: "Morning hips" -> morning-hips.toml) unless --out says.

    Every field carries a comment with its default and limits, taken from the
    validator itself. With --from, the source's opening comments (such as its
    safety note) come along. Exits 2 if the source routine is invalid or FILE exists.

    \b
    Examples:
      stretchcue new "Morning hips"
      stretchcue new "My back" --from lower-back --out my-back.toml
      stretchcue new Test --out -
    """
    from pathlib import Path

    from stretchcue import routine as rt
    from stretchcue_host.routines import RoutineFileError, load, resolve
    from stretchcue_host.template import routine_toml

    if not name.strip() or len(name.strip()) > rt.NAME_MAX or "\n" in name:
        click.echo(f"error: NAME must be one line of 1 to {rt.NAME_MAX} characters", err=True)
        raise SystemExit(2)
    base = None
    note = ""
    if source:
        try:
            base, _ = load(resolve(source))
        except RoutineFileError as e:
            click.echo(f"error: --from {source}:\n{e}", err=True)
            raise SystemExit(2) from None
        note = _opening_comments(resolve(source), source)
    text = note + routine_toml(name.strip(), base)
    if out == "-":
        click.echo(text, nl=False)
        return
    path = Path(out or f"{_slug(name)}.toml")
    if path.exists() and not force:
        click.echo(f"error: {path} exists; choose another --out or add --force", err=True)
        raise SystemExit(2)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        click.echo(f"error: cannot write {path}: {e.strerror}", err=True)
        raise SystemExit(1) from None
    click.echo(f"wrote {path}; check it with: stretchcue validate {path}")


def _opening_comments(path, source: str) -> str:
    """The comment lines a TOML routine opens with (what it is for, its safety note),
    kept for the new routine as written there; "" for JSON or a file without them."""
    if path.suffix != ".toml":
        return ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    kept = []
    for line in lines:
        if not line.startswith("#"):
            break
        kept.append(line)
    if not kept:
        return ""
    return f"# From {source}:\n" + "\n".join(kept) + "\n\n"
