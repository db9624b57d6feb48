"""The device's protocol handler: bytes from the host in, bytes to send back out.

It never touches the radio, files or clock: the firmware hands it received
bytes and sends whatever comes back, and everything the device can do goes
through ``api``, an object the firmware (or a test) provides::

    api.info() -> dict            id, fw, board, free, battery (None if unknown)
    api.busy                      True while a session runs
    api.list_routines() -> list   [{"name", "size", "crc", "selected"}]
    api.put_routine(name, data)   validated canonical JSON; atomic replace
    api.select(name) -> bool      False: no such routine
    api.delete(name) -> bool      False: no such routine
    api.log_after(cursor, max_bytes, limit) -> (raw records with seq > cursor, joined into
                                  pieces of up to limit bytes of whole records; more)
    api.ack(seq)                  the host has every record up to seq
    api.set_clock(epoch_s)
    api.key_get(host_id) -> bytes or None
    api.key_put(host_id, key)     key None forgets the host
    api.start(name) -> str        start a session ('' = the selected routine)
    api.stop() -> bool            False: no session was running

Any of them may raise ``messages.ProtocolError`` to refuse with a code.

Pairing (``pake``: the SPAKE2 code and its 2048-bit group) is imported only for a
PAIR_START and lives only as long as that attempt; a board that is not pairing
never holds it.  Text mode (``text``) is imported for each line typed.
"""

from __future__ import annotations

import struct
from binascii import crc32

from adafruit_ticks import ticks_diff

from stretchcue import drop
from stretchcue import routine as rt
from stretchcue import sessionlog as sl
from stretchcue.protocol import auth
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
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

PAIRING_MS = const(120_000)
_SHARE = const(256)  # pake.SIZE: bytes in a SPAKE2 share
_SECRET = const(32)  # pake.SECRET_BYTES
_OPEN = (m.HELLO, m.STATUS, m.PAIR_START, m.PAIR_CONFIRM, m.AUTH_BEGIN, m.AUTH_PROVE)
_RESTART = (m.AUTH_BEGIN, m.PAIR_START)  # how every connection of the tool begins
_BUSY_REFUSED = (m.PUT_BEGIN, m.PUT_COMMIT, m.ROUTINE_SELECT, m.ROUTINE_DELETE)


def _urandom(n: int) -> bytes:
    import os

    return os.urandom(n)


class DeviceProtocol:
    """One instance per device; survives connections (``disconnected()`` between them)."""

    def __init__(self, api: Any, rand: Any = None) -> None:
        self.api = api
        self._rand = rand or _urandom
        self._dec = fr.FrameDecoder()
        self._put = PutReceiver()
        self._code = ""
        self._pair_since = 0
        self._spake: Any = None
        self._host_id = b""
        self._nonces: Any = None
        self.session: Any = None
        self.paired_host = b""  # set when a pairing completes, for the firmware's screen
        self.unlocked = False  # text mode: the shown code was typed on this connection
        self._signed = False

    @property
    def authenticated(self) -> bool:
        return self.session is not None

    @property
    def pairing(self) -> bool:
        return bool(self._code)

    @property
    def resumable(self) -> bool:
        """Holds what a later connection takes up: a half-done upload, or open pairing."""
        return self._put.active or bool(self._code)

    def enter_pairing(self, code: str, now_ms: int = 0) -> None:
        """The button gesture: accept one PAIR_START with ``code`` for two minutes."""
        if len(code) != 6 or not code.isdigit():
            raise ValueError("the pairing code is 6 digits")
        self._code = code
        self._pair_since = now_ms
        self._spake = None

    def leave_pairing(self) -> None:
        self._code = ""
        self._spake = None

    def tick(self, now_ms: int) -> None:
        if self._code and ticks_diff(now_ms, self._pair_since) >= PAIRING_MS:
            self.leave_pairing()

    def disconnected(self) -> None:
        """The link dropped: forget the connection, keep a half-done upload for resuming."""
        self._dec.reset()
        self._new_connection()
        if self._spake is not None:
            self.leave_pairing()

    def _new_connection(self) -> None:
        self.session = None
        self._nonces = None
        self._host_id = b""
        self.unlocked = False

    def unlock_text(self, code: str) -> bool:
        """Text mode's proof of holding the device: the shown code, one guess."""
        ok = bool(self._code) and self._spake is None and code == self._code
        self.leave_pairing()
        return ok

    def receive(self, data: Any) -> list:
        out: list = []
        for item in self._dec.feed(data):
            if isinstance(item, str):
                from stretchcue.protocol import text

                try:
                    out.append(text.reply(self, item.strip()))
                finally:
                    drop("stretchcue.protocol.text")
            else:
                self._frame(item, out)
        return out

    def _reply(self, out: list, ftype: int, req: int, payload: Any = b"") -> None:
        if self.session is not None and self._signed:
            out.append(self.session.seal(ftype, req, payload))
        else:
            out.append(fr.encode(ftype, req, payload))

    def _frame(self, f: fr.Frame, out: list) -> None:
        try:
            if f.version != fr.VERSION:
                raise m.ProtocolError(m.BAD_VERSION, "protocol version %d; this device speaks %d"
                                      % (f.version, fr.VERSION))
            payload = f.payload
            self._signed = bool(f.flags & fr.SIGNED)  # answer in kind
            if self.session is not None and self._signed:
                try:
                    payload = self.session.open(f)
                except auth.AuthError as e:
                    raise m.ProtocolError(m.AUTH_FAILED, str(e)) from None
            elif self._signed:
                raise m.ProtocolError(m.NOT_PAIRED, "signed frame without a session")
            elif self.session is not None and f.ftype in _RESTART:
                # A link can miss a disconnect (a USB port closed and reopened
                # between two loop passes): a new host starts over here.
                self._new_connection()
            elif self.session is not None and f.ftype not in (m.HELLO, m.STATUS):
                raise m.ProtocolError(m.AUTH_FAILED, "frame is not signed")
            elif f.ftype not in _OPEN:
                raise m.ProtocolError(m.NOT_PAIRED, "pair and authenticate first")
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
            info = dict(api.info())
            info["proto"] = m.PROTOCOL
            info["state"] = "running" if api.busy else "idle"
            info["pairing"] = self.pairing
            info["authenticated"] = self.authenticated
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
            # During a session one frame per request: each costs the board a signature,
            # and a whole window in one pass would hold up the next cue.
            window = 1 if api.busy else max(1, min(window, LOG_WINDOW))
            chunks, more = api.log_after(cursor, window * LOG_FRAME, LOG_FRAME)
            count = 0
            last = cursor
            for i in range(len(chunks)):
                chunk, chunks[i] = chunks[i], None  # a window is held once: chunk or frame
                off = 0
                while off < len(chunk):  # its records: header (type, length, seq), payload, CRC
                    last = struct.unpack_from("<I", chunk, off + 4)[0]
                    off += sl.HEADER + (chunk[off + 2] | chunk[off + 3] << 8) + 4
                    count += 1
                self._reply(out, m.LOG_DATA, req, chunk)
            self._reply(out, m.LOG_END, req, struct.pack("<IHB", last, count,
                                                         1 if more else 0))
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
        if not self._code or self._spake is not None:
            raise m.ProtocolError(m.NOT_PAIRING, "press the pairing gesture on the device first")
        if len(p) != auth.ID_BYTES + _SHARE:
            raise m.ProtocolError(m.BAD_REQUEST, "PAIR_START needs host id and share")
        self._host_id = bytes(p[:auth.ID_BYTES])
        from stretchcue.protocol import pake

        drop("stretchcue.protocol.pake")  # kept alive by this attempt's Spake2 only
        self._spake = pake.Spake2(b"D", self._code, self._rand(_SECRET))
        dev_id = str(self.api.info().get("id", "")).encode()
        try:
            tag = self._spake.finish(p[auth.ID_BYTES:], self._host_id, dev_id)
        except pake.PairError as e:
            self.leave_pairing()
            raise m.ProtocolError(m.PAIR_FAILED, str(e)) from None
        self._reply(out, m.PAIR_REPLY, req, self._spake.share() + tag + dev_id)

    def _pair_confirm(self, req: int, p: bytes, out: list) -> None:
        sp = self._spake
        if sp is None:
            raise m.ProtocolError(m.NOT_PAIRING, "no pairing in progress")
        self.leave_pairing()  # one attempt per code, whatever the outcome
        try:
            sp.check(p)
        except ValueError as e:  # pake.PairError
            raise m.ProtocolError(m.PAIR_FAILED, str(e)) from None
        self.api.key_put(self._host_id, sp.pair_key)
        self.paired_host = self._host_id
        self._reply(out, m.OK, req)

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
            raise m.ProtocolError(m.AUTH_FAILED, "no challenge outstanding")
        key, hn, dn = self._nonces
        self._nonces = None
        auth.check_proof(key, b"H", self._host_id, hn, dn, p)
        self.session = auth.Session(key, b"D", hn, dn)
        self._signed = True
        self._reply(out, m.OK, req)
