"""``stretchcue run``: the session engine in the terminal, on an accelerated clock.

It shows exactly what the device would cue, when, and how strongly, without a
board; the same core drives both.
"""

from __future__ import annotations

import time

import click

from stretchcue.codes import Action, Event, Hold, Step
from stretchcue_host.commands.common import Number

MAX_SPEED = 100000  # an hour in 36 ms of waiting; more is --instant


def describe(eng, code: int, value, now_ms: int) -> str:
    from stretchcue_host.names import EVENT_NAMES, KIND_NAMES, SIDE_NAMES

    step = eng.step
    st = eng.routine.stretches[step[Step.STRETCH]]
    side = SIDE_NAMES[step[Step.SIDE]]
    where = st.title + (f" ({side})" if side else "")
    if step[Step.REP]:
        where += f", rep {step[Step.REP]}/{st.reps}"
    if code == Event.PHASE:
        return f"{KIND_NAMES[value]:<12} {where}  {step[Step.DURATION_MS] // 1000} s"
    if code == Event.HOLD_END:
        extra = " (skipped)" if value[Hold.SKIPPED] else ""
        held = value[Hold.ACTUAL_MS] / 1000
        return f"held {held:.1f} s of {value[Hold.PLANNED_MS] // 1000} s{extra}"
    if code == Event.RATING:
        return f"tightness {value[1]}/5 for {eng.routine.stretches[value[0]].title}"
    if code == Event.SECOND:
        return f"{value} s left"
    return EVENT_NAMES[code]


def _item(action: int, value: int, at_ms: int) -> str:
    from stretchcue_host.script import ACTIONS

    name = next(k for k, v in ACTIONS.items() if v == action)
    m, s = divmod(round(at_ms / 1000, 1), 60)
    when = (f"{int(m)}m" if m else "") + (f"{s:g}s" if s or not m else "")
    return f"{name}{f':{value}' if name == 'rate' else ''}@{when}"


def _no_effect(eng, action: int, events: list, before: tuple, paused: bool) -> str:
    """Why a scripted press changed nothing, in words ("" if it did something)."""
    from stretchcue_host.names import KIND_NAMES, SIDE_NAMES

    codes = {code for code, _, _ in events}
    if eng.finished and action != Action.ABORT and not codes & {Event.SKIPPED, Event.RATING}:
        return "the session had ended"
    if action in (Action.PAUSE, Action.ABORT):
        return ""
    step = eng.step
    st = eng.routine.stretches[step[Step.STRETCH]]
    side = SIDE_NAMES[step[Step.SIDE]]
    where = f"{KIND_NAMES[step[Step.KIND]]} of {st.title}" + (f" ({side})" if side else "")
    if paused:
        return f"the session was paused ({where}); only pause (resume) and abort work then"
    if action == Action.EXTEND and eng.extended_ms == before[0]:
        return f"it came during {where}; extend works during a hold"
    if action == Action.RATE and Event.RATING not in codes:
        return (f"it came during {where}; rate answers the tightness question after a "
                "stretch's last rep")
    if action == Action.SKIP and Event.SKIPPED not in codes:
        return f"it came during {where}, which cannot be skipped"
    return ""


@click.command()
@click.argument("routine", required=False)
@click.option("--speed", default=60.0, show_default=True,
              type=Number(min=0, min_open=True, max=MAX_SPEED),
              help="Clock speed-up factor (--instant: no waiting at all).")
@click.option("--instant", is_flag=True, help="Do not wait at all (virtual time only).")
@click.option("--script", "script_text", default="",
              help='Scripted presses at session times, e.g. '
                   '"pause@30s,pause@40s,extend@45s,rate:2@7m20s" (times like 90s, 2m20s).')
@click.option("--seconds/--no-seconds", default=False, help="Also show countdown seconds.")
def run(routine: str | None, speed: float, instant: bool, script_text: str,
        seconds: bool) -> None:
    """Run ROUTINE (a file or bundled name; default lower-back) and print each cue.

    A scripted press that lands where it does nothing (extend outside a hold, rate
    outside the tightness question) is reported as a warning.

    \b
    Examples:
      stretchcue run --speed 120
      stretchcue run --instant --script "pause@30s,pause@40s,extend@45s,rate:2@7m20s"
      stretchcue run routines/desk-break.toml --instant --script "rate:2@6m"
    """
    from rich.console import Console

    from stretchcue import cues
    from stretchcue import engine as en
    from stretchcue import timeline as tl
    from stretchcue_host.names import CUE_NAMES
    from stretchcue_host.routines import RoutineFileError, load, resolve
    from stretchcue_host.script import ScriptError, parse

    console = Console(highlight=False)
    try:
        r, _ = load(resolve(routine))
        presses = parse(script_text)
    except (RoutineFileError, ScriptError) as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(2) from None
    eng = en.Engine(r)
    player = cues.Player()
    console.print(f"[bold]{r.name}[/]: {len(r.stretches)} stretches, "
                  f"{tl.total_ms(r) // 60000} min {tl.total_ms(r) // 1000 % 60} s planned; "
                  f"clock x{speed:g}")
    t0 = time.monotonic()
    now = 0

    def show(events, now_ms: int) -> None:
        for code, value, at in events:
            cue = cues.for_event(code, value, eng.step[Step.KIND])
            if code == Event.SECOND and cue < 0 and not seconds:
                continue
            mark = ""
            if cue >= 0 and player.play(cue, at):
                mark = (f"[cyan]{CUE_NAMES[cue]:<13}[/] motor {player.level(at):3d}% "
                        f"{player.tone(at):4d} Hz  ")
            m, s = divmod(at / 1000, 60)
            console.print(f"{int(m):02d}:{s:04.1f}  {mark}{describe(eng, code, value, at)}")

    show(eng.start(0), 0)
    while not eng.finished:
        wait = eng.wait_ms(now)
        if presses and (wait < 0 or presses[0][0] <= now + wait):
            at, action, value = presses.pop(0)
            now = max(now, at)
            before = (eng.extended_ms, len(eng.ratings), eng.paused_ms)
            paused = eng.paused
            events = eng.press(action, now, value)
            show(events, now)
            why = _no_effect(eng, action, events, before, paused)
            if why:
                console.print(f"[yellow]warning:[/] {_item(action, value, at)} did nothing: "
                              f"{why}")
            continue
        if wait < 0:
            break
        now += wait
        if not instant:
            lag = t0 + now / 1000 / speed - time.monotonic()
            if lag > 0:
                time.sleep(lag)
        show(eng.tick(now), now)
    held = sum(x[Hold.ACTUAL_MS] for x in eng.results) // 1000
    console.print(f"[bold green]done[/] in {eng.elapsed_ms(now) // 1000} s "
                  f"({held} s under stretch, paused {eng.paused_ms // 1000} s, "
                  f"extended {eng.extended_ms // 1000} s)")
