"""Bench: push a 4 KB routine and pull a 64 KB log over the bumble virtual radio.

At ATT MTU 23 and 247, windowed (the protocol as built) against stop-and-wait
(one fragment per acknowledgement), in the same run: ATT packets, protocol
round trips, wall time, and payload efficiency = useful bytes / ATT payload
capacity used (packets x (MTU-3)).  The device side is the real
``DeviceProtocol`` behind a bumble NUS peripheral in a thread; the host is the
real client over the bumble central.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "core"))

from proto_api import MemoryDevice, urandom  # noqa: E402

from stretchcue import routine  # noqa: E402
from stretchcue.protocol import device as device_mod  # noqa: E402
from stretchcue.protocol import transfer  # noqa: E402
from stretchcue.protocol.device import DeviceProtocol  # noqa: E402
from stretchcue_host.client import DeviceClient  # noqa: E402
from stretchcue_host.keys import KeyStore  # noqa: E402
from stretchcue_host.transport.ble import BleTransport  # noqa: E402
from stretchcue_host.transport.bleak_bumble import MTU_ENV  # noqa: E402
from stretchcue_host.vlink.peripheral import NusPeripheral  # noqa: E402


def big_routine() -> bytes:
    cue = "Move slowly, breathe out, let the muscle soften, no bouncing"[:60]
    data = {"name": "Bench", "defaults": {"reps": 1, "hold_s": 10},
            "stretches": [{"title": f"Stretch number {i:02d}", "cue": cue, "sides": "both"}
                          for i in range(12)]}
    raw = routine.canonical_json(routine.from_dict(data))
    return raw + b" " * (4096 - len(raw))  # JSON allows trailing space; exactly 4 KB


def serve(peripheral: NusPeripheral, proto: DeviceProtocol, stop: threading.Event) -> None:
    """The device loop: what firmware/ble_link.py does, polling every millisecond."""
    was = False
    while not stop.is_set():
        if not peripheral.connected:
            if was:
                proto.disconnected()
                was = False
            if not peripheral.advertising:
                peripheral.start_advertising()
        else:
            was = True
            n = peripheral.in_waiting()
            if n:
                out = proto.receive(peripheral.read(n))
                if out:
                    peripheral.send(b"".join(out))
        stop.wait(0.001)


async def one(mtu: int, windowed: bool, ports: list[int], tmp: Path) -> list[tuple]:
    api = MemoryDevice(free=10_000_000)
    api.add_records(1400)
    log_bytes = len(api.log)
    proto = DeviceProtocol(api, urandom)
    peripheral = NusPeripheral(f"tcp-client:127.0.0.1:{ports[0]}", "stretchcue-bench")
    peripheral.rx_capacity = transfer.RX_BUFFER  # as firmware/ble_link.py sizes it
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(peripheral, proto, stop), daemon=True)
    thread.start()
    os.environ[MTU_ENV] = str(mtu)
    link = BleTransport(hci=f"tcp-client:127.0.0.1:{ports[1]}")
    client = DeviceClient(link, KeyStore(tmp / f"k{mtu}{windowed}.json"), rand=urandom)
    rows = []
    device_mod.WINDOW = transfer.WINDOW = 8 if windowed else 1
    try:
        await client.connect()
        proto.enter_pairing("123456")
        await client.pair("123456")
        await client.authenticate()
        data = big_routine()
        for label, job, useful in (("push 4 KB routine", lambda: client.push("bench", data),
                                    len(data)),
                                   ("pull 64 KB log", lambda: client.pull(0, 16 if windowed
                                                                           else 1), log_bytes)):
            w0, n0, r0 = len(link.writes), len(link.notifications), client.stats["round_trips"]
            t = time.perf_counter()
            await job()
            wall = time.perf_counter() - t
            packets = len(link.writes) - w0 + len(link.notifications) - n0
            capacity = packets * link.mtu
            rows.append((label, mtu, "windowed" if windowed else "stop-and-wait", packets,
                         client.stats["round_trips"] - r0, wall, useful / capacity))
    finally:
        await client.close()
        stop.set()
        thread.join(5)
        peripheral.close()
        device_mod.WINDOW = transfer.WINDOW = 8
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
                rows += await asyncio.wait_for(one(mtu, windowed, ports, Path(tmp)), 120)
            except Exception as e:  # a figure that could not be taken is reported, not hidden
                rows.append(("(all)", mtu, "windowed" if windowed else "stop-and-wait",
                             f"failed: {type(e).__name__}: {e}"[:60], 0, 0.0, 0.0))
            finally:
                proc.kill()
                proc.wait()
    print(f"{'transfer':<20}{'MTU':>5} {'mode':<14}{'packets':>8}{'round trips':>12}"
          f"{'wall s':>8}{'efficiency':>11}")
    for label, mtu, mode, packets, trips, wall, eff in rows:
        if isinstance(packets, str):
            print(f"{label:<20}{mtu:>5} {mode:<14}{packets}")
            continue
        print(f"{label:<20}{mtu:>5} {mode:<14}{packets:>8}{trips:>12}{wall:>8.2f}{eff:>10.0%}")


if __name__ == "__main__":
    asyncio.run(main())
