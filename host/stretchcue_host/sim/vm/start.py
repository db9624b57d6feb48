"""Boot a board image on the VM: stand-ins in, the drive at "/", boot.py, then code.py.

As a board does at power-up: ``sys.path`` is ``['', '/', '.frozen', '/lib']``
with "/" the image, boot.py runs first (a failure there is reported, and
code.py still runs), every pin is free again, and code.py runs as __main__
until the driver stops it or cuts the power (``SimStop``).  The stand-ins are
imported before "/" becomes the image and their folder leaves ``sys.path``, so
the firmware finds only what a board would.

The last line is ``@bi end {...}``: why the run ended, the traceback if the
firmware raised, and the heap figures less what was held before code.py.
"""

from __future__ import annotations

import gc
import sys

from stretchcue_host.sim.fakes import bleio, hw
from stretchcue_host.sim.vm import gfx, system
from stretchcue_host.sim.vm.air import Air
from stretchcue_host.sim.vm.link import Link, name_table
from stretchcue_host.sim.world import WORLD, SimStop

BOARD_PATH = ["", "/", ".frozen", "/lib"]


class StdIO:
    """CircuitPython's unix VM: lines on stdout, answers on stdin."""

    def send(self, line: str) -> None:
        print(line)

    def ask(self, line: str) -> str:
        print(line)
        return sys.stdin.readline()

    def finish(self, rc: int) -> None:
        sys.exit(rc)


class JsIO:
    """MicroPython under Node: board_image.mjs reads stdin synchronously for us."""

    def __init__(self) -> None:
        import js

        self._js = js

    def send(self, line: str) -> None:
        self._js.biSend(line)

    def ask(self, line: str) -> str:
        return self._js.biAsk(line)

    def finish(self, rc: int) -> None:
        self._js.biFinish(rc)


def format_exc(e: BaseException) -> str:
    try:
        import traceback

        return "".join(traceback.format_exception(e))
    except (ImportError, AttributeError, TypeError):
        import io

        buf = io.StringIO()
        sys.print_exception(e, buf)  # type: ignore[attr-defined]
        return buf.getvalue()


def board_nvm(cfg: dict, link: Link):
    """``microcontroller.nvm`` as the driver kept it (``cfg["nvm"]``, hex; erased if none);
    every write goes back to the driver at once (``@bi nvm``), as flash keeps it."""
    from binascii import hexlify, unhexlify

    from stretchcue_host.sim.fakes.nvm import ByteArray

    def save(start: int, data: bytes) -> None:
        link.send("nvm", {"at": start, "d": hexlify(data).decode()})

    saved = cfg.pop("nvm", None)  # 16 KB of hex the VM should not hold all run
    return ByteArray(unhexlify(saved) if saved else None, save)


def install_board(cfg: dict, air: Air, link: Link):
    """Every stand-in into sys.modules; returns (pins, storage, usb)."""
    WORLD.board = cfg["board"]
    WORLD.roles = cfg["roles"]
    WORLD.drv2605 = cfg["drv2605"]
    WORLD.i2c_others = tuple(cfg["i2c_others"])
    WORLD.epoch_base = cfg["epoch"]
    WORLD.until_ms = cfg["until_ms"]
    WORLD.echo = False
    WORLD.stop_when_summary = False
    WORLD.presses = [tuple(p) for p in cfg["presses"]]
    install = system.install
    install("digitalio", DigitalInOut=hw.DigitalInOut, Pull=hw.Pull, Direction=hw.Direction,
            DriveMode=hw.DriveMode)
    install("pwmio", PWMOut=hw.PWMOut)
    install("keypad", Keys=hw.Keys, Event=hw.Event, EventQueue=hw.EventQueue)
    install("busio", I2C=hw.I2C, SPI=hw.SPI)
    install("analogio", AnalogIn=hw.AnalogIn)
    storage = system.Storage()
    usb = system.UsbCdc()
    system.install_all(cfg["board"], bytes.fromhex(cfg["uid"]), storage, usb,
                       board_nvm(cfg, link))
    gfx.modules(install)
    air.name = cfg["ble_name"]
    bleio.install(air)

    pins: dict = {}
    for name in cfg["pins"]:
        pins[name] = hw.Pin(name)
    shared: dict = {}

    def i2c():
        if "i2c" not in shared:
            shared["i2c"] = hw.I2C(pins["SCL"], pins["SDA"])
        return shared["i2c"]

    def spi():
        if "spi" not in shared:
            shared["spi"] = hw.SPI(pins["SCK"], MOSI=pins.get("MOSI"), MISO=pins.get("MISO"))
        return shared["spi"]

    attrs = dict(pins)
    attrs.update(board_id=cfg["board_id"], I2C=i2c, STEMMA_I2C=i2c, SPI=spi)
    if cfg["display"]:
        w, h = cfg["display"]
        attrs["DISPLAY"] = gfx.BusDisplay(None, b"", width=w, height=h)
    install("board", **attrs)
    return list(pins.values()), storage, usb


class ImageVfs:
    """The image folder as the VM's "/" (CircuitPython's VM; Node fills MicroPython's FS).

    A VfsPosix with a root loses the first path of ``rename(abs, abs)`` (both
    share one path buffer), which a board's FAT does not, so rename passes the
    second path relative to the image, the process's directory after chdir("/").
    A subclass of VfsPosix would not do: its constructor drops the root.
    """

    def __init__(self, root: str) -> None:
        import os

        self._v = os.VfsPosix(root)

    def mount(self, readonly, mkfs):
        return self._v.mount(readonly, mkfs)

    def umount(self):
        return self._v.umount()

    def open(self, path, mode):
        return self._v.open(path, mode)

    def ilistdir(self, path):
        return self._v.ilistdir(path)

    def chdir(self, path):
        return self._v.chdir(path)

    def getcwd(self):
        return self._v.getcwd()

    def mkdir(self, path):
        return self._v.mkdir(path)

    def remove(self, path):
        return self._v.remove(path)

    def rmdir(self, path):
        return self._v.rmdir(path)

    def stat(self, path):
        return self._v.stat(path)

    def statvfs(self, path):
        return self._v.statvfs(path)

    def rename(self, old, new):
        return self._v.rename(old, new.lstrip("/") if new.startswith("/") else new)


def _mount(root: str) -> None:
    import os

    os.umount("/")
    os.mount(ImageVfs(root), "/")
    os.chdir("/")


def _run_file(path: str) -> None:
    with open(path) as f:
        src = f.read()
    code = compile(src, path, "exec")
    del src
    exec(code, {"__name__": "__main__"})


def _scrub(n: int) -> int:
    """Overwrite stale C stack slots, which the GC would take for references."""
    return _scrub(n - 1) if n else 0


def probe(groups: list, forget: bool) -> list:
    """Import each group of modules in turn: ``[label, heap it added, first error]``.

    With ``forget`` each group's modules leave ``sys.modules`` again, so every
    module is loaded on its own (the library check); without, the groups add up
    in order (the heap breakdown).  ``micropython.qstr_info()`` prints the
    interned-name table's size before and after each group on the console: that
    table grows by doubling, so one group takes a jump that belongs to all.
    """
    import micropython

    qstr_info = getattr(micropython, "qstr_info", None)  # prints the interned-name table's size
    out = []
    if qstr_info is not None:
        qstr_info()
    for label, names in groups:
        before = set(sys.modules)
        _scrub(60)
        gc.collect()
        a = gc.mem_alloc()
        error = None
        for name in names:
            try:
                __import__(name)
            except Exception as e:  # noqa: BLE001  (reported, the next one is tried)
                if error is None:
                    error = name + ": " + format_exc(e).strip().splitlines()[-1]
        _scrub(60)
        gc.collect()
        out.append([label, gc.mem_alloc() - a, error])
        if qstr_info is not None:
            qstr_info()
        if forget:
            for name in list(sys.modules):
                if name not in before:
                    del sys.modules[name]
    return out


def main(io) -> None:
    import os

    air = Air()
    link = Link(io, air)
    cfg = link.hello()
    pins, storage, usb = install_board(cfg, air, link)
    system.CLOCK.hooks.append(link.on_sleep)
    if cfg.get("mount"):
        _mount(cfg["mount"])
    sys.path[:] = BOARD_PATH
    os.chdir("/")
    if cfg.get("probe"):
        link.send("end", {"reason": "probe", "probe": probe(cfg["probe"], cfg["forget"])})
        io.finish(0)
        return

    boot: dict = {}
    before = set(sys.modules)
    try:
        _run_file("/boot.py")
    except Exception as e:  # a board logs it to boot_out.txt and goes on
        boot["error"] = format_exc(e)
    for name in list(sys.modules):
        if name not in before:
            del sys.modules[name]
    hw.release_all(pins)
    usb.start_code()
    boot["writable"] = storage.writable
    boot["usb_data"] = usb.want_data
    link.send("boot", boot)

    _scrub(60)
    gc.collect()
    link.heap.base = gc.mem_alloc()
    if cfg["heap_sampling"]:
        name_table("base", link.heap.base)
    link.heap.sampling = cfg["heap_sampling"]
    if cfg.get("gc_threshold"):
        gc.threshold(cfg["gc_threshold"])
    end: dict = {"reason": "returned"}
    rc = 0
    try:
        _run_file("/code.py")
    except SimStop as e:
        end["reason"] = e.args[0] if e.args else "until_ms"
    except system.Reset as e:
        end["reason"] = str(e)
    except BaseException as e:  # noqa: BLE001  (the firmware failed: report it)
        end["reason"] = "crash"
        end["error"] = format_exc(e)
        rc = 1
    gc.threshold(-1)
    end["t"] = WORLD.now_ms
    end["heap"] = link.heap.report()
    end["radio"] = {"dropped": air.dropped, "refused": link.refused}
    end["syncs"] = link.syncs
    link.send("end", end)
    io.finish(rc)
