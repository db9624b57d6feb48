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

        def refresh(self, *, target_frames_per_second=None, minimum_frames_per_second=0):
            self._refresh_display()
            self.refreshes += 1
            self._snapshot()
            return True

        def _snapshot(self) -> None:
            import pygame

            surface = self._pygame_screen
            if surface is None:
                return
            raw = pygame.image.tobytes(surface, "RGB")
            digest = hashlib.sha1(raw).hexdigest()
            if digest == self._last:
                return
            self._last = digest
            texts = label_texts(self.root_group)
            png = None
            folder = os.environ.get("STRETCHCUE_SIM_SCREENSHOTS")
            kind = screen_kind(texts)
            if folder and kind not in self._kinds:
                self._kinds.add(kind)
                png = str(Path(folder) / f"{WORLD.now_ms:09d}-{WORLD.board}.png")
                pygame.image.save(surface, png)
            lit = sum(1 for i in range(0, len(raw), 3 * 97) if any(raw[i:i + 3]))
            WORLD.show(texts, png=png, lit=lit, refresh=self.refreshes)
            if WORLD.echo and texts != self._texts:
                self._texts = texts
                print(f"[{WORLD.stamp()}] screen: " + " | ".join(t.replace("\n", " ")
                                                                  for t in texts))

    return SimDisplay()


def screen_kind(texts: list) -> tuple:
    """What tells one screen from another: its texts with every number masked."""
    return tuple(re.sub(r"\d+", "#", t) for t in texts)
