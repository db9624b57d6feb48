"""Text mode: one-line commands a person types into a phone's BLE-UART terminal.

``help`` and ``status`` answer anyone in range.  A phone terminal cannot run
the pairing exchange, so ``list``, ``start`` and ``stop`` first need
``unlock CODE`` with the device's phone code (hold B on the menu, then press
B): proof that whoever types holds the device.  It is not the laptop pairing
code, and PAIR_START never accepts it, because it crosses the air in clear.
It lasts for this connection only; a wrong guess makes the device show a new
code.  Text mode never reads the log and never changes routines; that stays
behind the encrypted binary protocol.

``DeviceProtocol`` imports this for each line typed and forgets it after, so a
board holds it only while it answers one.
"""

from __future__ import annotations

from stretchcue.protocol import messages as m

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_PHONE = const(2)  # pairing.PHONE
HELP = "commands: status, unlock CODE, list, start [N|NAME], stop"
_TOO_LONG = "\x18"  # frame.LINE_TOO_LONG: what the decoder passes for such a line
_NOT_ASCII = "\x1a"  # frame.LINE_NOT_ASCII


def reply(proto: Any, line: str) -> bytes:
    """The answer to one typed line, for the connection ``proto`` (a ``DeviceProtocol``:
    its ``api``, its ``unlocked`` flag and its pairing ``window``)."""
    return (_answer(proto, line) + "\n").encode()


def _answer(proto: Any, line: str) -> str:
    if line == _TOO_LONG:
        return "error: line over 80 characters; try help"
    if line == _NOT_ASCII:
        return "error: only plain ASCII text is understood; try help"
    cmd, _, arg = line.partition(" ")
    cmd = cmd.lower()
    arg = arg.strip()
    api = proto.api
    if cmd == "help":
        return HELP
    if cmd == "status":
        return "state: %s" % ("running" if api.busy else "idle")
    if cmd == "unlock":
        w = proto.window
        if w is None or w.kind != _PHONE:
            return "error: no phone code shown; hold B on the menu, then press B"
        if not _unlock(proto, w, arg):
            return "error: wrong code; the device shows a new one"
        proto.unlocked = True
        return "unlocked: list, start, stop"
    if cmd not in ("list", "start", "stop"):
        return "error: '%s' is not a command; try help" % cmd[:20]
    if not proto.unlocked:
        return ("error: '%s' needs unlock CODE first (hold B on the menu, then B: "
                "phone code)" % cmd)
    try:
        if cmd == "list":
            names = []
            for i, r in enumerate(api.list_routines()):
                names.append("%d %s%s" % (i + 1, r["name"], "*" if r["selected"] else ""))
            return "routines: " + ", ".join(names)
        if cmd == "start":
            return "started: " + api.start(_pick(api, arg))
        if not api.stop():
            return "error: no session running"
        return "stopped"
    except m.ProtocolError as e:
        return "error: " + e.message


def _unlock(proto: Any, w: Any, code: str) -> bool:
    """The proof of holding the device: the phone code, one guess per code."""
    shown = w.take(proto, _PHONE)
    if not shown:
        return False
    if code != shown:
        w.failed()
        return False
    w.close("unlocked")
    return True


def _pick(api: Any, arg: str) -> str:
    """A routine name from a list number, a name, or '' for the selected one."""
    if arg.isdigit():
        names = [r["name"] for r in api.list_routines()]
        n = int(arg)
        if not 1 <= n <= len(names):
            raise m.ProtocolError(m.UNKNOWN_ROUTINE, "no routine number %d" % n)
        return names[n - 1]
    return arg
