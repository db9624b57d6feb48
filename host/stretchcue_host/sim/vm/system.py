"""A board's system modules for the VMs: time, hashlib, supervisor, microcontroller, rtc...

Each is built the way CircuitPython 10 on an nRF52840 has it, where the VM
differs (see /work/shared/circuitpython/README.md): ``time`` keeps virtual
time (``monotonic``, ``monotonic_ns``, ``sleep``, ``struct_time``), ``hashlib``
has only ``new(name, data=b"")``, ``supervisor.ticks_ms`` starts near its
2**29 wrap.  ``sleep`` is where the virtual clock moves, so the host link and
the heap sampler hang off it (``on_sleep``).
"""

from __future__ import annotations

import sys

from stretchcue_host.sim.fakes import hw
from stretchcue_host.sim.fakes.nvm import ByteArray
from stretchcue_host.sim.world import WORLD


class Module:
    """A module object built at run time (MicroPython cannot instantiate ``module``).

    ``import NAME`` finds it in ``sys.modules`` before any built-in or file.
    """

    def __init__(self, name: str, **attrs) -> None:
        self.__name__ = name
        for key in attrs:
            setattr(self, key, attrs[key])


def install(name: str, **attrs) -> Module:
    mod = Module(name, **attrs)
    sys.modules[name] = mod
    return mod


# -- time ---------------------------------------------------------------------

import time as _vm_time  # noqa: E402  (the VM's own, for calendar arithmetic only)


class struct_time:  # noqa: N801  (CircuitPython's name)
    """``time.struct_time``: nine fields, by name or by index."""

    _NAMES = ("tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday",
              "tm_yday", "tm_isdst")

    def __init__(self, fields) -> None:
        t = tuple(fields)
        if len(t) == 8:
            t = t + (-1,)
        if len(t) != 9:
            raise TypeError("time.struct_time() takes a 9-sequence")
        self._t = t

    def __getattr__(self, name: str):
        if name in struct_time._NAMES:
            return self._t[struct_time._NAMES.index(name)]
        raise AttributeError(name)

    def __getitem__(self, i):
        return self._t[i]

    def __len__(self) -> int:
        return 9

    def __iter__(self):
        return iter(self._t)

    def __eq__(self, other) -> bool:
        return tuple(self) == tuple(other)

    def __repr__(self) -> str:
        return "struct_time(" + repr(self._t) + ")"


def _now_s() -> int:
    return WORLD.epoch_base + WORLD.now_ms // 1000


def localtime(secs=None) -> struct_time:
    return struct_time(_vm_time.localtime(_now_s() if secs is None else int(secs)))


def mktime(t) -> int:
    return _vm_time.mktime(tuple(t)[:8] + (-1,))


class Clock:
    """``time.sleep``: moves the virtual clock (presses land on the way), then lets the
    hooks run: the heap sampler and the host link."""

    def __init__(self) -> None:
        self.hooks: list = []

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        for hook in self.hooks:
            hook(False)
        WORLD.sleep(seconds)
        for hook in self.hooks:
            hook(True)


CLOCK = Clock()


def _time_module() -> None:
    install("time", sleep=CLOCK.sleep, monotonic=lambda: WORLD.now_ms / 1000,
            monotonic_ns=lambda: WORLD.now_ms * 1000000, time=_now_s,
            time_ns=lambda: _now_s() * 1000000000, localtime=localtime, mktime=mktime,
            struct_time=struct_time)


# -- hashlib ------------------------------------------------------------------

class _Hash:
    """What ``hashlib.new`` returns on a board: update, digest, digest_size; nothing else."""

    def __init__(self, native, size: int) -> None:
        self._h = native
        self.digest_size = size

    def update(self, data) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.digest()


def _hashlib_module() -> None:
    import hashlib as vm_hashlib

    sizes = {"sha256": 32, "sha1": 20}

    def new(name: str, data=b"") -> _Hash:
        make = getattr(vm_hashlib, name, None)
        if name not in sizes or make is None:
            raise ValueError("Unsupported hash algorithm")
        return _Hash(make(data), sizes[name])

    install("hashlib", new=new)


# -- supervisor, microcontroller, storage, rtc, usb_cdc -------------------------

class _Runtime:
    usb_connected = False
    serial_connected = False
    serial_bytes_available = 0
    autoreload = True


class _Cpu:
    def __init__(self, uid: bytes) -> None:
        self.uid = uid
        self.temperature = 25.0
        self.frequency = 64000000
        self.voltage = 3.3


class Reset(BaseException):
    """``microcontroller.reset()``: the run ends there, as the board would restart."""


def _reset() -> None:
    raise Reset("microcontroller.reset()")


class Storage:
    """Remembers whether boot.py made the drive writable for code.py (``remount``)."""

    def __init__(self) -> None:
        self.writable = False
        self.remounts = 0

    def remount(self, mount_path: str, readonly: bool = False, *,
                disable_concurrent_write_protection: bool = False) -> None:
        if mount_path != "/":
            raise OSError(22, "Invalid argument")
        self.remounts += 1
        self.writable = not readonly

    def getmount(self, mount_path: str):
        import os

        return os


class RTC:
    @property
    def datetime(self) -> struct_time:
        return localtime()

    @datetime.setter
    def datetime(self, value) -> None:
        WORLD.epoch_base = mktime(value) - WORLD.now_ms // 1000

    calibration = 0


class Serial:
    """``usb_cdc.Serial`` with no computer on the other end: never connected."""

    connected = False
    in_waiting = 0
    out_waiting = 0

    def __init__(self) -> None:
        self.timeout = 1.0
        self.write_timeout = None

    def read(self, size: int = -1) -> bytes:
        return b""

    def readinto(self, buf) -> int:
        return 0

    def write(self, buf) -> int:
        return len(buf)

    def reset_input_buffer(self) -> None:
        pass

    def reset_output_buffer(self) -> None:
        pass

    def flush(self) -> None:
        pass


class UsbCdc:
    """``usb_cdc``: ``enable`` works only in boot.py and takes effect for code.py."""

    def __init__(self) -> None:
        self.in_boot = False
        self.want_data = False
        self.module = None

    def enable(self, *, console: bool = True, data: bool = False) -> None:
        if not self.in_boot:
            raise RuntimeError("Cannot change USB devices now")
        self.want_data = data

    def start_code(self) -> None:
        """boot.py is over: code.py sees the ports boot.py asked for."""
        self.in_boot = False
        self.module.data = Serial() if self.want_data else None


def install_all(board: str, uid: bytes, storage: Storage, usb: UsbCdc, nvm=None) -> None:
    _time_module()
    _hashlib_module()
    install("supervisor", ticks_ms=WORLD.ticks_ms, runtime=_Runtime(), reload=_reset,
            get_previous_traceback=lambda: None, set_next_code_file=lambda *a, **k: None)
    install("microcontroller", cpu=_Cpu(uid), nvm=ByteArray() if nvm is None else nvm,
            reset=_reset, on_next_reset=lambda mode: None)
    install("storage", remount=storage.remount, getmount=storage.getmount,
            enable_usb_drive=lambda: None, disable_usb_drive=lambda: None)
    install("rtc", RTC=RTC, set_time_source=lambda source: None)
    usb.in_boot = True
    usb.module = install("usb_cdc", enable=usb.enable, disable=lambda: None,
                         console=Serial(), data=None, Serial=Serial)
    install("neopixel_write", neopixel_write=hw.neopixel_write)
    _os_extras()
    try:
        import __future__  # noqa: F401  (CircuitPython has it built in)
    except ImportError:
        install("__future__", annotations=None, division=None, print_function=None)
    try:
        import warnings  # noqa: F401  (a board has it since CircuitPython 9; these VMs lack it)
    except ImportError:
        install("warnings", warn=_warn, simplefilter=lambda action: None)


def _warn(message: str, category=None) -> None:
    print("%s: %s" % (getattr(category, "__name__", "Warning"), message))


def _os_extras() -> None:
    """What a board's ``os`` has and MicroPython's WebAssembly build lacks."""
    import os

    if not hasattr(os, "getenv"):
        os.getenv = lambda key, default=None: default  # no settings.toml on the image
    if not hasattr(os, "urandom"):
        import random

        os.urandom = lambda n: bytes(random.getrandbits(8) for _ in range(n))
