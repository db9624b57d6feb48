"""The device's side of pairing a laptop: PAIR_START, the SPAKE2 work, PAIR_CONFIRM and
the person's answer to "Pair with <name>?".

A device pairs once per laptop and serves it many times after, so this is not
part of ``device``: ``DeviceProtocol`` imports it when a PAIR_START arrives
and forgets it when the attempt ends, as it does ``pake``.  The attempt's state
stays on the protocol (``_starting``, ``_spake``, ``_asking``), so a link's
next pass picks it up.
"""

from __future__ import annotations

from stretchcue import drop
from stretchcue.protocol import frame as fr
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

_ID = const(16)  # auth.ID_BYTES: a host's id
_SHARE = const(32)  # pake.SIZE: bytes in a SPAKE2 share
_SECRET = const(32)  # pake.SECRET_BYTES
_NAME_MAX = const(24)  # bytes of a host's name in PAIR_START
_LAPTOP = const(1)  # pairing.LAPTOP
_YES = const(1)  # pairing.YES


def host_name(raw: Any) -> str:
    """A host's name as the device shows it: printable ASCII, at most 16 characters."""
    name = "".join(chr(b) if 32 <= b < 127 else "?" for b in bytes(raw)[:_NAME_MAX])
    return name[:16].strip() or "a computer"


def start(proto: Any, req: int, p: bytes) -> None:
    """PAIR_START: take the code now; the SPAKE2 work waits for the next tick, so the
    screen can say "checking" first (it takes a 64 MHz board a while)."""
    if len(p) < _ID + _SHARE or len(p) > _ID + _SHARE + _NAME_MAX:
        raise m.ProtocolError(m.BAD_REQUEST, "PAIR_START needs host id, share and name")
    w = proto.window
    code = w.take(proto, _LAPTOP) if w is not None else ""
    if not code:
        raise m.ProtocolError(m.NOT_PAIRING, "hold B on the device's menu to pair first")
    proto._starting = (req, bytes(p), code)


def step(proto: Any, w: Any, out: list) -> None:
    """A tick's pairing work: the SPAKE2 reply to a PAIR_START, then, once the person has
    answered (or the window has gone), the reply to PAIR_CONFIRM."""
    owner: Any = w.owner if w is not None else None
    start = proto._starting
    if start is not None:
        proto._starting = None
        if owner is proto:
            _work(proto, w, start[0], start[1], start[2], out)
    asking = proto._asking
    if asking is None:
        return
    req, host_id, key = asking
    if owner is proto and w.reply:
        proto._asking = None
        if w.reply == _YES:
            proto.api.key_put(host_id, key)
            proto.paired_host = host_id
            w.close("paired")
            out.append(fr.encode(m.OK, req))
        else:
            w.close("declined")
            out.append(fr.encode(m.ERROR, req, m.error_payload(
                m.PAIR_DECLINED, "pairing was declined on the device")))
    elif owner is not proto:
        proto._asking = None
        out.append(fr.encode(m.ERROR, req, m.error_payload(
            m.PAIR_FAILED, "pairing was not confirmed on the device in time")))


def _work(proto: Any, w: Any, req: int, p: bytes, code: str, out: list) -> None:
    proto._host_id = bytes(p[:_ID])
    proto._name = host_name(p[_ID + _SHARE:])
    from stretchcue.protocol import pake

    drop("stretchcue.protocol.pake")  # kept alive by this call only
    drop("stretchcue.protocol.ed25519")
    sp = pake.Spake2(b"D", code, proto._rand(_SECRET))
    dev_id = str(proto.api.info().get("id", "")).encode()
    try:
        tag = sp.finish(p[_ID:_ID + _SHARE], proto._host_id + bytes(p[_ID + _SHARE:]), dev_id)
    except pake.PairError as e:
        w.failed(proto)
        out.append(fr.encode(m.ERROR, req, m.error_payload(m.PAIR_FAILED, str(e))))
        return
    proto._spake = sp.kept()  # two byte strings: SPAKE2's code goes while the host answers
    out.append(fr.encode(m.PAIR_REPLY, req, sp.share() + tag + dev_id))


def confirm(proto: Any, req: int, p: bytes) -> None:
    """PAIR_CONFIRM: a right code asks the person; the answer goes out from ``step``."""
    sp = proto._spake
    w = proto.window
    if sp is None or w is None or w.owner is not proto or proto._asking is not None:
        raise m.ProtocolError(m.NOT_PAIRING, "no pairing in progress")
    proto._spake = None
    from stretchcue.protocol.sha256 import equal

    expect, key = sp
    if not equal(bytes(p), expect):
        w.failed(proto)
        raise m.ProtocolError(m.PAIR_FAILED, "wrong code; the device shows a new one" if
                              w.open else "wrong code; pairing closed")
    proto._asking = (req, proto._host_id, key)
    w.ask(proto, proto._name)
