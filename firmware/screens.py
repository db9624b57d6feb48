"""What the display shows: menu, session, rating, summary and messages.

Drawn with displayio and adafruit_display_text, laid out for a colour 240x240
TFT or a mono 128x64 OLED.  Labels are only touched when their text changes
and the display refreshes only when something did, which saves power and keeps
the loop short.
"""

from __future__ import annotations

import displayio
import terminalio
import vectorio
from adafruit_display_text import label

try:
    from typing import Any
except ImportError:
    pass

_BAR_STEPS = 8  # a coarse bar: at most two redraws a second while breathing

MENU = "menu"
SESSION = "session"
RATE = "rate"
SUMMARY = "summary"
MESSAGE = "message"

_PHASE_COLORS = (0x4080FF, 0x40C0FF, 0x40FFA0, 0xFFC040, 0xFF8040, 0x8080FF, 0xC080FF,
                 0xFFFF40, 0x40FF40)


class Screens:
    """One display's screens; ``kind`` names the one showing."""

    def __init__(self, display: Any, width: int, height: int, color: bool) -> None:
        self.display = display
        self.width = width
        self.height = height
        self.color = color
        self.kind = ""
        self.dirty = False
        big = width >= 200
        self._s = 2 if big else 1
        self._root = displayio.Group()
        self._palette = displayio.Palette(1)
        self._palette[0] = 0xFFFFFF
        mid = width // 2
        self.title = self._label(mid, 14 if big else 5, self._s)
        self.detail = self._label(mid, 30 if big else 10, 1 if not big else 2)
        self.detail.anchor_point = (0.5, 0.0)
        self.big = self._label(mid, height // 2 + (4 if big else 2), 6 if big else 3)
        self.cue = self._label(mid, height - 78, 1) if big else None
        self.phase = self._label(mid, height - (56 if big else 14), self._s)
        self.hint = self._label(mid, height - (16 if big else 5), 1)
        self.bar = vectorio.Rectangle(pixel_shader=self._palette, width=1,
                                      height=10 if big else 3, x=0,
                                      y=height - (38 if big else 9))
        self._root.append(self.bar)
        if display is not None:
            try:
                display.auto_refresh = False
            except AttributeError:
                pass
            display.root_group = self._root

    def _label(self, x: int, y: int, scale: int) -> Any:
        lab = label.Label(terminalio.FONT, text="", color=0xFFFFFF, scale=scale)
        lab.anchor_point = (0.5, 0.5)
        lab.anchored_position = (x, y)
        self._root.append(lab)
        return lab

    def _set(self, lab: Any, text: str) -> None:
        if lab.text != text:
            lab.text = text
            self.dirty = True

    def _show(self, kind: str, title: str, detail: str, big: str, phase: str,
              hint: str) -> None:
        self.kind = kind
        self._set(self.title, title)
        self._set(self.detail, detail)
        self._set(self.big, big)
        self._set(self.phase, phase)
        self._set(self.hint, hint)
        if self.cue is not None and kind != SESSION:
            self._set(self.cue, "")

    def breath(self, permille: int, kind: int = 0) -> None:
        """The breath bar: grows on the in-breath, shrinks on the out-breath."""
        w = max(1, self.width * (permille * _BAR_STEPS // 1000) // _BAR_STEPS)
        if self.bar.width != w:
            self.bar.width = w
            self.bar.x = (self.width - w) // 2
            self.dirty = True
        if self.color and 0 <= kind < len(_PHASE_COLORS):
            c = _PHASE_COLORS[kind]
            if self._palette[0] != c:
                self._palette[0] = c
                self.dirty = True

    def menu(self, name: str, minutes: int, note: str) -> None:
        self._show(MENU, "stretchcue", name, "%d" % minutes, "min" + note,
                   "A start  B next")
        self.breath(0)

    def session(self, title: str, detail: str, seconds: int, phase: str, hint: str,
                cue: str = "") -> None:
        self._show(SESSION, title, detail, "%d" % seconds, phase, hint)
        if self.cue is not None:
            self._set(self.cue, "\n".join(_wrap(cue, 38)))

    def rate(self, title: str, value: int) -> None:
        self._show(RATE, title, "How tight?", "%d/5" % value, "0 loose  5 very tight",
                   "A +1  B ok")
        self.breath(value * 200)

    def summary(self, held_s: int, holds: int, planned: int, aborted: bool) -> None:
        self._show(SUMMARY, "Stopped" if aborted else "Well done",
                   "%d of %d holds" % (holds, planned), "%d:%02d" % (held_s // 60, held_s % 60),
                   "under stretch", "any button: menu")
        self.breath(0)

    def message(self, title: str, text: str, hint: str = "any button") -> None:
        lines = _wrap(text, 19 if self._s == 2 else 21)
        self._show(MESSAGE, title, "\n".join(lines[:6 if self._s == 2 else 3]), "", "", hint)
        self.breath(0)

    def pair_code(self, code: str, phone: bool, checking: bool) -> None:
        """A code as big as the countdown, read from across a desk: the laptop's
        pairing code, or the phone terminal's unlock code (a different secret)."""
        if phone:
            self._show(MESSAGE, "Phone unlock", "type: unlock CODE", code, "",
                       "any button: cancel")
        elif checking:
            self._show(MESSAGE, "Pairing", "checking the code", "...", "", "A: cancel")
        else:
            self._show(MESSAGE, "Pair laptop", "type into\nstretchcue pair" if self._s == 2
                       else "stretchcue pair", code, "B: phone code", "A: cancel")
        self.breath(0)

    def ask_pair(self, name: str) -> None:
        """The code matched: nothing is stored until the person says yes here."""
        self._show(MESSAGE, "Pair with", name, "?", "A yes  B no", "")
        self.breath(0)

    def dim(self, dimmed: bool) -> None:
        if self.display is None:
            return
        try:
            self.display.brightness = 0.2 if dimmed else 1.0
        except (AttributeError, NotImplementedError, ValueError):
            pass

    def refresh(self) -> bool:
        """Push changes to the panel; True if anything was drawn."""
        if not self.dirty:
            return False
        self.dirty = False
        if self.display is not None:
            self.display.refresh()
        return True


def _wrap(text: str, width: int) -> list:
    out: list = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = (line + " " + word).strip()
    out.append(line)
    return out
