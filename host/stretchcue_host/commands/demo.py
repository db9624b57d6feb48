"""``stretchcue demo``: the whole product in one command, no hardware needed.

The simulated device (the unmodified firmware on a simulated CLUE) comes up
on a virtual BLE radio (real bumble stacks, linked over loopback); the CLI,
through plain bleak with its bumble backend on that radio, pairs with the
code it shows, pushes the default routine, the session runs at full speed
with scripted presses (a pause, an extended hold, a skipped hold, tightness
ratings), the log is pulled into the demo's own history (OUT/home, which it
names at the end), and the summary, stats, screenshots and charts come out.
"""

from __future__ import annotations

import click

# Presses for lower-back, relative to the press that starts the session: pause 15 s
# in the first hold, extend it once, skip part of a later hold, rate two stretches.
DEMO_SCRIPT = "A@0s,A@29s,A@44s,B@59s,B_long@209s,A@424s,B@426s,A@645s,A@646s,B@648s"


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="stretchcue-demo",
              show_default=True, help="Folder for screenshots, charts and the log.")
@click.option("--board", type=click.Choice(["clue", "cpb", "feather"]), default="clue",
              show_default=True)
def demo(out: str, board: str) -> None:
    """Pair, push, run and pull with a simulated device on a virtual BLE radio.

    The session goes into the demo's own history in OUT/home (its keys and config
    too), so afterwards `STRETCHCUE_HOME=OUT/home stretchcue history` shows it.

    \b
    Examples:
      stretchcue demo
      stretchcue demo --out /tmp/demo --board feather
    """
    import shlex
    import shutil
    import tempfile
    import time
    from pathlib import Path

    from rich.console import Console

    from stretchcue_host.cli import main
    from stretchcue_host.demo_rig import Rig

    started = time.monotonic()
    console = Console(highlight=False)
    out_dir = Path(out).resolve()
    screens = out_dir / "screens"
    home = out_dir / "home"  # the demo's own history, keys and config: kept afterwards
    for sub in (screens, out_dir / "charts", home):
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir(parents=True)
    tmp_dir = tempfile.TemporaryDirectory(prefix="stretchcue-demo-")
    with tmp_dir as tmp, Rig(Path(tmp), board) as rig:
        base = ["--home", str(home)]
        radio = f"bumble:{rig.host_radio}"  # plain bleak, over bumble on the virtual radio

        def cli(*args: str) -> None:
            try:
                main(base + list(args), standalone_mode=False)
            except SystemExit as e:
                if e.code:
                    raise

        console.print(f"[bold]1.[/] simulated {board} is up on a virtual BLE radio; "
                      "B held on its menu: pairing mode")
        code = rig.pairing_code()
        console.print(f"[bold]2.[/] the device shows {code[:3]} {code[3:]}; pairing")
        cli("pair", "--code", code, "--transport", radio)
        console.print("[bold]3.[/] pushing the default routine")
        cli("push", "lower-back", "--transport", radio)
        rig.press("A")
        rig.wait_for(r"screen: stretchcue \|")
        console.print("[bold]4.[/] running the session at full speed, with these presses:")
        console.print(f"   {DEMO_SCRIPT}", soft_wrap=True)
        t0 = time.monotonic()
        with console.status("the device is running the 29-minute session as fast as it "
                            "can (about half a minute)..."):
            rig.script(DEMO_SCRIPT)
            rig.wait_for(r"screen: (Well done|Stopped)", timeout_s=240)
        console.print(f"   the session ran in {time.monotonic() - t0:.0f} s")
        console.print(f"[bold]5.[/] pulling the log into the demo's history ({home})")
        cli("pull", "--transport", radio)
        kept = _curate(rig.trace, screens)
        shutil.copy(rig.data / "log.bin", out_dir / "log.bin")
        cli("history")
        cli("stats", "--weeks", "2")
        cli("plot", "--out", str(out_dir / "charts"))
        console.print(f"{kept} distinct screens saved in {screens}")
    console.print(f"[bold green]done[/] in {time.monotonic() - started:.0f} s. Everything "
                  f"is in {out_dir}; the session is in the demo's own history:")
    # Plain echo: a line to copy, never wrapped to the terminal's width.
    click.echo(f"  STRETCHCUE_HOME={shlex.quote(str(home))} stretchcue history")


def _curate(trace, dest) -> int:
    """Copy the screenshots the simulator kept: one of each distinct screen (a countdown
    second or a rep count does not make a new one; see sim/display.py)."""
    import json
    import shutil

    kept = 0
    for line in trace.read_text().splitlines():
        e = json.loads(line)
        if e["type"] == "screen" and e.get("png"):
            shutil.copy(e["png"], dest)
            kept += 1
    return kept
