"""BLE through bleak: find the device by the NUS service UUID (and name), write, get notified.

One code path for every radio: the laptop's own (bleak's OS backend) or a
bumble stack on an HCI transport (the simulated board's virtual radio, a USB
HCI dongle) through the bumble backend in ``bleak_bumble``, so what the tests
and the demo run is what talks to a real board.  Writes go out without
response, cut to the negotiated ATT payload size; the protocol's windows
provide the flow control.  Every ATT write and notification size is kept in
``writes`` / ``notifications``: the virtual link would not cut an oversized
packet, so tests and benches check them against ``mtu``.
"""

from __future__ import annotations

import contextlib

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX
from stretchcue_host.transport.base import ConnectionLost, Transport


def _radio(hci: str, mtu: int | None):
    """bleak's backend classes for ``hci`` (None, None for the OS radio) and the bumble radio."""
    if not hci:
        return None, None, None
    from stretchcue_host.transport.bleak_bumble import Radio, backends

    radio = Radio(hci, mtu=mtu)
    return (radio, *backends(radio))


NO_ADAPTER = ("no Bluetooth adapter found ({why}); switch Bluetooth on or plug in an "
              "adapter, or reach the device over its USB cable: --transport usb")


def radio_problem(e: BaseException, hci: str = "") -> str | None:
    """What is wrong with this computer's radio, if ``e`` says so, with the next step.

    bleak says it with BleakBluetoothNotAvailableError; on Linux with no Bluetooth
    service at all, its D-Bus connection fails first with a bare ``[Errno 2] No such
    file or directory`` (the system bus socket), which says nothing to a person."""
    from bleak import exc

    if hci:
        return None  # a bumble transport: its own words ("cannot open ...") say it
    text = str(e.args[0]) if e.args and isinstance(e.args[0], str) else str(e)
    unavailable = getattr(exc, "BleakBluetoothNotAvailableError", None)  # bleak >= 1.0
    if unavailable is not None and isinstance(e, unavailable):
        return NO_ADAPTER.format(why=text.rstrip(".") or "Bluetooth is not available")
    if isinstance(e, (FileNotFoundError, ConnectionRefusedError)):
        return NO_ADAPTER.format(why="the system's Bluetooth service cannot be reached: "
                                 + (e.strerror or text))
    if isinstance(e, exc.BleakError) and any(w in text for w in (
            "No Bluetooth adapters", "NotReady", "not powered", "Powered")):
        return NO_ADAPTER.format(why=text.rstrip("."))
    return None


async def scan(hci: str = "", timeout_s: float = 5.0) -> list[dict]:
    """Every device advertising the UART service, as ``{"name", "address"}``."""
    from bleak import BleakScanner
    from bleak.exc import BleakError

    radio, scanner, _ = _radio(hci, None)
    try:
        found = await BleakScanner.discover(timeout=timeout_s, service_uuids=[NUS_SERVICE],
                                            return_adv=True, backend=scanner)
    except (BleakError, OSError) as e:
        problem = radio_problem(e, hci)
        raise ConnectionLost(problem or f"cannot scan: {e}", local=bool(problem)) from None
    finally:
        if radio is not None:
            await radio.close()
    return [{"name": ad.local_name or d.name or "", "address": d.address}
            for d, ad in found.values()]


class BleTransport(Transport):
    name = "ble"

    def __init__(self, device: str = "", hci: str = "", mtu: int | None = None,
                 scan_timeout_s: float = 8.0) -> None:
        """``device``: name part or address ("" = first found); ``hci``: a bumble HCI
        transport spec ("" = the OS radio); ``mtu``: ATT MTU to ask for on bumble."""
        super().__init__()
        self.device = device
        self.hci = hci
        self.scan_timeout_s = scan_timeout_s
        self.writes: list[int] = []
        self.notifications: list[int] = []
        self._radio, self._scanner, self._backend = _radio(hci, mtu)
        self._client = None
        self._rx = None

    async def _find(self):
        from bleak import BleakScanner

        want = self.device.lower()

        def match(d, ad) -> bool:
            name = (ad.local_name or d.name or "").lower()
            return not want or want in name or want == d.address.lower()

        found = await BleakScanner.find_device_by_filter(
            match, timeout=self.scan_timeout_s, service_uuids=[NUS_SERVICE],
            backend=self._scanner)
        if found is None:
            raise ConnectionLost(
                "device not found: no stretchcue device"
                + (f" matching {self.device!r}" if want else "")
                + f" answered within {self.scan_timeout_s:g} s. Is it switched on and at its "
                "menu, within a few metres, and not connected to another computer? "
                "`stretchcue scan` lists the devices in range")
        return found

    def _on_notify(self, _char, data: bytearray) -> None:
        self.notifications.append(len(data))
        self.received.put_nowait(bytes(data))

    async def connect(self) -> None:
        if self.connected:
            return
        from bleak import BleakClient
        from bleak.exc import BleakError

        client = None
        try:
            target = await self._find()
            client = BleakClient(target, disconnected_callback=lambda _c: self._lost(),
                                 backend=self._backend)
            await client.connect()
            await client.start_notify(NUS_TX, self._on_notify)
            rx = client.services.get_characteristic(NUS_RX)
            if rx is None:
                raise BleakError("the device has no UART RX characteristic")
        except (BleakError, OSError, TimeoutError) as e:
            if client is not None:
                with contextlib.suppress(BleakError, OSError):
                    await client.disconnect()
            problem = radio_problem(e, self.hci)
            raise ConnectionLost(problem or f"could not connect: {e}",
                                 local=bool(problem) or str(e).startswith("cannot open")
                                 ) from None
        self._client, self._rx = client, rx
        self.mtu = max(20, rx.max_write_without_response_size)
        self.connected = client.is_connected
        if not self.connected:
            raise ConnectionLost("the link dropped while connecting")

    async def write(self, data: bytes) -> None:
        if not self.connected or self._client is None:
            raise ConnectionLost("not connected")
        from bleak.exc import BleakError

        try:
            for i in range(0, len(data), self.mtu):
                piece = data[i:i + self.mtu]
                self.writes.append(len(piece))
                await self._client.write_gatt_char(self._rx, piece, response=False)
        except (BleakError, OSError) as e:
            self._lost()
            raise ConnectionLost(f"write failed: {e}") from None

    async def disconnect(self) -> None:
        """End the connection but keep the radio, as walking out of range would."""
        from bleak.exc import BleakError

        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(BleakError, OSError):
                await client.disconnect()
        self._lost()

    async def close(self) -> None:
        await self.disconnect()
        if self._radio is not None:
            await self._radio.close()

    def describe(self) -> str:
        where = f"bumble {self.hci}" if self.hci else "ble"
        return f"{where} ({self.device or 'first found'})"
