"""``stretchcue config``: show or change the defaults other commands fall back on."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import EXIT_BAD_INPUT, fail


@click.command()
@click.argument("key", required=False)
@click.argument("value", required=False)
@click.option("--path", "show_path", is_flag=True, help="Print the config file's path.")
@click.option("--json", "as_json", is_flag=True, help="Print settings as JSON.")
@click.option("--days", help="With remind: the days, e.g. mon-fri, sat,sun, daily, weekdays.")
def config(key: str | None, value: str | None, show_path: bool, as_json: bool,
           days: str | None) -> None:
    """Show all settings, show KEY, or set KEY to VALUE.

    Keys: device (default device), transport (auto, ble, usb[:PORT], sim or
    bumble:SPEC), weekly_goal (sessions per week, 1-21, used by stats), remind
    (a daily reminder the device buzzes and shows: HH:MM with --days, or off;
    sent to the device with its clock whenever a command connects). Exits 2
    on an unknown key or a bad value.

    \b
    Examples:
      stretchcue config
      stretchcue config weekly_goal 4
      stretchcue config transport usb
      stretchcue config remind 07:30 --days mon-fri
      stretchcue config remind off
      stretchcue --home /tmp/sc config --path
    """
    import json

    from stretchcue_host import config as cfg
    from stretchcue_host.commands.common import settings
    from stretchcue_host.context import get, wants_json

    path = get().config_path
    if show_path:
        click.echo(str(path))
        return
    if key is not None and key not in cfg.KEYS:
        fail(f"unknown key {key!r}; known keys: {', '.join(cfg.KEYS)}", EXIT_BAD_INPUT)
    if days is not None:
        if key != "remind" or value is None or value.strip().lower() == "off":
            fail("--days goes with a reminder time: stretchcue config remind 07:30 "
                 "--days mon-fri", EXIT_BAD_INPUT)
        value = f"{value} {days}"
    if value is not None:
        try:
            values = cfg.set_value(path, key, value)
        except cfg.ConfigError as e:
            fail(str(e), EXIT_BAD_INPUT)
        click.echo(json.dumps({key: values[key]}) if wants_json(as_json)
                   else f"{key} = {values[key]!r} (saved in {path})")
        if key == "remind" and not wants_json(as_json):
            click.echo("the device gets it with its clock the next time a command connects "
                       "(stretchcue set-time sends it now)")
        return
    values = settings()
    if key is not None:
        values = {key: values[key]}
    if wants_json(as_json):
        click.echo(json.dumps(values, indent=2))
        return
    for k, v in values.items():
        click.echo(f"{k} = {v!r}    # {cfg.KEYS[k][2]}")
