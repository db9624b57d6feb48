"""A Nordic UART Service peripheral on a bumble stack, driven from a plain thread.

The simulated board's firmware is synchronous (it polls, like on CircuitPython),
while bumble is asyncio: the peripheral runs its own event loop in a thread,
and the firmware side only touches thread-safe buffers.  Writes are fed in
order from bumble's synchronous callback; notifications are cut to MTU-3.
Like CircuitPython's CharacteristicBuffer, a write that does not fit in the
receive buffer is dropped whole (and counted), so a host that floods the
device is caught here and not only on a real board.
"""

from __future__ import annotations

import asyncio
import threading

from stretchcue.protocol import NUS_RX, NUS_SERVICE, NUS_TX


class NusPeripheral:
    def __init__(self, transport: str, name: str, address: str = "F0:5C:00:00:00:01") -> None:
        self.transport_spec = transport
        self.name = name
        self.address = address
        self.mtu = 23
        self.rx_capacity = 512
        self.rx_dropped = 0
        self.connections = 0  # counts every connection, so a quick reconnect is noticed
        self.connected = False
        self.advertising = False
        self._rx = bytearray()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="nus-peripheral")
        self._thread.start()
        if not self._ready.wait(20):
            raise RuntimeError("virtual radio did not start")
        if self._error is not None:
            raise RuntimeError(f"virtual radio failed: {self._error}")

    # -- firmware side (any thread) ---------------------------------------------

    def in_waiting(self) -> int:
        with self._lock:
            return len(self._rx)

    def read(self, n: int) -> bytes:
        with self._lock:
            data = bytes(self._rx[:n])
            del self._rx[:n]
        return data

    def reset_input(self) -> None:
        with self._lock:
            self._rx.clear()

    def notify(self, packet: bytes) -> None:
        """Exactly one notification, as ``_bleio`` sends a characteristic's new value:
        longer than the ATT payload is an error there, so it is one here too."""
        if len(packet) > self.mtu - 3:
            raise ValueError("notification of %d bytes; the link's MTU allows %d"
                             % (len(packet), self.mtu - 3))
        self.send(packet)

    def send(self, data: bytes) -> None:
        """Queue notifications; one sender task keeps them in order (separate tasks
        awaiting bumble's flow control could overtake each other)."""
        if self.connected and data:
            self._loop.call_soon_threadsafe(self._outbox.put_nowait, bytes(data))

    def close(self) -> None:
        """Leave the radio: stop the sender, close the HCI link, end the thread."""
        async def down() -> None:
            self._sender.cancel()
            await self._hci.close()

        asyncio.run_coroutine_threadsafe(down(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def start_advertising(self, data: bytes = b"", scan_response: bytes = b"") -> None:
        """Advertise (what the firmware asked for is kept in ``advertised``; see _setup
        for why the virtual radio sends its own data)."""
        self.advertised = (bytes(data), bytes(scan_response))
        asyncio.run_coroutine_threadsafe(self._advertise(), self._loop).result(10)

    def disconnect(self) -> None:
        conn = self._conn
        if conn is not None:
            asyncio.run_coroutine_threadsafe(conn.disconnect(), self._loop)

    # -- bumble side (its own thread) -------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._setup())
        except Exception as e:  # surfaced to the constructor
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    async def _setup(self) -> None:
        from bumble.core import UUID, AdvertisingData
        from bumble.device import Device
        from bumble.gatt import Characteristic, CharacteristicValue, Service
        from bumble.transport import open_transport

        self._hci = await open_transport(self.transport_spec)
        dev = Device.with_hci(self.name, self.address, self._hci.source, self._hci.sink)
        self._tx = Characteristic(NUS_TX, Characteristic.Properties.NOTIFY,
                                  Characteristic.READABLE, b"")
        rx = Characteristic(
            NUS_RX,
            Characteristic.Properties.WRITE | Characteristic.Properties.WRITE_WITHOUT_RESPONSE,
            Characteristic.WRITEABLE, CharacteristicValue(write=self._on_write))
        dev.add_services([Service(NUS_SERVICE, [rx, self._tx])])
        dev.on("connection", self._on_connection)
        await dev.power_on()
        # The name stays in the advertising data here, unlike firmware/ble_link.py's
        # (name in the scan response): bumble's virtual controller answers a scan
        # with the advertising data, never with scan_response_data.
        dev.advertising_data = bytes(AdvertisingData([
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
            (AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
             bytes(UUID(NUS_SERVICE))),
        ]))
        dev.advertising_interval_min = dev.advertising_interval_max = 20
        self._dev = dev
        self._outbox: asyncio.Queue = asyncio.Queue()
        self._sender = asyncio.get_running_loop().create_task(self._send_all())
        self._conn = None

    async def _advertise(self) -> None:
        if not self.advertising and not self.connected:
            await self._dev.start_advertising(auto_restart=False)
            self.advertising = True

    def _on_write(self, connection, value) -> None:
        with self._lock:
            if len(self._rx) + len(value) > self.rx_capacity:
                self.rx_dropped += 1
                print("radio: receive buffer full, write of %d bytes dropped" % len(value),
                      flush=True)
                return
            self._rx += bytes(value)

    def _on_connection(self, connection) -> None:
        self._conn = connection
        self.connections += 1
        self.connected = True
        self.advertising = False
        self.mtu = 23

        def on_mtu() -> None:
            self.mtu = connection.att_mtu

        def on_gone(reason) -> None:
            self.connected = False
            self._conn = None
            while not self._outbox.empty():  # nothing of this link reaches the next
                self._outbox.get_nowait()

        connection.on("connection_att_mtu_update", on_mtu)
        connection.on("disconnection", on_gone)

    async def _send_all(self) -> None:
        while True:
            data = await self._outbox.get()
            try:
                await self._notify(data)
            except Exception as e:  # a link gone mid-send must not stop the sender
                print("radio: notification not sent: %s" % e, flush=True)

    async def _notify(self, data: bytes) -> None:
        size = max(20, self.mtu - 3)
        for i in range(0, len(data), size):
            if not self.connected:
                return
            await self._dev.notify_subscribers(self._tx, data[i:i + size])
