"""Property: the log reader survives any truncation and any bit flips."""

from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec


def build(n):
    out = [sl.encode(Rec.START, 1, 1_700_000_000, 60_000, 7, 2, "Tiny")]
    for i in range(2, n):
        out.append(sl.encode(Rec.HOLD, i, 0, 1, i, 0, 30_000, 29_000 + i, 0))
    return out


PARTS = build(30)
WHOLE = b"".join(PARTS)
ENDS = [sum(len(p) for p in PARTS[: i + 1]) for i in range(len(PARTS))]


def test_truncation_at_every_byte_keeps_every_complete_record():
    for cut in range(len(WHOLE) + 1):
        recs, problems, good_end = sl.scan(WHOLE[:cut])
        complete = sum(1 for e in ENDS if e <= cut)
        assert len(recs) == complete
        assert good_end == (ENDS[complete - 1] if complete else 0)
        assert len(problems) <= 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(WHOLE) - 1), st.integers(0, 7)), max_size=6))
def test_bit_flips_lose_only_the_records_they_touch(flips):
    buf = bytearray(WHOLE)
    for pos, bit in flips:
        buf[pos] ^= 1 << bit
    recs, problems, _ = sl.scan(buf)
    touched = set()
    for pos, _ in flips:
        touched.add(next(i for i, e in enumerate(ENDS) if pos < e))
    survivors = {r.seq for r in recs}
    for i in range(len(PARTS)):
        if i not in touched:
            assert i + 1 in survivors
    for r in recs:
        assert r.raw in PARTS


def reference_scan(buf):
    """``scan`` as it was written before the Reader: the whole buffer at once."""
    records, problems, off, good_end, n = [], [], 0, 0, len(buf)
    while off < n:
        rec = sl._at(buf, off)
        if isinstance(rec, sl.Record):
            records.append(rec)
            off += len(rec.raw)
            good_end = off
            continue
        nxt = off + 1
        while nxt < n:
            if buf[nxt] == sl.MAGIC and isinstance(sl._at(buf, nxt), sl.Record):
                break
            nxt += 1
        if nxt >= n:
            problems.append(("torn" if rec == "torn" else "corrupt", off, n - off))
            break
        problems.append(("corrupt", off, nxt - off))
        off = nxt
    return [(r.offset, r.raw) for r in records], problems, good_end


DAMAGE = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(WHOLE) - 1), st.integers(0, 7)),
    st.tuples(st.just("insert"), st.integers(0, len(WHOLE)), st.binary(max_size=40)),
    st.tuples(st.just("cut"), st.integers(0, len(WHOLE)), st.integers(1, 300)),
    st.tuples(st.just("magic"), st.integers(0, len(WHOLE) - 1), st.just(0)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(DAMAGE, max_size=5), st.integers(0, len(WHOLE)),
       st.lists(st.integers(1, 700), min_size=1, max_size=12))
def test_a_reader_fed_in_any_chunks_finds_what_a_whole_scan_finds(damage, keep, sizes):
    buf = bytearray(WHOLE)
    for kind, pos, arg in damage:
        pos = min(pos, len(buf) - 1) if kind in ("flip", "magic") else min(pos, len(buf))
        if pos < 0:
            continue
        if kind == "flip":
            buf[pos] ^= 1 << arg
        elif kind == "magic":
            buf[pos] = sl.MAGIC
        elif kind == "insert":
            buf[pos:pos] = arg
        else:
            del buf[pos:pos + arg]
    buf = bytes(buf[:keep])
    want = reference_scan(buf)
    recs, problems, good_end = sl.scan(buf)
    assert ([(r.offset, r.raw) for r in recs], problems, good_end) == want
    rd = sl.Reader()
    got = []
    off = i = 0
    while off < len(buf):
        size = sizes[i % len(sizes)]
        got += rd.feed(buf[off:off + size])
        off += size
        i += 1
    got += rd.close()
    assert ([(r.offset, r.raw) for r in got], rd.problems, rd.good_end) == want
    assert rd.size == len(buf)
