"""The pairing window on the screen and under the buttons: its code, the question, the end.

Loaded by the gesture that opens the window (B held on the menu) and forgotten,
with ``stretchcue.protocol.pairing``, once its last message has been shown
(``done``), so a session and the radio afterwards do not hold it.
"""

from __future__ import annotations

from screens import ASK, FULL, MESSAGE, WIDE

from stretchcue import drop

try:
    from typing import Any
except ImportError:
    pass

_RESULTS = {"unlocked": "Phone unlocked for this connection",
            "declined": "Not paired", "timed out": "Ended: no code typed in 2 minutes",
            "too many wrong codes": "Ended after too many wrong codes",
            "ended": "The computer went away; not paired"}


def start(app: Any, now_ms: int, kind: int) -> None:
    """B held on the menu (a laptop's code), then B again (a phone's): a fresh code
    that every link shares for two minutes.  It is shown, never printed."""
    if not app.links.items:
        app._message("Pairing", "No radio or USB link on this board")
        done(app)
        return
    app.pairing_window().start(kind, now_ms)
    app.mode = MESSAGE
    app._window_drawn = 0


def show(app: Any, now_ms: int) -> None:
    """Keep the screen in step with the pairing window."""
    w = app.window
    w.tick(now_ms)
    if w.version == app._window_drawn or app.mode != MESSAGE:
        return
    app._window_drawn = w.version
    if w.asking:
        ask_pair(app.screens, w.name)
    elif w.open:
        pair_code(app.screens, w.code, w.kind == 2, w.owner is not None)  # 2: PHONE
    else:
        r = w.result
        if r == "paired":  # the title says it, the name is all the line needs
            app._message("Paired", w.name)
        elif r != "cancelled":
            app._message("Pairing", _RESULTS.get(r, r))
        done(app)


def gesture(app: Any, g: str, now_ms: int) -> bool:
    """A press while the window is on the screen; False if it only closed it."""
    w = app.window
    if w is not None and w.open:
        if w.asking:
            w.answer(g == "A")
            return True
        if w.kind == 1 and w.owner is None and g == "B":  # LAPTOP: B for a phone code
            start(app, now_ms, 2)
            return True
        w.close("cancelled")
    done(app)
    return False


def done(app: Any) -> None:
    """The window has closed and the screen has moved on: forget it and these modules
    until the next gesture."""
    app._window_drawn = -1
    app.window = None
    drop("stretchcue.protocol.pairing")
    drop("pair_view")


def pair_code(sc: Any, code: str, phone: bool, checking: bool) -> None:
    """A code as big as the countdown, read from across a desk: the laptop's pairing
    code, or the phone terminal's unlock code (a different secret)."""
    if phone:
        texts = ("Phone unlock", "type: unlock CODE", code, "", "", "any button: cancel")
    elif checking:
        texts = ("Pairing", "checking the code", "...", "", "", "A: cancel")
    else:
        texts = ("Pair laptop", "stretchcue pair", code, "", "B: phone code", "A: cancel")
    if sc.color:
        sc.show(MESSAGE, FULL, texts)
    else:
        hint = "A cancel  B phone" if texts[4] else texts[5]
        sc.show(MESSAGE, WIDE, (texts[0], "", texts[2], "", hint, ""))


def ask_pair(sc: Any, name: str) -> None:
    """The code matched: nothing is stored until the person says yes here."""
    if sc.color:
        sc.show(MESSAGE, FULL, ("Pair with", name, "?", "", "A yes  B no", ""))
    else:
        sc.show(MESSAGE, ASK, ("Pair with", name + "?", "", "", "A yes  B no", ""))
