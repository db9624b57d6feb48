"""Prepare a simulated board's data folder the way the device keeps it."""

from __future__ import annotations

from pathlib import Path

from stretchcue_host.routines import load, resolve


def prepare(data: Path, routine: str | None) -> str:
    """Store ROUTINE (file or bundled name) as the selected routine; return its name."""
    path = resolve(routine)
    _, canon = load(path)
    (data / "routines").mkdir(parents=True, exist_ok=True)
    (data / "routines" / f"{path.stem}.json").write_bytes(canon)
    (data / "selected.txt").write_text(path.stem)
    return path.stem


def runner_command(python: str, board: str, data: Path, *, speed: float = 0.0,
                   screenshots: Path | None = None, script: str = "", trace: Path | None = None,
                   until_ms: int | None = None, cut_at: int | None = None,
                   quiet: bool = False, no_drv2605: bool = False,
                   keep_running: bool = False, usb_pty: bool = False,
                   stdin_buttons: bool = False) -> list[str]:
    cmd = [python, "-m", "stretchcue_host.sim.runner", "--board", board, "--data", str(data),
           "--speed", str(speed)]
    for flag, value in (("--screenshots", screenshots), ("--script", script),
                        ("--trace", trace), ("--until-ms", until_ms), ("--cut-at", cut_at)):
        if value:
            cmd += [flag, str(value)]
    for flag, on in (("--quiet", quiet), ("--no-drv2605", no_drv2605),
                     ("--keep-running", keep_running), ("--usb-pty", usb_pty)):
        if on:
            cmd.append(flag)
    if stdin_buttons:
        cmd += ["--buttons", "stdin"]
    return cmd
