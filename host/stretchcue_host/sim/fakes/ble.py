"""Stand-in for ``adafruit_ble`` (the parts firmware/ble_link.py uses) over a bumble peripheral.

The firmware's BLE adapter stays unmodified: it sees a BLERadio, a
UARTService and an advertisement, and behind them a real BLE stack talks to
the host over the virtual radio.
"""

from __future__ import annotations

import sys
import types

from stretchcue_host.vlink.peripheral import NusPeripheral


def install(peripheral: NusPeripheral) -> None:
    class _Inner:
        @property
        def max_packet_length(self) -> int:
            return peripheral.mtu - 3

    class _Connection:
        """One object per connection, as adafruit_ble hands out."""

        _bleio_connection = _Inner()

        def disconnect(self) -> None:
            peripheral.disconnect()

    cache: dict = {}

    class BLERadio:
        def __init__(self, adapter=None) -> None:
            self.name = peripheral.name

        @property
        def connected(self) -> bool:
            return peripheral.connected

        @property
        def connections(self) -> tuple:
            if not peripheral.connected:
                return ()
            n = peripheral.connections
            if n not in cache:
                cache.clear()
                cache[n] = _Connection()
            return (cache[n],)

        @property
        def advertising(self) -> bool:
            return peripheral.advertising

        def start_advertising(self, advertisement, **kwargs) -> None:
            peripheral.start_advertising()

        def stop_advertising(self) -> None:
            pass

    class VendorUUID:
        def __init__(self, uuid: str) -> None:
            self.uuid = uuid

    class StreamIn:
        def __init__(self, *, uuid=None, timeout: float = 1.0, buffer_size: int = 64,
                     **kwargs) -> None:
            self._buffer_size = buffer_size

    class _Characteristic:
        """A bound characteristic: setting ``value`` sends one notification."""

        @property
        def value(self) -> bytes:
            return b""

        @value.setter
        def value(self, data) -> None:
            peripheral.notify(bytes(data))

    class BoundWriteStream:
        """As adafruit_ble's: every write goes out in 20-byte notifications, whatever the MTU."""

        def __init__(self, bound_characteristic) -> None:
            self.bound_characteristic = bound_characteristic

        def write(self, buf) -> None:
            for i in range(0, len(buf), 20):
                self.bound_characteristic.value = buf[i:i + 20]

    class StreamOut:
        def __init__(self, *, uuid=None, timeout: float = 1.0, buffer_size: int = 64,
                     **kwargs) -> None:
            self._buffer_size = buffer_size

        def bind(self, service):
            return BoundWriteStream(_Characteristic())

    class UARTService:
        """Buffers what the host writes the way the firmware sized it (see ble_link), and
        sends through whatever TX characteristic the firmware declared."""

        _server_rx = StreamIn(buffer_size=512)
        _server_tx = StreamOut(buffer_size=512)

        def __init__(self) -> None:
            peripheral.rx_capacity = type(self)._server_rx._buffer_size
            self._tx = type(self)._server_tx.bind(self)

        @property
        def in_waiting(self) -> int:
            return peripheral.in_waiting()

        def read(self, nbytes: int | None = None) -> bytes:
            return peripheral.read(nbytes or peripheral.in_waiting())

        def write(self, data: bytes) -> None:
            self._tx.write(data)

        def reset_input_buffer(self) -> None:
            peripheral.reset_input()

    class Advertisement:
        def __init__(self) -> None:
            self.complete_name = None

        def __bytes__(self) -> bytes:
            name = (self.complete_name or "").encode()
            return bytes((len(name) + 1, 0x09)) + name if name else b""

    class ProvideServicesAdvertisement(Advertisement):
        def __init__(self, *services) -> None:
            super().__init__()
            self.services = services

    root = types.ModuleType("adafruit_ble")
    root.BLERadio = BLERadio
    adv = types.ModuleType("adafruit_ble.advertising")
    adv.Advertisement = Advertisement
    std = types.ModuleType("adafruit_ble.advertising.standard")
    std.ProvideServicesAdvertisement = ProvideServicesAdvertisement
    services = types.ModuleType("adafruit_ble.services")
    nordic = types.ModuleType("adafruit_ble.services.nordic")
    nordic.UARTService = UARTService
    chars = types.ModuleType("adafruit_ble.characteristics")
    stream = types.ModuleType("adafruit_ble.characteristics.stream")
    stream.StreamIn = StreamIn
    stream.StreamOut = StreamOut
    stream.BoundWriteStream = BoundWriteStream
    uuid = types.ModuleType("adafruit_ble.uuid")
    uuid.VendorUUID = VendorUUID
    for mod in (root, adv, std, services, nordic, chars, stream, uuid):
        sys.modules[mod.__name__] = mod
