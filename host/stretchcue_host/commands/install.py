"""``install`` and ``bundle``: the same file tree, onto a board or into a folder."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import EXIT_BAD_INPUT, fail

_BOARD = click.option("--board", required=True, type=click.Choice(["clue", "cpb", "feather"]),
                      help="Which board profile to install as board_profile.py.")
_SOURCE = click.option("--source", default=None, type=click.Path(file_okay=False),
                       help="Checkout to install from (default: this one).")
_MPY_CROSS = click.option(
    "--mpy-cross", "mpy_cross", default=None, metavar="PATH",
    help="CircuitPython's own mpy-cross, to install the modules as .mpy, which a board loads "
         "without compiling (less heap at boot); MicroPython's is refused, a board cannot load "
         "its files. Default: CIRCUITPY_MPY_CROSS, or mpy-cross on PATH if it is "
         "CircuitPython's; otherwise every module is installed as .py.")
_PY = click.option("--py", "force_py", is_flag=True,
                   help="Install every module as .py even if a CircuitPython mpy-cross is found.")


def _plan(board: str, source: str | None, mpy_cross: str | None, force_py: bool):
    """(checkout, files, a sentence on how the core was shipped)."""
    from pathlib import Path

    from stretchcue_host import installer

    root = Path(source) if source else installer.source_root()
    try:
        if force_py:
            tool, how = None, "modules installed as .py (--py)"
        else:
            tool, how = installer.find_mpy_cross(mpy_cross)
        return root, installer.plan(board, root, tool), how
    except installer.InstallError as e:
        fail(str(e), EXIT_BAD_INPUT if mpy_cross else 1)


def _show(report, as_json: bool, extra: dict) -> None:
    import json

    if as_json:
        click.echo(json.dumps({**report.as_dict(), **extra}, indent=2))
        return
    click.echo(f"{len(report.written)} files written, {len(report.unchanged)} already up to date; "
               f"{extra['core']}")
    for note in report.notes:
        click.echo(note)
    for rel, moved in report.kept:
        click.echo(f"kept your {rel} as {moved}")


@click.command()
@_BOARD
@click.option("--drive", default=None, type=click.Path(),
              help="The CIRCUITPY drive (default: look in the usual mount points).")
@click.option("--no-libs", is_flag=True, help="Do not install Adafruit libraries with circup.")
@_SOURCE
@_MPY_CROSS
@_PY
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def install(board: str, drive: str | None, no_libs: bool, source: str | None,
            mpy_cross: str | None, force_py: bool, as_json: bool) -> None:
    """Install firmware, the core, the board profile and routines on a board.

    Refuses a drive without boot_out.txt. Never deletes anything; a file of
    yours in the way is renamed to NAME.orig first; log.bin and other device
    data are never touched. Exits 1 if the drive is missing or unusable.

    \b
    Examples:
      stretchcue install --board clue
      stretchcue install --board feather --drive /Volumes/CIRCUITPY --no-libs
    """
    from stretchcue_host import installer
    from stretchcue_host.context import wants_json

    try:
        target = installer.find_drive(drive)
    except installer.InstallError as e:
        fail(str(e))
    root, files, how = _plan(board, source, mpy_cross, force_py)
    try:
        report = installer.write_tree(files, target)
    except installer.InstallError as e:
        fail(str(e))
    libs = {"libraries": "skipped (--no-libs)"}
    if not no_libs:
        req = root / "firmware" / "requirements.txt"
        ok, message = installer.run_circup(target, req)
        libs = {"libraries": message if ok else f"{message}; {installer.retry_hint(target, req)}"}
        if not ok and not wants_json(as_json):
            click.echo(f"warning: {libs['libraries']}", err=True)
    _show(report, wants_json(as_json), {"drive": str(target), "core": how, **libs})
    if not wants_json(as_json):
        click.echo(f"installed stretchcue for {board} on {target}; the board restarts by itself")


@click.command()
@_BOARD
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder to build the tree in (created if needed).")
@_SOURCE
@_MPY_CROSS
@_PY
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def bundle(board: str, out: str, source: str | None, mpy_cross: str | None, force_py: bool,
           as_json: bool) -> None:
    """Build the board's file tree in OUT, to copy onto CIRCUITPY by hand.

    The Adafruit libraries are not included: install them with circup (the
    command is printed at the end).

    \b
    Examples:
      stretchcue bundle --board cpb --out build/cpb
    """
    from pathlib import Path

    from stretchcue_host import installer
    from stretchcue_host.context import wants_json

    dest = Path(out)
    if dest.exists() and not dest.is_dir():
        fail(f"{dest} is not a folder", EXIT_BAD_INPUT)
    root, files, how = _plan(board, source, mpy_cross, force_py)
    try:
        report = installer.write_tree(files, dest)
    except installer.InstallError as e:
        fail(str(e))
    req = root / "firmware" / "requirements.txt"
    _show(report, wants_json(as_json), {"out": str(dest), "core": how,
                                        "libraries": installer.retry_hint(Path("CIRCUITPY"), req)})
    if not wants_json(as_json):
        click.echo(f"copy everything in {dest} onto CIRCUITPY, then "
                   f"{installer.retry_hint(Path('CIRCUITPY'), req)}")
