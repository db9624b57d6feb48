"""Radio errors name the cause and the next step: no adapter, device not found, not
paired yet, out of range; ``pair`` reaches the device before it asks for the code."""

from __future__ import annotations

import pytest

from stretchcue_host.transport.base import ConnectionLost, Transport


@pytest.fixture
def no_adapter(monkeypatch):
    """The OS radio as on a machine with no Bluetooth service: bleak's D-Bus connect
    fails with a bare ENOENT (the system bus socket)."""
    from bleak import BleakScanner

    async def fail(*a, **k):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(BleakScanner, "find_device_by_filter", fail)
    monkeypatch.setattr(BleakScanner, "discover", fail)


@pytest.mark.parametrize("args", [("info",), ("scan", "--timeout", "1"), ("pair",),
                                  ("pair", "--code", "123456")])
def test_no_adapter_says_so_and_what_to_do(cli, no_adapter, args):
    res = cli(*args, "--transport", "ble", input="")
    assert res.exit_code == 1
    assert "no Bluetooth adapter found" in res.output
    assert "--transport usb" in res.output
    assert "move closer" not in res.output and "out of range" not in res.output
    assert "code shown on the device" not in res.output  # pair asked nothing first


def test_bleak_saying_bluetooth_is_unavailable_is_no_adapter_too():
    from bleak import exc

    from stretchcue_host.transport.ble import radio_problem

    e = exc.BleakBluetoothNotAvailableError("No Bluetooth adapters found.",
                                            exc.BleakBluetoothNotAvailableReason.NO_BLUETOOTH)
    assert radio_problem(e).startswith("no Bluetooth adapter found (No Bluetooth adapters")
    assert radio_problem(exc.BleakError("GATT write failed")) is None
    assert radio_problem(FileNotFoundError(2, "x"), hci="tcp-client:1") is None


def test_device_not_found_says_what_to_check(cli, monkeypatch):
    from bleak import BleakScanner

    async def nothing(*a, **k):
        return None

    monkeypatch.setattr(BleakScanner, "find_device_by_filter", nothing)
    res = cli("info", "--transport", "ble", "--device", "desk")
    assert res.exit_code == 1
    assert "device not found: no stretchcue device matching 'desk'" in res.output
    assert "switched on" in res.output and "stretchcue scan" in res.output
    assert "move closer and try again" not in res.output


@pytest.mark.parametrize("args", [("push", "lower-back"), ("forget",), ("pull",),
                                  ("routines",), ("set-time",)])
def test_not_paired_yet_is_said_before_the_radio(cli, monkeypatch, args):
    opened = []
    monkeypatch.setattr("stretchcue_host.transport.open_transport",
                        lambda *a, **k: opened.append(a) or pytest.fail("radio opened"))
    res = cli(*args, "--transport", "ble")
    assert res.exit_code == 1
    assert "not paired yet" in res.output and "stretchcue pair" in res.output
    assert opened == []


class _Dropping(Transport):
    """Connects, then loses the link on the first write: a device walked out of range."""

    async def connect(self) -> None:
        self.connected = True

    async def write(self, data: bytes) -> None:
        self._lost()
        raise ConnectionLost("the link dropped")

    async def close(self) -> None:
        self.connected = False


def test_out_of_range_says_move_closer(cli, monkeypatch):
    monkeypatch.setattr("stretchcue_host.transport.open_transport",
                        lambda *a, **k: _Dropping())
    res = cli("info", "--transport", "ble")
    assert res.exit_code == 1
    assert "out of range" in res.output and "move closer" in res.output


def test_pair_reaches_the_device_then_asks_for_its_code(cli, loopback_device):
    loopback_device.proto.enter_pairing("135790", 0)
    res = cli("pair", input="135 790\n")
    assert res.exit_code == 0, res.output
    found = res.output.index("found sc-0001")
    assert found < res.output.index("code shown on the device") < res.output.index("paired")


def test_a_device_that_forgot_us_says_not_paired_yet(cli, loopback_device):
    loopback_device.proto.enter_pairing("135790", 0)
    assert cli("pair", "--code", "135790").exit_code == 0
    loopback_device.keys.clear()
    res = cli("routines")
    assert res.exit_code == 1 and "not paired yet" in res.output
