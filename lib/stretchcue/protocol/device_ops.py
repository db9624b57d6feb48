"""What a paired host asks for once its session is sealed: routines, uploads, the log,
the clock, forgetting.

Loaded by ``device.DeviceProtocol`` at the first sealed request and dropped with the
session, so a board that is pairing (its heap's highest point, with SPAKE2 loaded)
does not hold this too.
"""

from __future__ import annotations

import struct

from stretchcue import drop
from stretchcue import routine as rt
from stretchcue import sessionlog as sl
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

# Copies of transfer's constants, so that loading this loads not it
# (tests/core/test_lazy_modules.py checks they agree).
_WINDOW = const(2)  # transfer.WINDOW
_CHUNK = const(480)  # transfer.CHUNK
_LOG_FRAME = const(492)  # transfer.LOG_FRAME
_LOG_WINDOW = const(32)  # transfer.LOG_WINDOW
_TRANSFER = "stretchcue.protocol.transfer"


def dispatch(proto: Any, t: int, req: int, p: bytes, out: list) -> None:
    """One sealed request (the session is checked by the caller)."""
    api = proto.api
    if t == m.SET_CLOCK:
        api.set_clock(m.unpack("<I", p)[0])
        if len(p) >= 9:  # the daily reminder rides with the clock
            offset, at, days = m.unpack("<hHB", p[4:])
            if not (-1440 < offset < 1440 and (at == 0xFFFF or (at < 1440 and 0 < days < 128))):
                raise m.ProtocolError(m.BAD_REQUEST, "reminder out of range")
            api.set_remind(at, days, offset)
        proto._reply(out, m.OK, req)
    elif t == m.ROUTINE_LIST:
        proto._reply(out, m.ROUTINES, req, m.dump(api.list_routines()))
    elif t == m.ROUTINE_SELECT or t == m.ROUTINE_DELETE:
        name = m.check_name(p)
        done = api.select(name) if t == m.ROUTINE_SELECT else api.delete(name)
        if not done:
            raise m.ProtocolError(m.UNKNOWN_ROUTINE, "no routine named '%s'" % name)
        proto._reply(out, m.OK, req)
    elif t == m.PUT_BEGIN:
        size, crc = m.unpack("<II", p)
        name = m.check_name(p[8:])
        if proto._put is None:
            from stretchcue.protocol.transfer import PutReceiver

            proto._put = PutReceiver(getattr(api, "stage_write", None))
        try:
            offset = proto._put.begin(name, size, crc)
        finally:
            put_done(proto)
        proto._reply(out, m.PUT_ACK, req, struct.pack("<IHH", offset, _WINDOW, _CHUNK))
    elif t == m.PUT_DATA:
        (offset,) = m.unpack("<I", p)
        if proto._put is None:
            raise m.ProtocolError(m.NO_TRANSFER, "no routine upload in progress")
        if proto._put.data(offset, p[4:]):
            proto._reply(out, m.PUT_ACK, req, struct.pack("<IHH", proto._put.acked(), _WINDOW,
                                                         _CHUNK))
    elif t == m.PUT_COMMIT:
        commit(proto, req, out)
    elif t == m.LOG_READ:
        cursor, window = m.unpack("<IB", p)
        if not 1 <= window <= _LOG_WINDOW:
            raise m.ProtocolError(m.BAD_REQUEST, "LOG_READ window of %d frames; 1-%d"
                                  % (window, _LOG_WINDOW))
        # During a session one frame per request: each costs the board a signature,
        # and a whole window in one pass would hold up the next cue.
        proto._log = [req, 1 if api.busy else window, cursor, 0, True, proto.session.seen]
    elif t == m.LOG_ACK:
        api.ack(m.unpack("<I", p)[0])
        proto._reply(out, m.OK, req)
    elif t == m.FORGET:
        api.key_put(proto._host_id, None)
        proto._reply(out, m.OK, req)
        proto.session = None
    else:
        raise m.ProtocolError(m.UNKNOWN_TYPE, "unknown request type 0x%02x" % t)


def put_done(proto: Any) -> None:
    """Forget the upload receiver once it holds no upload (refused, or finished)."""
    if proto._put is not None and not proto._put.active:
        proto._put = None
        drop(_TRANSFER)


def commit(proto: Any, req: int, out: list) -> None:
    put = proto._put
    if put is None:
        raise m.ProtocolError(m.NO_TRANSFER, "no routine upload in progress")
    name, size, crc = put.name, put.size, put.crc
    try:
        data = put.finish()
    finally:
        put_done(proto)
    api = proto.api
    try:
        if data is None:  # a board: on flash already, checked as read back
            api.store_staged(name)
        else:
            rt.loads(data)
            api.put_routine(name, data)
    except rt.RoutineError as e:
        raise m.ProtocolError(m.BAD_ROUTINE, "routine '%s' is not valid" % name,
                              e.errors) from None
    except OSError as e:
        code = m.NO_SPACE if e.args and e.args[0] == 28 else m.INTERNAL
        raise m.ProtocolError(code, "could not store the routine: %s" % e) from None
    except MemoryError:  # the staged file stays aside: the old routine is kept
        raise m.ProtocolError(m.NO_MEMORY, "out of memory checking routine '%s'" % name) from None
    proto._reply(out, m.OK, req, m.dump({"name": name, "size": size, "crc": crc}))


def more(proto: Any) -> list:
    """The next frame of a log window being answered, read from flash and sealed only
    now (then its LOG_END); [] when none is.  The link asks as it has room, so a
    window (up to 32 frames of 512 bytes) is never held whole."""
    w = proto._log
    s = proto.session
    if w is None or s is None:
        proto._log = None
        return []
    req, left, last, count, rest, answers = w
    if left and rest:
        chunks, rest = proto.api.log_after(last, _LOG_FRAME, _LOG_FRAME)
        if chunks:
            out = []
            for chunk in chunks:
                off = 0
                while off < len(chunk):  # its records: header (type, length, seq), payload, CRC
                    last = struct.unpack_from("<I", chunk, off + 4)[0]
                    off += sl.HEADER + (chunk[off + 2] | chunk[off + 3] << 8) + 4
                    count += 1
                out.append(s.seal(m.LOG_DATA, req, chunk, answers))
            w[1:5] = [left - 1, last, count, rest]
            return out
    proto._log = None
    return [s.seal(m.LOG_END, req, struct.pack("<IHB", last, count, 1 if rest else 0),
                   answers)]
