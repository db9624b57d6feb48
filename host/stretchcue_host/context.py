"""The typed object every command finds in ``ctx.obj``: where data lives, how to print.

One place decides the data and config folders so tests (``--home`` or
``STRETCHCUE_HOME``) can never touch a person's real history.  Standard library
only at import time: ``platformdirs`` is loaded when a folder is first asked for.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

HOME_ENV = "STRETCHCUE_HOME"


class AppContext:
    """Global options of the ``stretchcue`` group, shared by all subcommands."""

    def __init__(self, home: str | Path | None = None, json: bool = False) -> None:
        env = os.environ.get(HOME_ENV)
        chosen = home or env or None
        self.home = Path(chosen).expanduser() if chosen else None
        self.json = json

    def data_dir(self) -> Path:
        if self.home:
            return self.home
        from platformdirs import user_data_dir

        return Path(user_data_dir("stretchcue"))

    def config_dir(self) -> Path:
        if self.home:
            return self.home
        from platformdirs import user_config_dir

        return Path(user_config_dir("stretchcue"))

    @property
    def config_path(self) -> Path:
        return self.config_dir() / "config.toml"

    @property
    def history_path(self) -> Path:
        return self.data_dir() / "history.sqlite3"


def get(ctx: click.Context | None = None) -> AppContext:
    """The current AppContext, or a default one when a command runs outside the group."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is not None:
        found = ctx.find_object(AppContext)
        if found is not None:
            return found
    return AppContext()


def wants_json(flag: bool) -> bool:
    """A command's own ``--json`` or the group's."""
    return flag or get().json
