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
from stretchcue_host.files import FileRefused, read_limited
from stretchcue_host.routine_rules import describe, device_json, printable, shown

DEFAULT = "lower-back"
MAX_FILE_BYTES = 64 * 1024


class RoutineFileError(Exception):
    """A routine file could not be used; ``problems`` is [(where, path, reason)]."""

    def __init__(self, problems: list[tuple[str, str, str]], data: object = None) -> None:
        super().__init__("\n".join(f"{w}: {in_words(p, data)}: {r}" if p else f"{w}: {r}"
                                   for w, p, r in problems))
        self.problems = problems
        self.data = data  # the parsed file, which names the stretches in words


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
    try:
        if p.exists() or p.suffix:
            return p
    except (OSError, ValueError):  # a name the OS cannot take; load() says so
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


def device_name(path: str | Path) -> str:
    """The name the device stores ``path`` under (its stem), or RoutineFileError when
    the device would refuse that name (``messages.check_name``: 1-32 letters, digits,
    - or _): said before anything is sent, not by the device after."""
    from stretchcue.protocol import messages as m

    stem = Path(path).stem
    try:
        return m.check_name(stem.encode("utf-8", "replace"))
    except m.ProtocolError as e:
        raise RoutineFileError([(printable(str(path)), "", f"{e.message}: the device stores "
                                 f"a routine under its file name, {shown(stem)}; rename "
                                 "the file")]) from None


class _Twice(ValueError):
    """A JSON object gives one key twice (TOML refuses that itself)."""


def _pairs(pairs: list) -> dict:
    """json's object hook: a key given twice is an error, not "the last one wins"."""
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise _Twice(k)
        out[k] = v
    return out


def _parse(p: Path, text: str) -> object:
    """The file's data; RoutineFileError for text that is not its format (or too deep)."""
    kind = "JSON" if p.suffix == ".json" else "TOML"
    try:
        if kind == "JSON":
            return json.loads(text, object_pairs_hook=_pairs)
        return tomllib.loads(text)
    except json.JSONDecodeError as e:
        raise RoutineFileError([(f"{p}:{e.lineno}", "", f"invalid JSON: {e.msg}")]) from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        where = f"{p}:{m.group(1)}" if m else str(p)
        msg = re.sub(r"\s*\(at line.*\)$", "", str(e))
        raise RoutineFileError([(where, "", f"invalid TOML: {msg}")]) from None
    except _Twice as e:
        why = f"invalid JSON: the key {shown(e.args[0])} is given twice in one object"
    except RecursionError:
        why = f"invalid {kind}: lists or tables nested too deeply"
    except ValueError as e:  # int(): a number longer than the interpreter converts
        why = f"invalid {kind}: " + ("a number has too many digits" if "digits" in str(e)
                                     else printable(str(e)))
    raise RoutineFileError([(str(p), "", why)])


def load(path: str | Path) -> tuple[rt.Routine, bytes]:
    """Parse and validate a routine file; return it and its canonical JSON.

    Everything the device would refuse is refused here first: the same checks
    (``stretchcue.routine``) and the size of the canonical JSON it stores.
    """
    p = Path(path)
    where = printable(str(p))
    try:
        raw = read_limited(p, MAX_FILE_BYTES, "routine file")
    except FileRefused as e:
        raise RoutineFileError([(where, "", str(e))]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RoutineFileError([(where, "", f"is not UTF-8 text (byte {e.start})")]) from None
    data = _parse(Path(where), text)
    try:
        r = rt.from_dict(data)
        return r, device_json(r)
    except rt.RoutineError as e:
        found = []
        for path_, reason in describe(e.errors):
            line = _line_of(text, path_) if p.suffix != ".json" else None
            if path_ == "routine" and e.errors[0][1] == "size":
                reason += " (its canonical JSON: shorten texts or remove stretches)"
            found.append((line or 0, f"{where}:{line}" if line else where, path_,
                          in_words(reason, data)))
        found.sort(key=lambda x: x[0])  # in the order of the file's lines
        raise RoutineFileError([x[1:] for x in found], data) from None


_STRETCH = re.compile(r"stretches\[(\d+)\]((?:\.[\w-]+)?)")


def in_words(text: str, data: object = None) -> str:
    """``stretches[1].hold_s`` -> ``stretch 2 (Prayer stretch) hold_s``: people count
    stretches from 1 and know them by title.  ``data`` is the parsed file, for titles."""
    stretches = data.get("stretches") if isinstance(data, dict) else None

    def one(m: re.Match) -> str:
        i = int(m.group(1))
        title = None
        if isinstance(stretches, list) and i < len(stretches) and isinstance(stretches[i], dict):
            t = stretches[i].get("title")
            if isinstance(t, str) and t.strip() and t.isprintable() and len(t) <= 60:
                title = t.strip()
        field = m.group(2)[1:]
        return (f"stretch {i + 1}" + (f" ({title})" if title else "")
                + (f" {field}" if field else ""))

    return _STRETCH.sub(one, text)
