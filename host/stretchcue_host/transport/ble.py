"""BLE through bleak: find the device by the NUS service UUID (and name), write, get notified.

The laptop's own radio.  The simulated board's virtual radio is reached by
``transport/bumble_central.py`` instead (bleak has no bumble backend).
Writes go out without response, cut to the negotiated ATT payload size; the
protocol's windows provide the flow control.
"""

from __future__ import annotations

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX
from stretchcue_host.transport.base import ConnectionLost, Transport


class BleTransport(Transport):
    name = "ble"

    def __init__(self, device: str = "", scan_timeout_s: float = 8.0) -> None:
        super().__init__()
        self.device = device
        self.scan_timeout_s = scan_timeout_s
        self._client = None

    async def _find(self):
        from bleak import BleakScanner

        found = await BleakScanner.discover(timeout=self.scan_timeout_s,
                                            service_uuids=[NUS_SERVICE])
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
            self._client = BleakClient(target, disconnected_callback=lambda _c: self._lost())
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
        return f"ble ({self.device or 'first found'})"
