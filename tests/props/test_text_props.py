"""Property (issue 11): after any bytes a phone terminal (or a stray write) sends, a line
end and ``status`` get their answer; every reply is bytes."""

from hypothesis import given, settings
from hypothesis import strategies as st
from proto_api import MemoryDevice, urandom

from stretchcue.protocol import frame as fr
from stretchcue.protocol.device import DeviceProtocol

IDLE = b"state: idle\n"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=300), st.integers(1, 40),
       st.sampled_from([b"\r", b"\n", b"\r\n"]))
def test_after_any_bytes_and_a_line_end_status_is_answered(junk, size, end):
    dev = DeviceProtocol(MemoryDevice(), urandom)
    for i in range(0, len(junk), size):
        for reply in dev.receive(junk[i:i + size]):
            assert isinstance(reply, bytes)
    # a frame start the junk left pending waits for at most a frame's bytes, then
    # whatever line is open ends
    dev.receive(b"z" * fr.MAX_FRAME + end)
    out = dev.receive(b"status" + end)
    assert out and out[-1] == IDLE
