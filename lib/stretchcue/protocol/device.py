"""The device's protocol handler: bytes from the host in, bytes to send back out.

It never touches the radio, files or clock: the firmware hands it received
bytes and sends whatever comes back, and everything the device can do goes
through ``api``, an object the firmware (or a test) provides::

    api.info() -> dict            id, fw, board, free, battery (None if unknown)
    api.busy                      True while a session runs
    api.list_routines() -> list   [{"name", "size", "crc", "selected", "builtin"}]
    api.put_routine(name, data)   validated canonical JSON; atomic replace
    api.select(name) -> bool      False: no such routine
    api.delete(name) -> bool      False: no such routine
    api.log_after(cursor, max_bytes, limit) -> (raw records with seq > cursor, joined into
                                  pieces of up to limit bytes of whole records; more),
                                  asked for one LOG_DATA frame's worth at a time (``more``)
    api.ack(seq)                  the host has every record up to seq
    api.set_clock(epoch_s)
    api.key_get(host_id) -> bytes or None
    api.key_put(host_id, key)     key None forgets the host
    api.start(name) -> str        start a session ('' = the selected routine)
    api.stop() -> bool            False: no session was running

Any of them may raise ``messages.ProtocolError`` to refuse with a code.

Pairing state is a ``pairing.Window`` shared by every link's protocol, so a
code is tried once, on whichever link asks first.  Pairing's SPAKE2
(``pake``) is imported only for a PAIR_START and lives only as long as that
attempt; a board that is not pairing never holds it.  Text mode (``text``)
is imported for each line typed.
"""

from __future__ import annotations

import struct
from binascii import crc32

from stretchcue import drop
from stretchcue import routine as rt
from stretchcue import sessionlog as sl
from stretchcue.protocol import auth
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol import pairing as pw
from stretchcue.protocol.transfer import (
    CHUNK,
    LOG_FRAME,
    LOG_WINDOW,
    WINDOW,
    PutReceiver,
)

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_SHARE = const(32)  # pake.SIZE: bytes in a SPAKE2 share
_SECRET = const(32)  # pake.SECRET_BYTES
_CONFIRM = const(32)
_NAME_MAX = const(24)  # bytes of a host's name in PAIR_START
_OPEN = (m.HELLO, m.STATUS, m.PAIR_START, m.PAIR_CONFIRM, m.AUTH_BEGIN, m.AUTH_PROVE)
_RESTART = (m.AUTH_BEGIN, m.PAIR_START)  # how every connection of the tool begins
_BUSY_REFUSED = (m.PUT_BEGIN, m.PUT_COMMIT, m.ROUTINE_SELECT, m.ROUTINE_DELETE)


def _urandom(n: int) -> bytes:
    import os

    return os.urandom(n)


def host_name(raw: Any) -> str:
    """A host's name as the device shows it: printable ASCII, at most 16 characters."""
    name = "".join(chr(b) if 32 <= b < 127 else "?" for b in bytes(raw)[:_NAME_MAX])
    return name[:16].strip() or "a computer"


class DeviceProtocol:
    """One instance per link; survives connections (``disconnected()`` between them).

    ``window`` is the pairing window all links share (one is made if not given).
    """

    def __init__(self, api: Any, rand: Any = None, window: Any = None) -> None:
        self.api = api
        self._rand = rand or _urandom
        self.window = window if window is not None else pw.Window(self._rand)
        self._dec = fr.FrameDecoder()
        self._put = PutReceiver()
        self._spake: Any = None
        self._asking: Any = None  # (request id, host id, key) while the person is asked
        self._name = ""
        self._now = 0
        self._starting: Any = None  # a PAIR_START for the next tick: (request id, payload, code)
        self._host_id = b""
        self._nonces: Any = None
        self._log: Any = None  # [req, frames left, last seq, records, more, answers] (more())
        self.session: Any = None
        self.paired_host = b""  # set when a pairing completes, for the firmware's screen
        self.unlocked = False  # text mode: the phone code was typed on this connection
        self._sealed = False

    @property
    def authenticated(self) -> bool:
        return self.session is not None

    @property
    def pairing(self) -> bool:
        return self.window.kind == pw.LAPTOP

    @property
    def resumable(self) -> bool:
        """Holds what a later pass needs: a half-done upload, or a pairing attempt."""
        return (self._put.active or self._spake is not None or self._asking is not None
                or self._starting is not None)

    def enter_pairing(self, code: Any = None, now_ms: int = 0) -> str:
        """The button gesture: open the shared window for a laptop; returns its code.

        ``code`` fixes the code (tests); otherwise a random one is drawn.
        """
        if code is not None and (len(code) != 6 or not code.isdigit()):
            raise ValueError("the pairing code is 6 digits")
        c = self.window.start(pw.LAPTOP, now_ms)
        if code is not None:
            self.window.code = c = code
        return c

    def leave_pairing(self) -> None:
        if self.window.open:
            self.window.close("cancelled")
        self._spake = None

    def tick(self, now_ms: int) -> list:
        """Timeouts, and the reply to PAIR_CONFIRM once the person has answered."""
        w = self.window
        self._now = now_ms
        w.tick(now_ms)
        out: list = []
        start = self._starting
        if start is not None:
            self._starting = None
            if w.owner is self:
                self._pair_work(start[0], start[1], start[2], out)
        if self._spake is not None and w.owner is not self:
            self._spake = None  # the attempt timed out or the window closed
        asking = self._asking
        if asking is not None:
            req, host_id, key = asking
            if w.owner is self and w.reply:
                self._asking = None
                if w.reply == pw.YES:
                    self.api.key_put(host_id, key)
                    self.paired_host = host_id
                    w.close("paired")
                    out.append(fr.encode(m.OK, req))
                else:
                    w.close("declined")
                    out.append(fr.encode(m.ERROR, req, m.error_payload(
                        m.PAIR_DECLINED, "pairing was declined on the device")))
            elif w.owner is not self:
                self._asking = None
                out.append(fr.encode(m.ERROR, req, m.error_payload(
                    m.PAIR_FAILED, "pairing was not confirmed on the device in time")))
        return out

    def disconnected(self) -> None:
        """The link dropped: forget the connection, keep a half-done upload for resuming."""
        self._dec.reset()
        self._new_connection()
        w = self.window
        if w.owner is self:
            if self._asking is not None:
                w.close("ended")
            else:
                w.failed(self)
        self._spake = None
        self._asking = None
        self._starting = None

    def _new_connection(self) -> None:
        self.session = None
        self._log = None
        self._nonces = None
        self._host_id = b""
        self.unlocked = False

    def unlock_text(self, code: str) -> bool:
        """Text mode's proof of holding the device: the phone code, one guess per code."""
        w = self.window
        shown = w.take(self, pw.PHONE)
        if not shown:
            return False
        if code != shown:
            w.failed()
            return False
        w.close("unlocked")
        return True

    def receive(self, data: Any) -> list:
        out: list = []
        for item in self._dec.feed(data):
            while self._log is not None:  # the window asked for first goes out first
                out += self.more()
            if isinstance(item, str):
                from stretchcue.protocol import text

                try:
                    out.append(text.reply(self, item.strip()))
                finally:
                    drop("stretchcue.protocol.text")
            else:
                self._frame(item, out)
        return out

    def more(self) -> list:
        """The next frame of a log window being answered, read from flash and sealed only
        now (then its LOG_END); [] when none is.  The link asks as it has room, so a
        window (16 frames of 512 bytes) is never held whole."""
        w = self._log
        s = self.session
        if w is None or s is None:
            self._log = None
            return []
        req, left, last, count, more, answers = w
        if left and more:
            chunks, more = self.api.log_after(last, LOG_FRAME, LOG_FRAME)
            if chunks:
                out = []
                for chunk in chunks:
                    off = 0
                    while off < len(chunk):  # its records: header (type, length, seq), payload, CRC
                        last = struct.unpack_from("<I", chunk, off + 4)[0]
                        off += sl.HEADER + (chunk[off + 2] | chunk[off + 3] << 8) + 4
                        count += 1
                    out.append(s.seal(m.LOG_DATA, req, chunk, answers))
                w[1:5] = [left - 1, last, count, more]
                return out
        self._log = None
        return [s.seal(m.LOG_END, req, struct.pack("<IHB", last, count, 1 if more else 0),
                       answers)]

    def _reply(self, out: list, ftype: int, req: int, payload: Any = b"") -> None:
        s = self.session
        if s is not None and self._sealed:
            out.append(s.seal(ftype, req, payload, s.seen))
        else:
            out.append(fr.encode(ftype, req, payload))

    def _frame(self, f: fr.Frame, out: list) -> None:
        self._sealed = False
        try:
            if f.version != fr.VERSION:
                self.session = None  # inside a session, an altered header like any other
                raise m.ProtocolError(m.BAD_VERSION, "protocol version %d; this device speaks %d"
                                      % (f.version, fr.VERSION))
            payload = f.payload
            if f.flags & fr.SEALED:
                if self.session is None:
                    raise m.ProtocolError(m.NOT_PAIRED, "sealed frame without a session; "
                                          "authenticate first")
                try:
                    payload = self.session.open(f)
                except auth.AuthError:
                    self.session = None
                    raise m.ProtocolError(m.AUTH_FAILED, "frame rejected; session ended") \
                        from None
                self._sealed = True
            elif self.session is not None and f.ftype in _RESTART:
                # A link can miss a disconnect (a USB port closed and reopened
                # between two loop passes): a new host starts over here.
                self._new_connection()
            elif self.session is not None and f.ftype not in (m.HELLO, m.STATUS):
                self.session = None
                raise m.ProtocolError(m.AUTH_FAILED, "frame rejected; session ended")
            elif f.ftype not in _OPEN:
                raise m.ProtocolError(m.NOT_PAIRED, "pair and authenticate first")
            if f.req == 0:
                raise m.ProtocolError(m.BAD_REQUEST, "request id 0 is reserved; use 1-255")
            if self.api.busy and f.ftype in _BUSY_REFUSED:
                raise m.ProtocolError(m.BUSY, "device busy running a session")
            self._dispatch(f.ftype, f.req, payload, out)
        except m.ProtocolError as e:
            self._reply(out, m.ERROR, f.req, m.error_payload(e.code, e.message, e.errors))
        except auth.AuthError as e:
            self._reply(out, m.ERROR, f.req, m.error_payload(m.AUTH_FAILED, str(e)))

    def _dispatch(self, t: int, req: int, p: bytes, out: list) -> None:
        api = self.api
        if t == m.HELLO:
            if p:
                raise m.ProtocolError(m.BAD_REQUEST, "HELLO carries no payload")
            info = dict(api.info())
            info["proto"] = m.PROTOCOL
            info["state"] = "running" if api.busy else "idle"
            if self._sealed:  # only a paired host learns it is authenticated, or pairing
                info["authenticated"] = True
                info["pairing"] = self.pairing
            self._reply(out, m.INFO, req, m.dump(info))
        elif t == m.STATUS:
            self._reply(out, m.STATE, req, m.dump({"state": "running" if api.busy else "idle"}))
        elif t == m.PAIR_START:
            self._pair_start(req, p, out)
        elif t == m.PAIR_CONFIRM:
            self._pair_confirm(req, p, out)
        elif t == m.AUTH_BEGIN:
            self._auth_begin(req, p, out)
        elif t == m.AUTH_PROVE:
            self._auth_prove(req, p, out)
        elif t == m.SET_CLOCK:
            api.set_clock(m.unpack("<I", p)[0])
            self._reply(out, m.OK, req)
        elif t == m.ROUTINE_LIST:
            self._reply(out, m.ROUTINES, req, m.dump(api.list_routines()))
        elif t == m.ROUTINE_SELECT or t == m.ROUTINE_DELETE:
            name = m.check_name(p)
            done = api.select(name) if t == m.ROUTINE_SELECT else api.delete(name)
            if not done:
                raise m.ProtocolError(m.UNKNOWN_ROUTINE, "no routine named '%s'" % name)
            self._reply(out, m.OK, req)
        elif t == m.PUT_BEGIN:
            size, crc = m.unpack("<II", p)
            offset = self._put.begin(m.check_name(p[8:]), size, crc)
            self._reply(out, m.PUT_ACK, req, struct.pack("<IHH", offset, WINDOW, CHUNK))
        elif t == m.PUT_DATA:
            (offset,) = m.unpack("<I", p)
            if self._put.data(offset, p[4:]):
                self._reply(out, m.PUT_ACK, req, struct.pack("<IHH", self._put.acked(), WINDOW,
                                                             CHUNK))
        elif t == m.PUT_COMMIT:
            self._commit(req, out)
        elif t == m.LOG_READ:
            cursor, window = m.unpack("<IB", p)
            if not 1 <= window <= LOG_WINDOW:
                raise m.ProtocolError(m.BAD_REQUEST, "LOG_READ window of %d frames; 1-%d"
                                      % (window, LOG_WINDOW))
            # During a session one frame per request: each costs the board a signature,
            # and a whole window in one pass would hold up the next cue.
            self._log = [req, 1 if api.busy else window, cursor, 0, True, self.session.seen]
        elif t == m.LOG_ACK:
            api.ack(m.unpack("<I", p)[0])
            self._reply(out, m.OK, req)
        elif t == m.FORGET:
            api.key_put(self._host_id, None)
            self._reply(out, m.OK, req)
            self.session = None
        else:
            raise m.ProtocolError(m.UNKNOWN_TYPE, "unknown request type 0x%02x" % t)

    def _commit(self, req: int, out: list) -> None:
        name = self._put.name
        data = self._put.finish()
        try:
            rt.loads(data)
        except rt.RoutineError as e:
            raise m.ProtocolError(m.BAD_ROUTINE, "routine '%s' is not valid" % name,
                                  e.errors) from None
        try:
            self.api.put_routine(name, data)
        except OSError as e:
            code = m.NO_SPACE if e.args and e.args[0] == 28 else m.INTERNAL
            raise m.ProtocolError(code, "could not store the routine: %s" % e) from None
        self._reply(out, m.OK, req, m.dump({"name": name, "size": len(data),
                                            "crc": crc32(data) & 0xFFFFFFFF}))

    def _pair_start(self, req: int, p: bytes, out: list) -> None:
        """Take the code now; the SPAKE2 work waits for the next tick, so the screen can
        say "checking" first (it takes a 64 MHz board a while)."""
        if len(p) < auth.ID_BYTES + _SHARE or len(p) > auth.ID_BYTES + _SHARE + _NAME_MAX:
            raise m.ProtocolError(m.BAD_REQUEST, "PAIR_START needs host id, share and name")
        code = self.window.take(self, pw.LAPTOP)
        if not code:
            raise m.ProtocolError(m.NOT_PAIRING, "hold B on the device's menu to pair first")
        self._starting = (req, bytes(p), code)

    def _pair_work(self, req: int, p: bytes, code: str, out: list) -> None:
        self._host_id = bytes(p[:auth.ID_BYTES])
        self._name = host_name(p[auth.ID_BYTES + _SHARE:])
        from stretchcue.protocol import pake

        drop("stretchcue.protocol.pake")  # kept alive by this attempt's Spake2 only
        drop("stretchcue.protocol.ed25519")
        self._spake = sp = pake.Spake2(b"D", code, self._rand(_SECRET))
        dev_id = str(self.api.info().get("id", "")).encode()
        try:
            tag = sp.finish(p[auth.ID_BYTES:auth.ID_BYTES + _SHARE],
                            self._host_id + bytes(p[auth.ID_BYTES + _SHARE:]), dev_id)
        except pake.PairError as e:
            self._spake = None
            self.window.failed(self)
            out.append(fr.encode(m.ERROR, req, m.error_payload(m.PAIR_FAILED, str(e))))
            return
        out.append(fr.encode(m.PAIR_REPLY, req, sp.share() + tag + dev_id))

    def _pair_confirm(self, req: int, p: bytes, out: list) -> None:
        sp = self._spake
        w = self.window
        if sp is None or w.owner is not self or self._asking is not None:
            raise m.ProtocolError(m.NOT_PAIRING, "no pairing in progress")
        self._spake = None
        try:
            sp.check(p)
        except ValueError:  # pake.PairError
            w.failed(self)
            raise m.ProtocolError(m.PAIR_FAILED, "wrong code; the device shows a new one" if
                                  w.open else "wrong code; pairing closed") from None
        self._asking = (req, self._host_id, sp.pair_key)
        w.ask(self, self._name)  # the answer goes out from tick()

    def _auth_begin(self, req: int, p: bytes, out: list) -> None:
        if len(p) != auth.ID_BYTES + auth.NONCE:
            raise m.ProtocolError(m.BAD_REQUEST, "AUTH_BEGIN needs host id and nonce")
        host_id = bytes(p[:auth.ID_BYTES])
        key = self.api.key_get(host_id)
        if not key:
            raise m.ProtocolError(m.NOT_PAIRED, "this computer is not paired with the device")
        self.session = None
        self._host_id = host_id
        hn = bytes(p[auth.ID_BYTES:])
        dn = self._rand(auth.NONCE)
        self._nonces = (key, hn, dn)
        self._reply(out, m.AUTH_CHALLENGE, req, dn + auth.proof(key, b"D", host_id, hn, dn))

    def _auth_prove(self, req: int, p: bytes, out: list) -> None:
        if self._nonces is None:
            raise m.ProtocolError(m.AUTH_FAILED, "no challenge outstanding; send AUTH_BEGIN")
        key, hn, dn = self._nonces
        self._nonces = None
        auth.check_proof(key, b"H", self._host_id, hn, dn, p)
        dev_id = str(self.api.info().get("id", "")).encode()
        self.session = auth.Session(key, b"D", self._host_id, dev_id, hn, dn)
        self._sealed = True
        self._reply(out, m.OK, req)
