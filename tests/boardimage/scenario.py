"""One board on one VM: the life of a freshly installed device, checked step by step.

First boot (boot.py, then code.py): the menu offers the default routine; the
whole session runs on the virtual clock with a pause, a +10 s, a skip and a
rating, to the summary; B held on the menu shows a pairing code; the real
host client pairs over the radio, pushes a routine, selects it and pulls the
log; the pushed routine starts, and the power is cut in its second hold.
Second boot, a new VM process on the same drive: the session resumes by
itself and runs to its summary, and the host authenticates again with the key
the board kept in its nvm (beside the drive, never in a file on it).  Then the
log on the drive must tell exactly that story, and the host must have pulled
exactly what the device had logged.  A third boot finds the selected routine
damaged and garbage after the log's last record: the screen names the routine,
the menu comes up, the log is trimmed back (issue 11).

The data folder is created at the drive's root by the firmware itself, so a
folder named like a package in /lib (the old "/stretchcue") makes the second
boot's imports fail, as on a board.

The drive starts with a session log of about 90 KB of unacknowledged records
(weeks of sessions never synced; the log may hold 96 KB before it is pruned),
so boot, the sessions, the pull (which must return all of it) and the resume
show they fit a board's heap with a near-full log.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from pathlib import Path

from image import build_image, module_names
from vmproc import Vm, VmEnded, VmTransport, until

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue.protocol import NUS_SERVICE
from stretchcue_host.client import DeviceClient
from stretchcue_host.keys import KeyStore
from stretchcue_host.routines import load, resolve
from stretchcue_host.sim.fakes.modules import ROLES, STUB_BOARDS, _pin_names
from stretchcue_host.sim.runner import parse_buttons
from stretchcue_host.sim.world import SESSION_LINES

SESSION_SCRIPT = "A@1s,A@30s,A@45s,B@60s,B_long@210s,A@425s,B@427s"
MENU_HINT = "A start  B next"
SUMMARY = "Well done"  # the summary's title (or "Stopped")
ATT_MTU = {"clue": 247, "cpb": 23, "feather": 185}
DISPLAY = {"clue": [240, 240]}  # board.DISPLAY; the others build theirs
I2C_OTHERS = {"feather": [0x3C]}  # the OLED FeatherWing answers on the shared bus
EPOCH = 1_767_225_600  # 2026-01-01, the RTC's time at power-up
PUSHED = "quick"  # the bundled desk-break routine, pushed again under this name
OLD_LOG_BYTES = 90 * 1024  # the log on the drive before the first boot
HOST_LIMIT_MS = 10 * 60 * 1000  # virtual time the host's pair, push and pull may take


class Result:
    def __init__(self, board: str, vm: str) -> None:
        self.board = board
        self.vm = vm
        self.checks: list[tuple[str, bool, str]] = []
        self.heap: dict = {}
        self.seconds = 0.0
        self.syncs = 0

    def check(self, name: str, ok, detail="") -> bool:
        self.checks.append((name, bool(ok), "" if ok else str(detail)))
        return bool(ok)

    @property
    def failed(self) -> list:
        return [c for c in self.checks if not c[1]]


def config(board: str, vm_path, presses: str, heap_sampling: bool) -> dict:
    return {
        "vm": vm_path, "board": board, "board_id": STUB_BOARDS[board], "pins": _pin_names(board),
        "roles": ROLES[board], "drv2605": True, "i2c_others": I2C_OTHERS.get(board, []),
        "display": DISPLAY.get(board), "epoch": EPOCH, "until_ms": 3 * 3600 * 1000,
        "presses": parse_buttons(presses, board), "uid": "5c0ffee5000000%02x" % len(board),
        "ble_name": "CIRCUITPY%04x" % (0xB000 + len(board)),
        "gc_threshold": 4096, "heap_sampling": heap_sampling,
    }


async def host_session(client: DeviceClient, code: str, data: bytes, did: dict,
                       phase=None) -> dict:
    """What `stretchcue pair`, `push --select` and `pull` do, step by step; ``phase``
    names each step for the heap peaks ("radio:pair", ...)."""

    def step(name: str) -> None:
        did["step"] = name
        if phase is not None:
            phase("radio:" + name)

    step("connect")
    await client.connect()
    step("pair")
    did["device"] = await client.pair(code)
    step("authenticate")
    await client.authenticate()
    step("info")
    did["info"] = await client.info()
    step("push")
    did["push"] = await client.push(PUSHED, data)
    step("select")
    await client.select(PUSHED)
    step("list")
    did["routines"] = await client.routines()
    step("pull")
    did["pulled"] = await client.pull(0)
    step("close")
    await client.close()
    did["step"] = "done"
    return did


def _clean(res: Result, vm: Vm, what: str, reason: str) -> None:
    ended = vm.end is not None and vm.end.get("reason") == reason
    res.check(f"{what}: the firmware raised nothing", ended, vm.describe_end())
    res.check(f"{what}: no error on the console", not vm.notable, "\n".join(vm.notable[:5]))
    radio = (vm.end or {}).get("radio", {})
    res.check(f"{what}: the radio dropped, cut and refused nothing",
              radio and not (radio["dropped"] or radio["refused"]), radio)
    if vm.end:
        res.heap[what] = dict(vm.end.get("heap", {}), names=vm.names)
        res.syncs += vm.end.get("syncs", 0)


async def first_boot(res: Result, vm: Vm, work: Path) -> dict:
    await vm.start()
    await until(vm, lambda: vm.texts, "the first screen")
    res.check("boot.py runs and leaves the drive writable to code.py",
              vm.boot.get("writable") and "error" not in vm.boot, vm.boot.get("error", vm.boot))
    res.check("boots to the menu", MENU_HINT in vm.texts, vm.texts)
    res.check("a fresh install offers the default routine (Lower back)",
              "Lower back" in vm.texts, vm.texts)
    adv, sr = (vm.adverts[0][0], vm.adverts[0][1]) if vm.adverts else (b"", b"")
    nus = bytes(reversed(bytes.fromhex(NUS_SERVICE.replace("-", ""))))
    res.check("advertises the UART service and its name in legacy 31-byte packets",
              vm.adverts and len(adv) <= 31 and len(sr) <= 31 and nus in adv
              and b"stretchcue-" in adv + sr, f"advertisement {adv.hex()} scan response {sr.hex()}")

    vm.phase("session")
    await until(vm, lambda: SUMMARY in vm.texts, "the summary")
    res.check("the whole session runs to the summary", "Well done" in vm.texts, vm.texts)

    vm.phase("pairing")
    vm.press("A@500ms,B_long@2s")
    await until(vm, lambda: vm.codes, "a pairing code")
    code = vm.codes[-1]
    await until(vm, lambda: code in vm.texts, "the pairing code on the screen")
    res.check("B held on the menu shows the pairing code, and nothing prints it",
              code in vm.texts and not any(code in line for line in vm.console), vm.texts)

    vm.phase("radio")
    transport = VmTransport(vm, ATT_MTU[vm.board])
    client = DeviceClient(transport, KeyStore(work / "keys.json"), timeout_s=30.0,
                          retries=1, backoff_s=0)
    _, pushed = load(resolve("desk-break"))
    did: dict = {"step": "start"}
    error: BaseException | None = None
    task = asyncio.create_task(host_session(client, code, pushed, did, vm.phase))
    try:
        await until(vm, lambda: task.done(), "the host's pair, push and pull", transport, task,
                    limit_ms=HOST_LIMIT_MS)
    except VmEnded as e:
        error = e
    finally:
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        error = task.exception()
    console = "\n".join(list(vm.console)[-6:])
    res.check("the host pairs, pushes and selects a routine, and pulls the log over the radio",
              error is None and did["step"] == "done",
              f"failed at {did['step']}: {type(error).__name__}: {error}\n"
              f"device console:\n{console}\nlast screens: {vm.screens[-4:]}\n"
              f"notable: {vm.notable[-4:]}")
    asked = [t for _, t in vm.screens if t and t[0] == "Pair with"]
    res.check("the device asked 'Pair with <name>?' before storing the key",
              bool(asked) and did.get("device"), asked)
    if error is not None:  # the rest of the run needs the pushed routine: end it now
        raise VmEnded("the run stops here: the host's pair, push and pull failed")
    res.check("the device names itself as it advertises", did["device"].startswith(
        "stretchcue-") and did["info"].get("board") == vm.board, did.get("info"))
    from binascii import crc32

    res.check("the pushed routine arrives whole and selected",
              did["push"].get("size") == len(pushed)
              and did["push"].get("crc") == crc32(pushed)
              and any(r["name"] == PUSHED and r["selected"] for r in did["routines"]),
              (did["push"], did["routines"]))
    pull_end = vm.t

    vm.phase("menu")
    vm.press("A@500ms,A@2s")
    await until(vm, lambda: any(t.startswith(SESSION_LINES) for t in vm.texts),
                "the pushed routine")
    res.check("the menu then offers the pushed routine, and it starts",
              any(MENU_HINT in tx and "Desk break" in tx for t, tx in vm.screens if t > pull_end)
              and "Neck side bend" in vm.texts, vm.texts)
    vm.phase("session")
    holds: set = set()

    def second_hold() -> bool:
        if any(t.startswith("Hold") for t in vm.texts):
            holds.add(tuple(vm.texts[:2]))
        return len(holds) >= 2

    await until(vm, second_hold, "the second hold of the pushed routine")
    vm.stop("power cut")
    await vm.close()
    _clean(res, vm, "first boot", "power cut")
    return did


async def host_again(client: DeviceClient, did: dict) -> dict:
    """What any command of the paired tool does first: connect and authenticate."""
    did["step"] = "connect"
    await client.connect()
    did["step"] = "authenticate"
    await client.authenticate()
    did["step"] = "info"
    did["info"] = await client.info()
    did["step"] = "close"
    await client.close()
    did["step"] = "done"
    return did


async def second_boot(res: Result, vm: Vm, work: Path) -> None:
    await vm.start()
    await until(vm, lambda: vm.texts, "the first screen after the power cut")
    res.check("after a power cut mid-session the next boot resumes it by itself",
              any(t.startswith(SESSION_LINES) for t in vm.texts), vm.texts)
    vm.phase("resumed")
    await until(vm, lambda: SUMMARY in vm.texts, "the resumed session's summary")
    vm.press("A@500ms")  # to the menu, where the engine is no longer held
    await until(vm, lambda: MENU_HINT in vm.texts, "the menu after the summary")

    vm.phase("radio")
    transport = VmTransport(vm, ATT_MTU[vm.board])
    client = DeviceClient(transport, KeyStore(work / "keys.json"), timeout_s=30.0,
                          retries=1, backoff_s=0)
    did: dict = {"step": "start"}
    error: BaseException | None = None
    task = asyncio.create_task(host_again(client, did))
    try:
        await until(vm, lambda: task.done(), "the host authenticating after the reboot",
                    transport, task, limit_ms=HOST_LIMIT_MS)
    except VmEnded as e:
        error = e
    finally:
        if not task.done():
            task.cancel()
    if task.done() and not task.cancelled():
        error = task.exception()
    res.check("after the reboot the paired host still authenticates (its key is in the nvm)",
              error is None and did["step"] == "done",
              f"failed at {did['step']}: {type(error).__name__}: {error}")
    vm.stop("done")
    await vm.close()
    _clean(res, vm, "second boot", "done")


async def damaged_boot(res: Result, vm: Vm, image: Path) -> None:
    """Issue 11: the selected routine nested 4000 deep, a leftover .tmp of it, and garbage
    after the log's last record.  Each is set aside or trimmed, the screen says so, and
    the menu comes up (a crash at boot would repeat at every boot)."""
    data = image / "stretchcue-data"
    deep = b"[" * 4000 + b"]" * 4000
    for name in (PUSHED + ".json", PUSHED + ".json.tmp"):
        (data / "routines" / name).write_bytes(deep)
    size = (data / "log.bin").stat().st_size
    with open(data / "log.bin", "ab") as f:
        f.write(bytes(range(256)) * 16)
    await vm.start()
    await until(vm, lambda: vm.texts, "the first screen on a damaged drive")
    note = " ".join(vm.texts)
    vm.press("A@500ms")
    await until(vm, lambda: MENU_HINT in vm.texts, "the menu on a damaged drive")
    res.check("a damaged routine: the screen names it, and the menu comes up on the built-in one",
              PUSHED in note and "Lower back" in vm.texts, (note, vm.texts))
    vm.stop("done")
    await vm.close()
    ended = vm.end is not None and vm.end.get("reason") == "done"
    res.check("damaged boot: the firmware raised nothing", ended and not vm.notable,
              (vm.describe_end(), vm.notable[:5]))
    res.check("damaged boot: the log is trimmed back to its last record",
              (data / "log.bin").stat().st_size == size, size)


def old_log(image: Path, size: int = OLD_LOG_BYTES) -> list[bytes]:
    """Weeks of finished sessions, never pulled, in the drive's log before the first boot."""
    raws: list[bytes] = []
    while sum(map(len, raws)) < size - 1300:
        seq, day = len(raws), len(raws) // 47
        raws.append(sl.encode(Rec.START, seq + 1, EPOCH - 86400 * (80 - day), 1_768_000,
                              0x0B5E55ED, 5, "Lower back"))
        for i in range(40):
            raws.append(sl.encode(Rec.HOLD, seq + 2 + i, i // 8, 1 + i // 4 % 2, 1 + i % 4, 0,
                                  30_000, 30_000, 0))
        for i in range(5):
            raws.append(sl.encode(Rec.RATING, seq + 42 + i, i, 2 + (day + i) % 3))
        raws.append(sl.encode(Rec.END, seq + 47, 1_768_000, 0, 0, 0, 1_768_000, 0))
    (image / "stretchcue-data").mkdir(exist_ok=True)
    (image / "stretchcue-data" / "log.bin").write_bytes(b"".join(raws))
    return raws


def check_log(res: Result, image: Path, did: dict, old: list) -> None:
    logs = [p for p in image.rglob("log.bin") if p.relative_to(image).parts[0] != "lib"]
    if not res.check("the firmware keeps one session log on the drive", len(logs) == 1, logs):
        return
    recs, problems, _ = sl.scan(logs[0].read_bytes())
    res.check("the log reads back whole", not problems, problems)
    res.check(f"the {sum(map(len, old)) // 1024} KB log on the drive before the first boot "
              "is kept", [r.raw for r in recs[:len(old)]] == old, f"{len(recs)} records")
    recs = recs[len(old):]
    kinds = [r.rtype for r in recs]
    if not res.check("the log holds both sessions", kinds.count(Rec.END) == 2,
                     [r.name for r in recs]):
        return
    first = recs[:kinds.index(Rec.END) + 1]
    holds = [r.fields() for r in first if r.rtype == Rec.HOLD]
    routine, _ = load(resolve("lower-back"))
    planned = sum(st.reps * len(st.side_codes()) for st in routine.stretches)
    end = first[-1].fields()
    ratings = [r.fields() for r in first if r.rtype == Rec.RATING]
    res.check("the first session is logged as it went: pause, +10 s, skip, rating",
              first[0].rtype == Rec.START and len(holds) == planned and not end["aborted"]
              and any(h["extended_ms"] == 10000 for h in holds)
              and any(h["skipped"] for h in holds)
              and {"stretch": 0, "rating": 4} in ratings
              and 14_000 <= end["paused_ms"] <= 16_000,
              f"{len(holds)}/{planned} holds, end {end}, ratings {ratings}")
    pulled = did.get("pulled")
    if pulled is not None:
        res.check("the host pulled exactly the records the device had logged, old ones too",
                  [r.raw for r in pulled] == old + [r.raw for r in first],
                  f"pulled {len(pulled)} records, the device had {len(old) + len(first)}")
    second = [r.name for r in recs[len(first):]]
    res.check("the resumed session is logged: start, holds, resumed, end",
              second[:1] == ["start"] and "hold" in second and "resumed" in second
              and second.index("resumed") > second.index("hold") and second[-1] == "end",
              second)


def check_keys(res: Result, image: Path, nvm: Path, work: Path, did: dict) -> None:
    """The pairing key is in the board's nvm (kept beside the drive), in no file on it."""
    key = KeyStore(work / "keys.json").get(did.get("device", ""))
    if not res.check("the host kept a key from pairing", key, did.get("device")):
        return
    on_drive = [p.relative_to(image).as_posix() for p in image.rglob("*")
                if p.is_file() and key in p.read_bytes()]
    res.check("the pairing key is in the nvm and in no file on the drive",
              not on_drive and nvm.exists() and key in nvm.read_bytes(),
              on_drive or f"{nvm} holds no key")


async def check_libraries(kind: str, work: Path, libs: Path, standins: Path, vm_path,
                          heap: str, core_mpy_cross: Path | None = None) -> Result:
    """Every module in the drive's /lib imported on its own on the VM: the core as the
    installer ships it (.mpy from ``core_mpy_cross``, else .py) and the libraries as
    circup would (.mpy for CircuitPython).  A .mpy a board cannot load fails here."""
    res = Result("libs", kind)
    t0 = time.monotonic()
    drive = work / "CIRCUITPY"
    await asyncio.to_thread(build_image, "clue", drive, libs, core_mpy_cross)
    names = module_names(drive / "lib")
    cfg = config("clue", vm_path, "", False)
    cfg.update(probe=[[n, [n]] for n in names], forget=True)
    vm = Vm(kind, "clue", drive, standins, cfg, heap)
    try:
        await vm.start()
        await vm.close()
        bad = [f"{e}" for _, _, e in (vm.end or {}).get("probe", []) if e]
        mpy = sorted({p.relative_to(drive / "lib").parts[0].removesuffix(".mpy")
                      for p in (drive / "lib").rglob("*.mpy")})
        what = (f"as .mpy from CircuitPython's mpy-cross: {', '.join(mpy)}" if mpy
                else "as .py")
        res.check(f"every module in /lib loads on its own ({len(names)}; {what})",
                  vm.end and vm.end.get("probe") and not bad,
                  "\n".join(bad) or vm.describe_end())
    finally:
        vm.kill()
    res.seconds = time.monotonic() - t0
    return res


async def run_board(kind: str, board: str, work: Path, libs: Path, standins: Path,
                    vm_path, heap: str, core_mpy_cross: Path | None = None) -> Result:
    """The whole story on one board and VM; ``core_mpy_cross`` installs the core as .mpy."""
    res = Result(board, kind)
    t0 = time.monotonic()
    image = work / "CIRCUITPY"
    vms: list[Vm] = []
    try:
        await asyncio.to_thread(build_image, board, image, libs, core_mpy_cross)
        old = old_log(image)
        sampling = kind == "circuitpython"
        vms.append(Vm(kind, board, image, standins,
                      config(board, vm_path, SESSION_SCRIPT, sampling), heap))
        did = await first_boot(res, vms[-1], work)
        vms.append(Vm(kind, board, image, standins, config(board, vm_path, "", sampling), heap))
        await second_boot(res, vms[-1], work)
        check_log(res, image, did, old)
        check_keys(res, image, vms[-1].nvm_path, work, did)
        vms.append(Vm(kind, board, image, standins, config(board, vm_path, "", False), heap))
        await damaged_boot(res, vms[-1], image)
    except VmEnded as e:
        res.check("the run reaches its end", False, e)
    except Exception:  # noqa: BLE001  (a harness or host failure is a failed run too)
        res.check("the run reaches its end", False, traceback.format_exc())
    finally:
        for vm in vms:
            vm.kill()
    res.seconds = time.monotonic() - t0
    return res

