"""The demo's bench: a virtual radio hub and the simulated device, each in a process.

A small driver around them that reads the device's console (as a person
reads its screen) and presses its buttons (stdin), so the demo and the
end-to-end tests exercise the same real BLE stack the same way.  With
``usb=True`` the device also gets its USB data port on a pseudo-terminal
(``usb_port``), for the serial transport's tests.  The person at the device
answers "Pair with <name>?" with ``answer`` ("A" yes, "B" no, "" nobody).
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

from stretchcue_host.sim.device_dir import prepare

_CODE = re.compile(r"screen: Pair laptop \|[^|]*\| (\d{6}) \|")
_ASKED = re.compile(r"screen: Pair with \|")


class Rig:
    def __init__(self, folder: Path, board: str = "clue", routine: str = "lower-back",
                 centrals: int = 1, usb: bool = False, script: str = "B_long@1s",
                 answer: str = "A") -> None:
        self.folder = folder
        self.answer = answer
        self.centrals = centrals
        self.usb = usb
        self.boot_script = script
        self.usb_port = ""
        self.seen: list[str] = []
        self.board = board
        self.data = folder / "device"
        self.data.mkdir(parents=True, exist_ok=True)
        self.trace = folder / "trace.jsonl"
        self.shots = folder / "shots"
        prepare(self.data, routine)
        self.lines: queue.Queue[str] = queue.Queue()
        self._procs: list[subprocess.Popen] = []

    def __enter__(self) -> Rig:
        hub = subprocess.Popen([sys.executable, "-m", "stretchcue_host.vlink.hub",
                                str(1 + self.centrals)], stdout=subprocess.PIPE, text=True)
        self._procs.append(hub)
        ports = json.loads(hub.stdout.readline())["ports"]
        self.device_radio, *self.host_radios = (f"tcp-client:127.0.0.1:{p}" for p in ports)
        self.host_radio = self.host_radios[0]
        dev = subprocess.Popen(
            [sys.executable, "-m", "stretchcue_host.sim.runner", "--board", self.board,
             "--data", str(self.data), "--radio", self.device_radio, "--speed", "1",
             "--busy-speed", "0", "--keep-running", "--buttons", "stdin",
             "--script", self.boot_script, "--trace", str(self.trace),
             "--screenshots", str(self.shots)] + (["--usb-pty"] if self.usb else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._procs.append(dev)
        self._dev = dev
        threading.Thread(target=self._read, daemon=True).start()
        if self.usb:
            self.usb_port = self.wait_for(r"usb data port (\S+)").group(1)
        return self

    def __exit__(self, *exc) -> None:
        for p in reversed(self._procs):
            p.kill()
            p.wait(10)

    def _read(self) -> None:
        for line in self._dev.stdout:
            if self.answer and _ASKED.search(line):
                self.press(self.answer)
            self.lines.put(line)

    def pairing_code(self, timeout_s: float = 30.0) -> str:
        """The laptop pairing code, read off the screen (the device never prints it)."""
        return self.wait_for(_CODE.pattern, timeout_s).group(1)

    def wait_for(self, pattern: str, timeout_s: float = 30.0) -> re.Match:
        """The next console line matching ``pattern``; TimeoutError, with the device's
        last lines, if none comes in time."""
        rx = re.compile(pattern)
        while True:
            try:
                line = self.lines.get(timeout=timeout_s)
            except queue.Empty:
                raise TimeoutError(f"no console line like {pattern!r} in {timeout_s:g} s; "
                                   "last lines:\n" + "".join(self.seen[-15:])) from None
            self.seen.append(line)
            m = rx.search(line)
            if m:
                return m

    def press(self, gesture: str) -> None:
        self._dev.stdin.write(f"press {gesture}\n")
        self._dev.stdin.flush()

    def script(self, text: str) -> None:
        """Presses at times relative to now, e.g. "A@0s,A@29s"."""
        self._dev.stdin.write(f"script {text}\n")
        self._dev.stdin.flush()
