"""Stand-in for CircuitPython's ``usb_cdc`` with the data port on a pseudo-terminal.

The simulated board keeps the pty's master end; the laptop side opens the
slave path (``/dev/pts/N``) with pyserial exactly as it would open
``/dev/ttyACM1``.  The slave is put in raw mode (no echo, no line editing, no
XON/XOFF, no newline translation), so every byte of a frame passes as is.

``connected`` mirrors ``usb_cdc.Serial.connected`` (the host asserts DTR when
it opens the port): true while some process has the slave open.  The board
holds no slave descriptor itself, so the kernel reports a hang-up on the
master exactly when nobody has it open, which one ``poll`` call reads.
Reads and writes never block, as with ``timeout = 0`` / ``write_timeout = 0``.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import sys
import termios
import tty
import types


class PtySerial:
    """The parts of ``usb_cdc.Serial`` the firmware uses, over a pty master."""

    def __init__(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)  # only the host's opens count from now on
        os.set_blocking(master, False)
        self._fd = master
        self._poll = select.poll()
        self._poll.register(master, select.POLLIN)
        self.timeout: float | None = None
        self.write_timeout: float | None = None
        self.read_bytes = 0
        self.written_bytes = 0

    @property
    def connected(self) -> bool:
        for _, events in self._poll.poll(0):
            if events & select.POLLHUP:
                return False
        return True

    @property
    def in_waiting(self) -> int:
        try:
            raw = fcntl.ioctl(self._fd, termios.FIONREAD, b"\0\0\0\0")
        except OSError:
            return 0
        return struct.unpack("I", raw)[0]

    @property
    def out_waiting(self) -> int:
        return 0

    def read(self, size: int = -1) -> bytes:
        try:
            data = os.read(self._fd, size if size > 0 else 4096)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError as e:
            if e.errno == errno.EIO:  # nobody has the slave open
                return b""
            raise
        self.read_bytes += len(data)
        return data

    def write(self, buf) -> int:
        try:
            n = os.write(self._fd, bytes(buf))
        except (BlockingIOError, InterruptedError):
            return 0
        except OSError as e:
            if e.errno == errno.EIO:
                return 0
            raise
        self.written_bytes += n
        return n

    def reset_input_buffer(self) -> None:
        while self.read(4096):
            pass

    def reset_output_buffer(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        os.close(self._fd)


def install() -> PtySerial:
    """Put a ``usb_cdc`` whose data port is a fresh pty into ``sys.modules``; return the port."""
    port = PtySerial()
    mod = types.ModuleType("usb_cdc")
    mod.__dict__.update(data=port, console=None, enable=lambda **kw: None, disable=lambda: None)
    sys.modules["usb_cdc"] = mod
    return port
