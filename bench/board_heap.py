"""Bench: the heap each board's firmware needs on CircuitPython 10.3's VM, booted from its drive.

    python bench/board_heap.py [--board clue ...] [--core py|mpy|both] [--step 4]

The board image test's run (tests/boardimage: the drive as ``stretchcue bundle``
lays it out, boot.py, a whole session, pairing, a push and a pull over the
radio, a power cut and the resume) on the CircuitPython VM, per board:

* **peak**: the highest ``gc.mem_alloc()`` sampled at every sleep and radio
  exchange, a new high taken again after ``gc.collect()`` (what is live), the VM
  collecting every 4 KB allocated as a small board heap would;
* **names as a board**: the peak with the interned-name table (qstr pools) a
  board would allocate for the names the firmware added, in place of this VM's,
  whose doublings land wherever the stand-ins' own names left them
  (tests/boardimage/qstr.py);
* **menu**: at the first menu, after ``gc.collect()``;
* **smallest cap**: the smallest ``-X heapsize`` with which the whole run still
  passes every check (bisected to ``--step`` KB), and that less what the VM and
  the stand-ins held before code.py: the heap a board must find for stretchcue;
* **per component**: ``gc.collect(); gc.mem_alloc()`` around importing each part
  the drive has, in this order (each row is what it adds), with the share of the
  interned-name table.  All of them at once is more than the menu holds when the
  firmware loads a part only while it is used (the protocol, while a host is
  connected).

All figures are KB less what the VM and stand-ins held before code.py started.
The core is installed as .py (``bundle --py``) and/or as .mpy (``bundle
--mpy-cross``, CircuitPython's own).  Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "boardimage"))

from image import build_image, build_libs, build_standins, module_names  # noqa: E402
from qstr import peak_on_board  # noqa: E402
from scenario import config, run_board  # noqa: E402
from vmproc import Vm, circuitpython_mpy_cross, circuitpython_vm  # noqa: E402

BOARDS = ("clue", "cpb", "feather")
VM = "circuitpython"
TARGET_KB = 96
CORE = ["stretchcue.routine", "stretchcue.timeline", "stretchcue.engine", "stretchcue.cues",
        "stretchcue.sessionlog", "stretchcue.resume"]
PROTOCOL = ["stretchcue.protocol.device", "stretchcue.protocol.auth",
            "stretchcue.protocol.transfer", "stretchcue.protocol.pairing",
            "stretchcue.protocol.device_pair", "stretchcue.protocol.pake"]
#: libraries in their own rows, where the drive has them (the rest: "other libraries")
LIBRARIES = (("adafruit_ticks", ["adafruit_ticks"]),
             ("display_text (label)", ["adafruit_display_text.label"]),
             ("drv2605 + bus_device", ["adafruit_drv2605"]),
             ("adafruit_ble", ["adafruit_ble", "adafruit_ble.services.nordic",
                               "adafruit_ble.advertising.standard"]),
             ("neopixel", ["neopixel"]))
BOARD_LIBS = {"clue": [], "cpb": ["adafruit_st7789"], "feather": ["adafruit_displayio_sh1107"]}


def components(board: str, image: Path) -> list:
    """[label, modules] in import order: libraries the drive has, core, protocol, firmware."""
    libs = set(module_names(image / "lib"))
    groups = [[label, mods] for label, mods in LIBRARIES if mods[0] in libs]
    groups[1:1] = [["core", CORE], ["protocol", PROTOCOL]]
    groups.append(["board's display library", [m for m in BOARD_LIBS[board] if m in libs]])
    firmware = sorted({p.stem for p in image.iterdir() if p.suffix in (".py", ".mpy")}
                      - {"code", "boot", "board_profile"})
    return groups + [["firmware modules", firmware + ["board_profile"]]]


async def breakdown(board: str, work: Path, libs: Path, standins: Path, vm_path, core) -> list:
    image = work / "CIRCUITPY"
    await asyncio.to_thread(build_image, board, image, libs, core)
    cfg = config(board, vm_path, "", True)
    cfg.update(probe=components(board, image), forget=False)
    vm = Vm(VM, board, image, standins, cfg, "512K")
    try:
        await vm.start()
        await vm.close()
    finally:
        vm.kill()
    if not vm.end or "probe" not in vm.end:
        raise RuntimeError(f"{board}: the breakdown run failed: {vm.describe_end()}")
    qstr = [int(m.group(1)) for line in vm.console
            for m in [re.search(r"n_total_bytes=(\d+)", line)] if m]
    parts = vm.end["probe"]
    for i, part in enumerate(parts):
        part.append(qstr[i + 1] - qstr[i] if len(qstr) == len(parts) + 1 else None)
    return parts


async def smallest_cap(board: str, work: Path, libs: Path, standins: Path, vm_path, core,
                       step: int, top: int) -> tuple[int | None, int, str]:
    """(smallest passing -X heapsize in KB, base in bytes, why not) by bisection below ``top``."""
    runs = 0

    async def passes(kb: int):
        nonlocal runs
        runs += 1
        res = await run_board(VM, board, work / f"cap-{kb}", libs, standins, vm_path, f"{kb}K",
                              core)
        return not res.failed, res

    ok, res = await passes(top)
    if not ok:
        name, _, detail = res.failed[0]
        return None, 0, f"fails even at {top}K: {name}: {detail.splitlines()[-1] if detail else ''}"
    base = res.heap.get("first boot", {}).get("base", 0)
    lo, hi = max(step, base // 1024), top
    while True:
        while hi - lo > step:
            mid = (lo + hi) // 2
            if (await passes(mid))[0]:
                hi = mid
            else:
                lo = mid
        # A check that fails under load for another reason (a host's wall-clock timeout)
        # would stop the bisection high: a size below the answer that passes reopens it.
        if hi - step <= max(step, base // 1024) or not (await passes(hi - step))[0]:
            return hi, base, ""
        hi, lo = hi - step, max(step, base // 1024)


async def bench_board(board, core_name, core, gate, work, libs, standins, vm_path, step) -> dict:
    async with gate:
        full = await run_board(VM, board, work / f"{board}-{core_name}-full", libs, standins,
                               vm_path, "512K", core)
    async with gate:
        parts = await breakdown(board, work / f"{board}-{core_name}-parts", libs, standins,
                                vm_path, core)
    async with gate:
        cap, base, why = await smallest_cap(board, work / f"{board}-{core_name}-cap", libs,
                                            standins, vm_path, core, step, 512)
    return {"board": board, "core": core_name, "run": full, "parts": parts, "cap": cap,
            "base": base, "why": why}


def _kb(n) -> str:
    return "-" if n is None or n < 0 else f"{n / 1024:.1f}"


def report(results: list[dict]) -> None:
    for core_name in sorted({r["core"] for r in results}):
        rows = [r for r in results if r["core"] == core_name]
        print(f"\ncore installed as .{core_name}: KB above what the VM and stand-ins held "
              f"before code.py (target: a peak under {TARGET_KB} KB)")
        print(f"  {'board':8} {'peak':>6} {'names as a board':>17} {'menu':>6} {'cap':>6} "
              f"{'cap less':>9}  checks")
        for r in rows:
            run = r["run"]
            first, second = run.heap.get("first boot", {}), run.heap.get("second boot", {})
            peak = max(first.get("peak", -1), second.get("peak", -1))
            board = max((p for p in (peak_on_board(first), peak_on_board(second))
                         if p is not None), default=None)
            cap = f"{r['cap']}K" if r["cap"] else "-"
            less = _kb(r["cap"] * 1024 - r["base"]) if r["cap"] else "-"
            state = "all passed" if not run.failed else "FAILED: " + "; ".join(
                c[0] for c in run.failed)
            print(f"  {r['board']:8} {_kb(peak):>6} {_kb(board):>17} "
                  f"{_kb(first.get('menu')):>6} {cap:>6} {less:>9}  {state}")
            if r["why"]:
                print(f"      cap: {r['why']}")
        labels = [part[0] for part in rows[0]["parts"]]
        print(f"\n  per component: KB added, imported in this order (core as .{core_name}), and")
        print("  in brackets the part of it that is the interned-name table (qstr pool), which")
        print("  grows by doubling: the jump lands on whichever part overflows it")
        print("  " + f"{'component':24}" + "".join(f"{r['board']:>16}" for r in rows))
        for i, label in enumerate(labels):
            cells = [f"{_kb(r['parts'][i][1])} ({_kb(r['parts'][i][3])})" for r in rows]
            print("  " + f"{label:24}" + "".join(f"{c:>16}" for c in cells))
            errors = [f"{r['board']}: {r['parts'][i][2]}" for r in rows if r["parts"][i][2]]
            for e in errors:
                print(f"      import failed: {e}")
        total = [sum(part[1] for part in r["parts"]) for r in rows]
        print("  " + f"{'all of them':24}" + "".join(f"{_kb(t):>16}" for t in total))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="board_heap")
    p.add_argument("--board", action="append", choices=BOARDS)
    p.add_argument("--core", choices=("py", "mpy", "both"), default="both")
    p.add_argument("--step", type=int, default=4, help="cap resolution in KB")
    p.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    args = p.parse_args(argv)
    vm_path = circuitpython_vm()
    mpy_cross = circuitpython_mpy_cross(vm_path)
    if vm_path is None or mpy_cross is None:
        print("board_heap: needs CircuitPython's unix VM and mpy-cross ($CIRCUITPY_UNIX or "
              "../shared/circuitpython/ beside the checkout)")
        return 2
    cores = {"py": None, "mpy": mpy_cross}
    if args.core != "both":
        cores = {args.core: cores[args.core]}
    with tempfile.TemporaryDirectory(prefix="board-heap-") as tmp:
        work = Path(tmp)
        standins = build_standins(work / "standins")
        libs = work / "lib"
        build_libs(libs, mpy_cross)

        async def go() -> list:
            gate = asyncio.Semaphore(args.jobs)
            return await asyncio.gather(*(
                bench_board(b, name, core, gate, work, libs, standins, vm_path, args.step)
                for name, core in cores.items() for b in (args.board or BOARDS)))

        results = asyncio.run(go())
    print("board heap on CircuitPython 10.3's VM (32-bit, as a board), drive from "
          "`stretchcue bundle`, libraries as .mpy")
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
