"""Device commands: scan, info, pair, push, routines, pull, set-time, forget.

Each is a thin layer over ``device_session``: validate input first (so a bad
routine never goes near the radio), then one connection, then plain output.
"""

from __future__ import annotations

import click

from stretchcue_host.commands.common import (
    EXIT_BAD_INPUT,
    Number,
    Transport,
    fail,
    plural,
    settings,
)
from stretchcue_host.context import wants_json


def link_options(fn):
    fn = click.option("--device", "-d", default=None,
                      help="Device name or address (default: config `device`).")(fn)
    fn = click.option("--transport", "-t", default=None, type=Transport(),
                      help="auto, ble, sim, bumble:SPEC or usb[:PORT] "
                      "(default: config `transport`).")(fn)
    return fn


def _link(transport: str | None, device: str | None) -> tuple[str, str]:
    cfg = settings()
    return (transport or cfg.get("transport") or "auto"), (device or cfg.get("device") or "")


def _run(job):
    from stretchcue_host.device_session import DeviceCommandError, run

    try:
        return run(job)
    except DeviceCommandError as e:
        fail(str(e))


def _emit(data, as_json: bool, text: str) -> None:
    import json

    click.echo(json.dumps(data, indent=2) if wants_json(as_json) else text)


@click.command()
@click.option("--timeout", "timeout_s", default=5.0, show_default=True,
              type=Number(min=0, min_open=True, max=600), help="Seconds to scan.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@link_options
def scan(timeout_s: float, as_json: bool, transport: str | None, device: str | None) -> None:
    """List stretchcue devices in range (found by their UART service).

    \b
    Examples:
      stretchcue scan --timeout 3
    """
    from stretchcue_host.transport import scan as scan_radio
    from stretchcue_host.transport.base import ConnectionLost

    kind, _ = _link(transport, device)

    async def job():
        try:
            return await scan_radio(kind, timeout_s)
        except (ConnectionLost, ValueError) as e:  # the reason, not "the link dropped"
            return str(e)

    found = _run(job)
    if isinstance(found, str):
        fail(found)
    _emit(found, as_json, "\n".join(f"{d['name']:<24} {d['address']}" for d in found)
          or "no device found: is it on and not connected to something else?")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@link_options
def info(as_json: bool, transport: str | None, device: str | None) -> None:
    """Show the device's id, firmware, board, free space and state (no pairing needed).

    \b
    Examples:
      stretchcue info --transport usb
    """
    from stretchcue_host.device_session import connected

    async def job():
        async with connected(*_link(transport, device), authenticate=False) as c:
            data = await c.info()
            data["state"] = await c.status()
            return data

    data = _run(job)
    _emit(data, as_json, "\n".join(f"{k:<10} {v}" for k, v in data.items()))


@click.command()
@click.option("--code", default=None, help="The 6-digit code the device shows (else asked).")
@click.option("--name", default="", help="What the device calls this computer when it asks "
              "(default: its host name).")
@link_options
def pair(code: str | None, name: str, transport: str | None, device: str | None) -> None:
    """Pair this laptop with a device in pairing mode.

    Hold B on the device's menu: it shows a 6-digit code. Type it here; when it
    matches, the device asks "Pair with <this computer>?" and you press A.
    A wrong code is worth nothing to anyone: the device shows a new one.

    \b
    Examples:
      stretchcue pair --code 123456
    """
    import asyncio

    from stretchcue_host.device_session import connected

    def digits_of(text: str) -> str:
        digits = text.replace(" ", "").replace("-", "")
        if not (digits.isdigit() and len(digits) == 6):
            fail(f"the pairing code is six digits, not {text!r}", EXIT_BAD_INPUT)
        return digits

    given = digits_of(code) if code is not None else None

    async def job():
        # Reach the device first: no code is asked for when there is nothing to pair with.
        async with connected(*_link(transport, device), authenticate=False) as c:
            digits = given
            if digits is None:
                click.echo(f"found {c.device_id or 'the device'}; hold B on its menu until "
                           "it shows a code")
                typed = await asyncio.to_thread(click.prompt, "code shown on the device")
                digits = digits_of(typed)
            return await c.pair(digits, name, asking=lambda: click.echo(
                "the code matches: press A on the device to confirm"))

    click.echo(f"paired with {_run(job)}")


@click.command()
@click.argument("routine")
@click.option("--select/--no-select", default=True, show_default=True,
              help="Make it the routine the device starts.")
@link_options
def push(routine: str, select: bool, transport: str | None, device: str | None) -> None:
    """Validate ROUTINE, then send it to the device (the old one stays until it is whole).

    \b
    Examples:
      stretchcue push lower-back
      stretchcue push my-routine.toml --no-select
    """
    from binascii import crc32

    from rich.progress import Progress

    from stretchcue_host.commands.common import open_history
    from stretchcue_host.device_session import connected
    from stretchcue_host.routines import RoutineFileError, device_name, load, resolve

    path = resolve(routine)
    try:
        r, canon = load(path)
        name = device_name(path)
    except RoutineFileError as e:
        fail(f"not pushed, the routine is invalid:\n{e}", EXIT_BAD_INPUT)

    async def job():
        async with connected(*_link(transport, device)) as c:
            with Progress(transient=True) as bar:
                task = bar.add_task(f"sending {name}", total=len(canon))
                result = await c.push(name, canon, lambda done, total: bar.update(task,
                                                                                 completed=done))
            if select:
                await c.select(name)
            return result

    _run(job)
    with open_history() as h:
        h.remember_routine(crc32(canon) & 0xFFFFFFFF, canon)
    click.echo(f"pushed {r.name!r} as {name} ({len(canon)} bytes)"
               + (", selected" if select else ""))


@click.command()
@click.argument("action", type=click.Choice(["list", "select", "delete"]), default="list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@link_options
def routines(action: str, name: str | None, as_json: bool, transport: str | None,
             device: str | None) -> None:
    """List, select or delete the routines stored on the device.

    \b
    Examples:
      stretchcue routines
      stretchcue routines select desk-break
    """
    from stretchcue_host.device_session import connected

    if action != "list" and not name:
        fail(f"`routines {action}` needs a routine NAME", EXIT_BAD_INPUT)

    async def job():
        async with connected(*_link(transport, device)) as c:
            if action == "select":
                await c.select(name)
            elif action == "delete":
                await c.delete(name)
            return await c.routines()

    items = _run(job)
    _emit(items, as_json, "\n".join(
        f"{'*' if i.get('selected') else ' '} {i['name']:<24} {i.get('size', 0):>6} bytes"
        for i in items) or "no routines on the device (it uses its built-in default)")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@link_options
def pull(as_json: bool, transport: str | None, device: str | None) -> None:
    """Fetch new session records into the history, then let the device prune them.

    Records are acknowledged only after they are stored here, so a failure at
    any point loses nothing: the next pull starts where this one stopped.

    \b
    Examples:
      stretchcue pull && stretchcue stats
    """
    from stretchcue_host.commands.common import open_history
    from stretchcue_host.device_session import connected

    async def job():
        async with connected(*_link(transport, device)) as c:
            with open_history() as h:
                rows = h.query("SELECT max(seq) FROM records WHERE device=?", (c.device_id,))
                cursor = rows[0][0] or 0
                records = await c.pull(cursor)
                result = h.import_records(c.device_id, records)
            if records:
                await c.ack(records[-1].seq)
            return c.device_id, cursor, records, result

    device_id, cursor, records, result = _run(job)
    data = {"device": device_id, "from_seq": cursor, "received": len(records)}
    data.update(result.as_dict())
    _emit(data, as_json, f"{plural(len(records), 'new record')} from {device_id} "
          f"({result.added} stored, {plural(result.sessions_touched, 'session')} updated)")


@click.command("set-time")
@link_options
def set_time(transport: str | None, device: str | None) -> None:
    """Set the device clock to this laptop's (also done on every connect).

    \b
    Examples:
      stretchcue set-time
    """
    from stretchcue_host.device_session import connected

    async def job():
        async with connected(*_link(transport, device)):
            return None

    _run(job)
    click.echo("clock set")


@click.command()
@click.option("--local-only", is_flag=True, help="Forget the key here without asking the device.")
@click.argument("device_id", required=False)
@link_options
def forget(local_only: bool, device_id: str | None, transport: str | None,
           device: str | None) -> None:
    """Unpair: the device and this laptop both drop the shared key.

    \b
    Examples:
      stretchcue forget
      stretchcue forget --local-only stretchcue-1a2b
    """
    from stretchcue_host.device_session import connected, keystore

    if local_only:
        if not device_id:
            fail("--local-only needs the DEVICE_ID to forget", EXIT_BAD_INPUT)
        removed = keystore().forget(device_id)
        click.echo(f"forgot {device_id}" if removed else f"{device_id} was not paired")
        return

    async def job():
        async with connected(*_link(transport, device)) as c:
            await c.forget()
            return c.device_id

    click.echo(f"unpaired {_run(job)}")
