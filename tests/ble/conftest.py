"""A real BLE stack with no radio: a bumble hub, the simulated device, the CLI.

The hub and the simulated device (unmodified firmware, its adafruit_ble
replaced by a bumble peripheral) each run in their own process; the CLI runs
in the test process with a bumble central.  The device's console is read
line by line, as a person would read its screen.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from stretchcue_host.sim.device_dir import prepare


class SimDevice:
    def __init__(self, data: Path, radio: str, script: str) -> None:
        self.data = data
        self.lines: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "stretchcue_host.sim.runner", "--data", str(data),
             "--radio", radio, "--speed", "1", "--busy-speed", "0", "--keep-running",
             "--stdin-buttons", "--script", script],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, pattern: str, timeout_s: float = 30.0) -> re.Match:
        """Block until the device prints a line matching ``pattern``."""
        rx = re.compile(pattern)
        while True:
            line = self.lines.get(timeout=timeout_s)
            m = rx.search(line)
            if m:
                return m

    def press(self, gesture: str) -> None:
        self.proc.stdin.write(f"press {gesture}\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def radio():
    hub = subprocess.Popen([sys.executable, "-m", "stretchcue_host.vlink.hub", "2"],
                           stdout=subprocess.PIPE, text=True)
    try:
        ports = json.loads(hub.stdout.readline())["ports"]
        yield [f"tcp-client:127.0.0.1:{p}" for p in ports]
    finally:
        hub.kill()
        hub.wait(10)


@pytest.fixture(scope="module")
def device(radio, tmp_path_factory):
    data = tmp_path_factory.mktemp("device")
    prepare(data, "lower-back")
    dev = SimDevice(data, radio[0], "B_long@1s")
    try:
        yield dev
    finally:
        dev.close()
