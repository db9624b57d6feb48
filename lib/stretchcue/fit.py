"""What fits on the smallest screen, in the built-in font's 6 x 12 pixel cells.

The smallest screen is the Feather's 128 x 64 OLED: 21 cells across with a
pixel to spare each side.  A routine's texts must fit it at scale 1, which is
what ``validate`` checks (through ``routine_check``) and what the device's
screens draw; bigger screens draw the same texts larger where they fit.
"""

from __future__ import annotations

try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

COLS = const(21)  # cells across the smallest screen (128 px)
CUE_ROWS = const(3)  # lines a cue may take there while you get ready


def wrap(text: str, cols: int) -> list:
    """Lines of at most ``cols`` characters, broken at spaces (and at a line break),
    a word longer than a line broken where it must be."""
    cols = max(1, cols)
    if len(text) <= cols and "\n" not in text:
        return [text]  # as written: a hint's double spaces stay
    out: list = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            while len(word) > cols:
                if line:
                    out.append(line)
                    line = ""
                out.append(word[:cols])
                word = word[cols:]
            if line and len(line) + 1 + len(word) > cols:
                out.append(line)
                line = word
            elif word:
                line = line + " " + word if line else word
        out.append(line)
    return out
