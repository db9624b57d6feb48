"""USB serial: the CircuitPython ``usb_cdc`` data port carries the same frames as BLE.

USB cannot be sniffed from across the room, so it is also the safest place
to pair.  A background thread reads the port and hands bytes to the asyncio
loop; writes are small and go straight to the port.
"""

from __future__ import annotations

import asyncio
import threading

from stretchcue_host.transport.base import ConnectionLost, Transport


def find_data_port() -> str:
    """The device's data port: the second CDC interface of an Adafruit board."""
    from serial.tools import list_ports

    ports = sorted(p.device for p in list_ports.comports() if p.vid == 0x239A)
    if len(ports) >= 2:
        return ports[-1]
    raise ConnectionLost("no CircuitPython data port found; is usb_cdc data enabled in boot.py?")


class SerialTransport(Transport):
    name = "usb"
    mtu = 512

    def __init__(self, port: str = "", baud: int = 115200) -> None:
        super().__init__()
        self.port = port
        self.baud = baud
        self._ser = None
        self._thread: threading.Thread | None = None

    async def connect(self) -> None:
        if self.connected:
            return
        import serial

        try:
            self._ser = serial.Serial(self.port or find_data_port(), self.baud, timeout=0.1)
        except serial.SerialException as e:
            raise ConnectionLost(f"cannot open the serial port: {e}") from None
        self.connected = True
        loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._reader, args=(loop,), daemon=True)
        self._thread.start()

    def _reader(self, loop: asyncio.AbstractEventLoop) -> None:
        ser = self._ser
        try:
            while self.connected and ser is not None:
                data = ser.read(ser.in_waiting or 1)
                if data:
                    loop.call_soon_threadsafe(self.received.put_nowait, data)
        except OSError:
            pass
        loop.call_soon_threadsafe(self._lost)

    async def write(self, data: bytes) -> None:
        if not self.connected or self._ser is None:
            raise ConnectionLost("not connected")
        try:
            self._ser.write(data)
        except OSError as e:
            self._lost()
            raise ConnectionLost(f"write failed: {e}") from None

    async def close(self) -> None:
        self._lost()
        if self._ser is not None:
            self._ser.close()
