"""Framing: frames survive any fragmentation, garbage and corruption; text lines pass through."""

from stretchcue.protocol import frame as fr

FRAMES = [fr.encode(0x01, 1), fr.encode(0x0C, 2, bytes(range(256)) * 2),
          fr.encode(0x87, 3, b"\xa5" * 40), fr.encode(0xFF, 255, b"x", fr.SEALED)]
STREAM = b"".join(FRAMES)


def _feed_in_pieces(data, size):
    dec = fr.FrameDecoder()
    out = []
    for i in range(0, len(data), size):
        out += dec.feed(data[i:i + size])
    return out, dec


def _same(frames):
    assert [(f.ftype, f.req, f.flags) for f in frames] == \
        [(0x01, 1, 0), (0x0C, 2, 0), (0x87, 3, 0), (0xFF, 255, fr.SEALED)]
    assert frames[1].payload == bytes(range(256)) * 2
    assert frames[2].payload == b"\xa5" * 40


def test_every_fragment_size_from_1_to_244():
    for size in range(1, 245):
        frames, dec = _feed_in_pieces(STREAM, size)
        _same(frames)
        assert dec.garbage == 0


def test_garbage_between_frames_is_skipped():
    junk = b"\x00\xff\xa5\x02\x00\xa5\xff\xff\x01\x02"
    data = junk + FRAMES[0] + junk + FRAMES[1] + FRAMES[2] + junk + FRAMES[3] + b"\x00"
    for size in (1, 7, 20, 244):
        frames, dec = _feed_in_pieces(data, size)
        _same([f for f in frames if isinstance(f, fr.Frame)])
        assert dec.garbage >= 3 * len(junk) - 6


def test_corrupt_frame_is_dropped_and_next_one_found():
    bad = bytearray(FRAMES[1])
    bad[100] ^= 0x01
    items, dec = _feed_in_pieces(FRAMES[0] + bytes(bad) + FRAMES[2] + FRAMES[3], 20)
    assert [f.req for f in items if isinstance(f, fr.Frame)] == [1, 3, 255]
    assert dec.bad_crc >= 1


def test_truncated_frame_then_resync():
    for size in (1, 20, 244):
        frames, _ = _feed_in_pieces(FRAMES[1][:50] + FRAMES[0] + FRAMES[2], size)
        assert [f.req for f in frames] == [1, 3]


def test_false_start_byte_with_plausible_length_does_not_swallow_frames():
    frames, _ = _feed_in_pieces(b"\xa5\x30\x00" + FRAMES[0] + FRAMES[2], 5)
    assert [f.req for f in frames] == [1, 3]


def test_text_lines_and_frames_share_the_stream():
    data = b"help\r\n" + FRAMES[0] + b"status\n" + FRAMES[2]
    for size in (1, 3, 20):
        items, _ = _feed_in_pieces(data, size)
        assert items[0] == "help"
        assert items[2] == "status"
        assert items[1].req == 1 and items[3].req == 3


def test_overlong_or_binary_polluted_line_is_flagged_and_control_bytes_dropped():
    items, _ = _feed_in_pieces(b"x" * 200 + b"\nsta\x01tus\nh\xc3\xa9lp\nhelp\n", 16)
    assert items == [fr.LINE_TOO_LONG, "status", fr.LINE_NOT_ASCII, "help"]


def test_buffer_stays_bounded():
    dec = fr.FrameDecoder()
    dec.feed(b"\xa5\x00\x02")  # claims 512 bytes and never sends them
    for _ in range(100):
        dec.feed(b"\x00" * 100)
    assert len(dec._buf) <= fr.MAX_FRAME
    assert dec.feed(FRAMES[0])[0].req == 1


def test_payload_limit_is_enforced():
    try:
        fr.encode(1, 1, b"x" * (fr.MAX_PAYLOAD + 1))
    except ValueError:
        return
    raise AssertionError("oversized payload accepted")
