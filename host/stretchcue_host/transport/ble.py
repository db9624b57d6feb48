"""BLE through bleak: find the device by the NUS service UUID (and name), write, get notified.

With ``bumble=True`` (``--transport bumble:...`` or STRETCHCUE_BUMBLE_TRANSPORT)
bleak is handed the scanner and client classes from the virtual-radio helper
(``transport/bleak_bumble.py``), so the same code talks to the simulated board.
Writes go out without response, cut to the negotiated ATT payload size; the
protocol's windows provide the flow control.
"""

from __future__ import annotations

import os

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX
from stretchcue_host.transport.base import ConnectionLost, Transport

BUMBLE_ENV = "STRETCHCUE_BUMBLE_TRANSPORT"


def _backend(bumble: bool) -> dict:
    if not (bumble or os.environ.get(BUMBLE_ENV)):
        return {}
    from stretchcue_host.transport import bleak_bumble  # the vlink helper's module

    return {"scanner": bleak_bumble.BumbleScanner, "client": bleak_bumble.BumbleClient}


class BleTransport(Transport):
    name = "ble"

    def __init__(self, device: str = "", scan_timeout_s: float = 8.0, bumble: bool = False) -> None:
        super().__init__()
        self.device = device
        self.scan_timeout_s = scan_timeout_s
        self._backend = _backend(bumble)
        self._client = None

    async def _find(self):
        from bleak import BleakScanner

        kw = {"backend": self._backend["scanner"]} if self._backend else {}
        found = await BleakScanner.discover(timeout=self.scan_timeout_s,
                                            service_uuids=[NUS_SERVICE], **kw)
        want = self.device.lower()
        for d in found:
            if not want or want in (d.name or "").lower() or want == d.address.lower():
                return d
        raise ConnectionLost("no stretchcue device found" + (f" matching {self.device!r}"
                                                            if want else "")
                             + "; is it awake and not connected to another computer?")

    async def connect(self) -> None:
        if self.connected:
            return
        from bleak import BleakClient
        from bleak.exc import BleakError

        try:
            target = await self._find()
            kw = {"backend": self._backend["client"]} if self._backend else {}
            self._client = BleakClient(target, disconnected_callback=lambda _c: self._lost(),
                                       **kw)
            await self._client.connect()
            await self._client.start_notify(NUS_TX, lambda _c, data: self.received.put_nowait(
                bytes(data)))
        except (BleakError, OSError, TimeoutError) as e:
            raise ConnectionLost(f"could not connect: {e}") from None
        self.connected = True
        char = self._client.services.get_characteristic(NUS_RX)
        size = getattr(char, "max_write_without_response_size", 20) if char else 20
        self.mtu = max(20, size)

    async def write(self, data: bytes) -> None:
        if not self.connected or self._client is None:
            raise ConnectionLost("not connected")
        from bleak.exc import BleakError

        try:
            for i in range(0, len(data), self.mtu):
                await self._client.write_gatt_char(NUS_RX, data[i:i + self.mtu], response=False)
        except (BleakError, OSError) as e:
            self._lost()
            raise ConnectionLost(f"write failed: {e}") from None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.disconnect()
        self._lost()

    def describe(self) -> str:
        return f"ble ({self.device or 'first found'}{', bumble' if self._backend else ''})"
