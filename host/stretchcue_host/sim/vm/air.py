"""The air between the VM's ``_bleio`` stand-in (sim/fakes/bleio.py) and the driver's central.

``fakes/bleio.py`` is the one ``_bleio`` every simulated board uses; what is
behind it differs: a bumble peripheral on CPython, this object on the VMs.
The device side calls the air's members as bleio.py documents them; the host
side (``link``, on the driver's orders) calls ``peer_*``, and ``link`` carries
the notifications, advertisements and device-side disconnects to the driver.

As on an nRF52840: connectable advertising stops when a central connects; a
write that does not fit the CharacteristicBuffer's ring is dropped whole
(counted); the ring itself is allocated before code.py runs, so bytes in
flight do not count twice in the firmware's heap (bleio.py allocates the
board's own ring for that).
"""

from __future__ import annotations

_RING = 16384  # room for any CharacteristicBuffer the firmware may ask for


class Air:
    def __init__(self) -> None:
        self.name = "CIRCUITPY"
        self.mtu = 23
        self.connected = False
        self.connections = 0  # a counter: every connection is a new one
        self.advertising = False
        self.rx_capacity = 64
        self._ring = bytearray(_RING)
        self._head = 0
        self._count = 0
        self.outbox: list = []
        self.adverts: list = []  # (advertisement, scan response, connectable)
        self.device_drops = 0
        self.dropped = 0

    # -- the device's side (fakes/bleio.py) ------------------------------------------------

    def start_advertising(self, data: bytes, scan_response: bytes) -> None:
        self.advertising = True
        self.adverts.append((bytes(data), bytes(scan_response), True))

    def stop_advertising(self) -> None:
        self.advertising = False

    def in_waiting(self) -> int:
        return self._count

    def read(self, n: int) -> bytes:
        n = min(n, self._count)
        out = bytearray(n)
        ring, head = self._ring, self._head
        for i in range(n):
            out[i] = ring[(head + i) % _RING]
        self._head = (head + n) % _RING
        self._count -= n
        return bytes(out)

    def reset_input(self) -> None:
        self._head = self._count = 0

    def notify(self, packet) -> None:
        self.outbox.append(bytes(packet))

    def disconnect(self) -> None:
        if self.connected:
            self.connected = False
            self.outbox.clear()
            self.device_drops += 1

    # -- the central's side (link, on the driver's orders) ----------------------------------

    def peer_connect(self, mtu: int) -> bool:
        """A central connects and subscribes; refused unless connectable advertising is on."""
        if not self.advertising or self.connected:
            return False
        if self.rx_capacity > _RING:
            raise ValueError("CharacteristicBuffer larger than the air's ring")
        self.advertising = False
        self.connected = True
        self.connections += 1
        self.mtu = mtu
        return True

    def peer_write(self, data: bytes) -> bool:
        """One ATT write without response; False if no link or longer than the ATT payload."""
        if not self.connected or len(data) > self.mtu - 3:
            return False
        if self._count + len(data) > self.rx_capacity:
            self.dropped += len(data)
            return True
        ring, tail = self._ring, (self._head + self._count) % _RING
        for i in range(len(data)):
            ring[(tail + i) % _RING] = data[i]
        self._count += len(data)
        return True

    def peer_disconnect(self) -> None:
        if self.connected:
            self.connected = False
            self.outbox.clear()
