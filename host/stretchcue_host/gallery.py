"""Every screen the firmware draws, on every board: the gallery and the fit check.

``tour`` runs the unmodified firmware's ``App`` (no radio, no motor) through a
whole routine on a virtual clock, with a pause, a rating, the summary, the
pairing screens and a message, and yields after every pass of its loop.
``tests/firmware/test_screen_fit.py`` checks every label against its area at
each of them; ``stretchcue-gallery DIR`` (``make screens``) saves one PNG of
each distinct screen, drawn by the real displayio through pygame.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BOARDS = {"clue": (240, 240, True), "cpb": (240, 240, True), "feather": (128, 64, False)}
LABELS = ("title", "detail", "big", "cue", "phase", "hint")


def _firmware_path() -> None:
    from stretchcue_host import installer

    root = installer.source_root()
    for sub in ("firmware", "lib"):
        p = str(root / sub)
        if p not in sys.path:
            sys.path.insert(0, p)


class QuietLink:
    """A link nobody connects to: enough for the pairing screens to show."""

    connected = False

    def poll(self, now_ms: int) -> None:
        pass

    def close(self) -> None:
        pass


def make_app(board: str, data: Path, routines: dict, display: Any = None) -> Any:
    """The firmware's App for ``board`` over a data folder holding ``routines``
    ({name: canonical JSON}), the first of them selected."""
    _firmware_path()
    from app import App
    from hardware import Hardware
    from store import Store

    from stretchcue_host.sim.fakes import hw

    width, height, color = BOARDS[board]
    (data / "routines").mkdir(parents=True, exist_ok=True)
    for name, blob in routines.items():
        (data / "routines" / f"{name}.json").write_bytes(blob)
    if routines:
        (data / "selected.txt").write_text(next(iter(routines)))
    keys = hw.Keys((0, 1), value_when_pressed=False)
    hardware = Hardware(board, display=display, width=width, height=height, color=color,
                        keys=keys, key_names=("A", "B"))
    app = App(hardware, Store(str(data)))
    app.attach_radio(QuietLink(), None)
    return app


def tour(app: Any, note: str = "Routine set aside: it could not be read") -> Iterator[int]:
    """Drive ``app`` through every screen; yields the virtual time after each pass."""
    now = 0
    with contextlib.redirect_stdout(io.StringIO()):  # the firmware's console: cue numbers
        app.boot(now)
    yield now

    def run(until: Any, limit_ms: int = 4 * 3600 * 1000) -> Iterator[int]:
        nonlocal now
        while not until() and now < limit_ms:
            now += max(1, min(app.step(now) or 1, 500))
            yield now

    app._gesture("A", now)  # start
    paused = rated = False
    while app.busy and now < 4 * 3600 * 1000:
        now += max(1, min(app.step(now) or 1, 500))
        yield now
        eng = app.engine
        if not paused and app.mode == "session" and eng is not None and eng.step[0] == 3:
            paused = True
            app._gesture("A", now)  # pause in the first hold, and resume
            now += 1500
            app.step(now)
            yield now
            app._gesture("A", now)
        if not rated and app.mode == "rate":
            rated = True
            app._gesture("A", now)
            app.step(now)
            yield now
            app._gesture("B", now)
    yield from run(lambda: app.mode == "summary")
    app._gesture("A", now)  # to the menu
    yield from run(lambda: app.mode == "menu", now + 5000)
    window = None

    def then(*acts: Any) -> int:
        """Do ``acts`` (a gesture name, or a function of the window), then one pass."""
        nonlocal now
        for act in acts:
            if isinstance(act, str):
                app._gesture(act, now)
                app.step(now)
            else:
                act(window)
        now += 100
        app.step(now)
        return now

    yield then()
    yield then("B_long")  # pairing: the laptop's code, the phone's, the question
    window = app.pairing_window()
    yield then(lambda w: w.take(app, 1))
    yield then(lambda w: w.ask(app, "Laptop of a person"))
    yield then(lambda w: w.answer(True), lambda w: w.close("paired"))
    yield then("A", "B_long", "B")  # the phone's code
    then("A")
    yield then(lambda w: app._message("Notes", note))


def screen_key(screens: Any) -> tuple:
    """What makes a screen distinct: its kind, layout, phase and hint, not the routine's
    words or the numbers."""
    labels = screens.labels
    return (screens.kind, screens.shape, re.sub(r"\d+", "#", labels[4].text),
            labels[5].text, bool(labels[3].text), screens.title.text
            if screens.kind == "message" else "")


def label_box(lab: Any) -> tuple:
    """(x0, y0, x1, y1) a label draws in, on the screen."""
    x, y, w, h = lab.bounding_box
    s = lab.scale
    left, top = lab.x + x * s, lab.y + y * s
    return (left, top, left + w * s, top + h * s)


def misfits(screens: Any) -> list:
    """Every label cut short, outside its area or the screen, and every two areas in use
    that overlap."""
    out = []
    used = []
    for i, (name, lab, want) in enumerate(zip(LABELS, screens.labels, screens._raw)):
        area = screens.area(i)
        if not lab.text:
            if want and area is not None:
                out.append(f"{name} {want!r} not shown")
            continue
        if "".join(lab.text.split()) != "".join((want or "").split()):
            out.append(f"{name} {want!r} cut to {lab.text!r}")
        if area is None:
            out.append(f"{name} {lab.text!r} shown without an area")
            continue
        x0, y0, x1, y1 = area[:4]
        box = label_box(lab)
        if not (x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1
                and box[0] >= 0 and box[1] >= 0 and box[2] <= screens.width
                and box[3] <= screens.height):
            out.append(f"{name} {lab.text!r} at {box} outside {area[:4]}")
        used.append((name, area[:4]))
    for i, (a_name, a) in enumerate(used):
        for b_name, b in used[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append(f"{a_name} and {b_name} areas overlap")
    return out


def bundled() -> dict:
    """The bundled routines as the device stores them, the default first."""
    from stretchcue_host import routines as rs
    from stretchcue_host.routine_rules import canonical_json

    names = sorted(p.stem for p in rs.bundled_dir().glob("*.toml"))
    names.sort(key=lambda n: n != rs.DEFAULT)
    return {n: canonical_json(rs.load(rs.resolve(n))[0]) for n in names}


def save_gallery(folder: Path, boards: tuple = tuple(BOARDS)) -> list:
    """One PNG per distinct screen per board, drawn by displayio through pygame."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import displayio
    import pygame
    from blinka_displayio_pygamedisplay import PyGameDisplay

    folder.mkdir(parents=True, exist_ok=True)
    routines = bundled()
    written = []
    for board in boards:
        width, height, _ = BOARDS[board]
        displayio.release_displays()
        display = PyGameDisplay(width=width, height=height, auto_refresh=False)
        seen: set = set()
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(board, Path(tmp) / "data", routines)
            display.root_group = app.screens._root  # drawn only when a new screen shows
            for _ in tour(app):
                key = screen_key(app.screens)
                if key in seen or not app.screens.title.text:
                    continue
                seen.add(key)
                display._refresh_display()
                name = "%s-%02d-%s.png" % (board, len(seen), _slug(app.screens))
                pygame.image.save(display._pygame_screen, str(folder / name))
                written.append(folder / name)
        pygame.display.quit()
    return written


def _slug(screens: Any) -> str:
    words = screens.phase.text or screens.title.text or screens.kind
    return re.sub(r"[^a-z]+", "-", words.lower()).strip("-")[:24] or screens.kind


def main(argv: list | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "docs/screens")
    for old in folder.glob("*.png") if folder.is_dir() else ():
        old.unlink()
    with contextlib.redirect_stdout(io.StringIO()):
        written = save_gallery(folder)
    print(f"{len(written)} screens in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
