"""Text mode (issue 11): whatever a phone terminal sends, a line gets an answer.

CR, LF or CRLF end a line; an over-long or non-ASCII line gets an error line; a
control byte is dropped without losing the line; memory stays bounded.
"""

from proto_api import MemoryDevice, urandom

from stretchcue.protocol import frame as fr
from stretchcue.protocol.device import DeviceProtocol


def _dev():
    return DeviceProtocol(MemoryDevice(), urandom)


def _typed(data, size=1):
    """Bytes sent a piece at a time, as a terminal sends what is typed."""
    dev = _dev()
    out = []
    for i in range(0, len(data), size):
        out += dev.receive(data[i:i + size])
    return out


IDLE = b"state: idle\n"


def test_cr_lf_or_crlf_end_a_line_once():
    for end in (b"\r", b"\n", b"\r\n"):
        for size in (1, 2, 64):
            assert _typed(b"status" + end + b"status" + end, size) == [IDLE, IDLE], (end, size)


def test_lf_cr_is_two_line_ends_but_no_empty_answer():
    assert _typed(b"status\n\rstatus\n\r") == [IDLE, IDLE]
    assert _typed(b"\r\n\r\n\n\r") == []


def test_an_over_long_line_gets_an_error_and_the_next_line_is_answered():
    out = _typed(b"status " + b"x" * 500 + b"\rstatus\r", 20)
    assert len(out) == 2 and out[0].startswith(b"error: line over 80") and out[1] == IDLE


def test_a_line_of_exactly_80_characters_is_a_line():
    out = _typed(b"x" * 80 + b"\n")
    assert out[0].startswith(b"error: 'xxxxxxxxxxxxxxxxxxxx' is not a command")


def test_non_ascii_gets_an_error_line():
    for text in ("stätus", "status ✓", "¥", "状态"):
        out = _typed(text.encode() + b"\r\n")
        assert out == [b"error: only plain ASCII text is understood; try help\n"], text
    assert _typed(b"\xff\xfe\n")[0].startswith(b"error: only plain ASCII")


def test_a_character_holding_the_frame_start_byte_is_answered_at_its_enter():
    """"¥" and "å" end in 0xA5, a frame's first byte: typed last on a line with a bare
    CR or LF (as phone terminals send), the line is still answered at once."""
    for text in ("¥", "å", "status ¥", "ĥ"):
        for end in (b"\r", b"\n"):
            for chunk in (1, 64):
                out = _typed(text.encode() + end, chunk)
                assert out == [b"error: only plain ASCII text is understood; try help\n"], (
                    text, end, chunk)


def test_a_control_byte_is_dropped_without_losing_the_line():
    for junk in (b"\x00", b"\x01", b"\x1b", b"\x7f", b"\x08", b"\x1a", b"\x18"):
        assert _typed(b"sta" + junk + b"tus\r\n") == [IDLE], junk
    assert _typed(b"\x18\n\x1a\n") == []  # the decoder's own flags cannot be typed


def test_a_frame_after_a_line_still_answers_and_memory_is_bounded():
    from stretchcue.protocol import messages as m

    dev = _dev()
    for _ in range(2000):
        dev.receive(b"y" * 97)
    assert len(dev._dec._line) <= fr.MAX_LINE and len(dev._dec._buf) <= fr.MAX_FRAME
    out = dev.receive(b"\n" + fr.encode(m.HELLO, 5))
    assert out[0].startswith(b"error: line over 80")
    items = fr.FrameDecoder().feed(b"".join(out[1:]))
    assert items[0].ftype == m.INFO and items[0].req == 5
