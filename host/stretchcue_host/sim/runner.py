"""Run the unmodified firmware/code.py on the simulated board.

    python -m stretchcue_host.sim.runner --board clue --data DIR [--speed N]
        [--screenshots DIR] [--script "A@3s,B@40s,AB@2m,B_long@5m"] [--until-ms N]
        [--trace FILE] [--cut-at MS] [--no-drv2605] [--quiet] [--keep-running]
        [--radio HCI-TRANSPORT] [--usb-pty] [--buttons stdin] [--busy-speed N]

Buttons in ``--script`` are the board's (A, B, and C on the Feather); ``_long``
holds one for a second, ``AB`` presses both.  The run ends at the summary
screen (unless --keep-running), at --until-ms, on SIGTERM or SIGINT (at the
firmware's next sleep, so nothing is left half-written; exit status 0 as for any
end), or at --cut-at, which stops the process dead like a pulled battery
(exit status 3).

``--buttons stdin`` reads ``press GESTURE`` and ``script A@0s,B@5s`` (times from
now) lines; a line that is neither is reported on stderr and skipped.  With a
window, its keyboard is the board's buttons (A, B, and C on the Feather; also
the left and right arrow keys for A and B).

Without a display (Linux with neither DISPLAY nor WAYLAND_DISPLAY set) there is
no window: the run says so on stderr and goes on headless.

``--usb-pty`` gives the board a USB data port (``usb_cdc.data``) on a
pseudo-terminal and prints its laptop-side path as the console line
``usb data port /dev/pts/N``: ``stretchcue info --transport usb:/dev/pts/N``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
KEY_NAMES = {"clue": "AB", "cpb": "AB", "feather": "ABC"}
_ITEM = re.compile(r"^(AB|[ABC])(_long)?@(.+)$")


class ScriptError(ValueError):
    """A button script could not be read; the message names the item."""


def parse_buttons(text: str, board: str) -> list[tuple[int, int, bool]]:
    """``"A@3s,AB@2m"`` -> sorted ``(at_ms, key, pressed)`` keypad transitions."""
    from stretchcue_host.times import TIME_HELP, time_ms

    names = KEY_NAMES[board]
    out = []
    for item in filter(None, (s.strip() for s in (text or "").split(","))):
        m = _ITEM.match(item)
        if not m or any(k not in names for k in m.group(1)):
            raise ScriptError(f"bad button press {item!r}: write BUTTON@TIME like A@3s, "
                              f"B_long@90s or AB@2m20s; buttons on {board}: "
                              f"{', '.join(names)}")
        at = time_ms(m.group(3))
        if at is None:
            raise ScriptError(f"bad button press {item!r}: the time must be {TIME_HELP}, "
                              "at most 24 h")
        hold = 1000 if m.group(2) else 120
        keys = [names.index(k) for k in m.group(1)]
        for i, k in enumerate(keys):
            out.append((at + 40 * i, k, True))
        for i, k in enumerate(keys):
            out.append((at + hold + 40 * len(keys) + 20 * i, k, False))
    return sorted(out)


class _Stamped:
    """Prefixes the firmware's console lines with virtual time, like a serial log."""

    def __init__(self, stream, world) -> None:
        self._s = stream
        self._w = world
        self._fresh = True

    def write(self, text: str) -> int:
        for part in text.splitlines(keepends=True):
            if self._fresh and not part.startswith("["):
                self._s.write(f"[{self._w.stamp()}] ")
            self._s.write(part)
            self._fresh = part.endswith("\n")
            if self._fresh:
                self._s.flush()
        return len(text)

    def flush(self) -> None:
        self._s.flush()


def quiet_environment() -> None:
    """Settings for the libraries the simulator loads, unless the caller chose others.

    Blinka's platform detection finds no board on a PC and prints "GENERIC_X86 is not
    fully supported" on every import of its display modules; its OS-agnostic board is
    the one it has for a PC, and the simulator brings its own pins anyway."""
    os.environ.setdefault("BLINKA_FORCECHIP", "OS_AGNOSTIC")
    os.environ.setdefault("BLINKA_FORCEBOARD", "OS_AGNOSTIC_BOARD")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def display_found() -> bool:
    """Whether a window can open: on Linux and the BSDs an X or Wayland display must be
    named (SDL otherwise prints "XDG_RUNTIME_DIR is invalid" and fails); elsewhere the
    desktop is always there."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def keyboard(board: str):
    """The window's keys as the board's buttons: a function returning the
    ``(key, pressed)`` changes since its last call (closing the window stops the run)."""
    import pygame

    from stretchcue_host.sim.world import WORLD

    names = KEY_NAMES[board]
    keymap = {getattr(pygame, "K_" + k.lower()): names.index(k) for k in names}
    keymap[pygame.K_LEFT] = 0
    keymap[pygame.K_RIGHT] = 1

    def pump() -> list[tuple[int, bool]]:
        out = []
        for ev in pygame.event.get():
            if ev.type in (pygame.QUIT, getattr(pygame, "WINDOWCLOSE", pygame.QUIT)):
                WORLD.stop("closing the window")
            elif ev.type in (pygame.KEYDOWN, pygame.KEYUP) and ev.key in keymap:
                out.append((keymap[ev.key], ev.type == pygame.KEYDOWN))
        return out

    return pump


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="stretchcue-sim-runner")
    p.add_argument("--board", choices=sorted(KEY_NAMES), default="clue")
    p.add_argument("--data", required=True)
    p.add_argument("--speed", type=float, default=0.0)
    p.add_argument("--screenshots")
    p.add_argument("--script", default="")
    p.add_argument("--until-ms", type=int, default=6 * 3600 * 1000)
    p.add_argument("--trace")
    p.add_argument("--cut-at", type=int)
    p.add_argument("--no-drv2605", action="store_true")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--keep-running", action="store_true")
    p.add_argument("--radio", help="bumble HCI transport of a virtual radio, e.g. "
                                   "tcp-client:127.0.0.1:PORT (see stretchcue_host.vlink.hub)")
    p.add_argument("--busy-speed", type=float, default=None,
                   help="clock speed while a session runs (default: --speed)")
    p.add_argument("--usb-pty", action="store_true",
                   help="a USB data port on a pseudo-terminal; prints 'usb data port PATH'")
    p.add_argument("--buttons", choices=["window", "stdin"], default="window",
                   help="stdin: read 'press GESTURE' / 'script A@5s,...' (relative) lines "
                        "on stdin; window (default): the window's keys A, B, C")
    p.add_argument("--stdin-buttons", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.stdin_buttons:
        args.buttons = "stdin"

    from stretchcue_host.sim.world import WORLD, SimStop

    def stop(signum: int, frame: object) -> None:
        WORLD.stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    quiet_environment()
    if args.speed <= 0:
        os.environ["SDL_VIDEODRIVER"] = "dummy"  # no clock a person could follow
    elif os.environ.get("SDL_VIDEODRIVER") != "dummy" and not display_found():
        print("no display found (DISPLAY and WAYLAND_DISPLAY are not set): running "
              "headless, the screens are printed below", file=sys.stderr, flush=True)
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    window = os.environ.get("SDL_VIDEODRIVER") != "dummy"
    os.environ["STRETCHCUE_DATA"] = str(Path(args.data).resolve())
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)
        os.environ["STRETCHCUE_SIM_SCREENSHOTS"] = str(Path(args.screenshots).resolve())

    # Libraries that keep the real clock must be imported before `time` is swapped.
    import threading  # noqa: F401

    import blinka_displayio_pygamedisplay  # noqa: F401
    import displayio  # noqa: F401
    import pygame  # noqa: F401
    import terminalio  # noqa: F401
    import vectorio  # noqa: F401
    from adafruit_display_text import label  # noqa: F401

    from stretchcue_host.sim.fakes.modules import install

    WORLD.board = args.board
    WORLD.speed = args.speed
    WORLD.until_ms = args.until_ms
    WORLD.cut_at_ms = args.cut_at
    WORLD.drv2605 = not args.no_drv2605
    WORLD.echo = not args.quiet
    WORLD.stop_when_summary = not args.keep_running
    try:
        WORLD.presses = parse_buttons(args.script, args.board)
    except ScriptError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.trace:
        WORLD.trace_file = open(args.trace, "a", buffering=1)  # noqa: SIM115
    if args.usb_pty:
        from stretchcue_host.sim.fakes import usb

        print(f"usb data port {usb.install().path}", flush=True)
    install(args.board)
    WORLD.busy_speed = args.speed if args.busy_speed is None else args.busy_speed
    if args.buttons == "stdin":
        WORLD.listen_stdin()
    if window:
        WORLD.pump = keyboard(args.board)
    if args.radio:
        from stretchcue_host.sim.fakes import bleio
        from stretchcue_host.vlink.peripheral import NusPeripheral

        bleio.install(NusPeripheral(args.radio, f"stretchcue-sim-{args.board}"))

    import importlib.util
    import runpy

    sys.path[:0] = [str(ROOT / "firmware"), str(ROOT / "lib")]
    spec = importlib.util.spec_from_file_location("board_profile",
                                                  ROOT / "boards" / f"{args.board}.py")
    profile = importlib.util.module_from_spec(spec)
    sys.modules["board_profile"] = profile
    spec.loader.exec_module(profile)

    real_stdout = sys.stdout
    if not args.quiet:
        sys.stdout = _Stamped(real_stdout, WORLD)
    else:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    WORLD.emit("boot", board=args.board)
    try:
        from stretchcue_host.sim.fakes import alarm

        # code.py as a board runs it: again from the top after each deep sleep
        alarm.run(lambda: runpy.run_path(str(ROOT / "firmware" / "code.py"),
                                         run_name="__main__"))
    except SimStop:
        pass
    finally:
        sys.stdout = real_stdout
    end = {"signal": WORLD.stop_reason} if WORLD.stop_reason else {}
    WORLD.emit("end", sleeps=WORLD.sleeps,
               refreshes=sum(d.refreshes for d in WORLD.displays), **end)
    if WORLD.stop_reason:
        print(f"stopped by {WORLD.stop_reason}", file=sys.stderr, flush=True)
    if WORLD.trace_file:
        WORLD.trace_file.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # a Ctrl-C before the run's own handler was in place
        print("stopped by SIGINT", file=sys.stderr, flush=True)
        sys.exit(0)
