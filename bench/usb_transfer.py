"""Bench: push a 4 KB routine and pull a 64 KB log over the USB data port, at the firmware's pace.

The device side is the firmware's own ``SerialLink`` (firmware/serial_link.py)
and the real ``DeviceProtocol`` on the simulator's pty-backed ``usb_cdc.data``,
polled every 20 ms in a thread as ``app.step`` does while a host is connected;
the host is the real client over the pyserial transport the CLI uses.  So the
figures show what the per-poll bounds (about one frame read, ``bytes_per_poll``
written) cost; CPython's HMAC is far faster than the board's, so on hardware the
signing, not the pacing, will dominate.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "core"), str(ROOT / "firmware")]

from payloads import big_routine, fill_log  # noqa: E402
from proto_api import MemoryDevice, urandom  # noqa: E402
from serial_link import SerialLink  # noqa: E402

from stretchcue.protocol.device import DeviceProtocol  # noqa: E402
from stretchcue_host.client import DeviceClient  # noqa: E402
from stretchcue_host.keys import KeyStore  # noqa: E402
from stretchcue_host.sim.fakes.usb import PtySerial  # noqa: E402
from stretchcue_host.transport.serial import SerialTransport  # noqa: E402

POLL_S = 0.020  # app.step's wait while a host is connected


def serve(link: SerialLink, stop: threading.Event) -> None:
    t0 = time.monotonic()
    while not stop.is_set():
        link.poll(int((time.monotonic() - t0) * 1000))
        window = link.protocol.window
        if window.asking and not window.reply:
            window.answer(True)  # the person presses A at "Pair with ...?"
        stop.wait(POLL_S)


async def one(per_poll: int, tmp: Path) -> list[tuple]:
    api = MemoryDevice(free=10_000_000)
    fill_log(api)
    proto = DeviceProtocol(api, urandom)
    port = PtySerial()
    link = SerialLink(proto, port, bytes_per_poll=per_poll)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(link, stop), daemon=True)
    thread.start()
    client = DeviceClient(SerialTransport(port.path), KeyStore(tmp / f"k{per_poll}.json"),
                          rand=urandom)
    rows = []
    try:
        await client.connect()
        proto.enter_pairing("123456")
        await client.info()
        await client.pair("123456")
        await client.authenticate()
        data = big_routine()
        for label, job, size in (("push 4 KB routine", lambda: client.push("bench", data),
                                  len(data)),
                                 ("pull 64 KB log", lambda: client.pull(0), len(api.log))):
            before = dict(client.stats)
            t0 = time.perf_counter()
            await job()
            wall = time.perf_counter() - t0
            trips = client.stats["round_trips"] - before["round_trips"]
            rows.append((label, per_poll, trips, wall, size / wall / 1024))
    finally:
        await client.close()
        stop.set()
        thread.join()
        port.close()
    return rows


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for per_poll in (1024, 4096, 16384):
            rows += asyncio.run(one(per_poll, Path(tmp)))
    print("| transfer | bytes written per poll | round trips | wall s | KB/s |")
    print("| --- | --- | --- | --- | --- |")
    for label, per_poll, trips, wall, rate in rows:
        print(f"| {label} | {per_poll} | {trips} | {wall:.2f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
