"""``history``, ``export`` and ``import-log``: the sessions the store has rebuilt."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import (
    EXIT_BAD_INPUT,
    fail,
    open_history,
    parse_date,
    plural,
)


def _since_s(since: str | None) -> int | None:
    import datetime as dt

    day = parse_date(since, "--since")
    if day is None:
        return None
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())


def _when(epoch_s: int | None) -> str:
    import datetime as dt

    if epoch_s is None:
        return "?"
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).strftime("%Y-%m-%d %H:%M")


def _mmss(ms: int | None) -> str:
    return "" if ms is None else f"{ms // 60000}:{ms // 1000 % 60:02d}"


def _load(since: str | None) -> tuple[list[dict], list[dict]]:
    """Sessions with their holds and ratings attached.  Stretches are numbered from 1
    and carry their titles, as people count them (the log keeps 0-based indexes)."""
    from stretchcue_host.history import HistoryError
    from stretchcue_host.stats import Catalog

    since_s = _since_s(since)
    h = open_history(read_only=True)
    try:
        with h:
            rows = h.sessions(since_s)
            ids = [s["id"] for s in rows]
            holds, ratings = h.holds(ids), h.ratings(ids)
            gaps = h.gaps()
            catalog = Catalog(h) if rows else None
    except HistoryError as e:
        fail(str(e))
    for s in rows:
        s["holds"] = holds[s["id"]]
        s["ratings"] = ratings[s["id"]]
        for x in s["holds"] + s["ratings"]:
            x["title"] = catalog.title(s["routine_crc"], s["name"], x["stretch"])
            x["stretch"] += 1
        for x in s["holds"]:
            x["side"] = ("", "left", "right")[x["side"] % 3] or None
        s["start"] = _when(s["epoch_s"])
    return rows, gaps


@click.command()
@click.option("--since", default=None, metavar="DATE", help="Only sessions from DATE on.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0),
              help="Newest N sessions (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print sessions and gaps as JSON.")
def history(since: str | None, limit: int, as_json: bool) -> None:
    """List the sessions in the history, newest last, and any gaps in the log.

    An unterminated session (the device reset or the battery ran out) shows as
    interrupted; records whose START was lost show as partial.

    \b
    Examples:
      stretchcue history
      stretchcue history --since 2025-01-01 --limit 0
      stretchcue --json history
    """
    import json

    from stretchcue_host.context import wants_json

    rows, gaps = _load(since)
    if limit > 0:
        rows = rows[-limit:]
    if wants_json(as_json):
        click.echo(json.dumps({"sessions": rows, "gaps": gaps}, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not rows:
        console.print("no sessions yet: pull the device log, or `stretchcue import-log log.bin`")
    else:
        devices = len({s["device"] for s in rows}) > 1
        t = Table(show_edge=False)
        for col in ("id", "start") + (("device",) if devices else ()) + (
                "routine", "status", "time", "held", "holds", "tight"):
            t.add_column(col, no_wrap=col != "routine")
        for s in rows:
            held = sum(x["actual_ms"] for x in s["holds"])
            full = sum(1 for x in s["holds"] if not x["skipped"])
            rates = [r["rating"] for r in s["ratings"]]
            style = {"done": "green", "aborted": "yellow"}.get(s["status"], "red")
            t.add_row(str(s["id"]), s["start"], *((s["device"],) if devices else ()),
                      s["name"] or "?",
                      f"[{style}]{s['status']}[/]", _mmss(s["elapsed_ms"]), _mmss(held),
                      f"{full}/{len(s['holds'])}",
                      f"{sum(rates) / len(rates):.1f}" if rates else "")
        console.print(t)
    for g in gaps:
        why = ("the device pruned them (log full)" if g["kind"] == "pruned"
               else "not in this history")
        console.print(f"[yellow]gap[/] {g['device']}: records {g['first']}..{g['last']} "
                      f"({g['count']}) missing: {why}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="Output format.")
@click.option("--since", default=None, metavar="DATE", help="Only sessions from DATE on.")
@click.option("--out", default="-", metavar="FILE", help="Write to FILE instead of stdout.")
def export(fmt: str, since: str | None, out: str) -> None:
    """Export sessions: CSV has one row per hold or rating, JSON nests them per session.

    Stretches are numbered from 1, with their titles, in both.

    \b
    Examples:
      stretchcue export --format csv --out history.csv
      stretchcue export --format json --since 2025-01-01
    """
    import csv
    import io
    import json

    rows, _ = _load(since)
    if fmt == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    else:
        buf = io.StringIO()
        cols = ["session", "start", "device", "routine", "status", "record", "stretch",
                "title", "side", "rep", "planned_ms", "actual_ms", "extended_ms", "skipped",
                "rating"]
        w = csv.DictWriter(buf, cols, lineterminator="\n")
        w.writeheader()
        base_keys = ("session", "start", "device", "routine", "status")
        for s in rows:
            base = dict(zip(base_keys, (s["id"], s["start"], s["device"], s["name"],
                                        s["status"])))
            for x in s["holds"]:
                w.writerow({**base, "record": "hold", "stretch": x["stretch"],
                            "title": x["title"], "side": x["side"] or "", "rep": x["rep"],
                            "planned_ms": x["planned_ms"], "actual_ms": x["actual_ms"],
                            "extended_ms": x["extended_ms"], "skipped": x["skipped"]})
            for x in s["ratings"]:
                w.writerow({**base, "record": "rating", "stretch": x["stretch"],
                            "title": x["title"], "rating": x["rating"]})
        text = buf.getvalue()
    if out == "-":
        click.echo(text, nl=False)
        return
    try:
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror}")
    click.echo(f"wrote {plural(len(rows), 'session')} to {out}", err=True)


@click.command("import-log")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--device", default=None, metavar="ID",
              help="Device the log came from (default: config 'device', else 'usb').")
@click.option("--routine", "routine_files", multiple=True, metavar="FILE",
              help="Routine file(s) whose stretch titles should label this log.")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON.")
def import_log(file: str, device: str | None, routine_files: tuple[str, ...],
               as_json: bool) -> None:
    """Import a raw log.bin (copied from CIRCUITPY/stretchcue-data/ over USB).

    Importing the same log twice adds nothing. Exits 1 if some bytes were
    corrupt or a record conflicts with a stored one (nothing is overwritten).

    \b
    Examples:
      stretchcue import-log /media/me/CIRCUITPY/stretchcue-data/log.bin --device clue
    """
    import json

    from stretchcue_host.commands.common import settings
    from stretchcue_host.context import wants_json
    from stretchcue_host.history import HistoryError
    from stretchcue_host.routines import RoutineFileError, load
    from stretchcue_host.synth import routine_crc

    device = device or settings()["device"] or "usb"
    from stretchcue import sessionlog
    from stretchcue_host.files import FileRefused, read_limited

    try:  # a device's log is at most HARD_LIMIT; room for a few glued together
        data = read_limited(file, 16 * sessionlog.HARD_LIMIT, "device log")
    except FileRefused as e:
        fail(f"{file}: {e}", EXIT_BAD_INPUT)
    known = []
    for rf in routine_files:
        try:
            known.append(load(rf))
        except RoutineFileError as e:
            fail(f"--routine: {e}", EXIT_BAD_INPUT)
    h = open_history(check=True)
    try:
        with h:
            for r, canon in known:
                h.remember_routine(routine_crc(r), canon)
            res = h.import_bytes(device, data)
    except HistoryError as e:
        fail(str(e))
    summary = res.as_dict()
    summary["device"] = device
    if wants_json(as_json):
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(f"{file}: {plural(res.added, 'new record')}, {res.duplicates} already "
                   f"stored (device {device!r}); {plural(res.sessions_touched, 'session')} "
                   "rebuilt")
        for kind, off, n in res.problems:
            click.echo(f"warning: {kind} data at byte {off} ({n} bytes) skipped", err=True)
        if res.conflicts:
            click.echo(f"warning: {len(res.conflicts)} records reuse stored sequence numbers "
                       f"with different contents (first {res.conflicts[0]}); kept the stored "
                       "ones. Is --device right?", err=True)
    if res.conflicts or any(k == "corrupt" for k, _, _ in res.problems):
        raise SystemExit(1)
