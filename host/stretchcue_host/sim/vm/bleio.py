"""``_bleio`` for the VMs, so the real ``adafruit_ble`` runs on it as on an nRF52840.

The peripheral side is CircuitPython's API (circuitpython-stubs' signatures),
with the nRF port's behaviour where it matters to the firmware:

- connectable advertising stops when a central connects and does not restart
  by itself; data over 31 bytes goes out as an *extended* advertisement, which
  BLE 4.x phones cannot see (recorded, with the scan response);
- a ``CharacteristicBuffer`` allocates its ring on the heap and drops the part
  of a write that does not fit;
- a notification longer than the connection's ``max_packet_length`` (ATT MTU
  - 3) is cut to it by the SoftDevice;
- ``CharacteristicBuffer.read(n)`` waits up to its timeout when fewer than n
  bytes are buffered: counted as a stall here, where nothing would arrive.

The central (the laptop) is the driver on the desktop: ``link`` hands its
connects, writes and disconnects to ``Adapter.peer_*`` and collects the
notifications from ``Adapter.outbox``.
"""

from __future__ import annotations

from binascii import hexlify, unhexlify


class BluetoothError(Exception):
    pass


class RoleError(BluetoothError):
    pass


class SecurityError(BluetoothError):
    pass


class Attribute:
    NO_ACCESS = 0x00
    OPEN = 0x11
    ENCRYPT_NO_MITM = 0x21
    ENCRYPT_WITH_MITM = 0x31
    LESC_ENCRYPT_WITH_MITM = 0x41
    SIGNED_NO_MITM = 0x12
    SIGNED_WITH_MITM = 0x22


class UUID:
    """A 16-bit SIG or 128-bit vendor UUID; 128-bit values are kept little-endian."""

    def __init__(self, value) -> None:
        if isinstance(value, int):
            if not 0 <= value <= 0xFFFF:
                raise ValueError("UUID integer value must be 0-0xffff")
            self._u16 = value
            self._u128 = None
            return
        if isinstance(value, str):
            digits = value.replace("-", "")
            if len(value) != 36 or len(digits) != 32:
                raise ValueError("UUID string not 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'")
            raw = unhexlify(digits)
            le = bytearray(16)
            for i in range(16):
                le[i] = raw[15 - i]
        else:
            le = bytes(value)
            if len(le) != 16:
                raise ValueError("UUID value is not str, int or byte buffer")
        self._u128 = bytes(le)
        self._u16 = le[12] | (le[13] << 8)

    @property
    def uuid16(self) -> int:
        return self._u16

    @property
    def uuid128(self) -> bytes:
        if self._u128 is None:
            raise AttributeError("uuid128")
        return self._u128

    @property
    def size(self) -> int:
        return 16 if self._u128 is None else 128

    def pack_into(self, buffer, offset: int = 0) -> None:
        if self._u128 is None:
            buffer[offset] = self._u16 & 0xFF
            buffer[offset + 1] = self._u16 >> 8
        else:
            buffer[offset:offset + 16] = self._u128

    def __eq__(self, other) -> bool:
        return isinstance(other, UUID) and self._u16 == other._u16 and \
            self._u128 == other._u128

    def __hash__(self) -> int:
        return hash(self._u128) if self._u128 is not None else self._u16

    def __repr__(self) -> str:
        if self._u128 is None:
            return "UUID(0x%04x)" % self._u16
        le = self._u128
        h = hexlify(bytes([le[15 - i] for i in range(16)])).decode()
        return "UUID('%s-%s-%s-%s-%s')" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def text(self) -> str:
        """The canonical string form (what the laptop asks for)."""
        return self.__repr__()[6:-2] if self._u128 is not None else "%04x" % self._u16


class Address:
    PUBLIC = 0
    RANDOM_STATIC = 1
    RANDOM_PRIVATE_RESOLVABLE = 2
    RANDOM_PRIVATE_NON_RESOLVABLE = 3

    def __init__(self, address, address_type: int) -> None:
        if len(address) != 6:
            raise ValueError("Address must be 6 bytes long")
        self.address_bytes = bytes(address)
        self.type = address_type

    def __eq__(self, other) -> bool:
        return isinstance(other, Address) and self.address_bytes == other.address_bytes

    def __hash__(self) -> int:
        return hash(self.address_bytes)


class Service:
    def __init__(self, uuid: UUID, *, secondary: bool = False) -> None:
        if not isinstance(uuid, UUID):
            raise TypeError("Expected a UUID")
        self.uuid = uuid
        self.secondary = secondary
        self.remote = False
        self.characteristics: tuple = ()
        adapter.services.append(self)

    def deinit(self) -> None:
        pass


class Characteristic:
    BROADCAST = 0x01
    READ = 0x02
    WRITE_NO_RESPONSE = 0x04
    WRITE = 0x08
    NOTIFY = 0x10
    INDICATE = 0x20

    def __init__(self) -> None:
        raise NotImplementedError("use Characteristic.add_to_service")

    @classmethod
    def add_to_service(cls, service: Service, uuid: UUID, *, properties: int = 0,
                       read_perm: int = Attribute.OPEN, write_perm: int = Attribute.OPEN,
                       max_length: int = 20, fixed_length: bool = False,
                       initial_value=None, user_description=None):
        if not isinstance(service, Service) or not isinstance(uuid, UUID):
            raise TypeError("service and uuid must be a Service and a UUID")
        if not 0 <= max_length <= 512:
            raise ValueError("max_length must be 0-512")
        if initial_value is not None and len(initial_value) > max_length:
            raise ValueError("initial_value length is wrong")
        c = object.__new__(cls)
        c.service = service
        c.uuid = uuid
        c.properties = properties
        c.max_length = max_length
        c.fixed_length = fixed_length
        c.listeners: list = []
        c._value = None if initial_value is None else bytes(initial_value)
        service.characteristics = service.characteristics + (c,)
        return c

    @property
    def value(self):
        if self._value is None:
            return bytes(self.max_length if self.fixed_length else 0)
        return self._value

    @value.setter
    def value(self, data) -> None:
        n = len(data)
        if n > self.max_length:
            raise ValueError("Value length > max_length")
        if self.fixed_length and n != self.max_length:
            raise ValueError("Value length != required fixed length")
        if self.properties & (Characteristic.NOTIFY | Characteristic.INDICATE):
            adapter.notify(self, data)
        # Kept in the SoftDevice on a board, not on the heap: nothing stored here.

    @property
    def descriptors(self) -> tuple:
        return ()

    def set_cccd(self, *, notify: bool = False, indicate: bool = False) -> None:
        raise RoleError("set_cccd is for a remote characteristic")

    def deinit(self) -> None:
        pass

    def peer_write(self, data: bytes) -> None:
        for listener in self.listeners:
            listener.put(data)


class CharacteristicBuffer:
    def __init__(self, characteristic: Characteristic, *, timeout: float = 1.0,
                 buffer_size: int = 64) -> None:
        if buffer_size < 1:
            raise ValueError("buffer_size must be >= 1")
        self._ring = bytearray(buffer_size)  # on the GC heap, as ringbuf_alloc's
        self._head = 0
        self._count = 0
        self.timeout = timeout
        characteristic.listeners.append(self)

    def put(self, data: bytes) -> None:
        ring = self._ring
        size = len(ring)
        room = size - self._count
        take = min(room, len(data))
        tail = (self._head + self._count) % size
        for i in range(take):
            ring[(tail + i) % size] = data[i]
        self._count += take
        adapter.dropped += len(data) - take

    @property
    def in_waiting(self) -> int:
        return self._count

    def read(self, nbytes=None):
        if nbytes is not None and nbytes > self._count:
            adapter.stalls += 1
        n = self._count if nbytes is None else min(nbytes, self._count)
        if n == 0:
            return None
        ring = self._ring
        size = len(ring)
        head = self._head
        if head + n <= size:
            out = bytes(ring[head:head + n])
        else:
            out = bytes(ring[head:]) + bytes(ring[:n - (size - head)])
        self._head = (head + n) % size
        self._count -= n
        return out

    def readinto(self, buf, nbytes=None) -> int:
        data = self.read(len(buf) if nbytes is None else min(nbytes, len(buf)))
        if not data:
            return 0
        buf[:len(data)] = data
        return len(data)

    def readline(self) -> bytes:
        out = b""
        while self._count:
            c = self.read(1)
            out += c
            if c == b"\n":
                break
        return out

    def reset_input_buffer(self) -> None:
        self._head = 0
        self._count = 0

    def deinit(self) -> None:
        pass


class PacketBuffer:
    """Packet-aware buffer: whole packets in, one notification per write out."""

    def __init__(self, characteristic: Characteristic, *, buffer_size: int,
                 max_packet_size=None) -> None:
        self._char = characteristic
        self._packets: list = []
        self._max = buffer_size
        self.incoming_packet_length = max_packet_size or characteristic.max_length
        characteristic.listeners.append(self)

    @property
    def outgoing_packet_length(self) -> int:
        conn = adapter._conn
        size = conn.max_packet_length if conn is not None else 20
        return min(size, self._char.max_length)

    def put(self, data: bytes) -> None:
        if len(self._packets) < self._max:
            self._packets.append(bytes(data))
        else:
            adapter.dropped += len(data)

    def readinto(self, buf) -> int:
        if not self._packets:
            return 0
        p = self._packets.pop(0)
        if len(p) > len(buf):
            raise ValueError("Buffer too short by %d bytes" % (len(p) - len(buf)))
        buf[:len(p)] = p
        return len(p)

    def write(self, data, *, header=None) -> int:
        packet = (bytes(header) if header else b"") + bytes(data)
        adapter.notify(self._char, packet)
        return len(packet)

    def deinit(self) -> None:
        pass


class Descriptor:
    @classmethod
    def add_to_characteristic(cls, characteristic, uuid, *, read_perm=Attribute.OPEN,
                              write_perm=Attribute.OPEN, max_length: int = 20,
                              fixed_length: bool = False, initial_value=b""):
        d = object.__new__(cls)
        d.uuid = uuid
        d.value = bytes(initial_value)
        return d


class Connection:
    """One central's connection; a new object for every connection, as on a board."""

    def __init__(self, mtu: int) -> None:
        self.connected = True
        self.paired = False
        self.connection_interval = 15.0
        self._mtu = mtu

    @property
    def max_packet_length(self) -> int:
        return self._mtu - 3

    def disconnect(self) -> None:
        adapter.drop(self, by_device=True)

    def pair(self, *, bond: bool = True) -> None:
        self.paired = True

    def discover_remote_services(self, service_uuids_whitelist=None) -> tuple:
        return ()


class ScanEntry:
    pass


class Adapter:
    def __init__(self) -> None:
        self.enabled = True
        self.address = Address(b"\x5c\x0f\xfe\xe5\x00\x01", Address.RANDOM_STATIC)
        self._name = "CIRCUITPY0001"
        self.services: list = []
        self.advertising = False
        self._conn = None
        # What the desktop side reads: advertisements started, notifications sent,
        # connections the device ended, bytes dropped, reads that would have waited.
        self.adverts: list = []
        self.outbox: list = []
        self.device_drops = 0
        self.dropped = 0
        self.stalls = 0
        self.cut_notifications = 0

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("name must be a str")
        self._name = value

    @property
    def connected(self) -> bool:
        return self._conn is not None

    @property
    def connections(self) -> tuple:
        return () if self._conn is None else (self._conn,)

    def start_advertising(self, data, *, scan_response=None, connectable: bool = True,
                          anonymous: bool = False, timeout: int = 0, interval: float = 0.1,
                          tx_power: int = 0, directed_to=None) -> None:
        data = bytes(data)
        sr = b"" if scan_response is None else bytes(scan_response)
        if len(data) > 254 or len(sr) > 254:
            raise BluetoothError("Data too large for advertisement packet")
        if len(data) > 31 and connectable and sr:
            raise BluetoothError("Cannot have scan responses for extended, connectable "
                                 "advertisements.")
        if not 0.02 <= interval <= 10.24:
            raise ValueError("interval must be in range 0.02-10.24")
        if self.advertising:
            raise BluetoothError("Already advertising")
        self.advertising = True
        self._connectable = connectable
        self.adverts.append((data, sr, connectable))

    def stop_advertising(self) -> None:
        self.advertising = False

    def start_scan(self, prefixes=b"", **kwargs):
        return iter(())

    def stop_scan(self) -> None:
        pass

    def connect(self, address, *, timeout: float):
        raise BluetoothError("no peripherals here")

    def erase_bonding(self) -> None:
        pass

    # -- the air: called by the host link, for the central on the desktop -------------

    def notify(self, characteristic: Characteristic, data) -> None:
        conn = self._conn
        if conn is None:
            return  # nobody subscribed: a board only stores the value
        size = conn.max_packet_length
        if len(data) > size:
            self.cut_notifications += 1
            data = data[:size]
        self.outbox.append(bytes(data))

    def peer_connect(self, mtu: int) -> bool:
        """A central connects (and subscribes to every notifying characteristic)."""
        if not self.advertising or not self._connectable or self._conn is not None:
            return False
        self.advertising = False
        self._conn = Connection(mtu)
        return True

    def peer_write(self, uuid: str, data: bytes) -> bool:
        if self._conn is None:
            return False
        for service in self.services:
            for c in service.characteristics:
                if c.uuid.text() == uuid and c.properties & (
                        Characteristic.WRITE | Characteristic.WRITE_NO_RESPONSE):
                    if len(data) > min(c.max_length, self._conn.max_packet_length):
                        return False
                    c.peer_write(data)
                    return True
        return False

    def drop(self, conn, by_device: bool = False) -> None:
        if conn is not None and conn is self._conn:
            conn.connected = False
            self._conn = None
            self.outbox.clear()
            if by_device:
                self.device_drops += 1


adapter = Adapter()


def set_adapter(new) -> None:
    raise NotImplementedError("This board has a built-in adapter")


def modules(install) -> None:
    install("_bleio", adapter=adapter, set_adapter=set_adapter, Adapter=Adapter,
            Address=Address, Attribute=Attribute, Characteristic=Characteristic,
            CharacteristicBuffer=CharacteristicBuffer, Connection=Connection,
            Descriptor=Descriptor, PacketBuffer=PacketBuffer, ScanEntry=ScanEntry,
            Service=Service, UUID=UUID, BluetoothError=BluetoothError, RoleError=RoleError,
            SecurityError=SecurityError)
