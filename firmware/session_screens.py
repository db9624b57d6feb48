"""The screens of a session: each step, the rating, the summary, the breath and progress.

Functions over the app's one ``screens.Screens`` (its labels, areas and shapes),
loaded with ``session_view`` when a session starts and forgotten with it, so the
menu and the radio do not hold them.
"""

from __future__ import annotations

from screens import FULL, RATE, SESSION, SPLIT, SUMMARY, WIDE

from stretchcue.fit import COLS

try:
    from typing import Any
except ImportError:
    pass

_PHASE_COLORS = (0x4080FF, 0x40C0FF, 0x40FFA0, 0xFFC040, 0xFF8040, 0x8080FF, 0xC080FF,
                 0xFFFF40, 0x40FF40)


def breath(sc: Any, permille: int, kind: int = -1) -> None:
    """The breath circle behind the countdown: grows on the in-breath, shrinks on the
    out-breath (on a mono screen, a bar at the right edge); -1 hides it.  On a colour
    screen the phase's name takes the phase's colour."""
    if permille > sc.breath_at or permille < 0:
        sc.inhaling = True
    elif permille < sc.breath_at:
        sc.inhaling = False
    sc.breath_at = permille
    if sc.color:
        rgb = _PHASE_COLORS[kind] if 0 <= kind < len(_PHASE_COLORS) else 0xFFFFFF
        if sc.phase.color != rgb:
            sc.phase.color = rgb
            sc.dirty = True
    area = sc.area(2)
    c = sc.circle
    if area is None or permille < 0:
        sc.shape_hidden(c, True)
        return
    x0, y0, x1, y1, _ = area
    if not sc.color:
        size = max(1, (y1 - y0) * permille // 1000)
        if c.height != size or c.hidden:
            c.y, c.height = y1 - size, size
            sc.shape_hidden(c, False)
            sc.dirty = True
        return
    top = min(x1 - x0, y1 - y0) // 2 - 2
    r = top * 3 // 5 + top * 2 * permille // 5000  # 60 % when out, all of it when in
    r -= r % 8  # coarse steps: about two redraws a second, each a small area
    if c.radius != r or c.hidden:
        c.radius = r
        c.x = (x0 + x1) // 2
        c.y = (y0 + y1) // 2
        sc.shape_hidden(c, False)
        sc.dirty = True


def progress(sc: Any, permille: int) -> None:
    """A thin bar apart from the breath: how much of the hold is done."""
    w = sc.width * permille // 1000
    w -= w % 8  # coarse steps: about one redraw a second in a 30 s hold
    b = sc.bar
    if w <= 0:
        sc.shape_hidden(b, True)
        return
    if b.width != w or b.hidden:
        b.width = w
        b.x, b.y = 0, 213 if sc.color else 12
        b.height = 4 if sc.color else 1
        sc.shape_hidden(b, False)
        sc.dirty = True


def session(sc: Any, title: str, detail: str, seconds: int, phase: str, hint: str,
            cue: str = "", done: int = -1) -> None:
    """One step: ``cue`` (getting ready, moving in) gets its own area, in place of the
    hint (the buttons' use is shown again for the hold; every glyph on the screen is a
    tile on the board's heap, and this is the screen with the most); ``done``
    (permille of a hold) draws the hold's progress apart from the breath."""
    big = "%d" % seconds
    if sc.color:
        if cue:
            sc.show(SESSION, SPLIT, (title, detail, big, cue, phase, ""))
        else:
            sc.show(SESSION, FULL, (title, detail, big, "", phase, hint))
    elif cue and len(phase) + len(big) < COLS:  # the OLED is the smallest screen
        sc.show(SESSION, SPLIT, (title, "", "", cue, phase + " " + big, ""))
    else:
        # no room for a hint under way; paused, the way on is what to say
        sc.show(SESSION, FULL, (title, detail, big, "", hint if phase == "PAUSED" else phase,
                                ""))
    progress(sc, done)


def rate(sc: Any, title: str, value: int) -> None:
    if sc.color:
        sc.show(RATE, FULL, (title, "How tight?", "%d/5" % value, "", "0 loose  5 tight",
                             "A +1  B ok"))
    else:
        sc.show(RATE, FULL, (title, "How\ntight?", "%d/5" % value, "", "A +1  B ok", ""))
    progress(sc, value * 200)


def summary(sc: Any, held_s: int, holds: int, planned: int, aborted: bool) -> None:
    span = "%d:%02d" % (held_s // 60, held_s % 60)
    done = "%d of %d holds" % (holds, planned)
    if sc.color:
        sc.show(SUMMARY, FULL, ("Stopped" if aborted else "Well done", done, span, "",
                                "under stretch", "any button: menu"))
    else:
        sc.show(SUMMARY, WIDE, ("Stopped" if aborted else "Well done", "", span, "", done, ""))
