"""The board image test: the unmodified firmware booted from its CIRCUITPY layout on real VMs.

    python tests/boardimage/run.py [--board clue ...] [--vm circuitpython|micropython ...]
        [--jobs N] [--heap 512K] [--keep DIR]

For every board, ``stretchcue bundle --py`` lays the drive out in a folder with
the Adafruit libraries in /lib, and the drive boots as a board boots it, on
CircuitPython 10.3's own VM (``$CIRCUITPY_UNIX`` or ../shared/circuitpython/
beside the checkout; libraries compiled with its own mpy-cross) and on
MicroPython's WebAssembly build under Node.  What each boot must do is in
scenario.py.  Prints ``board image: N passed, N failed`` (one per check) and
the heap each board's firmware used on each VM; exits 1 if any check failed.
The heap is a figure, not a check: nothing fails for being over its target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image import ImageError, build_libs, build_standins  # noqa: E402
from qstr import peak_on_board  # noqa: E402
from scenario import Result, check_libraries, run_board  # noqa: E402
from vmproc import circuitpython_mpy_cross, circuitpython_vm  # noqa: E402

BOARDS = ("clue", "cpb", "feather")
VMS = ("circuitpython", "micropython")
TIMEOUT_S = 240


def _kb(n) -> str:
    return "-" if n is None or n < 0 else f"{n / 1024:.1f}"


def heap_rows(results: list[Result]) -> list[str]:
    """The heap table: KB above what the VM and stand-ins held before code.py."""
    head = ("board", "VM", "peak", "names as a board", "menu", "session", "radio", "resumed",
            "before code.py")
    rows = [head]
    for r in results:
        if r.board == "libs":
            continue
        first = r.heap.get("first boot", {})
        second = r.heap.get("second boot", {})
        if "allocated" in first:  # MicroPython's WebAssembly build: no collections
            total = first["allocated"] + second.get("allocated", 0)
            rows.append((r.board, r.vm, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a",
                         _kb(first.get("base"))
                         + f"  (allocated {total / 1048576:.1f} MB in all, never collected)"))
            continue
        phases = first.get("phases", {})
        peaks = [first.get("peak"), second.get("peak")]
        board_peaks = [peak_on_board(b) for b in (first, second)]
        rows.append((r.board, r.vm, _kb(max((p for p in peaks if p is not None), default=None)),
                     _kb(max((p for p in board_peaks if p is not None), default=None)),
                     _kb(first.get("menu")), _kb(phases.get("session")),
                     _kb(max((v for k, v in phases.items() if k.startswith("radio")),
                             default=None)),
                     _kb(second.get("phases", {}).get("resumed")), _kb(first.get("base"))))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head) - 1)]
    return ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) + "  " + str(row[-1])
            for row in rows]


async def run_all(jobs: list, limit: int) -> list[Result]:
    """Every (function, board, args) job, ``limit`` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(job) -> Result:
        fn, *args = job
        async with gate:
            try:
                return await asyncio.wait_for(fn(*args), TIMEOUT_S)
            except TimeoutError:
                res = Result(args[1] if fn is run_board else "libs", args[0])
                res.check("the run ends in time", False, f"still running after {TIMEOUT_S} s")
                return res

    return await asyncio.gather(*(one(j) for j in jobs))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="boardimage")
    p.add_argument("--board", action="append", choices=BOARDS)
    p.add_argument("--vm", action="append", choices=VMS)
    p.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    p.add_argument("--heap", default="512K", help="CircuitPython VM heap (-X heapsize)")
    p.add_argument("--keep", help="leave the drives and stand-ins in this folder")
    p.add_argument("--verbose", "-v", action="store_true", help="list every check")
    args = p.parse_args(argv)

    vm_path = circuitpython_vm()
    vms = list(args.vm or VMS)
    if "circuitpython" in vms and vm_path is None:
        vms.remove("circuitpython")
        env = os.environ.get("CIRCUITPY_UNIX")
        why = (f"$CIRCUITPY_UNIX={env} is neither the program nor its folder" if env else
               "no $CIRCUITPY_UNIX and no ../shared/circuitpython/circuitpython beside the "
               "checkout")
        print(f"board image: not run on CircuitPython's VM ({why})")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="boardimage-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        standins = build_standins(work / "standins")
        libs = {}
        mpy_cross = circuitpython_mpy_cross(vm_path)
        if "circuitpython" in vms:
            if mpy_cross is None:
                print("board image: CircuitPython's mpy-cross not found; its VM gets .py libraries")
            libs["circuitpython"] = work / "lib-circuitpython"
            build_libs(libs["circuitpython"], mpy_cross)
        if "micropython" in vms:
            libs["micropython"] = work / "lib-micropython"
            build_libs(libs["micropython"], None)
    except ImageError as e:
        print(f"board image: cannot build the drive: {e}")
        print("board image: 0 passed, 1 failed")
        return 1
    jobs = [(check_libraries, kind, work / f"libs-{kind}", libs[kind], standins, vm_path,
             args.heap, mpy_cross if kind == "circuitpython" else None) for kind in vms]
    jobs += [(run_board, kind, board, work / f"{board}-{kind}", libs[kind], standins, vm_path,
              args.heap) for board in (args.board or BOARDS) for kind in vms]
    try:
        results = asyncio.run(run_all(jobs, args.jobs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    passed = failed = 0
    for r in results:
        bad = r.failed
        passed += len(r.checks) - len(bad)
        failed += len(bad)
        state = "ok" if not bad else "FAILED"
        syncs = f" {r.syncs} syncs," if r.syncs else ""
        print(f"{r.board:8} {r.vm:14} {state:6} {len(r.checks) - len(bad)}/{len(r.checks)} checks,"
              f"{syncs} {r.seconds:.1f} s")
        for name, ok, detail in r.checks:
            if not ok or args.verbose:
                print(f"    {'ok  ' if ok else 'FAIL'} {name}")
                if detail:
                    print("        " + detail.replace("\n", "\n        "))
    print()
    print("heap in KB: peak of gc.mem_alloc() sampled at every sleep and radio exchange, a new "
          "high taken again after gc.collect() (what is live); CircuitPython VM, -X heapsize="
          f"{args.heap}, collecting every 4 KB allocated; menu after gc.collect(); all less "
          "what the VM and stand-ins held before code.py; 'names as a board': the peak with "
          "the interned-name table a board would allocate for the firmware's names "
          "(tests/boardimage/qstr.py)")
    for line in heap_rows(results):
        print("  " + line)
    if args.verbose:
        for r in results:
            for boot in ("first boot", "second boot"):
                phases = r.heap.get(boot, {}).get("phases", {})
                if phases:
                    print(f"  {r.board} {r.vm} {boot}: " + ", ".join(
                        f"{k} {_kb(v)}" for k, v in phases.items()))
                for label, (_, info) in r.heap.get(boot, {}).get("names", {}).items():
                    print(f"    names at {label}: {info}")
    print()
    print(f"board image: {passed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
