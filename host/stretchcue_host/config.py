"""The user's defaults (device, transport, weekly goal) in a small TOML file.

Only known keys with checked values are read or written, so a typo shows up
as an error naming the key instead of a setting that silently does nothing.
The file is written by hand (no TOML writer in the standard library); values
are plain strings and integers.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

#: fixed choices, and prefixes that take an argument (a bumble HCI spec, a serial port)
TRANSPORTS = ("auto", "ble", "usb", "sim")
TRANSPORT_PREFIXES = ("bumble:", "usb:")
TRANSPORT_HELP = "auto, ble, usb, sim, usb:PORT or bumble:SPEC"

# key: (type, default, description)
KEYS: dict[str, tuple[type, object, str]] = {
    "device": (str, "", "default device name or address (empty: ask or scan)"),
    "transport": (str, "auto", "how to reach the device: " + TRANSPORT_HELP),
    "weekly_goal": (int, 5, "sessions per week you aim for (1-21)"),
    "remind": (str, "", "daily reminder on the device, HH:MM [DAYS], or off (empty: "
                        "leave the device's as it is); sent with the clock"),
}

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OFF = 0xFFFF  # the protocol's reminder minute for none


def parse_days(text: str) -> int:
    """``mon-fri``, ``sat,sun``, ``fri-mon``, ``daily``, ``weekdays``, ``weekends`` as a bit
    mask with bit 0 Monday (the device's); raises ConfigError naming what is wrong."""
    words = {"daily": "mon-sun", "everyday": "mon-sun", "all": "mon-sun",
             "weekdays": "mon-fri", "weekends": "sat-sun"}
    text = words.get(text.strip().lower().replace(" ", ""), text.strip().lower())
    mask = 0
    for part in filter(None, (p.strip() for p in text.split(","))):
        ends = [p.strip()[:3] for p in part.split("-")]
        if len(ends) > 2 or any(e not in DAY_NAMES for e in ends):
            raise ConfigError(f"days must be names like mon, tue ... sun, ranges like mon-fri, "
                              f"or daily, weekdays, weekends; not {part!r}")
        a, b = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        for i in range(7):
            if (i - a) % 7 <= (b - a) % 7:
                mask |= 1 << i
    if not mask:
        raise ConfigError("days: name at least one day, e.g. mon-fri")
    return mask


def parse_remind(text: str) -> tuple[int, int] | None:
    """``"07:30 mon-fri"`` -> (minute of the day, weekday mask); ``"off"`` -> None."""
    parts = text.strip().split(None, 1)
    if not parts or parts[0].lower() == "off":
        if len(parts) > 1:
            raise ConfigError("remind off takes no days")
        return None
    hh, sep, mm = parts[0].partition(":")
    if not (sep and hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24
            and int(mm) < 60):
        raise ConfigError(f"remind must be a time HH:MM (24-hour, e.g. 07:30) or off, "
                          f"not {parts[0]!r}")
    days = parse_days(parts[1]) if len(parts) > 1 else 0x7F
    return int(hh) * 60 + int(mm), days


def describe_days(mask: int) -> str:
    if mask == 0x7F:
        return "every day"
    return ", ".join(d for i, d in enumerate(DAY_NAMES) if mask >> i & 1)


class ConfigError(ValueError):
    """The config file or a value given for it is invalid."""


def check(key: str, value: object) -> object:
    """Return ``value`` converted for ``key``, or raise ConfigError saying why not."""
    if key not in KEYS:
        raise ConfigError(f"unknown key {key!r}; known keys: {', '.join(KEYS)}")
    kind = KEYS[key][0]
    if kind is int:
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise ConfigError(f"{key} must be a whole number, not {value!r}") from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{key} must be a whole number, not {value!r}")
        if key == "weekly_goal" and not 1 <= value <= 21:
            raise ConfigError(f"weekly_goal must be between 1 and 21, got {value}")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be text, not {value!r}")
    if key == "transport" and not (value in TRANSPORTS or any(
            value.startswith(p) and len(value) > len(p) for p in TRANSPORT_PREFIXES)):
        raise ConfigError(f"transport must be one of {TRANSPORT_HELP}, got {value!r}")
    if "\n" in value:
        raise ConfigError(f"{key} must be one line")
    if key == "remind" and value:
        r = parse_remind(value)
        if r is None:
            return "off"
        return f"{r[0] // 60:02d}:{r[0] % 60:02d}" + (
            "" if r[1] == 0x7F else " " + ",".join(
                d for i, d in enumerate(DAY_NAMES) if r[1] >> i & 1))
    return value


def load(path: Path) -> dict:
    """Defaults overlaid with the file's values (a missing file means all defaults)."""
    values = {k: spec[1] for k, spec in KEYS.items()}
    if not path.exists():
        return values
    from stretchcue_host.files import FileRefused, read_limited

    try:
        data = tomllib.loads(read_limited(path, 64 * 1024, "settings file").decode("utf-8"))
    except FileRefused as e:
        raise ConfigError(f"{path}: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"cannot read {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    except (RecursionError, ValueError):  # nested too deeply; a 5000-digit number
        raise ConfigError(f"{path}: invalid TOML: nested too deeply or a number too long") \
            from None
    for k, v in data.items():
        try:
            values[k] = check(k, v)
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None
    return values


def save(path: Path, values: dict) -> None:
    lines = ["# stretchcue settings; edit with `stretchcue config KEY VALUE`."]
    for k, (_, default, why) in KEYS.items():
        v = values.get(k, default)
        lines.append(f"# {why}")
        lines.append(f"{k} = {json.dumps(v, ensure_ascii=False)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise ConfigError(f"cannot write {path}: {e.strerror}") from None


def set_value(path: Path, key: str, text: str) -> dict:
    values = load(path)
    values[key] = check(key, text)
    save(path, values)
    return values
