"""Stand-in for CircuitPython's ``_bleio`` (the peripheral role) over an "air" object.

The firmware's BLE adapter (firmware/ble_link.py) declares its service on
``_bleio`` itself, so this is the one radio API every simulated board needs,
whether the firmware runs on CPython (the air is a bumble peripheral on the
virtual radio, ``stretchcue_host.vlink.peripheral``) or on CircuitPython's or
MicroPython's own VM (the air is the board image test's lock-step pipe).  It is
written for all three: no ``types``, no dataclasses, no typing at run time.

The air offers ``name``, ``mtu``, ``connected``, ``connections`` (a counter, so
a reconnect between two polls is a new Connection), ``advertising``,
``start_advertising(data, scan_response)``, ``in_waiting()``, ``read(n)``,
``reset_input()``, ``notify(packet)``, ``disconnect()`` and ``rx_capacity``.
Behaviour follows shared-bindings/_bleio and ports/nordic: a notification
longer than the link's ATT payload is an error, a write that does not fit the
CharacteristicBuffer is dropped whole, and an advertisement over 31 bytes is
an extended one (recorded, so tests can see it).
"""

import sys

AIR = None  # set by install()
LEGACY_ADV_MAX = 31


def install(air):
    """Put ``air`` behind a fresh ``adapter`` and make this module ``_bleio``."""
    global AIR, adapter
    AIR = air
    adapter = Adapter()
    sys.modules["_bleio"] = sys.modules[__name__]
    return adapter


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
    def __init__(self, value):
        if isinstance(value, int):
            self.size = 16
            self.uuid16 = value
            self.uuid128 = None
        else:
            text = value.replace("-", "") if isinstance(value, str) else None
            raw = bytes(reversed(bytes.fromhex(text))) if text else bytes(value)
            if len(raw) != 16:
                raise ValueError("UUID string must be of the form xxxxxxxx-xxxx-xxxx-xxxx-"
                                 "xxxxxxxxxxxx")
            self.size = 128
            self.uuid128 = raw
            self.uuid16 = raw[12] | raw[13] << 8

    def __eq__(self, other):
        return isinstance(other, UUID) and (self.uuid128, self.uuid16) == (
            other.uuid128, other.uuid16)

    def __hash__(self):
        return hash((self.uuid128, self.uuid16))


class Service:
    def __init__(self, uuid, *, secondary=False):
        self.uuid = uuid
        self.secondary = secondary
        self.characteristics = []
        self.remote = False


class Characteristic:
    BROADCAST = 0x01
    READ = 0x02
    WRITE_NO_RESPONSE = 0x04
    WRITE = 0x08
    NOTIFY = 0x10
    INDICATE = 0x20

    def __init__(self):
        raise TypeError("use Characteristic.add_to_service()")

    @classmethod
    def add_to_service(cls, service, uuid, *, properties=0, read_perm=Attribute.OPEN,
                       write_perm=Attribute.OPEN, max_length=20, fixed_length=False,
                       initial_value=None, user_description=None):
        if max_length > 512:
            raise ValueError("max_length must be <= 512")
        char = object.__new__(cls)
        char.service = service
        char.uuid = uuid
        char.properties = properties
        char.max_length = max_length
        char._value = bytes(initial_value or bytes(0 if not fixed_length else max_length))
        char._buffers = []
        service.characteristics.append(char)
        return char

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, data):
        data = bytes(data)
        if len(data) > self.max_length:
            raise ValueError("Value length > max_length")
        self._value = data
        if self.properties & (self.NOTIFY | self.INDICATE) and AIR is not None and AIR.connected:
            if len(data) > AIR.mtu - 3:
                raise BluetoothError("notification longer than the link's ATT payload")
            AIR.notify(data)


class CharacteristicBuffer:
    """What the host writes to ``characteristic``, in a ring of ``buffer_size`` bytes."""

    def __init__(self, characteristic, *, timeout=1.0, buffer_size=64):
        if buffer_size < 1:
            raise ValueError("buffer_size must be >= 1")
        self.characteristic = characteristic
        self.timeout = timeout
        self._ring = bytearray(buffer_size)  # a board allocates it on the Python heap
        if AIR is not None:
            AIR.rx_capacity = buffer_size

    @property
    def in_waiting(self):
        return AIR.in_waiting() if AIR is not None else 0

    def read(self, nbytes=None):
        if AIR is None:
            return None
        n = AIR.in_waiting() if nbytes is None else min(nbytes, AIR.in_waiting())
        return AIR.read(n) if n else None

    def reset_input_buffer(self):
        if AIR is not None:
            AIR.reset_input()

    def deinit(self):
        pass


class Connection:
    """One per connection, as the adapter hands them out; ``max_packet_length`` is the
    link's ATT payload (MTU - 3)."""

    def __init__(self, number):
        self.number = number

    @property
    def connected(self):
        return AIR is not None and AIR.connected and AIR.connections == self.number

    @property
    def max_packet_length(self):
        return AIR.mtu - 3

    def disconnect(self):
        if self.connected:
            AIR.disconnect()


class Adapter:
    def __init__(self):
        self.enabled = True
        self._name = "CIRCUITPY"
        self._conn = None
        self.advertisement = b""
        self.scan_response = b""
        self.extended = False

    @property
    def name(self):
        return AIR.name if AIR is not None else self._name

    @name.setter
    def name(self, value):
        self._name = value
        if AIR is not None:
            AIR.name = value

    @property
    def connected(self):
        return AIR is not None and AIR.connected

    @property
    def connections(self):
        if not self.connected:
            return ()
        if self._conn is None or self._conn.number != AIR.connections:
            self._conn = Connection(AIR.connections)
        return (self._conn,)

    @property
    def advertising(self):
        return AIR is not None and AIR.advertising

    def start_advertising(self, data, *, scan_response=None, connectable=True, anonymous=False,
                          timeout=0, interval=0.1, tx_power=0, directed_to=None):
        if self.advertising:
            raise BluetoothError("Already advertising")
        self.advertisement = bytes(data)
        self.scan_response = bytes(scan_response or b"")
        self.interval = interval  # seconds, as the firmware asked (slower while idle)
        self.extended = (len(self.advertisement) > LEGACY_ADV_MAX
                         or len(self.scan_response) > LEGACY_ADV_MAX)
        if AIR is not None:
            AIR.start_advertising(self.advertisement, self.scan_response)

    def stop_advertising(self):
        stop = getattr(AIR, "stop_advertising", None)
        if stop is not None:
            stop()


adapter = Adapter()
