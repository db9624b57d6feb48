"""The laptop's pairing keys: one random host id, and one key per paired device.

Keys open the device to anyone holding them, so the file is created owner-only
(0600) before anything is written to it, in the user's config folder, and
replaced atomically so a crash never leaves half a key file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class KeyStoreError(Exception):
    """The key file is unreadable or damaged."""


class KeyStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict = {"host_id": "", "devices": {}}
        if self.path.exists():
            try:
                self._data = json.loads(self.path.read_text())
                self._data.setdefault("devices", {})
            except (OSError, ValueError) as e:
                raise KeyStoreError(f"cannot read the key file {self.path}: {e}") from None

    @property
    def host_id(self) -> bytes:
        if not self._data.get("host_id"):
            self._data["host_id"] = os.urandom(16).hex()
            self._save()
        return bytes.fromhex(self._data["host_id"])

    def get(self, device_id: str) -> bytes | None:
        hexkey = self._data["devices"].get(device_id)
        return bytes.fromhex(hexkey) if hexkey else None

    def put(self, device_id: str, key: bytes) -> None:
        self._data["devices"][device_id] = key.hex()
        self._save()

    def forget(self, device_id: str) -> bool:
        found = self._data["devices"].pop(device_id, None) is not None
        self._save()
        return found

    def devices(self) -> list[str]:
        return sorted(self._data["devices"])

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            os.write(fd, json.dumps(self._data, indent=1).encode())
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
