"""firmware/ble_link.py: what one pass of the loop may do on the radio, and reconnects.

The link runs over the simulator's ``_bleio`` stand-in with an in-memory
peripheral in place of the bumble one, so every poll can be inspected.
"""

from __future__ import annotations

import importlib
import struct
import sys

import pytest
from proto_api import Host, MemoryDevice, paired, urandom

from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol.device import DeviceProtocol
from stretchcue.protocol.transfer import RX_BUFFER
from stretchcue_host.sim.fakes import bleio


class Air:
    """The peripheral's side of the radio, in memory: what the host wrote, what was sent."""

    def __init__(self) -> None:
        self.name = "stretchcue-test"
        self.mtu = 247
        self.rx_capacity = 512
        self.connected = False
        self.connections = 0
        self.advertising = False
        self.inbox = bytearray()
        self.sent: list[bytes] = []
        self.reads: list[int] = []

    def in_waiting(self) -> int:
        return len(self.inbox)

    def read(self, n: int) -> bytes:
        data = bytes(self.inbox[:n])
        del self.inbox[:n]
        self.reads.append(len(data))
        return data

    def reset_input(self) -> None:
        self.inbox.clear()

    def notify(self, packet: bytes) -> None:
        assert len(packet) <= self.mtu - 3, "more than one ATT payload"
        self.sent.append(bytes(packet))

    def start_advertising(self, data: bytes, scan_response: bytes) -> None:
        self.advertising = True
        self.advertised = (data, scan_response)

    def disconnect(self) -> None:
        self.connected = False

    def connect(self) -> None:
        self.connected = True
        self.connections += 1
        self.advertising = False


@pytest.fixture
def air(monkeypatch):
    a = Air()
    monkeypatch.delitem(sys.modules, "_bleio", raising=False)
    bleio.install(a)
    monkeypatch.delitem(sys.modules, "ble_link", raising=False)
    yield a
    sys.modules.pop("ble_link", None)


def _link(air):
    ble_link = importlib.import_module("ble_link")
    proto = DeviceProtocol(MemoryDevice(), urandom)
    return ble_link.BleLink(proto, air.name), proto


def test_receive_buffer_holds_a_whole_window_and_advertising_restarts(air):
    link, _ = _link(air)
    assert air.rx_capacity == RX_BUFFER > 512  # adafruit_ble's UART's 512 would drop it
    link.poll(0)
    assert air.advertising
    air.connect()
    link.poll(20)
    assert not air.advertising or air.connected
    air.disconnect()
    air.advertising = False
    link.poll(40)
    assert air.advertising


def test_one_pass_reads_at_most_512_bytes_and_sends_at_most_6_packets(air):
    link, proto = _link(air)
    air.connect()
    host = Host(proto)
    air.inbox += host.frame(m.STATUS) + bytes(600)  # a short answer, more bytes queued
    link.poll(0)
    assert air.reads == [512] and air.sent == []  # held while requests are still queued
    link.poll(20)
    assert len(air.sent) == 1  # then sent, together with whatever the rest asked for
    air.sent.clear()
    air.inbox += b"".join(host.frame(m.HELLO) for _ in range(40))  # ~6 KB of answers
    air.inbox += b"status\n" * 200
    passes = 0
    while air.inbox or link._out.pending:
        before = len(air.sent)
        link.poll(20 * passes)
        passes += 1
        assert max(air.reads) <= 512
        assert len(air.sent) - before <= link.packets_per_poll
    assert all(len(p) <= air.mtu - 3 for p in air.sent)
    assert max(len(p) for p in air.sent) == air.mtu - 3  # full packets, not 20 bytes
    replies = b"".join(air.sent)
    assert replies.count(b"state: idle\n") == 200
    assert sum(1 for f in fr.FrameDecoder().feed(replies) if isinstance(f, fr.Frame)) == 40


def test_a_log_window_is_sealed_as_packets_leave_and_never_held_whole(air):
    api, proto, host = paired()
    api.add_records(400)
    ble_link = importlib.import_module("ble_link")
    link = ble_link.BleLink(proto, air.name)
    air.connect()
    air.inbox += host.frame(m.LOG_READ, struct.pack("<IB", 0, 16))
    held = []
    for t in range(0, 2000, 20):
        link.poll(t)
        held.append(link._out.pending)
    got = host.feed([b"".join(air.sent)])
    assert [f.ftype for f in got] == [m.LOG_DATA] * 16 + [m.LOG_END]
    assert max(held) < 523 + air.mtu - 3  # one frame and the rest of a packet at most


def test_a_reconnect_between_two_passes_ends_the_old_session(air):
    link, proto = _link(air)
    air.connect()
    link.poll(0)
    proto.enter_pairing("123456", 0)
    host = Host(proto)
    assert host.pair("123456").ftype == m.OK and host.auth().ftype == m.OK
    assert proto.authenticated
    air.disconnect()  # the loop sleeps through the drop...
    air.connect()  # ...and the next laptop's connection
    link.poll(20)
    assert not proto.authenticated
    air.inbox += host.frame(m.LOG_ACK, struct.pack("<I", 5))  # the old session's frame
    link.poll(40)
    (reply,) = fr.FrameDecoder().feed(b"".join(air.sent))
    assert reply.ftype == m.ERROR and m.load(reply.payload)["code"] == m.NOT_PAIRED


def _structures(data: bytes) -> dict:
    """AD structures (length, type, value) by type, as a scanner reads them."""
    out, i = {}, 0
    while i < len(data):
        n = data[i]
        out[data[i + 1]] = data[i + 2:i + 1 + n]
        i += 1 + n
    assert i == len(data)
    return out


def test_advertisement_fits_a_legacy_scanner_and_the_name_is_in_the_scan_response(air):
    """Over 31 bytes, the nRF port sends an extended advertisement that legacy scanning
    never sees."""
    from stretchcue.protocol import NUS_SERVICE

    air.name = "stretchcue-" + "f" * 18  # the longest a scan response holds
    link, _ = _link(air)
    link.poll(0)
    adv, scan = air.advertised
    assert len(adv) <= 31 and len(scan) <= 31 and not sys.modules["_bleio"].adapter.extended
    uuid = bytes(reversed(bytes.fromhex(NUS_SERVICE.replace("-", ""))))
    assert _structures(adv) == {0x01: b"\x06", 0x07: uuid}
    assert _structures(scan) == {0x09: air.name.encode()}


def test_idle_advertising_is_slow_and_a_press_makes_it_fast_again(air):
    link, _ = _link(air)
    link.poll(0)
    adapter = sys.modules["_bleio"].adapter
    assert adapter.interval == 0.1
    air.stop_advertising = lambda: setattr(air, "advertising", False)
    link.advertise_slowly(True)
    link.poll(20)
    assert air.advertising and adapter.interval == 1.285
    link.advertise_slowly(False)
    link.poll(40)
    assert adapter.interval == 0.1
