"""The laptop's side of the protocol: asyncio over any Transport.

Each request gets a fresh request id; a reply with another id is a stale
answer to an attempt that already timed out and is dropped.  A request that
times out is sent again (sealed afresh, since a sealed frame is never accepted
twice) with a growing pause.  Inside a session every reply must open under
the counter of the request it answers; one that does not ends the session,
as it does on the device.  Uploads and log reads survive a dropped link or
an ended session: the client reconnects, authenticates again and resumes from
the device's last acknowledged offset, or from the last log record it holds.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import time
from binascii import crc32
from collections.abc import Callable

from stretchcue import sessionlog
from stretchcue.protocol import auth, pake, transfer
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue_host.keys import KeyStore
from stretchcue_host.names import ERROR_NAMES
from stretchcue_host.transport.base import ConnectionLost, Transport

PAIR_TIMEOUT_S = 30.0
CONFIRM_TIMEOUT_S = 120.0  # the person reads "Pair with ...?" and presses A


class SessionEnded(ConnectionLost):
    """A frame failed its seal, or the device ended the session: authenticate again."""


class DeviceError(m.ProtocolError):
    """The device answered ERROR: ``code`` (``name`` says which), ``message``, ``errors``."""

    @property
    def name(self) -> str:
        return ERROR_NAMES[self.code] if 0 < self.code < len(ERROR_NAMES) else "ERROR"


def parse_error(payload: bytes) -> DeviceError:
    """The DeviceError an ERROR frame's payload stands for."""
    try:
        d = m.load(payload)
        return DeviceError(int(d["code"]), str(d["message"]), d.get("errors"))
    except (m.ProtocolError, KeyError, TypeError, ValueError):
        return DeviceError(m.BAD_REQUEST, "unreadable error reply")


class ClientError(Exception):
    """A request failed for a reason the person can act on (message says which)."""


class _Resume(Exception):
    """The device lost part of an upload: try again from its last acknowledgement."""


class DeviceClient:
    def __init__(self, transport: Transport, keys: KeyStore | None = None,
                 timeout_s: float = 5.0, retries: int = 3, backoff_s: float = 0.25,
                 rand: Callable[[int], bytes] = os.urandom) -> None:
        self.transport = transport
        self.keys = keys
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._rand = rand
        self._dec = fr.FrameDecoder()
        self._pending: list[fr.Frame] = []
        self._req = 0
        self._counters: dict[int, int] = {}  # request id -> the counter it was sealed with
        self.session: auth.Session | None = None
        self.device_id = ""
        self._put_at = 0  # the device's last acknowledged upload offset
        self.stats = {"requests": 0, "round_trips": 0, "reconnects": 0, "lost_windows": 0,
                      "rejected_frames": 0}

    # -- plumbing -----------------------------------------------------------------

    async def connect(self) -> None:
        while not self.transport.received.empty():  # leftovers of the last connection
            self.transport.received.get_nowait()
        await self.transport.connect()
        self._dec.reset()
        self._pending = []
        self.session = None

    async def close(self) -> None:
        await self.transport.close()

    async def _reconnect(self, attempt: int) -> None:
        """Connect (and authenticate) again after a drop.  A link that drops again
        while doing so is tried again, with a growing pause, ``retries`` times."""
        self.stats["reconnects"] += 1
        was_authed = self.session is not None or self.device_id
        for n in range(self.retries + 1):
            if self.backoff_s:
                await asyncio.sleep(self.backoff_s * (2 ** (attempt + n)))
            try:
                await self.connect()
                if was_authed and self.keys is not None and self.keys.get(self.device_id):
                    await self.authenticate()
                return
            except (ConnectionLost, TimeoutError):
                if n == self.retries:
                    raise

    def _frame(self, ftype: int, req: int, payload: bytes) -> bytes:
        if self.session is not None:
            frame = self.session.seal(ftype, req, payload)
            self._counters[req] = self.session.sent
            return frame
        self._counters[req] = 0
        return fr.encode(ftype, req, payload)

    def _seal(self, ftype: int, payload: bytes = b"") -> tuple[int, bytes]:
        """The next request id, and the frame carrying it (signed inside a session)."""
        self._req = self._req % 255 + 1
        return self._req, self._frame(ftype, self._req, payload)

    async def _send(self, ftype: int, payload: bytes = b"") -> int:
        req, frame = self._seal(ftype, payload)
        await self.transport.write(frame)
        return req

    async def _next(self, deadline: float) -> fr.Frame:
        """The next frame from the device, or TimeoutError.

        Inside a session a sealed frame must open (fresh counter, good tag, for
        the request it names); if not, the session is over (``SessionEnded``).
        An unsealed ERROR saying the device ended the session ends it here too;
        any other unsealed frame is dropped and counted.
        """
        while True:
            while not self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                chunk = await asyncio.wait_for(self.transport.received.get(), left)
                if chunk is None:
                    self.session = None
                    raise ConnectionLost("the device disconnected")
                for item in self._dec.feed(chunk):
                    if isinstance(item, fr.Frame):
                        self._pending.append(item)
            f = self._pending.pop(0)
            if self.session is None:
                return f
            if f.flags & fr.SEALED:
                try:
                    f.payload = self.session.open(f, self._counters.get(f.req, 0))
                    return f
                except auth.AuthError:
                    self.session = None
                    self.stats["rejected_frames"] += 1
                    raise SessionEnded("a frame from the device failed its seal") from None
            if f.ftype == m.ERROR and parse_error(f.payload).code in (m.AUTH_FAILED,
                                                                     m.NOT_PAIRED):
                self.session = None
                raise SessionEnded("the device ended the session: "
                                   + parse_error(f.payload).message)
            self.stats["rejected_frames"] += 1

    async def _reply(self, req: int, expect: int, timeout_s: float | None = None) -> fr.Frame:
        deadline = time.monotonic() + (timeout_s or self.timeout_s)
        while True:
            try:
                f = await self._next(deadline)
            except TimeoutError:
                raise TimeoutError from None
            if f.req != req:
                continue
            if f.ftype == m.ERROR:
                raise parse_error(f.payload)
            if f.ftype != expect:
                raise ClientError(f"expected reply 0x{expect:02x}, got 0x{f.ftype:02x}")
            return f

    async def request(self, ftype: int, payload: bytes = b"", expect: int = m.OK,
                      timeout_s: float | None = None, retries: int | None = None) -> fr.Frame:
        """Send and wait for the matching reply, retrying on timeout."""
        self.stats["requests"] += 1
        timeout_s = timeout_s or self.timeout_s
        retries = self.retries if retries is None else retries
        for attempt in range(retries + 1):
            req = await self._send(ftype, payload)
            self.stats["round_trips"] += 1
            try:
                return await self._reply(req, expect, timeout_s)
            except TimeoutError:
                if attempt == retries:
                    raise ClientError(f"no answer from the device after {retries + 1} "
                                      f"tries of {timeout_s:g} s") from None
                if self.backoff_s:
                    await asyncio.sleep(self.backoff_s * (2 ** attempt))
        raise AssertionError("unreachable")

    # -- unauthenticated ------------------------------------------------------------

    async def info(self) -> dict:
        info = m.load((await self.request(m.HELLO, expect=m.INFO)).payload)
        self.device_id = str(info.get("id", ""))
        return info

    async def status(self) -> str:
        return m.load((await self.request(m.STATUS, expect=m.STATE)).payload)["state"]

    async def pair(self, code: str, name: str = "",
                   asking: Callable[[], None] | None = None) -> str:
        """Pair with a device showing ``code``; stores and returns its id.

        ``name`` is how the device's question "Pair with <name>?" calls this
        computer (its host name by default); ``asking`` is called once the code
        has matched, while the device waits for the person to press A.
        """
        if self.keys is None:
            raise ClientError("no key store to keep the pairing key in")
        code = code.replace(" ", "").replace("-", "")
        sp = pake.Spake2(b"H", code, self._rand(pake.SECRET_BYTES))
        host_id = self.keys.host_id
        label = (name or socket.gethostname() or "a computer").encode("ascii", "replace")[:24]
        # A resent PAIR_START would be refused (the attempt holds the code), so
        # wait long once instead of retrying.
        reply = await self.request(m.PAIR_START, host_id + sp.share() + label, m.PAIR_REPLY,
                                   timeout_s=max(self.timeout_s, PAIR_TIMEOUT_S), retries=0)
        p = reply.payload
        n = pake.SIZE
        if len(p) < n + 32:
            raise ClientError("short pairing reply")
        device_id = bytes(p[n + 32:])
        mine = sp.finish(p[:n], host_id + label, device_id)
        try:
            sp.check(p[n:n + 32])
        except pake.PairError:
            # Tell the device at once, so it shows a fresh code now, not after a timeout.
            await self._send(m.PAIR_CONFIRM, mine)
            raise ClientError("the code does not match the one on the device; the device "
                              "now shows a new code: run `stretchcue pair` with it") from None
        if asking:
            asking()
        try:
            await self.request(m.PAIR_CONFIRM, mine, timeout_s=CONFIRM_TIMEOUT_S, retries=0)
        except DeviceError as e:
            if e.code == m.PAIR_DECLINED:
                raise ClientError("pairing was declined on the device") from None
            raise
        self.device_id = device_id.decode()
        self.keys.put(self.device_id, sp.pair_key)
        return self.device_id

    async def authenticate(self) -> None:
        if self.keys is None:
            raise ClientError("no key store")
        if not self.device_id:
            await self.info()
        key = self.keys.get(self.device_id)
        if key is None:
            raise ClientError(f"not paired with {self.device_id}; run `stretchcue pair`")
        self.session = None
        host_id = self.keys.host_id
        hn = self._rand(auth.NONCE)
        ch = (await self.request(m.AUTH_BEGIN, host_id + hn, m.AUTH_CHALLENGE)).payload
        dn = bytes(ch[:auth.NONCE])
        try:
            auth.check_proof(key, b"D", host_id, hn, dn, ch[auth.NONCE:])
        except auth.AuthError:
            raise ClientError("the device could not prove it holds our key: pair again") from None
        session = auth.Session(key, b"H", host_id, self.device_id.encode(), hn, dn)
        req = await self._send(m.AUTH_PROVE, auth.proof(key, b"H", host_id, hn, dn))
        self.session = session
        await self._reply(req, m.OK)

    # -- authenticated ----------------------------------------------------------------

    async def set_time(self, epoch_s: int | None = None,
                       remind: tuple[int, int] | None = None,
                       utc_offset_min: int | None = None) -> None:
        """Set the device's clock (UTC); with ``remind`` = (minute of the day, weekday mask
        with bit 0 Monday; minute 0xFFFF: none) also its daily reminder, in the local time
        of ``utc_offset_min`` (default: this laptop's)."""
        payload = struct.pack("<I", int(epoch_s or time.time()))
        if remind is not None:
            if utc_offset_min is None:
                import datetime as dt

                off = dt.datetime.now().astimezone().utcoffset()
                utc_offset_min = int(off.total_seconds() // 60) if off else 0
            payload += struct.pack("<hHB", utc_offset_min, remind[0], remind[1])
        await self.request(m.SET_CLOCK, payload)

    async def routines(self) -> list:
        return m.load((await self.request(m.ROUTINE_LIST, expect=m.ROUTINES)).payload)

    async def select(self, name: str) -> None:
        await self.request(m.ROUTINE_SELECT, name.encode())

    async def delete(self, name: str) -> None:
        await self.request(m.ROUTINE_DELETE, name.encode())

    async def ack(self, seq: int) -> None:
        await self.request(m.LOG_ACK, struct.pack("<I", seq))

    async def forget(self) -> None:
        await self.request(m.FORGET)
        if self.keys is not None and self.device_id:
            self.keys.forget(self.device_id)
        self.session = None

    async def push(self, name: str, data: bytes,
                   progress: Callable[[int, int], None] | None = None) -> dict:
        """Upload a routine's canonical JSON; resumes across dropped links."""
        self._put_at = 0
        for attempt in range(self.retries + 1):
            try:
                return await self._put(name, data, self._put_at, progress)
            except _Resume:
                pass
            except (ConnectionLost, TimeoutError) as e:
                if attempt == self.retries:
                    raise ClientError(f"upload of {name} failed: {e or 'timed out'}") from None
                await self._reconnect(attempt)
        raise ClientError(f"upload of {name} failed: the device kept losing data")

    async def _put(self, name: str, data: bytes, offset: int,
                   progress: Callable[[int, int], None] | None) -> dict:
        """One upload attempt, pipelined: PUT_BEGIN goes out with the first window, and
        PUT_COMMIT with the last, so a small routine costs one round trip.

        ``offset`` is where the device last said it was (0 for a fresh upload); the
        BEGIN acknowledgement corrects a wrong guess, and the device ignores chunks
        it already has.
        """
        crc = crc32(data) & 0xFFFFFFFF
        breq, out = self._seal(m.PUT_BEGIN, struct.pack("<II", len(data), crc) + name.encode())
        window, chunk = transfer.WINDOW, transfer.CHUNK
        commits: set = set()
        while True:
            if progress:
                progress(offset, len(data))
            reqs = set()
            pos = offset
            for _ in range(window):
                if pos >= len(data):
                    break
                req, f = self._seal(m.PUT_DATA, struct.pack("<I", pos) + data[pos:pos + chunk])
                reqs.add(req)
                out += f
                pos += min(chunk, len(data) - pos)
            creq = 0
            if pos >= len(data):
                creq, f = self._seal(m.PUT_COMMIT)
                commits.add(creq)
                out += f
            await self.transport.write(out)
            out = b""
            self.stats["round_trips"] += 1
            deadline = time.monotonic() + self.timeout_s
            while True:
                f = await self._next(deadline)
                if f.ftype == m.ERROR and f.req in reqs | {breq, creq}:
                    err = parse_error(f.payload)
                    if f.req == creq and err.code == m.NO_TRANSFER:
                        raise _Resume  # a chunk was lost: send again from the last ack
                    raise err
                if f.req == breq and f.ftype == m.PUT_ACK:
                    start, window, chunk = struct.unpack("<IHH", f.payload)
                    window = max(1, window)
                    chunk = max(1, min(chunk, transfer.CHUNK))
                    breq = -1
                    self._put_at = start
                    if start != offset:
                        offset = start
                        break  # resume where the device is
                elif f.req in reqs and f.ftype == m.PUT_ACK:
                    self._put_at = struct.unpack("<IHH", f.payload)[0]
                    if not creq:
                        offset = self._put_at
                        break
                elif f.req in commits and f.ftype == m.OK:
                    if progress:
                        progress(len(data), len(data))
                    return m.load(f.payload)

    async def pull(self, cursor: int = 0, window: int = transfer.LOG_WINDOW,
                   progress: Callable[[int], None] | None = None) -> list:
        """Every log record after ``cursor`` (each once, in order), resuming across drops.

        A window counts only if all of it arrived (LOG_END says how many records
        were sent); otherwise it is read again from the last record held.
        """
        records: list = []
        attempt = 0
        losses = 0
        while True:
            got: list = []
            try:
                req = await self._send(m.LOG_READ, struct.pack("<IB", cursor, window))
                self.stats["round_trips"] += 1
                deadline = time.monotonic() + self.timeout_s
                while True:
                    f = await self._next(deadline)
                    if f.req != req:
                        continue
                    if f.ftype == m.ERROR:
                        raise parse_error(f.payload)
                    if f.ftype == m.LOG_DATA:
                        got += sessionlog.scan(f.payload)[0]
                        deadline = time.monotonic() + self.timeout_s  # a window still arriving
                    elif f.ftype == m.LOG_END:
                        break
                _, count, more = struct.unpack("<IHB", f.payload)
                got = [r for r in got if r.seq > cursor]
                if len(got) != count:
                    losses += 1
                    self.stats["lost_windows"] += 1
                    if losses > self.retries:
                        raise ClientError("the log read keeps losing data; move closer to "
                                          "the device and pull again")
                    continue
                records += got
                if got:
                    cursor = got[-1].seq
                if progress:
                    progress(len(records))
                if not more:
                    return records
            except (ConnectionLost, TimeoutError) as e:
                if attempt == self.retries:
                    raise ClientError(f"log read failed: {e or 'timed out'}") from None
                await self._reconnect(attempt)
                attempt += 1
