"""The device's protocol handler: bytes from the host in, bytes to send back out.

It never touches the radio, files or clock: the firmware hands it received
bytes and sends whatever comes back, and everything the device can do goes
through ``api``, an object the firmware (or a test) provides::

    api.info() -> dict            id, fw, board, free, battery (None if unknown)
    api.busy                      True while a session runs
    api.list_routines() -> list   [{"name", "size", "crc", "selected", "builtin"}]
    api.put_routine(name, data)   validated canonical JSON; atomic replace (used only
                                  where the api has no stage_write)
    api.stage_write(name, offset, data) optional, with store_staged(name): each chunk
                                  onto flash as it arrives (offset 0 starts the file),
                                  then the whole checked as read back (RoutineError)
                                  and swapped in (a board's way)
    api.select(name) -> bool      False: no such routine
    api.delete(name) -> bool      False: no such routine
    api.log_after(cursor, max_bytes, limit) -> (raw records with seq > cursor, joined into
                                  pieces of up to limit bytes of whole records; more),
                                  asked for one LOG_DATA frame's worth at a time (``more``)
    api.ack(seq)                  the host has every record up to seq
    api.set_clock(epoch_s)
    api.set_remind(at_min, days, offset_min)  the daily reminder (at_min 0xFFFF: off)
    api.key_get(host_id) -> bytes or None
    api.key_put(host_id, key)     key None forgets the host
    api.start(name) -> str        start a session ('' = the selected routine)
    api.stop() -> bool            False: no session was running

Any of them may raise ``messages.ProtocolError`` to refuse with a code.

Pairing state is a ``pairing.Window`` shared by every link's protocol, so a
code is tried once, on whichever link asks first; the firmware passes a
function that gives the app's window, or None while it has none open.  The
pairing steps (``device_pair``) and SPAKE2 (``pake``) are imported only for a
PAIR_START and live only as long as that attempt; the key proof and the
sealing (``auth``, ``aes``) only from an AUTH_BEGIN; the upload receiver
(``transfer``) from a PUT_BEGIN until the upload is done.  So a board pairing
never holds the session's code, and one serving a paired host never holds
pairing's.  Text mode (``text``) is imported for each line typed.
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

# Copies of other modules' constants, so that loading this one loads none of them
# (tests/core/test_lazy_modules.py checks they agree).
_ID = const(16)  # auth.ID_BYTES
_NONCE = const(16)  # auth.NONCE
_LAPTOP = const(1)  # pairing.LAPTOP
_PAIRING = "stretchcue.protocol.device_pair"
_OPEN = (m.HELLO, m.STATUS, m.PAIR_START, m.PAIR_CONFIRM, m.AUTH_BEGIN, m.AUTH_PROVE)
_RESTART = (m.AUTH_BEGIN, m.PAIR_START)  # how every connection of the tool begins
_BUSY_REFUSED = (m.PUT_BEGIN, m.PUT_COMMIT, m.ROUTINE_SELECT, m.ROUTINE_DELETE)


def _urandom(n: int) -> bytes:
    import os

    return os.urandom(n)


class DeviceProtocol:
    """One instance per link; survives connections (``disconnected()`` between them).

    ``window`` is the pairing window all links share, or a function that gives it (or
    None while there is none); one is made if not given.
    """

    def __init__(self, api: Any, rand: Any = None, window: Any = None) -> None:
        self.api = api
        self._rand = rand or _urandom
        if window is None:
            from stretchcue.protocol.pairing import Window

            window = Window(self._rand)
        self._window = window
        self._dec = fr.FrameDecoder()
        self._put: Any = None  # a transfer.PutReceiver from PUT_BEGIN until the upload ends
        self._spake: Any = None  # (host's tag, pair key) between PAIR_REPLY and PAIR_CONFIRM
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
    def window(self) -> Any:
        """The shared pairing window, or None while the app has none."""
        w = self._window
        return w() if callable(w) else w

    @property
    def pairing(self) -> bool:
        w = self.window
        return w is not None and w.kind == _LAPTOP

    @property
    def _attempt(self) -> bool:
        return self._starting is not None or self._spake is not None or self._asking is not None

    @property
    def resumable(self) -> bool:
        """Holds what a later pass needs: a half-done upload, or a pairing attempt."""
        return (self._put is not None and self._put.active) or self._attempt

    def enter_pairing(self, code: Any = None, now_ms: int = 0) -> str:
        """The button gesture: open the shared window for a laptop; returns its code.

        ``code`` fixes the code (tests); otherwise a random one is drawn.
        """
        if code is not None and (len(code) != 6 or not code.isdigit()):
            raise ValueError("the pairing code is 6 digits")
        w = self.window
        c = w.start(_LAPTOP, now_ms)
        if code is not None:
            w.code = c = code
        return c

    def tick(self, now_ms: int) -> list:
        """Timeouts, and the replies to PAIR_START and (once the person has answered)
        PAIR_CONFIRM."""
        self._now = now_ms
        w = self.window
        if w is not None:
            w.tick(now_ms)
        if not self._attempt:
            return []
        owner: Any = w.owner if w is not None else None
        if self._spake is not None and owner is not self:
            self._spake = None  # the attempt timed out or the window closed
        out: list = []
        if self._starting is not None or (self._asking is not None and (
                owner is not self or w.reply)):
            from stretchcue.protocol import device_pair

            device_pair.step(self, w, out)
        if not self._attempt:
            drop(_PAIRING)
        return out

    def disconnected(self) -> None:
        """The link dropped: forget the connection, keep a half-done upload for resuming."""
        self._dec.reset()
        self._new_connection()
        w = self.window
        if w is not None and w.owner is self:
            if self._asking is not None:
                w.close("ended")
            else:
                w.failed(self)
        self._spake = None
        self._asking = None
        self._starting = None
        drop(_PAIRING)

    def _new_connection(self) -> None:
        self.session = None
        self._log = None
        self._nonces = None
        self._host_id = b""
        self.unlocked = False

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
        window (up to 32 frames of 512 bytes) is never held whole."""
        if self._log is None:
            return []
        from stretchcue.protocol import device_ops

        return device_ops.more(self)

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
                except m.AuthError:
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
        except m.AuthError as e:
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
        elif t == m.PAIR_START or t == m.PAIR_CONFIRM:
            from stretchcue.protocol import device_pair

            try:
                if t == m.PAIR_START:
                    device_pair.start(self, req, p)
                else:
                    device_pair.confirm(self, req, p)
            finally:
                if not self._attempt:
                    drop(_PAIRING)
        elif t == m.AUTH_BEGIN:
            self._auth_begin(req, p, out)
        elif t == m.AUTH_PROVE:
            self._auth_prove(req, p, out)
        elif self.session is not None:
            from stretchcue.protocol import device_ops

            device_ops.dispatch(self, t, req, p, out)
        else:
            raise m.ProtocolError(m.UNKNOWN_TYPE, "unknown request type 0x%02x" % t)

    def _auth_begin(self, req: int, p: bytes, out: list) -> None:
        if len(p) != _ID + _NONCE:
            raise m.ProtocolError(m.BAD_REQUEST, "AUTH_BEGIN needs host id and nonce")
        from stretchcue.protocol import auth

        host_id = bytes(p[:_ID])
        key = self.api.key_get(host_id)
        if not key:
            raise m.ProtocolError(m.NOT_PAIRED, "this computer is not paired with the device")
        self.session = None
        self._host_id = host_id
        hn = bytes(p[_ID:])
        dn = self._rand(_NONCE)
        self._nonces = (key, hn, dn)
        self._reply(out, m.AUTH_CHALLENGE, req, dn + auth.proof(key, b"D", host_id, hn, dn))

    def _auth_prove(self, req: int, p: bytes, out: list) -> None:
        if self._nonces is None:
            raise m.ProtocolError(m.AUTH_FAILED, "no challenge outstanding; send AUTH_BEGIN")
        from stretchcue.protocol import auth

        key, hn, dn = self._nonces
        self._nonces = None
        auth.check_proof(key, b"H", self._host_id, hn, dn, p)
        dev_id = str(self.api.info().get("id", "")).encode()
        self.session = auth.Session(key, b"D", self._host_id, dev_id, hn, dn)
        self._sealed = True
        self._reply(out, m.OK, req)
