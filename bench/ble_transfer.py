"""Bench: push a 4 KB routine and pull a 64 KB log over the bumble virtual radio.

At ATT MTU 23 and 247, windowed (the protocol as built) against stop-and-wait
(one frame per acknowledgement, each frame sized to one ATT packet where a
signed frame fits in one, else two), in the same run: ATT packets, protocol
round trips, wall time, and payload efficiency = useful bytes / ATT payload
capacity used (packets x (MTU-3), both directions).

The device side is the firmware's own ``BleLink`` (over the simulator's
``_bleio`` stand-in and a bumble peripheral) polled at the firmware's pace
while a host is connected (every 20 ms, at most 512 bytes read and 6
notifications sent per pass), so wall times are what the board's loop allows,
not what the radio could do.  The host is the real client over bleak with the
bumble backend.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "core"), str(ROOT / "firmware")]

from payloads import big_routine, fill_log  # noqa: E402
from proto_api import MemoryDevice, urandom  # noqa: E402

from stretchcue.protocol import device_ops as device_mod  # noqa: E402
from stretchcue.protocol import transfer  # noqa: E402
from stretchcue.protocol.device import DeviceProtocol  # noqa: E402
from stretchcue_host.client import DeviceClient  # noqa: E402
from stretchcue_host.keys import KeyStore  # noqa: E402
from stretchcue_host.sim.fakes import bleio  # noqa: E402
from stretchcue_host.transport.ble import BleTransport  # noqa: E402
from stretchcue_host.transport.bleak_bumble import MTU_ENV  # noqa: E402
from stretchcue_host.vlink.peripheral import NusPeripheral  # noqa: E402

POLL_S = 0.020  # app._LINK_POLL_MS
PUT_OVERHEAD = 27  # frame 11 + offset 4 + signature 12
LOG_OVERHEAD = 23  # frame 11 + signature 12


def settings(mtu: int, windowed: bool) -> dict:
    if windowed:
        return {"WINDOW": transfer.WINDOW, "CHUNK": transfer.CHUNK,
                "LOG_FRAME": transfer.LOG_FRAME, "log_window": transfer.LOG_WINDOW}
    packet = mtu - 3
    room = packet if packet > PUT_OVERHEAD else 2 * packet
    return {"WINDOW": 1, "CHUNK": room - PUT_OVERHEAD, "LOG_FRAME": room - LOG_OVERHEAD,
            "log_window": 1}


def serve(link, stop: threading.Event) -> None:
    """The firmware's loop, reduced to its radio part."""
    while not stop.is_set():
        link.poll(int(time.monotonic() * 1000))
        window = link.protocol.window
        if window.asking and not window.reply:
            window.answer(True)  # the person presses A at "Pair with ...?"
        stop.wait(POLL_S)


async def one(mtu: int, windowed: bool, ports: list[int], tmp: Path) -> list[tuple]:
    api = MemoryDevice(free=10_000_000)
    log_bytes = fill_log(api)
    proto = DeviceProtocol(api, urandom)
    peripheral = NusPeripheral(f"tcp-client:127.0.0.1:{ports[0]}", "stretchcue-bench")
    bleio.install(peripheral)
    sys.modules.pop("ble_link", None)
    ble_link = importlib.import_module("ble_link")
    link = ble_link.BleLink(proto, "stretchcue-bench")
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(link, stop), daemon=True)
    thread.start()
    os.environ[MTU_ENV] = str(mtu)
    host = BleTransport(hci=f"tcp-client:127.0.0.1:{ports[1]}")
    client = DeviceClient(host, KeyStore(tmp / f"k{mtu}{windowed}.json"), rand=urandom)
    mode = settings(mtu, windowed)
    # the device's copies are consts: on CPython, plain globals that can be set here
    saved = {k: getattr(device_mod, "_" + k) for k in ("WINDOW", "CHUNK", "LOG_FRAME")}
    for k in saved:
        setattr(device_mod, "_" + k, mode[k])
    transfer.WINDOW, transfer.CHUNK = mode["WINDOW"], mode["CHUNK"]
    rows = []
    try:
        await client.connect()
        proto.enter_pairing("123456", int(time.monotonic() * 1000))
        await client.pair("123456")
        await client.authenticate()
        data = big_routine()
        for label, job, useful in (
                ("push 4 KB routine", lambda: client.push("bench", data), len(data)),
                ("pull 64 KB log", lambda: client.pull(0, mode["log_window"]), log_bytes)):
            w0, n0, r0 = len(host.writes), len(host.notifications), client.stats["round_trips"]
            t = time.perf_counter()
            await job()
            wall = time.perf_counter() - t
            packets = len(host.writes) - w0 + len(host.notifications) - n0
            rows.append((label, mtu, "windowed" if windowed else "stop-and-wait", packets,
                         client.stats["round_trips"] - r0, wall, useful / (packets * host.mtu)))
        assert peripheral.rx_dropped == 0, "the device's receive buffer overflowed"
    finally:
        await client.close()
        stop.set()
        thread.join(5)
        peripheral.close()
        for k, v in saved.items():
            setattr(device_mod, "_" + k, v)
        transfer.WINDOW, transfer.CHUNK = saved["WINDOW"], saved["CHUNK"]
    return rows


async def main() -> None:
    import json
    import subprocess
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mtu, windowed in ((23, True), (23, False), (247, True), (247, False)):
            # a fresh radio each time: a finished run's peripheral still holds its controller
            proc = subprocess.Popen([sys.executable, "-m", "stretchcue_host.vlink.hub", "2"],
                                    stdout=subprocess.PIPE, text=True)
            try:
                ports = json.loads(proc.stdout.readline())["ports"]
                rows += await asyncio.wait_for(one(mtu, windowed, ports, Path(tmp)), 300)
            except Exception as e:  # a figure that could not be taken is reported, not hidden
                rows.append(("(all)", mtu, "windowed" if windowed else "stop-and-wait",
                             f"failed: {type(e).__name__}: {e}"[:60], 0, 0.0, 0.0))
            finally:
                proc.kill()
                proc.wait()
    print("| transfer | ATT MTU | mode | packets | round trips | wall s | efficiency |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, mtu, mode, packets, trips, wall, eff in rows:
        if isinstance(packets, str):
            print(f"| {label} | {mtu} | {mode} | {packets} | | | |")
            continue
        print(f"| {label} | {mtu} | {mode} | {packets} | {trips} | {wall:.2f} | {eff:.1%} |")


if __name__ == "__main__":
    asyncio.run(main())
