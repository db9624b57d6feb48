"""transport/serial.py over a real pseudo-terminal: the laptop's end of the USB data port."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import tty
import types

import pytest

from stretchcue_host.transport import open_transport
from stretchcue_host.transport import serial as ser
from stretchcue_host.transport.base import ConnectionLost

pytest.importorskip("serial")


class Device:
    """The board's end: a pty master; the transport opens the slave path."""

    def __init__(self) -> None:
        self.fd, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)

    def read(self, n: int, timeout_s: float = 5.0) -> bytes:
        got = b""
        end = time.monotonic() + timeout_s
        while len(got) < n and time.monotonic() < end:
            os.set_blocking(self.fd, False)
            try:
                got += os.read(self.fd, n - len(got))
            except (BlockingIOError, OSError):
                time.sleep(0.005)
        return got

    def close(self) -> None:
        os.close(self.fd)


@pytest.fixture
def device():
    d = Device()
    yield d
    try:
        d.close()
    except OSError:
        pass


async def _take(t, n: int, timeout_s: float = 5.0) -> bytes:
    got = b""
    while len(got) < n:
        chunk = await asyncio.wait_for(t.received.get(), timeout_s)
        assert chunk is not None, "link dropped"
        got += chunk
    return got


def test_bytes_both_ways_in_order_and_close_stops_the_reader(device):
    async def main():
        t = open_transport(f"usb:{device.path}")
        assert isinstance(t, ser.SerialTransport) and t.describe() == f"usb:{device.path}"
        await t.connect()
        thread = t._thread
        assert thread is not None and thread.is_alive()
        blob = bytes(range(256)) * 40  # every byte value, raw; more than one pty buffer
        writer = threading.Thread(target=lambda: [os.write(device.fd, blob[i:i + 500])
                                                  for i in range(0, len(blob), 500)])
        writer.start()
        assert await _take(t, len(blob)) == blob
        writer.join()
        await t.write(b"\xa5\x11\x13\r\n" * 100)  # no XON/XOFF, no CR/LF translation
        assert device.read(500) == b"\xa5\x11\x13\r\n" * 100
        await t.close()
        assert not thread.is_alive() and t._ser is None and not t.connected
        assert await t.received.get() is None  # a reader waiting is woken
        with pytest.raises(ConnectionLost):
            await t.write(b"x")
        await t.connect()  # and it opens again
        os.write(device.fd, b"again")
        assert await _take(t, 5) == b"again"
        await t.close()

    asyncio.run(main())


def test_bytes_left_from_an_earlier_connection_are_dropped(device):
    async def main():
        t = ser.SerialTransport(device.path)
        await t.connect()
        await t.close()
        os.write(device.fd, b"stale reply")
        await t.connect()
        os.write(device.fd, b"fresh")
        assert await _take(t, 5) == b"fresh"
        await t.close()

    asyncio.run(main())


def test_device_going_away_wakes_the_reader_with_a_clear_message(device):
    async def main():
        t = ser.SerialTransport(device.path)
        await t.connect()
        device.close()  # the board was unplugged
        assert await asyncio.wait_for(t.received.get(), 5) is None
        assert not t.connected
        with pytest.raises(ConnectionLost) as e:
            await t.write(b"hello")
        assert "USB serial port" in str(e.value) and "cable" in str(e.value)
        assert t.lost_message() == str(e.value)
        await t.close()

    asyncio.run(main())


def test_a_port_that_cannot_be_opened_names_itself(tmp_path):
    async def main():
        t = ser.SerialTransport(str(tmp_path / "ttyACM9"))
        with pytest.raises(ConnectionLost) as e:
            await t.connect()
        assert "ttyACM9" in str(e.value) and "plugged in" in str(e.value)
        await t.close()

    asyncio.run(main())


def test_a_second_program_cannot_share_the_port(device):
    async def main():
        a = ser.SerialTransport(device.path)
        await a.connect()
        with pytest.raises(ConnectionLost, match="no other program"):
            await ser.SerialTransport(device.path).connect()
        await a.close()

    asyncio.run(main())


def _port(device, interface=None, serial_number="X1", location="1-1:1.0", vid=0x239A):
    return types.SimpleNamespace(device=device, interface=interface, vid=vid,
                                 serial_number=serial_number, location=location)


@pytest.mark.parametrize("ports,found", [
    ([_port("/dev/ttyACM0", "CircuitPython CDC control"),
      _port("/dev/ttyACM1", "CircuitPython CDC2 control", location="1-1:1.2")], "/dev/ttyACM1"),
    ([_port("/dev/ttyACM3", location="1-1:1.2"), _port("/dev/ttyACM2")], "/dev/ttyACM3"),
    ([_port("/dev/ttyACM0"), _port("/dev/ttyUSB0", vid=0x0403)], "no CircuitPython data port"),
    ([], "is stretchcue's boot.py on it"),
    ([_port("/dev/ttyACM0"), _port("/dev/ttyACM1", location="1-1:1.2"),
      _port("/dev/ttyACM2", serial_number="X2")], "several"),
])
def test_find_data_port(monkeypatch, ports, found):
    from serial.tools import list_ports

    monkeypatch.setattr(list_ports, "comports", lambda: ports)
    if found.startswith("/dev/"):
        assert ser.find_data_port() == found
    else:
        with pytest.raises(ConnectionLost, match=found):
            ser.find_data_port()


def test_cli_says_what_is_wrong_with_the_usb_port(cli, tmp_path):
    res = cli("info", "--transport", f"usb:{tmp_path / 'ttyACM7'}")
    assert res.exit_code == 1
    assert "cannot open the USB serial port" in res.output and "ttyACM7" in res.output
    assert "move closer" not in res.output  # not the radio's advice
