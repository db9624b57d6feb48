"""Load routine files (TOML for people, JSON for the device) into checked routines.

Errors carry ``file:line`` where it can be found, because "stretches[2].hold_s"
alone makes a person count ``[[stretches]]`` blocks by hand.
"""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

from stretchcue import routine as rt
from stretchcue_host.routine_rules import canonical_json, describe

DEFAULT = "lower-back"
MAX_FILE_BYTES = 64 * 1024


class RoutineFileError(Exception):
    """A routine file could not be used; ``problems`` is [(where, path, reason)]."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        super().__init__("\n".join(f"{w}: {p}: {r}" if p else f"{w}: {r}" for w, p, r in problems))
        self.problems = problems


def bundled_dir() -> Path:
    """The routines shipped with stretchcue (the repo's routines/ folder)."""
    here = Path(__file__).resolve().parents[2] / "routines"
    if here.is_dir():
        return here
    return Path(str(resources.files("stretchcue_host"))) / "routines"


def resolve(name_or_path: str | None) -> Path:
    """A path as given, or a bundled routine by name (``lower-back``)."""
    if not name_or_path:
        name_or_path = DEFAULT
    p = Path(name_or_path)
    if p.exists() or p.suffix:
        return p
    return bundled_dir() / f"{name_or_path}.toml"


def _line_of(text: str, path: str) -> int | None:
    """Best-effort line number of a validation path like ``stretches[2].hold_s``."""
    lines = text.splitlines()
    m = re.match(r"stretches\[(\d+)\]\.?([\w-]*)", path)
    start, stop = 0, len(lines)
    key = path.rsplit(".", 1)[-1]
    if m:
        idx, key = int(m.group(1)), m.group(2)
        heads = [i for i, ln in enumerate(lines) if ln.strip().startswith("[[stretches]]")]
        if idx >= len(heads):
            return None
        start = heads[idx]
        stop = heads[idx + 1] if idx + 1 < len(heads) else len(lines)
        if not key:
            return start + 1
        nxt = [i for i, ln in enumerate(lines) if re.match(r"\s*\[", ln) and i > start]
        stop = min([stop] + nxt)
    elif path.startswith("defaults."):
        heads = [i for i, ln in enumerate(lines) if ln.strip().startswith("[defaults]")]
        if heads:
            start = heads[0]
    for i in range(start, stop):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    if m:
        # Not set in the stretch itself: it came from [defaults], or is missing.
        return _line_of(text, "defaults." + key) or start + 1
    return None


def load(path: str | Path) -> tuple[rt.Routine, bytes]:
    """Parse and validate a routine file; return it and its canonical JSON."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise RoutineFileError([(str(p), "", f"cannot read it: {e.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise RoutineFileError([(str(p), "", f"is {size} bytes; a routine file is at most "
                                 f"{MAX_FILE_BYTES} bytes")])
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RoutineFileError([(str(p), "", f"is not UTF-8 text (byte {e.start})")]) from None
    if p.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise RoutineFileError([(f"{p}:{e.lineno}", "", f"invalid JSON: {e.msg}")]) from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
            where = f"{p}:{m.group(1)}" if m else str(p)
            msg = re.sub(r"\s*\(at line.*\)$", "", str(e))
            raise RoutineFileError([(where, "", f"invalid TOML: {msg}")]) from None
    try:
        r = rt.from_dict(data)
    except rt.RoutineError as e:
        problems = []
        for path_, reason in describe(e.errors):
            line = _line_of(text, path_) if p.suffix != ".json" else None
            problems.append((f"{p}:{line}" if line else str(p), path_, reason))
        raise RoutineFileError(problems) from None
    return r, canonical_json(r)
