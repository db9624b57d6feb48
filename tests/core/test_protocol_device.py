"""The device handler: uploads, windows, busy refusal, log cursors and text mode."""

import struct
from binascii import crc32

from proto_api import FlashDevice, Host, MemoryDevice, error_code, paired, urandom

from stretchcue import sessionlog
from stretchcue.codes import Rec
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol import transfer
from stretchcue.protocol.device import DeviceProtocol

import samples

GOOD = samples.to_json(samples.lower_back())


def _begin(host, name, data, crc=None):
    crc = crc32(data) & 0xFFFFFFFF if crc is None else crc
    r = host.one(m.PUT_BEGIN, struct.pack("<II", len(data), crc) + name.encode())
    assert r.ftype == m.PUT_ACK, r
    return struct.unpack("<IHH", r.payload)


def _send_chunks(host, data, start, stop, chunk=transfer.CHUNK):
    replies = []
    for off in range(start, stop, chunk):
        replies += host.call(m.PUT_DATA, struct.pack("<I", off) + data[off:off + chunk])
    return replies


def _put(host, name, data, crc=None):
    _begin(host, name, data, crc)
    acks = _send_chunks(host, data, 0, len(data))
    assert all(a.ftype == m.PUT_ACK for a in acks)
    return host.one(m.PUT_COMMIT)


def test_put_commits_whole_file():
    api, dev, host = paired()
    data = GOOD + b" " * 5000  # trailing spaces are still valid JSON; forces several windows
    assert _put(host, "lower-back", data).ftype == m.OK
    assert api.routines["lower-back"] == data


def test_one_ack_per_window_not_per_chunk():
    api, dev, host = paired()
    data = GOOD + b" " * (transfer.CHUNK * 17 - len(GOOD))
    _begin(host, "big", data)
    acks = _send_chunks(host, data, 0, len(data))
    chunks = (len(data) + transfer.CHUNK - 1) // transfer.CHUNK
    windows = (chunks + transfer.WINDOW - 1) // transfer.WINDOW
    assert len(acks) == windows >= 2
    assert [struct.unpack("<IHH", a.payload)[0] for a in acks] == \
        [(i + 1) * transfer.WINDOW * transfer.CHUNK for i in range(windows - 1)] + [len(data)]


def test_wrong_crc_never_replaces_the_old_routine():
    api, dev, host = paired()
    api.routines["r"] = b"old"
    assert error_code(_put(host, "r", GOOD, crc=1234)) == m.BAD_CRC
    assert api.routines["r"] == b"old" and api.puts == 0


def test_commit_before_all_data_is_refused():
    api, dev, host = paired()
    _begin(host, "r", GOOD)
    _send_chunks(host, GOOD, 0, transfer.CHUNK)
    assert error_code(host.one(m.PUT_COMMIT)) == m.NO_TRANSFER
    assert api.routines == {}


def test_invalid_routine_reports_every_error():
    api, dev, host = paired()
    bad = b'{"name": "x", "stretches": [{"title": "", "hold_s": 999}]}'
    r = _put(host, "bad", bad)
    assert error_code(r) == m.BAD_ROUTINE
    paths = [e[0] for e in m.load(r.payload)["errors"]]
    assert "stretches[0].hold_s" in paths and "stretches[0].title" in paths
    assert api.routines == {}


def test_a_routine_with_more_errors_than_a_frame_holds_still_gets_an_answer():
    api, dev, host = paired()
    bad = {"name": "x", "stretches": [{"title": "", "hold_s": 999, "reps": 0, "rest_s": -1,
                                       "colourful": 1} for _ in range(12)]}
    import json

    r = _put(host, "bad", json.dumps(bad).encode())
    assert error_code(r) == m.BAD_ROUTINE
    errors = m.load(r.payload)["errors"]
    assert 5 <= len(errors) < 60 and errors[0][0].startswith("stretches[0].")
    assert len(r.payload) <= 500  # the reply was signed too: 12 bytes of trailer
    assert api.routines == {} and dev.authenticated


def test_no_space_is_reported():
    api, dev, host = paired()
    api.free = 10
    assert error_code(_put(host, "r", GOOD)) == m.NO_SPACE


def test_busy_device_refuses_changes_but_answers_status():
    api, dev, host = paired()
    api.routines["a"] = GOOD
    api.busy = True
    r = host.one(m.PUT_BEGIN, struct.pack("<II", len(GOOD), 0) + b"r")
    assert error_code(r) == m.BUSY
    assert "busy" in m.load(r.payload)["message"]
    assert error_code(host.one(m.ROUTINE_SELECT, b"a")) == m.BUSY
    assert error_code(host.one(m.ROUTINE_DELETE, b"a")) == m.BUSY
    assert m.load(host.one(m.STATUS).payload) == {"state": "running"}
    assert dev.receive(b"status\n") == [b"state: running\n"]


def test_busy_at_commit_keeps_the_upload_for_later():
    api, dev, host = paired()
    _begin(host, "r", GOOD)
    _send_chunks(host, GOOD, 0, len(GOOD))
    api.busy = True
    assert error_code(host.one(m.PUT_COMMIT)) == m.BUSY
    api.busy = False
    assert host.one(m.PUT_COMMIT).ftype == m.OK
    assert api.routines["r"] == GOOD


def test_put_resumes_after_disconnect_from_last_ack():
    _resume_after_disconnect(MemoryDevice())


def test_put_staged_chunk_by_chunk_resumes_and_never_keeps_the_whole_in_ram():
    api = FlashDevice()
    _resume_after_disconnect(api)
    assert api.writes > (len(GOOD) + 6000) // transfer.CHUNK and not api.staged


def test_a_staged_put_with_a_wrong_crc_or_an_invalid_routine_changes_nothing():
    api, dev, host = paired(api=FlashDevice())
    api.routines["r"] = GOOD
    bad = b'{"name": "x", "stretches": []}'
    for data, crc, code in ((GOOD[:-1] + b" ", crc32(GOOD), m.BAD_CRC),
                            (bad, crc32(bad), m.BAD_ROUTINE)):
        _begin(host, "r", data, crc & 0xFFFFFFFF)
        _send_chunks(host, data, 0, len(data))
        assert error_code(host.one(m.PUT_COMMIT)) == code
        assert api.routines["r"] == GOOD


def test_a_check_that_runs_out_of_memory_is_an_error_reply_and_the_session_goes_on():
    """A board compiling .py can run out of heap checking an upload: the host is told
    NO_MEMORY (not a dropped link), the old routine stays, and the next request works."""
    class Short(FlashDevice):
        def store_staged(self, name):
            self.staged.pop(name)
            raise MemoryError("memory allocation failed, allocating 296 bytes")

    api, dev, host = paired(api=Short())
    api.routines["r"] = GOOD
    _begin(host, "r", GOOD + b" ")
    _send_chunks(host, GOOD + b" ", 0, len(GOOD) + 1)
    reply = host.one(m.PUT_COMMIT)
    assert error_code(reply) == m.NO_MEMORY and "'r'" in m.load(reply.payload)["message"]
    assert api.routines["r"] == GOOD
    assert host.one(m.ROUTINE_LIST).ftype == m.ROUTINES


def _resume_after_disconnect(api):
    api, dev, host = paired(api=api)
    data = GOOD + b" " * 6000
    _begin(host, "r", data)
    window_bytes = transfer.WINDOW * transfer.CHUNK
    # one acknowledgement, then a window less one chunk
    _send_chunks(host, data, 0, window_bytes + (transfer.WINDOW - 1) * transfer.CHUNK)
    assert (dev._put._data is None) == hasattr(api, "stage_write")  # staged: no buffer
    dev.disconnected()
    host.session = None
    assert host.auth().ftype == m.OK
    assert _begin(host, "r", data)[0] == window_bytes
    _send_chunks(host, data, window_bytes, len(data))
    assert host.one(m.PUT_COMMIT).ftype == m.OK
    assert api.routines["r"] == data
    assert _begin(host, "other", GOOD)[0] == 0  # a different file starts over


def test_out_of_order_chunk_gets_an_immediate_ack_with_the_wanted_offset():
    api, dev, host = paired()
    _begin(host, "r", GOOD)
    r = _send_chunks(host, GOOD, transfer.CHUNK, 2 * transfer.CHUNK)
    assert struct.unpack("<IHH", r[0].payload)[0] == 0


def test_list_select_delete():
    api, dev, host = paired()
    assert _put(host, "a", GOOD).ftype == m.OK
    assert host.one(m.ROUTINE_SELECT, b"a").ftype == m.OK
    listing = m.load(host.one(m.ROUTINE_LIST).payload)
    assert listing == [{"name": "a", "size": len(GOOD), "crc": crc32(GOOD) & 0xFFFFFFFF,
                        "selected": True}]
    assert error_code(host.one(m.ROUTINE_SELECT, b"nope")) == m.UNKNOWN_ROUTINE
    assert error_code(host.one(m.ROUTINE_SELECT, b"../x")) == m.BAD_REQUEST
    assert host.one(m.ROUTINE_DELETE, b"a").ftype == m.OK
    assert error_code(host.one(m.ROUTINE_DELETE, b"a")) == m.UNKNOWN_ROUTINE


def _read(host, cursor, window=8):
    replies = host.call(m.LOG_READ, struct.pack("<IB", cursor, window))
    recs = []
    for r in replies[:-1]:
        assert r.ftype == m.LOG_DATA
        recs += sessionlog.scan(r.payload)[0]
    assert replies[-1].ftype == m.LOG_END
    return recs, struct.unpack("<IHB", replies[-1].payload)


def test_log_read_windows_and_cursor():
    api, dev, host = paired()
    api.add_records(300)
    seen = []
    cursor = 0
    rounds = 0
    while True:
        recs, (last, count, more) = _read(host, cursor)
        rounds += 1
        assert count == len(recs)
        seen += [r.seq for r in recs]
        cursor = last
        if not more:
            break
    assert seen == list(range(1, 301))
    assert rounds < 10  # ~30 records per 480-byte frame, 8 frames per round trip
    recs, (last, count, more) = _read(host, 300)
    assert (recs, last, count, more) == ([], 300, 0, 0)
    assert [r.seq for r in _read(host, 250)[0]] == list(range(251, 301))


def test_log_ack_lets_the_device_prune():
    api, dev, host = paired()
    api.add_records(10)
    assert host.one(m.LOG_ACK, struct.pack("<I", 7)).ftype == m.OK
    assert api.acked == 7


def test_set_clock():
    api, dev, host = paired()
    assert host.one(m.SET_CLOCK, struct.pack("<I", 1700000123)).ftype == m.OK
    assert api.clock == 1700000123
    assert getattr(api, "remind", None) is None  # a bare clock leaves the reminder alone


def test_set_clock_carries_the_reminder():
    api, dev, host = paired()
    rem = struct.pack("<IhHB", 1700000123, 60, 450, 0x1F)
    assert host.one(m.SET_CLOCK, rem).ftype == m.OK
    assert api.clock == 1700000123 and api.remind == (450, 0x1F, 60)
    off = struct.pack("<IhHB", 1700000124, -300, 0xFFFF, 0)
    assert host.one(m.SET_CLOCK, off).ftype == m.OK and api.remind == (0xFFFF, 0, -300)
    bad = struct.pack("<IhHB", 1700000125, 0, 1440, 0x1F)
    assert host.one(m.SET_CLOCK, bad).ftype == m.ERROR


def test_info_works_without_auth_and_reports_state():
    dev = DeviceProtocol(MemoryDevice(), urandom)
    info = m.load(Host(dev).one(m.HELLO).payload)
    assert info["proto"] == 2 and info["id"] == "sc-0001" and info["state"] == "idle"
    dev.enter_pairing("123456", 0)
    info = m.load(Host(dev).one(m.HELLO).payload)
    assert "pairing" not in info and "authenticated" not in info  # says nothing to strangers


def test_text_mode_help_status_and_refusals():
    api = MemoryDevice()
    dev = DeviceProtocol(api, urandom)
    assert b"unlock" in dev.receive(b"HELP\r\n")[0]
    assert dev.receive(b"sta") == []
    assert dev.receive(b"tus\n") == [b"state: idle\n"]
    for cmd in (b"list\n", b"start\n", b"stop\n", b"dump log\n"):
        reply = dev.receive(cmd)[0]
        assert reply.startswith(b"error:") and reply.endswith(b"\n")
    assert api.busy is False and api.routines == {}


def test_text_unlock_needs_the_phone_code_and_a_wrong_guess_shows_a_new_one():
    from stretchcue.protocol import pairing

    api = MemoryDevice()
    api.routines = {"desk-break": b"{}", "lower-back": b"{}"}
    api.selected = "lower-back"
    dev = DeviceProtocol(api, urandom)
    assert dev.receive(b"unlock 123456\n")[0].startswith(b"error: no phone code")
    laptop = dev.enter_pairing("123456", 0)
    assert dev.receive(b"unlock " + laptop.encode() + b"\n")[0].startswith(
        b"error: no phone code")  # the laptop's pairing code never unlocks text mode
    w = dev.window
    first = w.start(pairing.PHONE, 0)
    wrong = "%06d" % ((int(first) + 1) % 1000000)
    assert dev.receive(b"unlock " + wrong.encode() + b"\n")[0].startswith(b"error: wrong")
    assert w.kind == pairing.PHONE and w.code != first  # still open, with a fresh code
    assert dev.receive(b"unlock " + first.encode() + b"\n")[0].startswith(b"error:")
    assert dev.receive(b"list\n")[0].startswith(b"error:")
    assert dev.receive(b"unlock " + w.code.encode() + b"\n") == [
        b"unlocked: list, start, stop\n"]
    assert not w.open and w.result == "unlocked"
    assert dev.receive(b"list\n") == [b"routines: 1 desk-break, 2 lower-back*\n"]
    assert dev.receive(b"start 3\n")[0].startswith(b"error: no routine number 3")
    assert dev.receive(b"START 1\n") == [b"started: desk-break\n"]
    assert dev.receive(b"status\n") == [b"state: running\n"]
    assert dev.receive(b"start\n") == [b"error: device busy running a session\n"]
    assert dev.receive(b"stop\n") == [b"stopped\n"]
    assert dev.receive(b"stop\n") == [b"error: no session running\n"]
    dev.disconnected()
    assert dev.receive(b"start\n")[0].startswith(b"error:")  # for one connection only
    assert api.busy is False


def test_unknown_type_and_version():
    api, dev, host = paired()
    assert error_code(host.one(0x70)) == m.UNKNOWN_TYPE
    from stretchcue.protocol import frame as fr

    assert error_code(host.send_raw(fr.encode(m.HELLO, 5, b"", 0, version=9))[0]) == \
        m.BAD_VERSION


def test_a_new_host_starts_over_even_if_the_link_missed_the_disconnect():
    api, dev, first = paired()
    second = Host(dev)  # same device, no disconnected() in between
    hello = second.one(m.HELLO)
    assert hello.flags & fr.SEALED == 0 and m.load(hello.payload)["state"] == "idle"
    assert second.auth(first.key).ftype == m.OK
    assert second.one(m.ROUTINE_LIST).ftype == m.ROUTINES
    stale = first.frame(m.ROUTINE_LIST)  # sealed for the old session
    (reply,) = fr.FrameDecoder().feed(b"".join(dev.receive(stale)))
    assert reply.ftype == m.ERROR and not reply.flags & fr.SEALED
    assert m.load(reply.payload)["code"] == m.AUTH_FAILED
    assert not dev.authenticated  # any frame that fails its checks ends the session
    assert error_code(second.one(m.ROUTINE_LIST)) == m.NOT_PAIRED


def test_a_log_read_during_a_session_sends_one_frame_per_request():
    api, dev, host = paired()
    api.add_records(200)
    replies = host.call(m.LOG_READ, struct.pack("<IB", 0, 16))
    assert [r.ftype for r in replies].count(m.LOG_DATA) > 1
    api.busy = True
    replies = host.call(m.LOG_READ, struct.pack("<IB", 0, 16))
    assert [r.ftype for r in replies] == [m.LOG_DATA, m.LOG_END]
    assert struct.unpack("<IHB", replies[-1].payload)[2] == 1  # more to come


def test_a_log_window_comes_as_frames_of_whole_records_with_their_count_and_last_seq():
    api, dev, host = paired()
    raws = [sessionlog.encode(Rec.START, i, 0, 1000, 7, 5, "x" * (i % 60))
            for i in range(1, 41)]  # records of 29 to 88 bytes
    api.log = b"".join(raws)
    got = host.call(m.LOG_READ, struct.pack("<IB", 3, 2))
    data = [f for f in got if f.ftype == m.LOG_DATA]
    end = got[-1]
    assert end.ftype == m.LOG_END and all(len(f.payload) <= transfer.LOG_FRAME for f in data)
    records = sessionlog.scan(b"".join(f.payload for f in data))[0]
    last, count, more = struct.unpack("<IHB", end.payload)
    assert [r.seq for r in records] == list(range(4, 4 + count)) and last == 3 + count
    assert more == 1 and count < 37


def test_a_log_window_is_read_and_sealed_a_frame_at_a_time_as_the_link_asks():
    """Nothing of it is read before the link has room: ``receive`` answers nothing and each
    ``more`` reads and seals one LOG_DATA frame, so a window is never held whole."""
    api, dev, host = paired()
    api.add_records(300)
    reads = []
    real = api.log_after

    def log_after(cursor, max_bytes, limit=0):
        reads.append(cursor)
        return real(cursor, max_bytes, limit)

    api.log_after = log_after
    assert dev.receive(host.frame(m.LOG_READ, struct.pack("<IB", 0, 4))) == [] and not reads
    frames = []
    while True:
        more = dev.more()
        if not more:
            break
        assert len(more) == 1 and len(reads) == min(len(frames) + 1, 4)
        frames += more
    got = host.feed(frames)
    assert [f.ftype for f in got] == [m.LOG_DATA] * 4 + [m.LOG_END]
    last, count, more = struct.unpack("<IHB", got[-1].payload)
    assert count == sum(len(sessionlog.scan(f.payload)[0]) for f in got[:-1]) and more == 1
    assert dev.more() == []


def test_a_window_never_has_more_frames_than_asked_even_when_records_leave_room():
    """Five records of 89 bytes fill 445 of a frame's 492: two windows' bytes hold eleven
    records, yet a window of 2 is 2 frames of 5 (it once sent a third)."""
    api, dev, host = paired()
    raws = [sessionlog.encode(Rec.START, i, 0, 1000, 7, 5, "x" * 64)
            for i in range(1, 21)]
    assert all(len(r) == 89 for r in raws)
    api.log = b"".join(raws)
    got = host.call(m.LOG_READ, struct.pack("<IB", 0, 2))
    assert [f.ftype for f in got] == [m.LOG_DATA, m.LOG_DATA, m.LOG_END]
    assert struct.unpack("<IHB", got[-1].payload) == (10, 10, 1)


def test_a_request_sent_mid_window_is_answered_after_the_window():
    """Its reply is sealed after the window's frames, so the counters rise in the order the
    host receives them."""
    api, dev, host = paired()
    api.add_records(200)
    first = dev.receive(host.frame(m.LOG_READ, struct.pack("<IB", 0, 8))) + dev.more()
    hello = host.frame(m.HELLO)
    rest = dev.receive(hello)
    got = host.feed(first + rest)
    assert [f.ftype for f in got] == [m.LOG_DATA] * 8 + [m.LOG_END, m.INFO]
    assert dev.more() == []
