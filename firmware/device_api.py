"""What the radio protocol may do on this device, over the store and the app.

``stretchcue.protocol.device.DeviceProtocol`` calls these methods; keeping
them here (not in the protocol) leaves the protocol free of files and clocks.
Pairing keys live in the board's nvm, off the USB drive (keyring.py).
"""

from __future__ import annotations

import time
from binascii import crc32

from app import DEFAULT_NAME
from store import StoreError

from stretchcue import drop
from stretchcue.protocol import messages as m
from stretchcue.routine import MAX_ROUTINE_BYTES

try:
    from typing import Any
except ImportError:
    pass

FIRMWARE_VERSION = "0.1.0"


def _transfer() -> Any:
    """``store_transfer``, loaded for the first upload, listing or pull a host asks for
    (not for pairing) and forgotten with the protocol (``links._SERVING``)."""
    import store_transfer

    return store_transfer


class DeviceApi:
    def __init__(self, app: Any, device_id: str) -> None:
        self.app = app
        self.store = app.store
        self.device_id = device_id

    @property
    def busy(self) -> bool:
        return bool(self.app.busy)

    def info(self) -> dict:
        return {"id": self.device_id, "fw": FIRMWARE_VERSION, "board": self.app.hw.board_name,
                "free": self.store.free_bytes(), "battery": self.app.battery(),
                "routine": self.app.name}

    def list_routines(self) -> list:
        """Every routine the device can start, by name: the stored ones, and the built-in
        one (``builtin``) unless a stored routine of its name hides it.  ``selected`` is
        the one button A starts: the built-in one when the selected file is missing."""
        stored = self.store.routine_names()
        out = []
        for name in self.store.routine_names(DEFAULT_NAME):
            builtin = name not in stored
            if builtin:
                from default_routine import DEFAULT_JSON as data

                drop("default_routine")
                size, crc = len(data), crc32(data) & 0xFFFFFFFF
            else:
                try:
                    size, crc = _transfer().routine_crc(self.store, name)
                except OSError:  # unreadable: set aside when next selected
                    continue
                if size > MAX_ROUTINE_BYTES:
                    continue
            out.append({"name": name, "size": size, "crc": crc,
                        "selected": name == self.app.name, "builtin": builtin})
        return out

    def stage_write(self, name: str, offset: int, data: Any) -> None:
        """A chunk of an upload onto flash as it arrives, not yet a routine
        (``store_staged`` checks and keeps it): no buffer of the routine's size."""
        try:
            _transfer().stage_write(self.store, name, offset, data)
        except StoreError as e:
            raise m.ProtocolError(m.NO_SPACE, e.reason) from None

    def store_staged(self, name: str) -> None:
        """RoutineError if the staged routine is not valid; else it replaces ``name``."""
        try:
            _transfer().store_staged(self.store, name)
        except StoreError as e:
            raise m.ProtocolError(m.NO_SPACE, e.reason) from None
        if name == self.app.name:
            self.app.reload_routines()

    def select(self, name: str) -> bool:
        if name not in self.store.routine_names(DEFAULT_NAME):
            return False
        self.store.select(name)
        self.app.reload_routines()
        return True

    def delete(self, name: str) -> bool:
        """Deleting a stored routine that hides the built-in one brings the built-in back;
        the built-in one itself cannot go.  Deleting the selected routine selects it."""
        done = _transfer().delete_routine(self.store, name)
        if done:
            if name != DEFAULT_NAME and self.store.selected() == name:
                try:
                    self.store.select(DEFAULT_NAME)
                except StoreError:
                    pass  # the app falls back to it all the same
            self.app.reload_routines()
        elif name == DEFAULT_NAME:
            raise m.ProtocolError(m.BAD_REQUEST, "'%s' is the built-in routine; it cannot "
                                  "be deleted" % name)
        return done

    def start(self, name: str) -> str:
        """Text mode's ``start``: what button A on the menu does, for ``name`` if given."""
        if self.app.busy or self.app.requests:
            raise m.ProtocolError(m.BUSY, "device busy running a session")
        if name and not self.select(name):
            raise m.ProtocolError(m.UNKNOWN_ROUTINE, "no routine named '%s'" % name)
        self.app.requests.append("start")
        return self.app.name

    def stop(self) -> bool:
        """Text mode's ``stop``: what A+B does during a session."""
        if not self.app.busy:
            return False
        self.app.requests.append("stop")
        return True

    def log_after(self, cursor: int, max_bytes: int, limit: int = 0) -> tuple:
        return _transfer().log_after(self.store, cursor, max_bytes, limit)

    def ack(self, seq: int) -> None:
        _transfer().ack(self.store, seq)

    def set_clock(self, epoch_s: int) -> None:
        import rtc

        rtc.RTC().datetime = time.localtime(epoch_s)

    def set_remind(self, at_min: int, days: int, offset_min: int) -> None:
        """The daily reminder from the laptop's settings (at_min 0xFFFF: none)."""
        self.app.set_remind(None if at_min == 0xFFFF else [at_min, days, offset_min, -1])

    def key_get(self, host_id: bytes) -> bytes | None:
        """The keyring is loaded for each call and gone after it (as for ``key_put``): a
        key is needed once a connection, and a pull's heap peak should not carry it."""
        return self.store.keys().get(bytes(host_id))

    def key_put(self, host_id: bytes, key: bytes | None) -> None:
        keys = self.store.keys()
        try:
            if key is None:
                keys.remove(bytes(host_id))
            else:
                keys.put(bytes(host_id), bytes(key))
        except (OSError, RuntimeError) as e:  # RuntimeError: "Unable to write to nvm."
            raise m.ProtocolError(m.INTERNAL, "could not store the key: %s" % e) from None
