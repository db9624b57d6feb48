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
}


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
