"""Records a writer got wrong but whose CRC is good, and damage counted (issue 11): also on
MicroPython (tests/micropython/run_core.py), where the device reads its log."""

import struct
from binascii import crc32

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec


def _record(rtype, seq, payload):
    body = struct.pack("<BBHI", sl.MAGIC, rtype, len(payload), seq) + payload
    return body + struct.pack("<I", crc32(body) & 0xFFFFFFFF)


def test_every_record_the_writer_makes_is_valid():
    for raw in (sl.encode(Rec.START, 1, 1_700_000_000, 60_000, 7, 2, "Nacken ü"),
                sl.encode(Rec.START, 2, 0, 0, 0, 0, ""),
                sl.encode(Rec.HOLD, 3, 0, 1, 1, 0, 30_000, 30_000, 0),
                sl.encode(Rec.RATING, 4, 0, 3), sl.encode(Rec.END, 5, 1, 2, 3, 4, 5, 1),
                sl.encode(Rec.GAP, 6, 1, 5), sl.encode(Rec.RESUMED, 7, 3, 0)):
        (r,) = sl.scan(raw)[0]
        assert sl.valid(r)
        r.fields()


def test_a_good_crc_over_a_bad_payload_is_not_valid():
    name_not_utf8 = struct.pack("<IIIB", 1, 2, 3, 1) + b"\xff\xfe"
    for raw in (_record(Rec.START, 1, name_not_utf8), _record(Rec.START, 2, b"\x01\x02"),
                _record(Rec.HOLD, 3, b"\x01"), _record(Rec.RATING, 4, b"\x01\x02\x03"),
                _record(Rec.END, 5, b"")):
        (r,) = sl.scan(raw)[0]
        assert not sl.valid(r)
        try:
            r.fields()
        except ValueError:  # LogError, UnicodeError
            continue
        raise AssertionError("fields() of an invalid record")


def test_the_reader_counts_damaged_parts_not_a_torn_tail():
    good = [sl.encode(Rec.RATING, i, 0, 3) for i in range(1, 6)]
    data = bytearray(b"".join(good))
    data[len(good[0]) + 3] ^= 1  # the second record
    data[3 * len(good[0]) + 9] ^= 1  # the fourth
    rd = sl.Reader()
    recs = rd.feed(bytes(data) + good[0][:7])
    recs += rd.close()
    assert [r.seq for r in recs] == [1, 3, 5]
    assert rd.damaged == 2 and rd.problems[-1][0] == "torn"
