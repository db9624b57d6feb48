"""The ``microcontroller.nvm`` stand-in behaves as CircuitPython's nvm.ByteArray on an nRF52840."""

from __future__ import annotations

import array

import pytest

from stretchcue_host.sim.fakes.nvm import SIZE, ByteArray, file_backed


def test_it_reads_and_writes_as_a_board_does():
    nvm = ByteArray()
    assert len(nvm) == SIZE == 8192 and nvm and nvm[0] == nvm[-1] == 0xFF  # erased flash
    nvm[0:3] = b"abc"
    nvm[3:5] = bytearray(b"de")
    nvm[5:6] = memoryview(b"f")
    nvm[6:8] = array.array("B", [1, 2])
    nvm[-1] = 7
    got = nvm[0:8]
    assert isinstance(got, bytearray) and got == b"abcdef\x01\x02" and nvm[8191] == 7
    assert nvm[8190:9000] == b"\xff\x07" and nvm[9000:9100] == b""  # slices clamp


@pytest.mark.parametrize("op, error", [
    (lambda n: n[8192], IndexError),
    (lambda n: n[-8193], IndexError),
    (lambda n: n.__setitem__(8192, 1), IndexError),
    (lambda n: n.__setitem__(0, 256), ValueError),
    (lambda n: n.__setitem__(slice(0, 4), b"abc"), ValueError),
    (lambda n: n.__setitem__(slice(8190, 8194), b"abcd"), ValueError),
    (lambda n: n.__setitem__(slice(0, 2), [1, 2]), NotImplementedError),
    (lambda n: n[0:8:2], NotImplementedError),
    (lambda n: n["0"], TypeError),
    (lambda n: n.__delitem__(0), TypeError),
])
def test_it_refuses_what_a_board_refuses(op, error):
    nvm = ByteArray()
    with pytest.raises(error):
        op(nvm)
    assert nvm[0:SIZE] == b"\xff" * SIZE  # and writes nothing


def test_a_file_backed_nvm_survives_a_reboot(tmp_path):
    path = str(tmp_path / "nvm.bin")
    nvm = file_backed(path)
    assert (tmp_path / "nvm.bin").read_bytes() == b"\xff" * SIZE
    nvm[4096:4100] = b"SCK1"
    nvm[10] = 0
    again = file_backed(path)
    assert again[4096:4100] == b"SCK1" and again[10] == 0 and again[11] == 0xFF
