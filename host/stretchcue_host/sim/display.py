"""A display that renders with the real displayio through pygame, and keeps PNGs.

Each refresh that changes the picture is traced with the text of every label on
screen, which is how tests read what a person would see.  A PNG is saved only
for a screen not seen before: one whose texts differ from every earlier one's
in more than their numbers (a countdown second or a rep count is the same
screen), so a whole session is a few dozen pictures, not one per second.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from stretchcue_host.sim.world import WORLD, label_texts

__all__ = ["label_texts", "make_display"]


def make_display(width: int, height: int, mono: bool = False):
    from blinka_displayio_pygamedisplay import PyGameDisplay

    class SimDisplay(PyGameDisplay):
        def __init__(self) -> None:
            super().__init__(width=width, height=height, auto_refresh=False,
                             caption=f"stretchcue ({WORLD.board})")
            self.mono = mono
            self.refreshes = 0
            self._last = b""
            self._texts: list[str] = []
            self._kinds: set[tuple] = set()  # screens saved as PNG, numbers masked
            WORLD.displays.append(self)

        @property
        def brightness(self) -> float:
            return getattr(self, "_lit", 1.0)

        @brightness.setter
        def brightness(self, value: float) -> None:
            """The backlight (or an OLED's contrast): traced, for the power estimates."""
            if value != getattr(self, "_lit", None):
                WORLD.emit("backlight", level=value)
            self._lit = value

        def refresh(self, *, target_frames_per_second=None, minimum_frames_per_second=0):
            self.refreshes += 1
            self._snapshot()
            return True

        def _snapshot(self) -> None:
            """Draw the pixels only when someone sees them: in a window, or for a PNG of
            a new screen.  Otherwise what changed is read from the shapes and texts
            themselves, since drawing in Python costs 30 ms a frame."""
            import pygame

            window = os.environ.get("SDL_VIDEODRIVER") != "dummy"
            if window:
                self._refresh_display()
                surface = self._pygame_screen
                if surface is None:
                    return
                digest = hashlib.sha1(pygame.image.tobytes(surface, "RGB")).hexdigest()
            else:
                digest = repr(_structure(self.root_group))
            if digest == self._last:
                return
            self._last = digest
            texts = label_texts(self.root_group)
            png = None
            lit = None
            folder = os.environ.get("STRETCHCUE_SIM_SCREENSHOTS")
            kind = screen_kind(texts)
            if folder and kind not in self._kinds:
                self._kinds.add(kind)
                if not window:
                    self._refresh_display()
                surface = self._pygame_screen
                png = str(Path(folder) / f"{WORLD.now_ms:09d}-{WORLD.board}.png")
                pygame.image.save(surface, png)
                raw = pygame.image.tobytes(surface, "RGB")
                lit = sum(1 for i in range(0, len(raw), 3 * 97) if any(raw[i:i + 3]))
            WORLD.show(texts, png=png, lit=lit, refresh=self.refreshes)
            if WORLD.echo and texts != self._texts:
                self._texts = texts
                print(f"[{WORLD.stamp()}] screen: " + " | ".join(t.replace("\n", " ")
                                                                  for t in texts))

    return SimDisplay()


def _structure(group, depth: int = 0) -> list:
    """What a picture is made of, cheaply: every label's text, colour and place, every
    shape's place, size and colour, what is hidden."""
    out: list = []
    for item in group:
        hidden = getattr(item, "hidden", False)
        if hasattr(item, "text"):
            out.append((item.text, getattr(item, "color", None), item.scale, item.x, item.y,
                        hidden))
        elif hasattr(item, "__iter__") and depth < 8:
            out.append((item.x, item.y, item.scale, hidden, _structure(item, depth + 1)))
        else:
            shader = getattr(item, "pixel_shader", None)
            out.append((type(item).__name__, item.x, item.y, hidden,
                        getattr(item, "radius", None), getattr(item, "width", None),
                        getattr(item, "height", None),
                        shader[0] if shader is not None and hasattr(shader, "__getitem__")
                        else None))
    return out


def screen_kind(texts: list) -> tuple:
    """What tells one screen from another: its texts with every number masked."""
    return tuple(re.sub(r"\d+", "#", t) for t in texts)
