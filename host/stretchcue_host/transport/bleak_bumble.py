"""A bleak backend over a bumble stack, so the laptop has one BLE code path: plain bleak.

bleak has no bumble backend, yet the simulated device lives on bumble's
virtual radio and a USB HCI dongle is only reachable through bumble.  Rather
than a second, hand-written central for those, bumble becomes one more bleak
backend and ``transport/ble.py`` is the same code for every radio::

    radio = Radio("tcp-client:127.0.0.1:PORT")      # or "usb:0"
    Scanner, Client = backends(radio)
    dev = await BleakScanner.find_device_by_filter(match, backend=Scanner)
    async with BleakClient(dev, backend=Client) as client: ...
    await radio.close()

Scanner and client share the radio's one bumble ``Device``, as OS backends
share the adapter.  What the virtual link does that shapes the code: its scan
response repeats the advertising data; it does not enforce the negotiated
MTU (an oversized write passes, a notification is cut silently), so writes
larger than MTU-3 are refused here as a real radio would; and a connection
to an address nobody advertises never completes, so connect has its own
deadline.  (asyncio sets TCP_NODELAY on our TCP end; ``vlink/hub.py`` on its.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from bleak.assigned_numbers import CHARACTERISTIC_PROPERTIES
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bleak.uuids import normalize_uuid_str

MTU_ENV = "STRETCHCUE_BUMBLE_MTU"
DEFAULT_MTU = 247


class Radio:
    """One bumble ``Device`` on one HCI transport spec, opened on first use.

    Explicit rather than a module-level cache: whoever creates it closes it, and
    it belongs to the event loop that opened it.  ``mtu``: the ATT MTU to ask for
    (default ``STRETCHCUE_BUMBLE_MTU``, else 247)."""

    def __init__(self, spec: str, mtu: int | None = None,
                 address: str = "E0:5C:00:00:00:02") -> None:
        self.spec = spec
        self.mtu = mtu
        self.address = address
        self.seen: dict[str, Any] = {}  # bleak address -> bumble Address, from scans
        self._hci = None
        self._device = None
        self._lock = asyncio.Lock()

    def want_mtu(self) -> int:
        return self.mtu or int(os.environ.get(MTU_ENV, DEFAULT_MTU))

    async def device(self):
        async with self._lock:
            if self._device is None:
                from bumble.device import Device
                from bumble.transport import open_transport

                try:
                    hci = await open_transport(self.spec)
                except Exception as e:  # bumble raises many kinds for a bad or absent radio
                    raise BleakError(f"cannot open bumble HCI transport {self.spec!r}: {e}") \
                        from e
                self._hci = hci
                dev = Device.with_hci("stretchcue-host", self.address, hci.source, hci.sink)
                try:
                    await dev.power_on()
                except BaseException:
                    await self.close()
                    raise
                self._device = dev
            return self._device

    async def close(self) -> None:
        """Close the HCI transport; on TCP, once the far end has hung up on our EOF:
        bumble's TCP server drops whichever client is current when an old one's
        end is processed, so a quick reopen could otherwise lose every reply."""
        hci, self._hci, self._device = self._hci, None, None
        if hci is None:
            return
        tcp = getattr(hci.sink, "transport", None)
        if tcp is not None and tcp.can_write_eof() and not tcp.is_closing():
            tcp.write_eof()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(hci.source.terminated), 2)
        await hci.close()


def backends(radio: Radio | str) -> tuple[type[BumbleScanner], type[BumbleClient]]:
    """Scanner and client backend classes bound to ``radio`` (a Radio or an HCI spec).

    bleak takes a backend *class* and builds it itself; binding the radio here
    lets callers pass ``backend=`` alone.  ``Scanner.radio`` is the Radio, to close.
    """
    radio = radio if isinstance(radio, Radio) else Radio(radio)
    return (type("BumbleScanner", (BumbleScanner,), {"radio": radio}),
            type("BumbleClient", (BumbleClient,), {"radio": radio}))


def _uuid(u) -> str:
    return normalize_uuid_str(u.to_hex_str("-"))


def _bound(cls) -> Radio:
    if cls.radio is None:
        raise BleakError("unbound bumble backend: get the classes from backends(radio)")
    return cls.radio


class BumbleScanner(BaseBleakScanner):
    """Reports bumble advertisements to bleak, one per advertising event: bumble
    hands over the advertisement, then the scan response joined to it, which on
    the virtual radio repeats it; repeated AD structures are dropped, and a
    response that adds nothing is not reported again."""

    radio: Radio | None = None

    def __init__(self, detection_callback, service_uuids, scanning_mode="active",
                 **_platform_args: Any) -> None:
        super().__init__(detection_callback, service_uuids)
        self._radio = _bound(type(self))
        self._active = scanning_mode != "passive"
        self._device = None
        self._last: dict[str, bytes] = {}

    async def start(self) -> None:
        self.seen_devices = {}
        self._last = {}
        dev = await self._radio.device()
        dev.on("advertisement", self._on_advertisement)
        self._device = dev
        await dev.start_scanning(active=self._active)

    async def stop(self) -> None:
        dev, self._device = self._device, None
        if dev is not None:
            dev.remove_listener("advertisement", self._on_advertisement)
            with contextlib.suppress(Exception):  # the radio may be gone already
                await dev.stop_scanning()

    def _on_advertisement(self, adv) -> None:
        from bumble.core import AdvertisingData as AD

        structures: list = []
        for s in adv.data.ad_structures:
            if s not in structures:
                structures.append(s)
        data = AD(structures)
        address = adv.address.to_string(False)
        raw = bytes(data)
        if adv.is_scan_response and self._last.get(address) == raw:
            return
        self._last[address] = raw
        uuids = list(dict.fromkeys(
            _uuid(u) for kind in ("COMPLETE", "INCOMPLETE") for bits in (16, 32, 128)
            for found in data.get_all(getattr(AD, f"{kind}_LIST_OF_{bits}_BIT_SERVICE_CLASS_UUIDS"))
            for u in found))
        if not self.is_allowed_uuid(uuids):
            return
        name = data.get(AD.COMPLETE_LOCAL_NAME) or data.get(AD.SHORTENED_LOCAL_NAME)
        service_data = {_uuid(u): bytes(v) for bits in (16, 32, 128)
                        for u, v in data.get_all(getattr(AD, f"SERVICE_DATA_{bits}_BIT_UUID"))}
        ad = AdvertisementData(
            local_name=name, service_uuids=uuids, service_data=service_data,
            manufacturer_data={c: bytes(v) for c, v in
                               data.get_all(AD.MANUFACTURER_SPECIFIC_DATA)},
            tx_power=data.get(AD.TX_POWER_LEVEL), rssi=adv.rssi, platform_data=(adv,))
        self._radio.seen[address] = adv.address
        device = self.create_or_update_device(address, address, name, adv.address, ad)
        self.call_detection_callbacks(device, ad)


class BumbleClient(BaseBleakClient):
    """A GATT client on the radio's bumble Device.  Notifications reach bleak's
    callback straight from bumble's synchronous subscriber, in arrival order
    (handing them to tasks could reorder them)."""

    radio: Radio | None = None

    def __init__(self, address_or_ble_device: BLEDevice | str, *,
                 services: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(address_or_ble_device, **kwargs)
        self._radio = _bound(type(self))
        known = isinstance(address_or_ble_device, BLEDevice)
        self._target = address_or_ble_device.details if known else None
        self._name = address_or_ble_device.name if known else None
        self._only = services
        self._conn = None
        self._mtu = 23
        self._closing = False
        self._subscribers: dict[int, Any] = {}

    @property
    def name(self) -> str:
        return self._name or self.address

    @property
    def mtu_size(self) -> int:
        return self._mtu

    @property
    def is_connected(self) -> bool:
        return self._conn is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        from bumble.device import Peer
        from bumble.hci import Address

        dev = await self._radio.device()
        target = self._target or self._radio.seen.get(self.address) or Address(self.address)
        try:
            async with asyncio.timeout(self._timeout):
                conn = await dev.connect(target, timeout=None)
        except TimeoutError:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(dev.cancel_connection(), 1)
            raise BleakError(f"{self.address} did not answer within {self._timeout:g} s") \
                from None
        except Exception as e:  # HCI and bumble errors: the connection was refused
            raise BleakError(f"could not connect to {self.address}: {e}") from e
        self._conn, self._closing = conn, False
        conn.on("disconnection", self._on_disconnection)
        try:
            async with asyncio.timeout(self._timeout):
                peer = Peer(conn)
                self._mtu = await peer.request_mtu(self._radio.want_mtu())
                self.services = await self._discover(peer)
                if pair:
                    await conn.pair()
        except Exception as e:
            await self.disconnect()
            raise BleakError(f"setting up the link to {self.address} failed: {e!r}") from e

    async def _discover(self, peer) -> BleakGATTServiceCollection:
        from bumble.core import UUID

        found = BleakGATTServiceCollection()
        for s in await peer.discover_services([UUID(u) for u in self._only or ()]):
            service = BleakGATTService(s, s.handle, _uuid(s.uuid))
            found.add_service(service)
            for c in await s.discover_characteristics():
                props = [n for bit, n in CHARACTERISTIC_PROPERTIES.items() if c.properties & bit]
                char = BleakGATTCharacteristic(c, c.handle, _uuid(c.uuid), props,
                                               lambda: self._mtu - 3, service)
                found.add_characteristic(char)
                for d in await c.discover_descriptors():
                    found.add_descriptor(BleakGATTDescriptor(d, d.handle, _uuid(d.type), char))
        return found

    def _on_disconnection(self, _reason) -> None:
        self._conn = None
        if not self._closing and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        conn = self._conn
        if conn is None:
            return
        self._closing = True
        with contextlib.suppress(Exception):  # already gone
            await conn.disconnect()
        self._conn = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        async with self._att("pair"):
            await self._conn.pair()

    async def unpair(self) -> None:
        raise BleakError("unpair is not supported by the bumble backend")

    @contextlib.asynccontextmanager
    async def _att(self, what: str):
        if self._conn is None:
            raise BleakError("not connected")
        try:
            yield
        except Exception as e:  # ATT errors and a link lost mid-operation
            raise BleakError(f"{what} failed: {e!r}") from e

    async def read_gatt_char(self, characteristic, *, use_cached=False, **kwargs) -> bytearray:
        async with self._att("read"):
            return bytearray(await characteristic.obj.read_value())

    async def read_gatt_descriptor(self, descriptor, *, use_cached=False, **kwargs) -> bytearray:
        async with self._att("read"):
            return bytearray(await descriptor.obj.read_value())

    async def write_gatt_char(self, characteristic, data, response: bool) -> None:
        data = bytes(data)
        if len(data) > self._mtu - 3:
            raise BleakError(f"{len(data)} bytes do not fit one ATT write at MTU {self._mtu} "
                             f"(at most {self._mtu - 3})")
        async with self._att("write"):
            await characteristic.obj.write_value(data, with_response=response)

    async def write_gatt_descriptor(self, descriptor, data) -> None:
        async with self._att("write"):
            await descriptor.obj.write_value(bytes(data), with_response=True)

    async def start_notify(self, characteristic: BleakGATTCharacteristic,
                           callback: NotifyCallback, **kwargs: Any) -> None:
        def on_value(value: bytes) -> None:
            callback(bytearray(value))

        async with self._att("subscribe"):
            await characteristic.obj.subscribe(on_value)
        self._subscribers[characteristic.handle] = on_value

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        on_value = self._subscribers.pop(characteristic.handle, None)
        async with self._att("unsubscribe"):
            await characteristic.obj.unsubscribe(on_value)
