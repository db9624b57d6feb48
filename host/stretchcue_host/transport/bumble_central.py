"""The laptop side of the virtual radio: a bumble central speaking NUS.

Used for the simulated device (tests, the demo) and for USB HCI dongles via
bumble transport strings.  It finds the device by its service UUID (the
virtual scan response repeats the advertisement), negotiates the MTU, and
never writes more than MTU-3 bytes at once: the virtual link would not cut
an oversized write, a real radio would.
"""

from __future__ import annotations

import asyncio
import os

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX
from stretchcue_host.transport.base import ConnectionLost, Transport

ENV = "STRETCHCUE_BUMBLE_TRANSPORT"
MTU_ENV = "STRETCHCUE_BUMBLE_MTU"


class BumbleTransport(Transport):
    name = "bumble"

    def __init__(self, spec: str = "", device: str = "", mtu: int | None = None,
                 scan_timeout_s: float = 8.0) -> None:
        super().__init__()
        self.spec = spec or os.environ.get(ENV, "")
        self.device = device
        self.want_mtu = mtu or int(os.environ.get(MTU_ENV, "247"))
        self.scan_timeout_s = scan_timeout_s
        self.writes: list[int] = []  # sizes of every ATT write, for tests and benches
        self.notifications: list[int] = []
        self._hci = None
        self._dev = None
        self._conn = None
        self._rx = None

    async def _stack(self):
        if self._dev is None:
            if not self.spec:
                raise ConnectionLost(f"no virtual radio: set {ENV}")
            from bumble.device import Device
            from bumble.transport import open_transport

            self._hci = await open_transport(self.spec)
            self._dev = Device.with_hci("stretchcue-host", "E0:5C:00:00:00:02",
                                        self._hci.source, self._hci.sink)
            await self._dev.power_on()
        return self._dev

    async def _find(self, dev):
        from bumble.core import UUID, AdvertisingData

        loop = asyncio.get_running_loop()
        found: asyncio.Future = loop.create_future()
        want = self.device.lower()

        def on_adv(adv) -> None:
            uuids = adv.data.get(AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS)
            name = adv.data.get(AdvertisingData.COMPLETE_LOCAL_NAME) or b""
            name = name.decode() if isinstance(name, bytes) else str(name)
            if any(u == UUID(NUS_SERVICE) for u in uuids or ()) and not found.done():
                if not want or want in name.lower() or want == str(adv.address).lower():
                    found.set_result(adv.address)

        dev.on("advertisement", on_adv)
        await dev.start_scanning()
        try:
            return await asyncio.wait_for(found, self.scan_timeout_s)
        except TimeoutError:
            raise ConnectionLost("no stretchcue device found on the virtual radio") from None
        finally:
            dev.remove_listener("advertisement", on_adv)
            await dev.stop_scanning()

    async def connect(self) -> None:
        if self.connected:
            return
        from bumble.core import UUID
        from bumble.device import Peer

        dev = await self._stack()
        address = await self._find(dev)
        try:
            conn = await dev.connect(address)
        except Exception as e:  # bumble raises several kinds for a failed connect
            raise ConnectionLost(f"could not connect: {e}") from None
        conn.on("disconnection", lambda _reason: self._lost())
        peer = Peer(conn)
        mtu = await peer.request_mtu(self.want_mtu)
        await peer.discover_services([UUID(NUS_SERVICE)])
        service = peer.get_services_by_uuid(UUID(NUS_SERVICE))[0]
        await service.discover_characteristics()
        self._rx = service.get_characteristics_by_uuid(UUID(NUS_RX))[0]
        tx = service.get_characteristics_by_uuid(UUID(NUS_TX))[0]

        def on_notify(value) -> None:
            self.notifications.append(len(value))
            self.received.put_nowait(bytes(value))

        await tx.subscribe(on_notify)
        self._conn = conn
        self.mtu = mtu - 3
        self.connected = True

    async def write(self, data: bytes) -> None:
        if not self.connected or self._rx is None:
            raise ConnectionLost("not connected")
        for i in range(0, len(data), self.mtu):
            piece = data[i:i + self.mtu]
            self.writes.append(len(piece))
            try:
                await self._rx.write_value(piece, with_response=False)
            except Exception as e:  # the link went away under us
                self._lost()
                raise ConnectionLost(f"write failed: {e}") from None

    async def close(self) -> None:
        if self._conn is not None and self.connected:
            try:
                await self._conn.disconnect()
            except Exception:  # already gone
                pass
        self._lost()
        if self._hci is not None:
            await self._hci.close()
            self._hci = None
            self._dev = None

    def describe(self) -> str:
        return f"bumble ({self.spec})"
