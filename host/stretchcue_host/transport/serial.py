"""USB serial: the CircuitPython ``usb_cdc`` data port carries the same frames as BLE.

USB cannot be sniffed from across the room, so it is also the safest place
to pair.  A background thread blocks on the port and hands what it reads to
the asyncio loop (``call_soon_threadsafe``: the queue is only ever touched
on the loop's thread); writes run in the loop's executor with a write
timeout, so a device that stops reading cannot freeze the loop.  ``close``
wakes the reader (``cancel_read``), waits for it and closes the port.

Failures are ``ConnectionLost`` with a sentence a person can act on: the
port that could not be opened and why, or that the device went away.
"""

from __future__ import annotations

import asyncio
import sys
import threading

from stretchcue_host.transport.base import ConnectionLost, Transport

ADAFRUIT_VID = 0x239A


def find_data_port() -> str:
    """The CircuitPython data port of the one Adafruit board plugged in.

    A board with the data port enabled shows two serial ports: the REPL
    console and the data port, which CircuitPython names "... CDC2 ..." and
    which comes second.
    """
    from serial.tools import list_ports

    ours = [p for p in list_ports.comports() if p.vid == ADAFRUIT_VID]
    named = [p.device for p in ours if "CDC2" in (p.interface or "")]
    if len(named) == 1:
        return named[0]
    boards = {p.serial_number for p in ours}
    if len(ours) >= 2 and len(boards) == 1:
        return sorted(ours, key=lambda p: (p.location or "", p.device))[-1].device
    if len(boards) > 1:
        raise ConnectionLost("several CircuitPython boards are plugged in; name the data "
                             "port: --transport usb:PORT")
    raise ConnectionLost("no CircuitPython data port found: is the device plugged in, and is "
                         "stretchcue's boot.py on it (it turns the data port on)?")


class SerialTransport(Transport):
    name = "usb"
    mtu = 512

    def __init__(self, port: str = "", baud: int = 115200, write_timeout_s: float = 5.0) -> None:
        super().__init__()
        self.port = port
        self.baud = baud
        self.write_timeout_s = write_timeout_s
        self.reason = ""  # why the link went down, for messages
        self._ser = None
        self._thread: threading.Thread | None = None
        self._closing = False

    def describe(self) -> str:
        return f"usb:{self.port}" if self.port else "usb"

    async def connect(self) -> None:
        if self.connected:
            return
        import serial

        if not self.port:
            try:
                self.port = find_data_port()
            except ConnectionLost as e:
                self.reason = str(e)
                raise
        try:
            ser = serial.Serial(self.port, self.baud, timeout=None,
                                write_timeout=self.write_timeout_s,
                                exclusive=True if sys.platform != "win32" else None)
            ser.reset_input_buffer()  # nothing left over from an earlier connection
        except (serial.SerialException, OSError, ValueError) as e:
            self.reason = (f"cannot open the USB serial port {self.port}: {e}; is the device "
                           "plugged in and running stretchcue, and no other program using "
                           "the port?")
            raise ConnectionLost(self.reason) from None
        while not self.received.empty():  # the end-of-link marker of the last connection
            self.received.get_nowait()
        self._ser = ser
        self._closing = False
        self.reason = ""
        self.connected = True
        loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._reader, args=(loop, ser),
                                        name=f"serial-reader {self.port}", daemon=True)
        self._thread.start()

    def _reader(self, loop: asyncio.AbstractEventLoop, ser) -> None:
        """Runs on its own thread until the port fails or ``close`` cancels it."""
        reason = "the USB serial port closed"
        try:
            while not self._closing:
                data = ser.read(max(1, ser.in_waiting))
                if data and not self._closing:
                    loop.call_soon_threadsafe(self.received.put_nowait, data)
        except Exception as e:  # pyserial raises SerialException, OSError, TypeError...
            reason = f"the USB serial port failed: {e}"
        if self._closing:
            return
        try:
            loop.call_soon_threadsafe(self._dropped, reason)
        except RuntimeError:  # the loop is gone: nobody is waiting any more
            pass

    def _dropped(self, what: str) -> None:
        self.reason = (f"{what}; check the cable and that the device is running stretchcue "
                       "(not in safe mode), then try again")
        self._lost()

    async def write(self, data: bytes) -> None:
        ser = self._ser
        if not self.connected or ser is None:
            raise ConnectionLost(self.reason or "not connected to the device over USB")
        try:
            await asyncio.get_running_loop().run_in_executor(None, ser.write, data)
        except Exception as e:  # SerialTimeoutException, SerialException, OSError
            self._dropped(f"writing to the USB serial port failed: {e or 'timed out'}")
            raise ConnectionLost(self.reason) from None

    async def close(self) -> None:
        ser, thread = self._ser, self._thread
        self._closing = True
        self._lost()
        self._ser = None
        self._thread = None
        if ser is None:
            return
        cancel = getattr(ser, "cancel_read", None)
        if cancel is not None:
            try:
                cancel()
            except Exception:
                pass
        if thread is not None:
            await asyncio.get_running_loop().run_in_executor(None, thread.join, 2.0)
        try:
            ser.close()
        except Exception:
            pass

    def lost_message(self) -> str:
        """What to tell a person when the link could not be made or went down."""
        return self.reason or ("the USB link to the device dropped; check the cable and that "
                               "the device is running stretchcue, then try again")
