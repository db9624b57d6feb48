"""What the display shows: the labels and shapes every screen uses, the menu and messages.

Drawn with displayio and adafruit_display_text in the board's built-in font, for
a colour 240x240 TFT or a mono 128x64 OLED.  One set of labels is built once;
each screen gives every label an area (``_COLOR``, ``_MONO``) and the largest
text scale that fits it, so nothing is cut off and nothing overlaps (tests/
firmware/test_screen_fit.py draws every screen and checks).  A session's
screens (``session_screens``, loaded only for a session) use the same labels,
a circle behind the countdown that breathes with you and a bar for the hold.
Labels are only touched when their text changes and the display refreshes only
when something did, which saves power and keeps the loop short.
"""

from __future__ import annotations

import displayio
import terminalio
import vectorio
from adafruit_display_text import label

from stretchcue.fit import wrap

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

MENU = "menu"
SESSION = "session"
RATE = "rate"
SUMMARY = "summary"
MESSAGE = "message"

_GLOW = 0x183C64  # the breath circle: a calm blue, dim enough behind white digits
_CELL = 6  # the built-in font's glyph cell: 6 x 12 pixels
_LINE = 12

# Where each label may draw, per screen shape: five shapes (``FULL`` ...) of six
# labels (title, detail, big, cue, phase, hint), each x0, y0, x1, y1 and the
# largest text scale, 0 for a label the shape hides.  FULL: the countdown fills
# the middle; SPLIT: a smaller one above the cue (getting ready, moving in); _TEXT:
# lines of text in the middle; WIDE and ASK only differ on the mono screen.
FULL = const(0)
SPLIT = const(1)
_TEXT = const(2)
WIDE = const(3)
ASK = const(4)
_COLOR = bytes((
    0, 0, 240, 28, 2, 0, 28, 240, 54, 2, 4, 56, 236, 184, 10, 0, 0, 0, 0, 0,
    0, 184, 240, 212, 2, 0, 218, 240, 240, 1,
    0, 0, 240, 28, 2, 0, 28, 240, 54, 2, 4, 56, 236, 106, 4, 0, 108, 240, 184, 2,
    0, 184, 240, 212, 2, 0, 218, 240, 240, 1,
    0, 0, 240, 28, 2, 0, 32, 240, 184, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 184, 240, 212, 2, 0, 218, 240, 240, 1))
_MONO = bytes((
    0, 0, 128, 12, 1, 74, 14, 122, 50, 1, 0, 14, 72, 50, 3, 0, 0, 0, 0, 0,
    0, 52, 128, 64, 1, 0, 0, 0, 0, 0,
    0, 0, 128, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 14, 128, 50, 1,
    0, 52, 128, 64, 1, 0, 0, 0, 0, 0,
    0, 0, 128, 12, 1, 0, 14, 128, 64, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 128, 12, 1, 0, 0, 0, 0, 0, 0, 14, 128, 50, 3, 0, 0, 0, 0, 0,
    0, 52, 128, 64, 1, 0, 0, 0, 0, 0,
    0, 0, 128, 12, 1, 0, 14, 128, 50, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 52, 128, 64, 1, 0, 0, 0, 0, 0))


class Screens:
    """One display's screens; ``kind`` names the one showing, ``area(i)`` where label
    ``i`` may draw on it."""

    def __init__(self, display: Any, width: int, height: int, color: bool) -> None:
        self.display = display
        self.width = width
        self.height = height
        self.color = color
        self.kind = ""
        self.dirty = False
        self._layout = _COLOR if width >= 200 else _MONO
        self.shape = -1
        self._root = displayio.Group()
        self._glow = displayio.Palette(1)
        self._glow[0] = _GLOW
        self._fg = displayio.Palette(1)
        self._fg[0] = 0xFFFFFF
        self.circle: Any = None  # a Circle on a colour screen, a bar on a mono one
        if color:
            self.circle = vectorio.Circle(pixel_shader=self._glow, radius=1, x=0, y=0)
        else:
            self._glow[0] = 0xFFFFFF
            self.circle = vectorio.Rectangle(pixel_shader=self._glow, width=3, height=1,
                                             x=width - 3, y=0)
        self.circle.hidden = True
        self._root.append(self.circle)
        self.title = self._label()
        self.detail = self._label()
        self.big = self._label()
        self.cue = self._label()
        self.phase = self._label()
        self.hint = self._label()
        self.labels = (self.title, self.detail, self.big, self.cue, self.phase, self.hint)
        self.bar = vectorio.Rectangle(pixel_shader=self._fg, width=1, height=1, x=0, y=0)
        self.bar.hidden = True
        self._root.append(self.bar)
        self.breath_at = -1  # the breath as last drawn (session_screens.breath)
        self.inhaling = True  # its direction: rising is an in-breath
        self._raw: list = [None] * 6
        if display is not None:
            try:
                display.auto_refresh = False
            except AttributeError:
                pass
            display.root_group = self._root

    def _label(self) -> Any:
        lab = label.Label(terminalio.FONT, text="", color=0xFFFFFF, line_spacing=1.0)
        lab.anchor_point = (0.5, 0.5)
        self._root.append(lab)
        return lab

    def area(self, i: int) -> Any:
        """(x0, y0, x1, y1, largest scale) where label ``i`` may draw now, or None."""
        if self.shape < 0:
            return None
        at = self.shape * 30 + i * 5
        a = self._layout[at:at + 5]
        return tuple(a) if a[4] else None

    def show(self, kind: str, shape: int, texts: tuple) -> None:
        """Each text in its label, at the largest scale that fits the label's area.  Off
        a session's steps the breath circle goes and the phase line turns white."""
        same = shape == self.shape and kind == self.kind
        self.shape = shape
        self.kind = kind
        raw = self._raw
        for i in range(6):
            text = texts[i]
            if same and raw[i] == text:
                continue
            raw[i] = text
            lab, area = self.labels[i], self.area(i)
            if area is None or not text:
                if lab.text:
                    lab.text = ""
                    self.dirty = True
                continue
            x0, y0, x1, y1, scale = area
            w, h = x1 - x0, y1 - y0
            while True:
                lines = wrap(text, w // (_CELL * scale))
                if scale == 1 or len(lines) * _LINE * scale <= h:
                    break
                scale -= 1
            lab.scale = scale
            lab.text = "\n".join(lines[:h // (_LINE * scale)])
            lab.anchored_position = ((x0 + x1) // 2, (y0 + y1) // 2)
            self.dirty = True
        if kind != SESSION:
            self.shape_hidden(self.circle, True)
            self.breath_at = -1
            self.inhaling = True
            if self.color and self.phase.color != 0xFFFFFF:
                self.phase.color = 0xFFFFFF
                self.dirty = True
        if not same:
            self.shape_hidden(self.bar, True)

    def shape_hidden(self, shape: Any, hidden: bool) -> None:
        if shape.hidden != hidden:
            shape.hidden = hidden
            self.dirty = True

    def menu(self, name: str, total_s: int, note: str, battery: str = "") -> None:
        """The routine and its whole length, m:ss as the session counts it; ``battery``
        (e.g. "87%", "" where the board cannot tell) beside the title, or under "total"."""
        span = "%d:%02d" % (total_s // 60, total_s % 60)
        if self.color:
            self.show(MENU, FULL, ("stretchcue" + ("  " + battery if battery else ""), name,
                                      span, "", "total" + note, "A start  B next"))
        else:
            self.show(MENU, FULL, (name, "total" + ("\nmuted" if note else "") + (
                "\n" + battery if battery else ""), span, "", "A start  B next", ""))

    def message(self, title: str, text: str, hint: str = "any button") -> None:
        self.show(MESSAGE, _TEXT, (title, text, "", "", "", hint))

    def dim(self, dimmed: bool) -> None:
        if self.display is None:
            return
        try:
            self.display.brightness = 0.2 if dimmed else 1.0
        except (AttributeError, NotImplementedError, ValueError):
            pass

    def off(self, dark: bool) -> None:
        """The panel dark while the board idles: an OLED asleep (``sleep``/``wake``), a
        TFT's backlight off."""
        d = self.display
        if d is None:
            return
        fn = getattr(d, "sleep" if dark else "wake", None)
        if fn is not None:
            fn()
            return
        try:
            d.brightness = 0.0 if dark else 1.0
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
