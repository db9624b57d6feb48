"""An in-memory device for protocol tests: what firmware/app.py provides on the board."""

from binascii import crc32

try:
    from os import urandom
except ImportError:  # the WebAssembly MicroPython has no os.urandom; boards do
    import random

    def urandom(n):
        return bytes(random.getrandbits(8) for _ in range(n))

from stretchcue import sessionlog
from stretchcue.codes import Rec
from stretchcue.protocol import messages as m


class MemoryDevice:
    def __init__(self, free=100000):
        self.busy = False
        self.routines = {}
        self.selected = ""
        self.keys = {}
        self.log = b""
        self._scanned = (None, [])
        self.acked = 0
        self.clock = 0
        self.free = free
        self.puts = 0

    def info(self):
        return {"id": "sc-0001", "fw": "0.1.0", "board": "clue", "free": self.free,
                "battery": None}

    def list_routines(self):
        return [{"name": n, "size": len(d), "crc": crc32(d) & 0xFFFFFFFF,
                 "selected": n == self.selected} for n, d in sorted(self.routines.items())]

    def put_routine(self, name, data):
        if len(data) > self.free:
            raise m.ProtocolError(m.NO_SPACE, "only %d bytes free" % self.free)
        self.routines[name] = bytes(data)
        self.puts += 1

    def select(self, name):
        if name not in self.routines:
            return False
        self.selected = name
        return True

    def delete(self, name):
        return self.routines.pop(name, None) is not None

    def log_after(self, cursor, max_bytes, limit=0):
        if self._scanned[0] is not self.log:  # the device asks once per frame: scan once
            self._scanned = (self.log, sessionlog.scan(self.log)[0])
        records = [r for r in self._scanned[1] if r.seq > cursor]
        out = []
        size = 0
        more = False
        for r in records:
            if out and size + len(r.raw) > max_bytes:
                more = True
                break
            if out and limit and len(out[-1]) + len(r.raw) <= limit:
                out[-1] += r.raw
            else:
                out.append(r.raw)
            size += len(r.raw)
        return out, more

    def ack(self, seq):
        self.acked = max(self.acked, seq)

    def set_clock(self, epoch_s):
        self.clock = epoch_s

    def set_remind(self, at_min, days, offset_min):
        self.remind = (at_min, days, offset_min)

    def key_get(self, host_id):
        return self.keys.get(bytes(host_id))

    def key_put(self, host_id, key):
        if key is None:
            self.keys.pop(bytes(host_id), None)
        else:
            self.keys[bytes(host_id)] = bytes(key)

    def start(self, name):
        if self.busy:
            raise m.ProtocolError(m.BUSY, "device busy running a session")
        name = name or self.selected
        if name not in self.routines:
            raise m.ProtocolError(m.UNKNOWN_ROUTINE, "no routine named '%s'" % name)
        self.busy = True
        self.started = name
        return name

    def stop(self):
        was = self.busy
        self.busy = False
        return was

    def add_records(self, n, first=1):
        parts = []
        for i in range(n):
            seq = first + i
            if i % 3 == 0:
                parts.append(sessionlog.encode(Rec.START, seq, 1700000000 + seq, 600000,
                                               seq, 5, "Lower back"))
            else:
                parts.append(sessionlog.encode(Rec.HOLD, seq, i % 5, 1, 2, 0, 30000,
                                               30100 + i, 0))
        self.log += b"".join(parts)


class Host:
    """A minimal synchronous host speaking to a DeviceProtocol directly (no radio, no asyncio)."""

    def __init__(self, dev, host_id=b"H" * 16, name=b"test laptop"):
        from stretchcue.protocol import frame as fr

        self.dev = dev
        self.host_id = host_id
        self.name = name
        self.dec = fr.FrameDecoder()
        self.session = None
        self.key = None
        self.req = 0
        self.counters = {}  # request id -> the counter it was sealed with

    def open(self, item):
        """A reply's plaintext, checked against the counter of the request it answers."""
        from stretchcue.protocol import frame as fr

        if isinstance(item, fr.Frame) and self.session is not None and item.flags & fr.SEALED:
            item.payload = self.session.open(item, self.counters.get(item.req, 0))
        return item

    def feed(self, frames):
        return [self.open(item) for item in self.dec.feed(b"".join(frames))]

    def send_raw(self, data):
        """Replies to ``data``, with what the device's next tick sends (a PAIR_REPLY)."""
        out = self.dev.receive(data)
        while True:  # a log window's frames, as the link asks for them
            more = self.dev.more()
            if not more:
                break
            out += more
        return self.feed(out + self.dev.tick(getattr(self.dev, "_now", 0)))

    def frame(self, ftype, payload=b""):
        from stretchcue.protocol import frame as fr

        self.req = self.req % 255 + 1
        if self.session is not None:
            f = self.session.seal(ftype, self.req, payload)
            self.counters[self.req] = self.session.sent
            return f
        self.counters[self.req] = 0
        return fr.encode(ftype, self.req, payload)

    def call(self, ftype, payload=b""):
        return self.send_raw(self.frame(ftype, payload))

    def one(self, ftype, payload=b""):
        replies = self.call(ftype, payload)
        assert len(replies) == 1, replies
        return replies[0]

    def pair(self, code, typed=None, answer=True):
        """Pair with the code typed; the person at the device answers ``answer``
        (None: nobody answers).  The device's PAIR_CONFIRM reply, or None if the
        host itself found the code wrong."""
        from stretchcue.protocol import pake

        sp = pake.Spake2(b"H", typed or code, urandom(32))
        r = self.one(m.PAIR_START, self.host_id + sp.share() + self.name)
        if r.ftype != m.PAIR_REPLY:
            return r
        n = pake.SIZE
        mine = sp.finish(r.payload[:n], self.host_id + self.name, r.payload[n + 32:])
        self.device_id = bytes(r.payload[n + 32:])
        wrong = False
        try:
            sp.check(r.payload[n:n + 32])
        except pake.PairError:
            wrong = True
        replies = self.call(m.PAIR_CONFIRM, mine)
        if wrong:
            return None
        if replies:
            return replies[0]
        if answer is None:
            return None
        self.dev.window.answer(answer)
        replies = self.send_raw(b"")  # the device's reply goes out on its next tick
        assert len(replies) == 1, replies
        if replies[0].ftype == m.OK:
            self.key = sp.pair_key
        return replies[0]

    def auth(self, key=None):

        from stretchcue.protocol import auth

        key = key or self.key
        hn = urandom(16)
        r = self.one(m.AUTH_BEGIN, self.host_id + hn)
        if r.ftype != m.AUTH_CHALLENGE:
            return r
        dn = r.payload[:16]
        auth.check_proof(key, b"D", self.host_id, hn, dn, r.payload[16:])
        dev_id = str(self.dev.api.info()["id"]).encode()
        session = auth.Session(key, b"H", self.host_id, dev_id, hn, dn)
        raw = self.frame(m.AUTH_PROVE, auth.proof(key, b"H", self.host_id, hn, dn))
        self.session = session
        r = self.send_raw(raw)[0]
        if r.ftype != m.OK:
            self.session = None
        return r


class FlashDevice(MemoryDevice):
    """A board's way with uploads: each chunk staged as it arrives, then checked whole."""

    def __init__(self, free=100000):
        super().__init__(free)
        self.staged = {}
        self.writes = 0

    def stage_write(self, name, offset, data):
        f = self.staged.setdefault(name, bytearray()) if offset else bytearray()
        self.staged[name] = f
        f[offset:offset + len(data)] = data
        self.writes += 1

    def store_staged(self, name):
        from stretchcue import routine as rt

        data = bytes(self.staged.pop(name))
        rt.loads(data)
        self.put_routine(name, data)


def paired(code="123456", api=None):
    """A device and a host that has paired and authenticated with it."""
    from stretchcue.protocol.device import DeviceProtocol

    api = api or MemoryDevice()
    dev = DeviceProtocol(api, urandom)
    host = Host(dev)
    dev.enter_pairing(code, 0)
    assert host.pair(code).ftype == m.OK
    assert host.auth().ftype == m.OK
    return api, dev, host


def error_code(reply):
    assert reply.ftype == m.ERROR, reply
    return m.load(reply.payload)["code"]
