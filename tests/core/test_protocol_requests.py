"""Requests with out-of-range fields get ERROR BAD_REQUEST, never silence or a guess."""

import struct
from binascii import crc32

from proto_api import Host, MemoryDevice, error_code, paired, urandom

from stretchcue.protocol import messages as m
from stretchcue.protocol import transfer
from stretchcue.protocol.device import DeviceProtocol

import samples

GOOD = samples.to_json(samples.lower_back())


def _begin(host, data):
    return host.one(m.PUT_BEGIN, struct.pack("<II", len(data), crc32(data) & 0xFFFFFFFF) + b"r")


def _chunk(host, offset, data):
    return host.call(m.PUT_DATA, struct.pack("<I", offset) + data)


def _message(reply):
    return m.load(reply.payload)["message"]


def test_an_empty_routine_is_a_bad_request_not_too_large():
    api, dev, host = paired()
    r = host.one(m.PUT_BEGIN, struct.pack("<II", 0, 0) + b"r")
    assert error_code(r) == m.BAD_REQUEST and "empty" in _message(r)
    r = host.one(m.PUT_BEGIN, struct.pack("<II", 8193, 0) + b"r")
    assert error_code(r) == m.TOO_LARGE


def test_a_chunk_past_the_declared_size_is_refused_wherever_it_starts():
    api, dev, host = paired()
    data = GOOD
    end = len(data)
    last = 2 * transfer.CHUNK
    assert 100 < end - last < transfer.CHUNK
    assert _begin(host, data).ftype == m.PUT_ACK
    assert _chunk(host, 0, data[:transfer.CHUNK]) == []  # within the window: no answer yet
    acks = _chunk(host, transfer.CHUNK, data[transfer.CHUNK:last])  # the window may end here
    assert [f.ftype for f in acks] == ([m.PUT_ACK] if transfer.WINDOW == 2 else [])
    for offset, chunk in ((last, data[last:] + b" "),  # the next one
                          (last - 100, data[last - 100:] + b" "),  # starting in what it has
                          (end, b" "),  # a gap that starts at the end
                          (end + 100, b" "),  # a gap beyond it
                          (last, b"")):  # nothing at all
        (r,) = _chunk(host, offset, chunk)
        assert error_code(r) == m.BAD_REQUEST, (offset, len(chunk))
    (ack,) = _chunk(host, last, data[last:])  # the upload is intact
    assert ack.ftype == m.PUT_ACK and struct.unpack("<IHH", ack.payload)[0] == end
    assert host.one(m.PUT_COMMIT).ftype == m.OK and api.routines["r"] == data


def test_a_log_window_outside_1_to_16_is_a_bad_request():
    api, dev, host = paired()
    api.add_records(50)
    for window in (0, transfer.LOG_WINDOW + 1, 255):
        (r,) = host.call(m.LOG_READ, struct.pack("<IB", 0, window))
        assert error_code(r) == m.BAD_REQUEST and "1-32" in _message(r)
    for window in (1, transfer.LOG_WINDOW):
        replies = host.call(m.LOG_READ, struct.pack("<IB", 0, window))
        assert replies[-1].ftype == m.LOG_END
        assert 1 <= len(replies) - 1 <= window


def test_the_log_cursor_is_exclusive_and_an_empty_answer_echoes_it():
    api, dev, host = paired()
    api.add_records(5)
    replies = host.call(m.LOG_READ, struct.pack("<IB", 3, 4))
    assert [r.ftype for r in replies] == [m.LOG_DATA, m.LOG_END]
    assert struct.unpack("<IHB", replies[-1].payload) == (5, 2, 0)  # seq 4 and 5 only
    for cursor in (5, 1000):
        (end,) = host.call(m.LOG_READ, struct.pack("<IB", cursor, 4))
        assert end.ftype == m.LOG_END and struct.unpack("<IHB", end.payload) == (cursor, 0, 0)


def test_hello_with_a_payload_is_a_bad_request():
    host = Host(DeviceProtocol(MemoryDevice(), urandom))
    assert error_code(host.one(m.HELLO, b"x")) == m.BAD_REQUEST
    assert host.one(m.HELLO).ftype == m.INFO
