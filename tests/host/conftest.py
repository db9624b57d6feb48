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


@pytest.fixture
def loopback_device(monkeypatch):
    """A device the CLI's commands reach over a loopback link (``.proto`` its protocol)."""
    from proto_api import MemoryDevice, urandom

    from stretchcue.protocol.device import DeviceProtocol
    from stretchcue_host.transport.loopback import LoopbackTransport

    api = MemoryDevice()
    proto = DeviceProtocol(api, urandom)
    monkeypatch.setattr("stretchcue_host.transport.open_transport",
                        lambda spec="auto", device="": LoopbackTransport(proto, mtu=20))
    api.proto = proto
    return api
