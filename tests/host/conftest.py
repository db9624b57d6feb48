"""Host test helpers: a CliRunner bound to a throw-away --home, and synthetic logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stretchcue_host.cli import main
from stretchcue_host.routines import load

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs ``stretchcue --home HOME ...`` in-process."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):
        return self.runner.invoke(main, ["--home", str(self.home), *args], input=input,
                                  catch_exceptions=False)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("STRETCHCUE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    return Cli(tmp_path / "home")


@pytest.fixture(scope="session")
def lower_back():
    return load(ROOT / "routines" / "lower-back.toml")[0]


@pytest.fixture(scope="session")
def desk_break():
    return load(ROOT / "routines" / "desk-break.toml")[0]
