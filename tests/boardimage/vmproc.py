"""Drive one VM process booting a board image, in lock step, from the desktop.

The VM stops at every ``time.sleep`` that matters and prints ``@bi sync {...}``;
``Vm.sync`` answers the previous one (with whatever commands piled up: button
presses, a central connecting, its writes, a power cut) and reads up to the
next.  ``@bi nvm`` lines are writes to the board's ``microcontroller.nvm``, kept
at once in nvm.bin beside the drive, and handed to the next boot of that drive.
Everything else the VM prints is the firmware's console.

``VmTransport`` is the laptop's radio for the real ``DeviceClient``: its writes
ride on the next answer, cut to the ATT payload as bleak's would be, and the
device's notifications come back with the next sync.  ``until`` lets the
client run between syncs until it waits for the device again, so the device
never waits on a client that has not had its turn.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections import deque
from pathlib import Path

from qstr import parse_qstr_info

from stretchcue_host.sim.runner import parse_buttons
from stretchcue_host.transport.base import Transport

ROOT = Path(__file__).resolve().parents[2]
BOARD_MJS = ROOT / "tests" / "micropython" / "board_image.mjs"
_CODE = re.compile(r"^\d{6}$")


class VmEnded(Exception):
    """The VM stopped (crash, time limit, or the process died) before what was awaited."""


def circuitpython_vm() -> Path | None:
    """CircuitPython's unix VM: $CIRCUITPY_UNIX (the program, or the folder holding it),
    else ../shared/circuitpython/circuitpython beside the checkout."""
    env = os.environ.get("CIRCUITPY_UNIX")
    path = Path(env) if env else ROOT.parent / "shared" / "circuitpython"
    if path.is_dir():
        path = path / "circuitpython"
    return path if path.is_file() and os.access(path, os.X_OK) else None


def circuitpython_mpy_cross(vm: Path | None) -> Path | None:
    """CircuitPython's own mpy-cross ($CIRCUITPY_MPY_CROSS, else beside the VM)."""
    env = os.environ.get("CIRCUITPY_MPY_CROSS")
    path = Path(env) if env else (vm.with_name("mpy-cross") if vm else None)
    return path if path is not None and path.is_file() else None


class Vm:
    """One boot of the image: a VM process, its console, its screens, its end report."""

    def __init__(self, kind: str, board: str, image: Path, standins: Path, cfg: dict,
                 heap: str = "512K") -> None:
        self.kind = kind  # "circuitpython" or "micropython"
        self.board = board
        self.image = image
        self.standins = standins
        self.cfg = cfg
        self.heap = heap
        self.nvm_path = image.parent / "nvm.bin"  # microcontroller.nvm: beside the drive, not on it
        self.t = 0
        self.texts: list = []
        self.screens: list = []  # (t, texts) on every change
        self.adverts: list = []  # (adv bytes, scan response bytes, connectable)
        self.codes: list = []  # laptop pairing codes read off the screen (never printed)
        self.answer = "A"  # the person's answer to "Pair with <name>?" ("" nobody)
        self._notes: list = []  # notification lines ahead of the next sync
        self.console: deque = deque(maxlen=400)
        self.names: dict = {}  # "base", "menu", "peak": (heap, qstr_info numbers), see qstr.py
        self._names_at: tuple | None = None
        self.notable: list = []  # console lines that say something broke
        self.boot: dict = {}
        self.end: dict | None = None
        self.rc: int | None = None
        self.stderr = b""
        self._cmd: dict = {}
        self._waiting = False
        self.proc: asyncio.subprocess.Process | None = None

    def command(self) -> list:
        if self.kind == "circuitpython":
            boot = ("import sys\nsys.path.insert(0, %r)\nfrom stretchcue_host.sim.vm import start\n"
                    "start.main(start.StdIO())\n" % str(self.standins))
            return [str(self.cfg["vm"]), "-X", "heapsize=" + self.heap, "-c", boot]
        return ["node", str(BOARD_MJS), "--image", str(self.image), "--standins",
                str(self.standins)]

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STRETCHCUE")}
        self.proc = await asyncio.create_subprocess_exec(
            *self.command(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, cwd=str(self.image), env=env, limit=1 << 22)
        self._stderr_task = asyncio.create_task(self.proc.stderr.read())
        line = await self._line()
        if line != "@bi hello":
            raise VmEnded(f"the VM did not start: {line!r} {await self._finish()}")
        cfg = {k: v for k, v in self.cfg.items() if k != "vm"}
        cfg["mount"] = str(self.image) if self.kind == "circuitpython" else None
        if self.nvm_path.exists():
            cfg["nvm"] = self.nvm_path.read_bytes().hex()
        await self._write(cfg)

    async def _line(self) -> str:
        raw = await self.proc.stdout.readline()
        return raw.decode("utf-8", "replace").rstrip("\r\n") if raw else ""

    async def _write(self, obj: dict) -> None:
        self.proc.stdin.write(json.dumps(obj).encode() + b"\n")
        await self.proc.stdin.drain()

    # -- commands for the next answer -----------------------------------------------

    def press(self, script: str) -> None:
        """Button presses like "A@500ms,B_long@2s", times from now."""
        self._cmd.setdefault("p", []).extend(
            [self.t + at, key, pressed] for at, key, pressed in parse_buttons(script, self.board))

    def phase(self, name: str) -> None:
        """Name what comes next, for the per-phase heap peaks."""
        self._cmd["phase"] = name

    def stop(self, reason: str) -> None:
        self._cmd["stop"] = reason

    def wake_now(self) -> None:
        """Meet again at the next sleep (else the VM runs on to the next screen change)."""
        self._cmd["wake"] = self.t

    def radio(self, key: str, value) -> None:
        if key == "w":
            self._cmd.setdefault("w", []).extend(value)
        else:
            self._cmd[key] = value

    # -- lock step ----------------------------------------------------------------------

    async def sync(self) -> dict | None:
        """Answer the waiting VM, then read to its next sync; None once it has ended."""
        if self._waiting:
            self._waiting = False
            cmd, self._cmd = self._cmd, {}
            await self._write(cmd)
        while True:
            line = await self._line()
            if not line:
                await self._finish()
                return None
            if line.startswith("@bi n "):
                self._notes.append(line[6:])
                continue
            if line.startswith("@bi sync "):
                req = json.loads(line[9:])
                if self._notes:
                    req["n"], self._notes = self._notes, []
                self.t = req["t"]
                if "s" in req:
                    self.texts = req["s"]
                    self.screens.append((self.t, self.texts))
                    self._read_screen(self.texts)
                for adv, sr, connectable in req.get("adv", ()):
                    self.adverts.append((bytes.fromhex(adv), bytes.fromhex(sr), connectable))
                self._waiting = True
                return req
            if line.startswith("@bi qi "):
                label, alloc = line[7:].split()
                self._names_at = (label, int(alloc))
                continue
            if self._names_at and line.startswith("qstr pool:"):
                label, alloc = self._names_at
                self._names_at = None
                self.names[label] = (alloc, parse_qstr_info(line))
                continue
            if line.startswith("@bi nvm "):
                self._save_nvm(json.loads(line[8:]))
            elif line.startswith("@bi boot "):
                self.boot = json.loads(line[9:])
            elif line.startswith("@bi end "):
                self.end = json.loads(line[8:])
            else:
                self.console.append(line)
                if line.startswith(("link error", "Traceback")) or "Error" in line:
                    self.notable.append(line)

    def _read_screen(self, texts: list) -> None:
        """What a person reads there: a laptop code to type, a question to answer."""
        if texts and texts[0] == "Pair laptop":
            self.codes += [t for t in texts if _CODE.match(t)]
        elif texts and texts[0] == "Pair with" and self.answer:
            self.press(self.answer + "@200ms")

    def _save_nvm(self, write: dict) -> None:
        """A write to the board's nvm, kept at once as its flash would keep it."""
        from stretchcue_host.sim.fakes.nvm import SIZE

        if not self.nvm_path.exists():
            self.nvm_path.write_bytes(b"\xff" * SIZE)
        with self.nvm_path.open("r+b") as f:
            f.seek(write["at"])
            f.write(bytes.fromhex(write["d"]))

    async def _finish(self) -> int:
        if self.proc is None:
            return -1
        if self.proc.stdin and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        self.rc = await self.proc.wait()
        self.stderr = await self._stderr_task
        return self.rc

    async def close(self) -> None:
        """Let the VM end (after a stop) and collect its last words."""
        while await self.sync() is not None:
            pass

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    def describe_end(self) -> str:
        """Why the VM ended, with the traceback or stderr tail if it failed."""
        if self.end is None:
            tail = self.stderr.decode("utf-8", "replace").strip()[-1500:]
            return f"the VM process ended without a report (exit {self.rc}): {tail}"
        text = f"ended: {self.end.get('reason')}"
        if self.end.get("error"):
            text += "\n" + self.end["error"].replace("\r\n", "\n").rstrip()
        return text


class _Inbox(asyncio.Queue):
    """The notification queue; knows when the client is blocked waiting on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = 0

    async def get(self):
        self.waiting += 1
        try:
            return await super().get()
        finally:
            self.waiting -= 1


class VmTransport(Transport):
    """The laptop's BLE central, as far as the client can tell: NUS writes and notifications."""

    name = "board-image"

    def __init__(self, vm: Vm, att_mtu: int) -> None:
        super().__init__()
        self.received = _Inbox()
        self.vm = vm
        self.att_mtu = att_mtu
        self.mtu = att_mtu - 3
        self.writes = 0
        self.notifications = 0

    async def connect(self) -> None:
        if not self.connected:
            self.connected = True
            self.vm.radio("c", self.att_mtu)

    async def write(self, data: bytes) -> None:
        if not self.connected:
            from stretchcue_host.transport.base import ConnectionLost

            raise ConnectionLost("not connected")
        pieces = [data[i:i + self.mtu].hex() for i in range(0, len(data), self.mtu)]
        self.writes += len(pieces)
        self.vm.radio("w", pieces)

    async def close(self) -> None:
        if self.connected:
            self.vm.radio("d", True)
            self._lost()

    def deliver(self, req: dict) -> None:
        for h in req.get("n", ()):
            self.notifications += 1
            self.received.put_nowait(bytes.fromhex(h))
        if req.get("dropped_by_device"):
            self._lost()


async def _settle(task: asyncio.Task, inbox: _Inbox) -> None:
    """Let the client run until it is done or waits for the device again."""
    for _ in range(100000):
        if task.done() or (inbox.waiting and inbox.empty()):
            return
        await asyncio.sleep(0)


async def until(vm: Vm, done, what: str, transport: VmTransport | None = None,
                client: asyncio.Task | None = None, limit_ms: int | None = None) -> None:
    """Run the VM sync by sync until ``done()``; VmEnded if it stops first, or if
    ``limit_ms`` of virtual time pass.

    ``done`` is asked first, so nothing moves if it already holds.  With a
    ``client``, the client runs before every answer, so its writes go out in it,
    and the VM meets the driver at every sleep: virtual time never runs ahead of
    a host that is still thinking.
    """
    start = vm.t
    while True:
        if client is not None:
            await _settle(client, transport.received)
            vm.wake_now()
        if done():
            return
        if limit_ms is not None and vm.t - start > limit_ms:
            raise VmEnded(f"waiting for {what}: not there after {limit_ms // 1000} s of "
                          f"virtual time (screen {vm.texts})")
        req = await vm.sync()
        if req is None:
            raise VmEnded(f"waiting for {what}: {vm.describe_end()}")
        if transport is not None:
            transport.deliver(req)
