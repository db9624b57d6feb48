"""Helpers the history and settings commands share: open things, or exit with a reason."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

import click

EXIT_FAIL = 1
EXIT_BAD_INPUT = 2


class Number(click.FloatRange):
    """A FloatRange that refuses nan too: every comparison with nan is false, so the
    range alone lets it through (and a speed of nan stalls the clock)."""

    def convert(self, value, param, ctx):
        rv = super().convert(value, param, ctx)
        if rv != rv:
            self.fail(f"{value!r} is not a number", param, ctx)
        return rv


class Transport(click.ParamType):
    """A transport spec, checked as the config checks one, so ``--transport weird`` is
    refused by click (exit 2) rather than by the link code after the command began."""

    name = "transport"

    def convert(self, value, param, ctx):
        from stretchcue_host.config import ConfigError, check

        try:
            return check("transport", value)
        except ConfigError as e:
            self.fail(str(e), param, ctx)


def plural(n: int, word: str, words: str | None = None) -> str:
    """``1 day``, ``2 days``, ``0 sessions``: the count with its word, as people write it."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def fail(message: str, code: int = EXIT_FAIL) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def open_history(check: bool = False, read_only: bool = False):
    """The history at the context's data folder; a damaged one exits 1 with advice.

    ``read_only``: a command that only reads (history, export, stats, plot) gets an
    empty history in memory when there is none yet, and creates no file or folder."""
    from stretchcue_host.context import get
    from stretchcue_host.history import History, HistoryError

    path = get().history_path
    try:
        if read_only and not path.exists():
            return History(":memory:")
        return History(path, check=check)
    except HistoryError as e:
        fail(str(e))


def settings() -> dict:
    from stretchcue_host.config import ConfigError, load
    from stretchcue_host.context import get

    try:
        return load(get().config_path)
    except ConfigError as e:
        fail(str(e), EXIT_BAD_INPUT)


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date like 2025-01-31, not {value!r}", EXIT_BAD_INPUT)
