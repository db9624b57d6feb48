"""``stretchcue sim``: the unmodified firmware on a simulated board."""

from __future__ import annotations

import click

from stretchcue_host.commands.common import EXIT_BAD_INPUT, Number, fail

MAX_MS = 24 * 3600 * 1000  # virtual time a run can reach; a cut later never happens


@click.command()
@click.argument("routine", required=False)
@click.option("--board", type=click.Choice(["clue", "cpb", "feather"]), default="clue",
              show_default=True)
@click.option("--speed", default=1.0, show_default=True, type=Number(min=0, max=100000),
              help="Clock speed-up; 0 runs as fast as possible.")
@click.option("--headless", is_flag=True, help="No window: print the cue stream only.")
@click.option("--screenshots", type=click.Path(file_okay=False), default=None,
              help="Save a PNG of every new screen here.")
@click.option("--script", default="A@1s",
              help='Button presses, e.g. "A@1s,A@60s,A@70s,B@2m,AB@5m" (default: start).')
@click.option("--data", type=click.Path(file_okay=False), default=None,
              help="The board's data folder (default: a fresh temporary one).")
@click.option("--cut-at", type=click.IntRange(min=1, max=MAX_MS), default=None,
              help="Cut the power at this many ms of virtual time, then boot again.")
@click.option("--trace", type=click.Path(dir_okay=False), default=None,
              help="Write a JSON-lines trace (motor, tone, keys, screens).")
@click.option("--keep-running", is_flag=True,
              help="Stay on after the summary screen, until Ctrl-C or SIGTERM.")
@click.option("--usb-pty", is_flag=True,
              help="A USB data port on a pseudo-terminal; prints 'usb data port PATH'.")
@click.option("--buttons", type=click.Choice(["window", "stdin"]), default="window",
              show_default=True,
              help="Where presses come from besides --script: the window's keys (A, B, C), "
                   "or stdin lines 'press B_long', 'script A@0s,B@5s' (for another program).")
@click.option("--stdin-buttons", is_flag=True, hidden=True, help="Same as --buttons stdin.")
def sim(routine: str | None, board: str, speed: float, headless: bool,
        screenshots: str | None, script: str, data: str | None, cut_at: int | None,
        trace: str | None, keep_running: bool, usb_pty: bool, buttons: str,
        stdin_buttons: bool) -> None:
    """Run the firmware on a simulated BOARD with ROUTINE (default lower-back).

    In the window, keys A and B (C on the Feather) are the board's buttons; hold
    one for a long press. Closing the window, Ctrl-C or SIGTERM ends the run at
    the firmware's next sleep, with everything it wrote complete. Without a
    display it says so and runs headless; --speed 0 never opens a window.
    --screenshots keeps one PNG of each distinct screen (numbers aside).
    See docs/simulator.md for driving it from another program.

    \b
    Examples:
      stretchcue sim --speed 30                      # a window, 30x faster
      stretchcue sim --headless --speed 0 --screenshots /tmp/stretchcue-shots
      stretchcue sim desk-break --board feather --headless --script "A@1s,AB@1m30s"
      stretchcue sim --headless --usb-pty --keep-running --buttons stdin --script ""
    """
    import os
    import sys
    import tempfile
    from pathlib import Path

    from stretchcue_host.routines import RoutineFileError
    from stretchcue_host.sim.device_dir import prepare, runner_command
    from stretchcue_host.sim.runner import ScriptError, parse_buttons

    try:
        parse_buttons(script, board)
    except ScriptError as e:
        fail(str(e), EXIT_BAD_INPUT)
    # Every folder and file the runner will write is made or opened here first, so a
    # path that cannot be used is one line and exit 2, not the runner's traceback.
    for option, folder_opt in (("--screenshots", screenshots), ("--data", data)):
        if folder_opt:
            _folder(option, folder_opt)
    if trace:
        try:
            with open(trace, "a"):
                pass
        except OSError as e:
            fail(f"--trace {trace}: cannot write it: {e.strerror}", EXIT_BAD_INPUT)
    with tempfile.TemporaryDirectory(prefix="stretchcue-sim-") as tmp:
        folder = Path(data) if data else Path(tmp)
        try:
            prepare(folder, routine)
        except RoutineFileError as e:
            fail(f"the routine is invalid:\n{e}", EXIT_BAD_INPUT)
        except OSError as e:
            fail(f"--data {folder}: cannot write the routine there: {e.strerror}",
                 EXIT_BAD_INPUT)
        env = dict(os.environ)
        if headless:
            env["SDL_VIDEODRIVER"] = "dummy"
        elif speed == 0:
            click.echo("--speed 0 runs as fast as it can: no window (add --headless to "
                       "say so, or a --speed of 1 or more for one)", err=True)
        common = dict(speed=speed, screenshots=Path(screenshots) if screenshots else None,
                      trace=Path(trace) if trace else None, keep_running=keep_running,
                      usb_pty=usb_pty,
                      stdin_buttons=stdin_buttons or buttons == "stdin")
        cmd = runner_command(sys.executable, board, folder, script=script, cut_at=cut_at,
                             **common)
        rc = _run(cmd, env)
        if rc == 3 and cut_at is not None:
            click.echo(f"-- power cut at {cut_at} ms; booting again --")
            cmd = runner_command(sys.executable, board, folder, **common)
            rc = _run(cmd, env)
        if rc:
            raise SystemExit(rc)


def _folder(option: str, path: str) -> None:
    from pathlib import Path

    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as e:
        fail(f"{option} {path}: cannot make that folder: "
             f"{getattr(e, 'strerror', None) or e}", EXIT_BAD_INPUT)


def _run(cmd: list[str], env: dict) -> int:
    """The runner as a child process, its exit status ours.  SIGINT and SIGTERM are passed
    on to it, not acted on here: it ends at its next sleep with its files complete (a
    Ctrl-C reaches it from the terminal too; a second one changes nothing)."""
    import signal
    import subprocess

    procs: list = []
    early: list = []  # signals that came before the child did

    def forward(signum: int, frame: object) -> None:
        for p in procs:
            p.send_signal(signum)
        if not procs:
            early.append(signum)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        procs.append(subprocess.Popen(cmd, env=env, preexec_fn=_end_with_parent))
        for signum in early:
            procs[0].send_signal(signum)
        return procs[0].wait()
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _end_with_parent() -> None:
    """In the runner, before it starts (Linux): a SIGTERM when this process dies, so even
    a SIGKILL of ``stretchcue sim`` leaves no runner behind."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
