"""Property: the log reader survives any truncation and any bit flips."""

from hypothesis import given, settings
from hypothesis import strategies as st

from stretchcue import sessionlog as sl


def build(n):
    out = [sl.encode(sl.START, 1, 1_700_000_000, 60_000, 7, 2, "Tiny")]
    for i in range(2, n):
        out.append(sl.encode(sl.HOLD, i, 0, 1, i, 0, 30_000, 29_000 + i, 0))
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
