"""``stretchcue demo``: the whole product in one command, no hardware needed.

The simulated device (the unmodified firmware on a simulated CLUE) gets the
default routine, runs it at full speed with scripted presses (a pause, an
extended hold, a skipped hold, tightness ratings), the session log lands in
a throw-away history, and the summary, stats, screenshots and charts come out.
"""

from __future__ import annotations

import click

# Presses for lower-back, in seconds of virtual time (the session starts at ~1.5 s):
# pause 15 s in the first hold, extend it once, skip part of a later hold, rate two stretches.
DEMO_SCRIPT = "A@1s,A@30s,A@45s,B@60s,B_long@210s,A@425s,B@427s,A@646s,A@647s,B@649s"


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="stretchcue-demo",
              show_default=True, help="Folder for screenshots, charts and the log.")
@click.option("--board", type=click.Choice(["clue", "cpb", "feather"]), default="clue",
              show_default=True)
def demo(out: str, board: str) -> None:
    """Run the default routine on a simulated device and show what comes out of it.

    \b
    Examples:
      stretchcue demo --out /tmp/demo
    """
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from rich.console import Console

    from stretchcue_host.cli import main
    from stretchcue_host.sim.device_dir import prepare, runner_command

    console = Console(highlight=False)
    out_dir = Path(out).resolve()
    screens = out_dir / "screens"
    for sub in (screens, out_dir / "charts"):
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="stretchcue-demo-") as tmp:
        data, home, shots = Path(tmp) / "device", Path(tmp) / "home", Path(tmp) / "shots"
        data.mkdir()
        name = prepare(data, None)
        console.print(f"[bold]1.[/] simulated {board}: routine [cyan]{name}[/] stored; "
                      f"running it at full speed with presses: {DEMO_SCRIPT}")
        trace = Path(tmp) / "trace.jsonl"
        cmd = runner_command(sys.executable, board, data, script=DEMO_SCRIPT, screenshots=shots,
                             trace=trace, quiet=True)
        with console.status("the device is running the session..."):
            res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            console.print(res.stdout[-3000:] + res.stderr[-3000:])
            raise SystemExit(1)
        kept = _curate(trace, screens)
        shutil.copy(data / "log.bin", out_dir / "log.bin")
        console.print(f"[bold]2.[/] {kept} distinct screens saved in {screens}")
        console.print("[bold]3.[/] session log pulled into a fresh history")
        base = ["--home", str(home)]
        for args in (["import-log", str(data / "log.bin"), "--device", f"sim-{board}"],
                     ["history"], ["stats", "--weeks", "2"],
                     ["plot", "--out", str(out_dir / "charts")]):
            try:
                main(base + args, standalone_mode=False)
            except SystemExit as e:
                if e.code:
                    raise
    console.print(f"[bold green]done.[/] Everything is in {out_dir}")


def _curate(trace, dest) -> int:
    """Keep the first frame of each screen a person would tell apart (not every second)."""
    import json
    import shutil

    seen = set()
    for line in trace.read_text().splitlines():
        e = json.loads(line)
        if e["type"] != "screen" or not e.get("png"):
            continue
        texts = e["texts"]
        key = (texts[0] if texts else "", texts[-2] if len(texts) > 1 else "")
        if key not in seen:
            seen.add(key)
            shutil.copy(e["png"], dest)
    return len(seen)
