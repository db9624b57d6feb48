"""What the display shows: menu, session, rating, summary and messages.

Drawn with displayio and adafruit_display_text in the board's built-in font, for
a colour 240x240 TFT or a mono 128x64 OLED.  One set of labels is built once;
each screen gives every label an area (``LAYOUT``) and the largest text scale
that fits it, so nothing is cut off and nothing overlaps (tests/firmware/
test_screen_fit.py draws every screen and checks).  During a hold the countdown
fills half the colour screen, a circle behind it grows as you breathe in and
shrinks as you breathe out, and a thin bar apart from it shows how much of the
hold is done.  Labels are only touched when their text changes and the display
refreshes only when something did, which saves power and keeps the loop short.
"""

from __future__ import annotations

import displayio
import terminalio
import vectorio
from adafruit_display_text import label

from stretchcue.fit import COLS, wrap

try:
    from typing import Any
except ImportError:
    pass

MENU = "menu"
SESSION = "session"
RATE = "rate"
SUMMARY = "summary"
MESSAGE = "message"

_PHASE_COLORS = (0x4080FF, 0x40C0FF, 0x40FFA0, 0xFFC040, 0xFF8040, 0x8080FF, 0xC080FF,
                 0xFFFF40, 0x40FF40)
_GLOW = 0x183C64  # the breath circle: a calm blue, dim enough behind white digits
_HOLD = 3  # timeline.HOLD
_CELL = 6  # the built-in font's glyph cell: 6 x 12 pixels
_LINE = 12

# Where each label may draw, per screen shape: five shapes (``_FULL`` ...) of six
# labels (title, detail, big, cue, phase, hint), each x0, y0, x1, y1 and the
# largest text scale, 0 for a label the shape hides.  _FULL: the countdown fills
# the middle; _SPLIT: a smaller one above the cue (getting ready, moving in); _TEXT:
# lines of text in the middle; _WIDE and _ASK only differ on the mono screen.
_FULL, _SPLIT, _TEXT, _WIDE, _ASK = 0, 1, 2, 3, 4
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
        self._breath = 0
        self._inhaling = True
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

    def _show(self, kind: str, shape: int, texts: tuple) -> None:
        """Each text in its label, at the largest scale that fits the label's area."""
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
            self._shape(self.circle, True)
        if not same:
            self._shape(self.bar, True)

    def _shape(self, shape: Any, hidden: bool) -> None:
        if shape.hidden != hidden:
            shape.hidden = hidden
            self.dirty = True

    def breath(self, permille: int, kind: int = -1) -> None:
        """The breath circle behind the countdown: grows on the in-breath, shrinks
        on the out-breath (on a mono screen, a bar at the right edge); -1 hides it.
        On a colour screen the phase's name takes the phase's colour."""
        if permille > self._breath or permille < 0:
            self._inhaling = True
        elif permille < self._breath:
            self._inhaling = False
        self._breath = permille
        if self.color:
            rgb = _PHASE_COLORS[kind] if 0 <= kind < len(_PHASE_COLORS) else 0xFFFFFF
            if self.phase.color != rgb:
                self.phase.color = rgb
                self.dirty = True
        area = self.area(2)
        c = self.circle
        if area is None or permille < 0:
            self._shape(c, True)
            return
        x0, y0, x1, y1, _ = area
        if not self.color:
            size = max(1, (y1 - y0) * permille // 1000)
            if c.height != size or c.hidden:
                c.y, c.height = y1 - size, size
                self._shape(c, False)
                self.dirty = True
            return
        top = min(x1 - x0, y1 - y0) // 2 - 2
        r = top * 3 // 5 + top * 2 * permille // 5000  # 60 % when out, all of it when in
        r -= r % 8  # coarse steps: about two redraws a second, each a small area
        if c.radius != r or c.hidden:
            c.radius = r
            c.x = (x0 + x1) // 2
            c.y = (y0 + y1) // 2
            self._shape(c, False)
            self.dirty = True

    @property
    def inhaling(self) -> bool:
        """The breath's direction as last drawn: rising is an in-breath."""
        return self._inhaling

    def progress(self, permille: int) -> None:
        """A thin bar apart from the breath: how much of the hold is done."""
        w = self.width * permille // 1000
        w -= w % 8  # coarse steps: about one redraw a second in a 30 s hold
        b = self.bar
        if w <= 0:
            self._shape(b, True)
            return
        if b.width != w or b.hidden:
            b.width = w
            b.x, b.y = 0, 213 if self.color else 12
            b.height = 4 if self.color else 1
            self._shape(b, False)
            self.dirty = True

    def menu(self, name: str, total_s: int, note: str, battery: str = "") -> None:
        """The routine and its whole length, m:ss as the session counts it; ``battery``
        (e.g. "87%", "" where the board cannot tell) beside the title, or under "total"."""
        span = "%d:%02d" % (total_s // 60, total_s % 60)
        if self.color:
            self._show(MENU, _FULL, ("stretchcue" + ("  " + battery if battery else ""), name,
                                      span, "", "total" + note, "A start  B next"))
        else:
            self._show(MENU, _FULL, (name, "total" + ("\nmuted" if note else "") + (
                "\n" + battery if battery else ""), span, "", "A start  B next", ""))
        self.breath(-1)

    def session(self, title: str, detail: str, seconds: int, phase: str, hint: str,
                cue: str = "", done: int = -1) -> None:
        """One step: ``cue`` (getting ready, moving in) gets its own area; ``done``
        (permille of a hold) draws the hold's progress apart from the breath."""
        big = "%d" % seconds
        if self.color:
            if cue:
                self._show(SESSION, _SPLIT, (title, detail, big, cue, phase, hint))
            else:
                self._show(SESSION, _FULL, (title, detail, big, "", phase, hint))
        elif cue and len(phase) + len(big) < COLS:  # the OLED is the smallest screen
            self._show(SESSION, _SPLIT, (title, "", "", cue, phase + " " + big, ""))
        else:
            # no room for a hint under way; paused, the way on is what to say
            self._show(SESSION, _FULL, (title, detail, big, "",
                                        hint if phase == "PAUSED" else phase, ""))
        self.progress(done)

    def rate(self, title: str, value: int) -> None:
        if self.color:
            self._show(RATE, _FULL, (title, "How tight?", "%d/5" % value,
                                      "", "0 loose  5 tight", "A +1  B ok"))
        else:
            self._show(RATE, _FULL, (title, "How\ntight?", "%d/5" % value, "",
                                      "A +1  B ok", ""))
        self.breath(-1)
        self.progress(value * 200)

    def summary(self, held_s: int, holds: int, planned: int, aborted: bool) -> None:
        span = "%d:%02d" % (held_s // 60, held_s % 60)
        done = "%d of %d holds" % (holds, planned)
        if self.color:
            self._show(SUMMARY, _FULL, ("Stopped" if aborted else "Well done", done, span,
                                         "", "under stretch", "any button: menu"))
        else:
            self._show(SUMMARY, _WIDE, ("Stopped" if aborted else "Well done", "", span, "",
                                         done, ""))
        self.breath(-1)

    def message(self, title: str, text: str, hint: str = "any button") -> None:
        self._show(MESSAGE, _TEXT, (title, text, "", "", "", hint))
        self.breath(-1)

    def pair_code(self, code: str, phone: bool, checking: bool) -> None:
        """A code as big as the countdown, read from across a desk: the laptop's
        pairing code, or the phone terminal's unlock code (a different secret)."""
        if phone:
            texts = ("Phone unlock", "type: unlock CODE", code, "", "", "any button: cancel")
        elif checking:
            texts = ("Pairing", "checking the code", "...", "", "", "A: cancel")
        else:
            texts = ("Pair laptop", "stretchcue pair", code, "", "B: phone code", "A: cancel")
        if self.color:
            self._show(MESSAGE, _FULL, texts)
        else:
            hint = "A cancel  B phone" if texts[4] else texts[5]
            self._show(MESSAGE, _WIDE, (texts[0], "", texts[2], "", hint, ""))
        self.breath(-1)

    def ask_pair(self, name: str) -> None:
        """The code matched: nothing is stored until the person says yes here."""
        if self.color:
            self._show(MESSAGE, _FULL, ("Pair with", name, "?", "", "A yes  B no", ""))
        else:
            self._show(MESSAGE, _ASK, ("Pair with", name + "?", "", "", "A yes  B no", ""))
        self.breath(-1)

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
