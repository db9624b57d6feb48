"""The ``stretchcue`` command: one click group, commands loaded lazily.

Radios, plotting and the simulator are heavy imports; loading a command's
module only when it runs keeps ``stretchcue --help`` fast.
"""

from __future__ import annotations

import click

# command name -> (module under stretchcue_host.commands, attribute, one-line help)
COMMANDS = {
    "validate": ("validate", "validate", "Check routine files and explain every error."),
    "run": ("run", "run", "Run a routine through the session engine in the terminal."),
    "new": ("new", "new", "Write a commented TOML routine to start from."),
    "preview": ("preview", "preview", "Show a routine's steps, times and breath pacing."),
    "history": ("history", "history", "List the sessions in the history."),
    "export": ("history", "export", "Export the history as CSV or JSON."),
    "stats": ("stats", "stats", "Adherence, streaks, time under stretch, tightness trends."),
    "plot": ("stats", "plot", "Draw history charts as PNG files."),
    "progress": ("progress", "progress", "Propose the next step of a routine from the history."),
    "import-log": ("history", "import_log", "Import a log.bin copied from the device's drive."),
    "install": ("install", "install", "Install firmware, core and routines on a board."),
    "bundle": ("install", "bundle", "Build the board's file tree in a folder to copy by hand."),
    "config": ("config", "config", "Show or set defaults (device, transport, weekly goal)."),
    "completion": ("completion", "completion", "Print the shell completion script."),
    "demo": ("demo", "demo", "Run the default routine on a simulated device, end to end."),
    "sim": ("sim", "sim", "Run the firmware on a simulated board."),
    "scan": ("device", "scan", "List stretchcue devices in range."),
    "info": ("device", "info", "Show a device's id, firmware, board, space and state."),
    "pair": ("device", "pair", "Pair with a device showing a 6-digit code."),
    "push": ("device", "push", "Validate a routine and send it to the device."),
    "routines": ("device", "routines", "List, select or delete routines on the device."),
    "pull": ("device", "pull", "Fetch new session records into the history."),
    "set-time": ("device", "set_time", "Set the device clock."),
    "forget": ("device", "forget", "Unpair this laptop and the device."),
}

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_BAD_INPUT = 2


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        mod, attr, _ = COMMANDS[name]
        return getattr(importlib.import_module("stretchcue_host.commands." + mod), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS) if COMMANDS[name][2]]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stretchcue")
@click.option("--home", type=click.Path(file_okay=False), default=None,
              help="Folder for history and config (default: your user folders; "
                   "env STRETCHCUE_HOME).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output where it fits.")
@click.pass_context
def main(ctx: click.Context, home: str | None, as_json: bool) -> None:
    """stretchcue: a wearable hold timer for stretching routines.

    \b
    Examples:
      stretchcue validate routines/lower-back.toml
      stretchcue run --speed 60
      stretchcue --json stats
    """
    from stretchcue_host.context import AppContext

    ctx.obj = AppContext(home=home, json=as_json)
