"""The laptop's pairing keys: one random host id, and one key per paired device.

Keys open the device to anyone holding them, so the file is created owner-only
(0600) before anything is written to it, in the user's config folder.  It is
replaced atomically and durably: the new text goes to a temporary file in the
same folder, is flushed and fsynced, then renamed over the old one, and the
folder is fsynced where the OS allows, so a crash or a full disk leaves the old
file or the new one, never half of one (nor a rename the disk forgot).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class KeyStoreError(Exception):
    """The key file is unreadable or damaged."""


class KeyStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict = {"host_id": "", "devices": {}}
        if self.path.exists():
            from stretchcue_host.files import FileRefused, read_limited

            try:
                self._data = json.loads(read_limited(self.path, 1024 * 1024, "key file"))
                if not isinstance(self._data, dict) or not isinstance(
                        self._data.setdefault("devices", {}), dict):
                    raise ValueError("not a table of keys")
            except (FileRefused, ValueError, RecursionError) as e:
                raise KeyStoreError(f"cannot read the key file {self.path}: {e}") from None

    @property
    def host_id(self) -> bytes:
        if not self._data.get("host_id"):
            self._save(dict(self._data, host_id=os.urandom(16).hex()))
        return bytes.fromhex(self._data["host_id"])

    def get(self, device_id: str) -> bytes | None:
        hexkey = self._data["devices"].get(device_id)
        return bytes.fromhex(hexkey) if hexkey else None

    def put(self, device_id: str, key: bytes) -> None:
        devices = dict(self._data["devices"])
        devices[device_id] = key.hex()
        self._save(dict(self._data, devices=devices))

    def forget(self, device_id: str) -> bool:
        devices = dict(self._data["devices"])
        found = devices.pop(device_id, None) is not None
        self._save(dict(self._data, devices=devices))
        return found

    def devices(self) -> list[str]:
        return sorted(self._data["devices"])

    def _save(self, data: dict) -> None:
        """Write ``data`` in place of the file, then hold it; if anything fails the file
        and this object keep what they had."""
        folder = self.path.parent
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp: created 0600, under a name of its own (two tools saving at once never
        # write one file).
        fd, tmp = tempfile.mkstemp(prefix="." + self.path.name + ".", suffix=".tmp",
                                   dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(json.dumps(data, indent=1).encode())
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        _fsync_dir(folder)
        self._data = data


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable; Windows cannot open a folder, and has no need."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
