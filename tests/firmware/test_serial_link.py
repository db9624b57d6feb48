"""firmware/serial_link.py: the USB data port adapter, against an in-memory port and a real pty."""

from __future__ import annotations

import struct

import pytest
from proto_api import Host, MemoryDevice, error_code, urandom
from serial_link import SerialLink

from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol.device import DeviceProtocol


class MemoryPort:
    """``usb_cdc.data`` in memory: what the host wrote waits in ``inbox``."""

    def __init__(self, accept: int = 1 << 20) -> None:
        self.connected = False
        self.inbox = bytearray()
        self.sent = bytearray()
        self.accept = accept  # bytes the host's USB buffer takes per write
        self.writes: list[int] = []
        self.reads: list[int] = []
        self.timeout = None
        self.write_timeout = None

    @property
    def in_waiting(self) -> int:
        return len(self.inbox)

    def read(self, size: int = -1) -> bytes:
        data = bytes(self.inbox[:size])
        del self.inbox[:size]
        self.reads.append(len(data))
        return data

    def write(self, buf) -> int:
        n = min(len(buf), self.accept)
        self.sent += bytes(buf[:n])
        self.writes.append(n)
        return n

    def reset_input_buffer(self) -> None:
        self.inbox.clear()


class UsbHost(Host):
    """proto_api's Host, but its bytes go through the port and the link's poll."""

    def __init__(self, link, port, host_id=b"H" * 16) -> None:
        super().__init__(link.protocol, host_id)
        self.link = link
        self.port = port
        self.now = 0

    def send_raw(self, data):
        self.port.inbox += data
        quiet = 0
        for _ in range(200):
            self.now += 20
            self.link.poll(self.now)
            quiet = quiet + 1 if not self.port.inbox and not self.link._out.pending else 0
            if quiet == 2:  # a PAIR_REPLY is worked out on the poll after the request
                break
        got = bytes(self.port.sent)
        self.port.sent.clear()
        return [self.open(item) for item in self.dec.feed(got)]


def rig(accept: int = 1 << 20, bytes_per_poll: int = 1024):
    api = MemoryDevice()
    proto = DeviceProtocol(api, urandom)
    port = MemoryPort(accept)
    link = SerialLink(proto, port, bytes_per_poll=bytes_per_poll)
    return api, proto, port, link


def test_never_blocks_and_reads_nothing_until_the_host_opens_the_port():
    api, proto, port, link = rig()
    assert port.timeout == 0 and port.write_timeout == 0
    port.inbox += fr.encode(m.HELLO, 1)
    link.poll(0)
    assert not link.connected and port.reads == [] and port.sent == b""
    port.connected = True
    link.poll(20)
    link.poll(40)
    info = fr.FrameDecoder().feed(bytes(port.sent))
    assert [f.ftype for f in info] == [m.INFO] and link.sessions == 1


def test_pair_authenticate_and_read_a_long_log_a_bounded_amount_per_poll():
    api, proto, port, link = rig(bytes_per_poll=300)
    port.connected = True
    host = UsbHost(link, port)
    proto.enter_pairing("246810", 0)
    assert host.one(m.HELLO).ftype == m.INFO
    assert host.pair("246810").ftype == m.OK
    assert host.auth().ftype == m.OK
    api.add_records(120)
    port.writes.clear()
    port.reads.clear()
    held = []
    poll = link.poll

    def polled(now_ms):
        poll(now_ms)
        held.append(link._out.pending)

    link.poll = polled
    got = host.call(m.LOG_READ, struct.pack("<IB", 0, 16))
    assert got[-1].ftype == m.LOG_END and len(got) > 5
    assert port.writes and max(port.writes) <= 300  # spread over many loop ticks
    assert max(port.reads) <= 600  # about one frame taken in per tick
    assert max(held) < 2 * 523  # the window is read as it goes: at most two frames wait


def test_a_full_host_buffer_keeps_the_rest_in_order():
    api, proto, port, link = rig(accept=7)
    port.connected = True
    host = UsbHost(link, port)
    assert m.load(host.one(m.HELLO).payload)["id"] == "sc-0001"
    assert max(port.writes) <= 7


def test_closing_the_port_ends_the_session_and_drops_unsent_replies():
    api, proto, port, link = rig(bytes_per_poll=50)
    port.connected = True
    host = UsbHost(link, port)
    proto.enter_pairing("135790", 0)
    host.pair("135790")
    host.auth()
    assert proto.authenticated
    api.add_records(60)
    port.inbox += host.frame(m.LOG_READ, struct.pack("<IB", 0, 16))
    link.poll(10_000)
    assert link._out.pending  # a long reply is still going out
    port.connected = False
    port.inbox += b"left over"
    link.poll(10_020)
    assert not proto.authenticated and link._out.pending == 0 and port.inbox == b""
    port.sent.clear()
    link.poll(10_040)
    assert port.sent == b""


def test_a_close_and_reopen_between_two_polls_starts_a_fresh_session():
    """The flag never dropped, but the next host's unsigned AUTH_BEGIN starts over."""
    api, proto, port, link = rig()
    port.connected = True
    first = UsbHost(link, port)
    proto.enter_pairing("135790", 0)
    first.pair("135790")
    assert first.auth().ftype == m.OK and proto.authenticated
    second = UsbHost(link, port)
    second.now = first.now
    assert second.one(m.HELLO).flags & fr.SEALED == 0  # an answer the new host can read
    assert second.auth(first.key).ftype == m.OK
    assert second.one(m.ROUTINE_LIST).ftype == m.ROUTINES
    # Without the HELLO a fresh AUTH_BEGIN alone also starts over.
    third = UsbHost(link, port)
    third.now = second.now
    assert third.auth(first.key).ftype == m.OK
    assert link.sessions == 1
    # Any other request in clear inside the session is refused, and ends it.
    stranger = UsbHost(link, port, host_id=b"S" * 16)
    stranger.now = third.now
    refused = stranger.one(m.ROUTINE_LIST)
    assert refused.ftype == m.ERROR and m.load(refused.payload)["code"] == m.AUTH_FAILED
    assert not proto.authenticated


def test_a_half_done_pairing_is_used_up_when_another_host_connects():
    api, proto, port, link = rig()
    port.connected = True
    first = UsbHost(link, port)
    proto.enter_pairing("135790", 0)
    from stretchcue.protocol import pake

    sp = pake.Spake2(b"H", "135790", urandom(32))
    assert first.one(m.PAIR_START, first.host_id + sp.share()).ftype == m.PAIR_REPLY
    second = UsbHost(link, port, host_id=b"T" * 16)
    second.now = first.now
    second.one(m.HELLO)
    assert error_code(second.pair("135790")) == m.NOT_PAIRING  # one attempt per code


def test_text_lines_still_work_over_usb():
    api, proto, port, link = rig()
    port.connected = True
    host = UsbHost(link, port)
    assert host.send_raw(b"status\n") == ["state: idle"]


def test_without_the_data_port_it_says_so(monkeypatch):
    import sys
    import types

    monkeypatch.setitem(sys.modules, "usb_cdc", types.SimpleNamespace(data=None))
    with pytest.raises(RuntimeError, match="boot.py"):
        SerialLink(DeviceProtocol(MemoryDevice(), urandom))


def test_over_the_simulators_pty_with_pyserial_on_the_other_end():
    """The simulator's usb_cdc stand-in: ``connected`` follows the host opening the port."""
    serial = pytest.importorskip("serial")
    from stretchcue_host.sim.fakes.usb import PtySerial

    port = PtySerial()
    try:
        proto = DeviceProtocol(MemoryDevice(), urandom)
        link = SerialLink(proto, port)
        assert not link.connected
        host = serial.Serial(port.path, 115200, timeout=2)
        assert link.connected
        # the junk's own line gets its error line at its line end; then status
        host.write(fr.encode(m.HELLO, 9) + bytes(range(256)) + b"\nstatus\n")
        got = b""
        now = 0
        while b"state: idle\n" not in got and now < 100_000:
            now += 20
            link.poll(now)
            got += host.read(host.in_waiting)
        frames = fr.FrameDecoder().feed(got)
        assert frames[0].ftype == m.INFO and frames[0].req == 9  # every byte passed raw
        assert frames[-1] == "state: idle"
        host.close()
        assert not link.connected
        link.poll(now + 20)
        assert link.sessions == 1
    finally:
        port.close()
