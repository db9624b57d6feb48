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
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="stretchcue")
def main() -> None:
    """stretchcue: a wearable hold timer for stretching routines.

    \b
    Examples:
      stretchcue validate routines/lower-back.toml
      stretchcue run --speed 60
    """
