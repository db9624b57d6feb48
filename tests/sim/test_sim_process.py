"""The simulator as another program drives it: stdin presses, bad lines, SIGTERM and SIGINT.

Each test starts the simulator in its own process at real-time speed and waits on
its console and error lines (each with a timeout), never on the clock.
"""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading

import pytest

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.sim.device_dir import prepare, runner_command

MENU = r"screen: stretchcue \| Lower back"
SESSION = r"screen: Knee to chest \| .*Get ready"


class Sim:
    def __init__(self, tmp_path, cmd: list[str] | None = None, **kw) -> None:
        self.data = tmp_path / "data"
        self.data.mkdir()
        prepare(self.data, None)
        self.trace = tmp_path / "trace.jsonl"
        cmd = cmd or runner_command(sys.executable, "clue", self.data, speed=1.0,
                                    trace=self.trace, keep_running=True, **kw)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.lines: dict[str, queue.Queue] = {"out": queue.Queue(), "err": queue.Queue()}
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._read, args=(stream, self.lines[name]),
                             daemon=True).start()

    @staticmethod
    def _read(stream, q: queue.Queue) -> None:
        for line in stream:
            q.put(line.decode("utf-8", "replace"))
        q.put(None)

    def expect(self, stream: str, pattern: str, timeout_s: float = 30.0) -> re.Match:
        """The next line on ``stream`` matching ``pattern``."""
        seen = []
        while True:
            try:
                line = self.lines[stream].get(timeout=timeout_s)
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no {stream} line like {pattern!r}; saw {seen[-10:]}")
            seen.append(line)
            m = re.search(pattern, line)
            if m:
                return m

    def rest(self, stream: str) -> list[str]:
        """Every line still to come on ``stream``, once the process has ended."""
        out = []
        while (line := self.lines[stream].get(timeout=30)) is not None:
            out.append(line)
        return out

    def send(self, raw: bytes) -> None:
        self.proc.stdin.write(raw)
        self.proc.stdin.flush()

    def end(self, sig: int) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.trace.read_text().splitlines()]


@pytest.fixture
def sims():
    made: list[Sim] = []
    yield made
    for s in made:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def test_bad_stdin_lines_are_reported_and_the_buttons_still_work(tmp_path, sims):
    sim = Sim(tmp_path, script="", stdin_buttons=True)
    sims.append(sim)
    sim.expect("out", MENU)
    sim.send(b"press X\nbogus\nscript A@soon\n\xff\xfe\npress\npress A@1s\n\n")
    for bad in ("press X", "bogus", "script A@soon", "\ufffd\ufffd", "press", "press A@1s"):
        sim.expect("err", r"^stdin: ignored " + re.escape(repr(bad)) + ": .+")
    sim.send(b"press A\n")
    sim.expect("out", SESSION)  # the good line after them was pressed
    assert sim.end(signal.SIGTERM) == 0
    assert sim.events()[-1]["type"] == "end"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_session_ends_the_run_as_a_normal_end_does(tmp_path, sims, sig):
    sim = Sim(tmp_path, script="A@0ms")
    sims.append(sim)
    sim.expect("out", SESSION)
    assert sim.end(sig) == 0
    assert sim.rest("err")[-1:] == [f"stopped by {sig.name}\n"]  # and no traceback
    end = sim.events()[-1]
    assert end["type"] == "end" and end["signal"] == sig.name
    records, problems, _ = sl.scan((sim.data / "log.bin").read_bytes())
    assert problems == [] and records[0].rtype == Rec.START


def test_stretchcue_sim_passes_sigterm_on_and_exits_with_the_runners_status(tmp_path, sims):
    trace = tmp_path / "trace.jsonl"
    cmd = [sys.executable, "-c", "from stretchcue_host.cli import main; main()", "sim",
           "--headless", "--speed", "1", "--script", "", "--keep-running",
           "--data", str(tmp_path / "cli-data"), "--trace", str(trace)]
    sim = Sim(tmp_path, cmd)
    sims.append(sim)
    sim.expect("out", MENU)
    assert sim.end(signal.SIGTERM) == 0
    last = json.loads(trace.read_text().splitlines()[-1])
    assert last["type"] == "end" and last["signal"] == "SIGTERM"
