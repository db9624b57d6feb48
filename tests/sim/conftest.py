"""Scenarios on the simulated board, started together so the suite stays fast.

Each scenario is the unmodified firmware in its own process, in virtual time;
tests read the trace (motor, tone, keys, screens with their label texts), the
log file the firmware wrote and the screenshots.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stretchcue import sessionlog
from stretchcue_host.sim.device_dir import prepare, runner_command


class Run:
    def __init__(self, root: Path, name: str, board: str, script: str, setup, **kw) -> None:
        self.dir = root / name
        self.data = self.dir / "data"
        self.data.mkdir(parents=True)
        setup(self.data)
        self.shots = self.dir / "shots"
        self.trace_path = self.dir / "trace.jsonl"
        self.cmd = runner_command(sys.executable, board, self.data, script=script,
                                  screenshots=self.shots, trace=self.trace_path, quiet=True, **kw)
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.rc: int | None = None
        self.output = b""

    def wait(self) -> Run:
        if self.rc is None:
            self.output, _ = self.proc.communicate(timeout=240)
            self.rc = self.proc.returncode
        return self

    def again(self, **kw) -> Run:
        """Boot the same board again on the same flash (after a power cut)."""
        cmd = runner_command(sys.executable, self.cmd[self.cmd.index("--board") + 1],
                             self.data, trace=self.trace_path, quiet=True, **kw)
        subprocess.run(cmd, check=True, timeout=240)
        return self

    @property
    def trace(self) -> list[dict]:
        return [json.loads(line) for line in self.trace_path.read_text().splitlines()]

    def screens(self) -> list[dict]:
        return [e for e in self.trace if e["type"] == "screen"]

    def records(self) -> list:
        recs, problems, _ = sessionlog.scan((self.data / "log.bin").read_bytes())
        assert problems == []
        return recs


def _routine(name: str | None):
    return lambda data: prepare(data, name)


def _corrupt(data: Path) -> None:
    (data / "routines").mkdir()
    (data / "routines" / "mine.json").write_bytes(b'{"name": "Mine", "stretch')
    (data / "selected.txt").write_text("mine")


OLD_KEYS = {bytes([0x48 + i]) * 16: bytes([i]) * 32 for i in range(2)}


def _old_keys_and_bad_nvm(data: Path) -> None:
    """Key files an earlier firmware left on the drive, and an nvm (the simulator keeps it
    in nvm.bin) whose two slots start right but fail their CRC (firmware/keyring.py)."""
    prepare(data, None)
    (data / "keys").mkdir()
    for host, key in OLD_KEYS.items():
        (data / "keys" / host.hex()).write_bytes(key)
    slot = (b"SCK1" + bytes([7, 0, 0, 0, 1, 0, 0, 0]) + b"\x55" * 52).ljust(4096, b"\xa5")
    (data / "nvm.bin").write_bytes(slot * 2)


SCENARIOS = {
    # name: (board, button script, data folder setup, extra runner options)
    "plain": ("clue", "A@1s", _routine(None), {}),
    "presses": ("clue", "A@1s,A@30s,A@45s,B@60s,B_long@210s,A@425s,B@427s,AB@1200s",
                _routine(None), {}),
    "feather": ("feather", "A@1s", _routine("desk-break"), {"until_ms": 40_000}),
    "nodrv": ("clue", "A@1s", _routine("desk-break"), {"no_drv2605": True, "until_ms": 20_000}),
    "cut": ("clue", "A@1s", _routine("desk-break"), {"cut_at": 75_000}),
    "corrupt": ("clue", "", _corrupt, {"until_ms": 3_000}),
    "badnvm": ("clue", "", _old_keys_and_bad_nvm, {"until_ms": 3_000}),
}


@pytest.fixture
def old_keys() -> dict:
    """The keys the "badnvm" scenario left in files: host id -> key."""
    return OLD_KEYS


@pytest.fixture(scope="session")
def sim_runs(tmp_path_factory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("sim")
    runs = {name: Run(root, name, board, script, setup, **kw)
            for name, (board, script, setup, kw) in SCENARIOS.items()}
    yield runs
    for r in runs.values():
        if r.proc.poll() is None:
            r.proc.kill()
