"""The bumble backend for bleak, against a bumble NUS peripheral on an in-process virtual radio.

Each test gets a fresh hub (a wedged virtual controller cannot leak into the next
test) with the peripheral on one controller and the host on another.  Nothing
sleeps to wait: tests wait on queues and events with deadlines, and an ATT read
serves as the barrier after writes without response (ATT is ordered).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time

import pytest
from bleak import BleakClient, BleakScanner
from bleak.exc import BleakError

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX
from stretchcue_host.transport import open_transport
from stretchcue_host.transport.base import ConnectionLost
from stretchcue_host.transport.ble import BleTransport
from stretchcue_host.transport.bleak_bumble import MTU_ENV, Radio, backends
from stretchcue_host.vlink import hub
from stretchcue_host.vlink.peripheral import NusPeripheral

NAME = "stretchcue-test"
DATA = bytes((i * 7 + i // 251) % 256 for i in range(4096))  # 4 KB, no short period


class Air:
    """A hub on its own event loop (bumble controllers need a running loop) + the peripheral."""

    def __init__(self, controllers: int = 3) -> None:
        self.loop = asyncio.new_event_loop()
        started = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.ports, self._keep = self.loop.run_until_complete(hub.start(controllers))
            started.set()
            self.loop.run_forever()

        threading.Thread(target=run, daemon=True, name="hub").start()
        assert started.wait(10)
        self.host = self.spec(1)
        self.peripheral = NusPeripheral(self.spec(0), NAME)
        self.peripheral.rx_capacity = 1 << 16  # no firmware drains it here
        self.peripheral.start_advertising()

    def spec(self, i: int) -> str:
        return f"tcp-client:127.0.0.1:{self.ports[i]}"

    def beacon(self, i: int = 2) -> None:
        """Another device on controller ``i``, advertising the Heart Rate service."""

        async def go():
            from bumble.core import UUID, AdvertisingData
            from bumble.device import Device
            from bumble.transport import open_transport as open_hci

            hci = await open_hci(self.spec(i))
            dev = Device.with_hci("heart", "F0:5C:00:00:00:02", hci.source, hci.sink)
            await dev.power_on()
            dev.advertising_data = bytes(AdvertisingData([
                (AdvertisingData.COMPLETE_LOCAL_NAME, b"heart"),
                (AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
                 bytes(UUID.from_16_bits(0x180D)))]))
            dev.advertising_interval_min = dev.advertising_interval_max = 20
            await dev.start_advertising(auto_restart=False)
            self._keep.append(hci)

        asyncio.run_coroutine_threadsafe(go(), self.loop).result(10)

    def close(self) -> None:
        self.peripheral.close()

        async def down() -> None:
            for item in self._keep:
                if hasattr(item, "server"):
                    item.server.close()

        asyncio.run_coroutine_threadsafe(down(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def air():
    a = Air()
    yield a
    a.close()


def run(coro, timeout_s: float = 10.0):
    return asyncio.run(asyncio.wait_for(coro, timeout_s))


def test_scan_finds_the_device_once_by_its_service(air):
    air.beacon()

    async def go():
        scanner_cls, _ = backends(air.host)
        reports = []
        try:
            nus = await BleakScanner.discover(
                timeout=0.4, service_uuids=[NUS_SERVICE], return_adv=True, backend=scanner_cls,
                detection_callback=lambda d, ad: reports.append(ad))
            everyone = await BleakScanner.discover(timeout=0.4, return_adv=True,
                                                   backend=scanner_cls)
        finally:
            await scanner_cls.radio.close()
        return nus, reports, everyone

    nus, reports, everyone = run(go())
    assert list(nus) == ["F0:5C:00:00:00:01"]
    device, ad = nus["F0:5C:00:00:00:01"]
    assert device.name == ad.local_name == NAME
    assert ad.service_uuids == [NUS_SERVICE.lower()]  # the scan response repeats it: once
    assert reports and not any(r.platform_data[0].is_scan_response for r in reports)
    assert {ad.local_name for _, ad in everyone.values()} == {NAME, "heart"}


def test_transport_picks_the_device_by_name_part_and_refuses_other_names(air):
    air.beacon()

    async def go():
        scanner_cls, _ = backends(air.host)
        found = await BleakScanner.find_device_by_name(NAME, timeout=2, backend=scanner_cls)
        await scanner_cls.radio.close()
        assert found is not None and found.address == "F0:5C:00:00:00:01"
        picked = BleTransport("TEST", hci=air.host, scan_timeout_s=2)
        await picked.connect()
        name = picked._client.name
        await picked.close()
        nobody = BleTransport("heart", hci=air.host, scan_timeout_s=0.3)
        with pytest.raises(ConnectionLost,
                           match="device not found: no stretchcue device matching 'heart'"):
            await nobody.connect()
        await nobody.close()
        return name

    assert run(go()) == NAME


@pytest.mark.parametrize("mtu", [247, 23])
def test_every_packet_fits_the_mtu_and_data_arrives_whole_and_in_order(air, mtu, monkeypatch):
    if mtu != 247:
        monkeypatch.setenv(MTU_ENV, str(mtu))
    p = air.peripheral

    async def go():
        t = BleTransport(hci=air.host)
        await t.connect()
        try:
            client = t._client
            assert client.mtu_size == mtu and p.mtu == mtu and t.mtu == mtu - 3
            rx = client.services.get_characteristic(NUS_RX)
            assert rx.max_write_without_response_size == mtu - 3
            assert {"write", "write-without-response"} <= set(rx.properties)
            with pytest.raises(BleakError, match="do not fit"):
                await client.write_gatt_char(rx, bytes(mtu - 2), response=False)

            await t.write(DATA)
            await client.write_gatt_char(rx, b"!", response=True)
            await client.read_gatt_char(NUS_TX)  # ATT is ordered: every write is in
            assert p.read(len(DATA) + 10) == DATA + b"!"
            assert t.writes == [mtu - 3] * (len(DATA) // (mtu - 3)) + [len(DATA) % (mtu - 3)]

            p.send(DATA)
            got = b""
            while len(got) < len(DATA):
                got += await asyncio.wait_for(t.received.get(), 5)
            assert got == DATA
            assert len(t.notifications) == math.ceil(len(DATA) / (mtu - 3))
            assert max(t.notifications) <= t.mtu

            await client.stop_notify(NUS_TX)
            p.send(b"late")  # queued on the peripheral before our read goes out
            await client.read_gatt_char(NUS_TX)
            assert t.received.empty()

            times = []
            for _ in range(11):
                start = time.perf_counter()
                await client.read_gatt_char(NUS_TX)
                times.append(time.perf_counter() - start)
            return sorted(times)[5]
        finally:
            await t.close()

    median_round_trip = run(go())
    assert median_round_trip < 0.01  # not ~44 ms of delayed ACK: TCP_NODELAY on both ends


def test_disconnected_callback_fires_when_the_peripheral_drops_the_link(air):
    async def go():
        scanner_cls, client_cls = backends(Radio(air.host))
        dropped = asyncio.Event()
        try:  # by address alone, no scan first
            client = BleakClient("F0:5C:00:00:00:01", backend=client_cls,
                                 disconnected_callback=lambda _c: dropped.set())
            await client.connect()
            assert client.is_connected
            air.peripheral.disconnect()
            await asyncio.wait_for(dropped.wait(), 5)
            assert not client.is_connected
            with pytest.raises(BleakError, match="not connected"):
                await client.write_gatt_char(NUS_RX, b"x", response=False)
        finally:
            await scanner_cls.radio.close()

    run(go())


def test_transport_sees_the_drop_as_end_of_stream(air):
    async def go():
        t = BleTransport(hci=air.host)
        await t.connect()
        air.peripheral.disconnect()
        try:
            assert await asyncio.wait_for(t.received.get(), 5) is None
            assert not t.connected
            with pytest.raises(ConnectionLost):
                await t.write(b"x")
        finally:
            await t.close()

    run(go())


def test_connecting_to_nobody_fails_clearly(air):
    async def go():
        _, client_cls = backends(air.spec(2))
        try:
            with pytest.raises(BleakError, match="did not answer within 0.3 s"):
                await BleakClient("F0:5C:00:00:00:99", backend=client_cls, timeout=0.3).connect()
        finally:
            await client_cls.radio.close()
        dead = BleTransport(hci="tcp-client:127.0.0.1:1", scan_timeout_s=0.3)
        with pytest.raises(ConnectionLost, match="could not connect: cannot open bumble HCI"):
            await dead.connect()
        nobody = BleTransport("nobody", hci=air.host, scan_timeout_s=0.3)
        with pytest.raises(ConnectionLost,
                           match="device not found: no stretchcue device matching 'nobody'"):
            await nobody.connect()
        await nobody.close()

    run(go())


def test_transport_specs(monkeypatch):
    monkeypatch.delenv("STRETCHCUE_BUMBLE_TRANSPORT", raising=False)
    assert open_transport("bumble:usb:0").hci == "usb:0"
    assert open_transport("bumble:tcp-client:127.0.0.1:9").hci == "tcp-client:127.0.0.1:9"
    assert open_transport("ble").hci == ""
    with pytest.raises(ConnectionLost, match="STRETCHCUE_BUMBLE_TRANSPORT"):
        open_transport("sim")
    monkeypatch.setenv("STRETCHCUE_BUMBLE_TRANSPORT", "tcp-client:127.0.0.1:7")
    for spec in ("sim", "bumble", "auto"):
        assert open_transport(spec, "dev").hci == "tcp-client:127.0.0.1:7"
    with pytest.raises(ValueError, match="unknown transport"):
        open_transport("wifi")
