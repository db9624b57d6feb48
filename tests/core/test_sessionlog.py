"""Session log: round trips, torn tails, corruption, and pruning that loses nothing."""

from stretchcue import log_prune
from stretchcue import sessionlog as sl
from stretchcue.codes import Rec


def sample(n=6, seq0=1):
    out = [sl.encode(Rec.START, seq0, 1700000000, 1768000, 0xDEADBEEF, 5, "Lower back")]
    for i in range(1, n - 1):
        out.append(sl.encode(Rec.HOLD, seq0 + i, i % 5, 1, 1, 0, 30000, 30000 + i, 0))
    out.append(sl.encode(Rec.END, seq0 + n - 1, 1768000, 0, 0, 0, 1768000, 0))
    return out


def test_round_trip_every_type():
    recs, problems, end = sl.scan(b"".join(sample()))
    assert problems == [] and [r.seq for r in recs] == [1, 2, 3, 4, 5, 6]
    assert recs[0].fields() == {"epoch_s": 1700000000, "planned_ms": 1768000,
                                "routine_crc": 0xDEADBEEF, "stretches": 5, "name": "Lower back"}
    assert recs[1].fields()["actual_ms"] == 30001 and recs[1].name == "hold"
    r = sl.encode(Rec.RATING, 9, 2, 4)
    assert sl.scan(r)[0][0].fields() == {"stretch": 2, "rating": 4}
    g = sl.scan(sl.encode(Rec.GAP, 9, 3, 7))[0][0].fields()
    assert g == {"first_seq": 3, "count": 7}


def test_torn_tail_at_every_byte_keeps_every_whole_record():
    parts = sample()
    whole = b"".join(parts[:-1])
    last = parts[-1]
    for cut in range(len(last)):
        recs, problems, end = sl.scan(whole + last[:cut])
        assert len(recs) == len(parts) - 1
        assert end == len(whole)
        if cut:
            assert problems[0][0] in ("torn", "corrupt") and problems[0][1] == len(whole)
        else:
            assert problems == []


def test_flipped_bit_is_reported_and_later_records_survive():
    parts = sample()
    buf = bytearray(b"".join(parts))
    pos = len(parts[0]) + 14
    buf[pos] ^= 0x10
    recs, problems, _ = sl.scan(buf)
    assert [r.seq for r in recs] == [1, 3, 4, 5, 6]
    assert problems == [("corrupt", len(parts[0]), len(parts[1]))]


def test_garbage_between_records_is_skipped():
    parts = sample()
    buf = parts[0] + b"\xc5\x00garbage\xc5" + parts[1]
    recs, problems, _ = sl.scan(buf)
    assert [r.seq for r in recs] == [1, 2] and problems[0][0] == "corrupt"


def test_prune_drops_only_acknowledged_records():
    recs = sl.scan(b"".join(sample(40)))[0]
    size = sum(len(r.raw) for r in recs)
    assert log_prune.prune(recs, 0, soft=size) == (None, 0)
    buf, lost = log_prune.prune(recs, 30, soft=size - 1, hard=size)
    assert lost == 0 and [r.seq for r in sl.scan(buf)[0]] == list(range(31, 41))


def test_prune_past_hard_limit_writes_a_gap_record():
    recs = sl.scan(b"".join(sample(40)))[0]
    buf, lost = log_prune.prune(recs, 0, soft=300, hard=600)
    kept = sl.scan(buf)[0]
    assert lost > 0 and kept[0].rtype == Rec.GAP
    gap = kept[0].fields()
    assert gap == {"first_seq": 1, "count": lost}
    assert kept[0].seq == lost and kept[1].seq == lost + 1
    assert [r.seq for r in kept[1:]] == list(range(lost + 1, 41))
    assert sum(len(r.raw) for r in kept) <= 300 + 12 + 8


def _fed(buf, size):
    """What a Reader finds in ``buf`` fed ``size`` bytes at a time."""
    rd = sl.Reader()
    recs = []
    for i in range(0, len(buf), size):
        recs += rd.feed(buf[i:i + size])
    recs += rd.close()
    return [(r.offset, r.raw) for r in recs], rd.problems, rd.good_end, rd.size


def test_reader_in_chunks_finds_what_scan_finds_whole():
    parts = sample(12)
    whole = b"".join(parts)
    damaged = bytearray(whole)
    damaged[len(parts[0]) + 3] ^= 0x40  # a bad header
    damaged[len(parts[0]) + len(parts[1]) + 20] ^= 0x01  # a bad CRC
    for buf in (whole, bytes(damaged), whole + parts[-1][:7], parts[0] + b"\xc5\x01\xff",
                b"", b"\xc5", bytes(damaged)[:-5]):
        recs, problems, end = sl.scan(buf)
        want = ([(r.offset, r.raw) for r in recs], problems, end, len(buf))
        for size in (1, 2, 7, 12, 13, 40, 512, len(buf) + 1):
            assert _fed(buf, size) == want, (size, buf)


def test_reader_holds_back_at_most_a_record_and_reports_a_torn_tail_only_at_close():
    parts = sample(6)
    rd = sl.Reader(100)
    got = rd.feed(b"".join(parts) + parts[0][:9])
    assert [r.seq for r in got] == [1, 2, 3, 4, 5, 6] and got[0].offset == 100
    assert rd.problems == [] and len(rd._buf) == 9
    assert rd.close() == []
    end = 100 + sum(len(p) for p in parts)
    assert rd.problems == [("torn", end, 9)] and rd.good_end == end and rd.size == end + 9


def test_prune_carries_an_earlier_gap_into_the_next():
    recs = sl.scan(b"".join(sample(40)))[0]
    buf, lost = log_prune.prune(recs, 0, soft=300, hard=600)
    more = [sl.encode(Rec.HOLD, 40 + i, 0, 1, 1, 0, 30000, 30000, 0) for i in range(1, 30)]
    recs = sl.scan(buf + b"".join(more))[0]
    buf2, lost2 = log_prune.prune(recs, 0, soft=300, hard=600)
    kept = sl.scan(buf2)[0]
    gap = kept[0].fields()
    assert kept[0].rtype == Rec.GAP and gap["first_seq"] == 1
    assert gap["count"] == lost2 > lost and kept[1].seq == lost2 + 1
    assert [r.seq for r in kept[1:]] == list(range(kept[1].seq, 70))
