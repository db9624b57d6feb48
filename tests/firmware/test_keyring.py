"""Pairing keys in the board's nvm (firmware/keyring.py): two slots that survive a power cut
mid-write, a full keyring's replacement rule, a damaged nvm, the move off the drive."""

from __future__ import annotations

import struct
from binascii import crc32

import keyring
import pytest
from keyring import MAX_HOSTS, FileKeys, Keyring, open_keys
from store import Store, StoreError

from stretchcue.protocol import messages as m
from stretchcue_host.sim.fakes.nvm import SIZE, ByteArray

PAGE = 4096


def host(i: int) -> bytes:
    return bytes([0x40 + i]) * 16


def key(i: int, gen: int = 0) -> bytes:
    return bytes([i, gen]) * 16


class PowerCut(Exception):
    pass


class TornNvm(ByteArray):
    """Power fails during write number ``cut_at``: the page it touches was erased and only
    ``keep`` bytes of the new data were programmed, as on an nRF52840."""

    def __init__(self, data=None) -> None:
        super().__init__(data)
        self.writes = 0
        self.cut_at = 0
        self.keep = 0

    def __setitem__(self, index, value) -> None:
        self.writes += 1
        if self.writes != self.cut_at:
            return super().__setitem__(index, value)
        page = index.start - index.start % PAGE
        super().__setitem__(slice(page, page + PAGE), b"\xff" * PAGE)
        if self.keep:
            super().__setitem__(slice(index.start, index.start + self.keep),
                                bytes(value[:self.keep]))
        raise PowerCut


def test_keys_round_trip_and_live_in_separate_flash_pages():
    nvm = ByteArray()
    ring = Keyring(nvm)
    assert ring.get(host(1)) is None
    ring.put(host(1), key(1))
    ring.put(host(2), key(2))
    again = Keyring(nvm)  # after a reboot: nothing is cached
    assert again.get(host(1)) == key(1) and again.get(host(2)) == key(2)
    assert again.get(host(3)) is None
    again.put(host(1), key(1, 1))  # paired again: the new key
    assert Keyring(nvm).get(host(1)) == key(1, 1)
    assert nvm[0:4] == b"SCK1" and nvm[PAGE:PAGE + 4] == b"SCK1"
    assert Keyring(nvm).remove(host(1)) and not Keyring(nvm).remove(host(1))
    assert Keyring(nvm).get(host(1)) is None and Keyring(nvm).get(host(2)) == key(2)


def test_a_forgotten_key_is_in_neither_slot():
    nvm = ByteArray()
    ring = Keyring(nvm)
    for i in range(3):
        ring.put(host(i), key(i))
    ring.remove(host(1))
    assert key(1) not in bytes(nvm[0:SIZE])
    assert ring.clear() == 2
    assert all(key(i) not in bytes(nvm[0:SIZE]) for i in range(3))
    assert ring.get(host(0)) is None and ring.clear() == 0


@pytest.mark.parametrize("keep", [0, 13, 60, 147])
def test_a_power_cut_in_the_first_write_keeps_the_old_set(keep):
    nvm = TornNvm()
    ring = Keyring(nvm)
    ring.put(host(1), key(1))
    ring.put(host(2), key(2))
    nvm.cut_at, nvm.keep = nvm.writes + 1, keep
    with pytest.raises(PowerCut):
        ring.put(host(3), key(3))
    after = Keyring(nvm)
    assert [after.get(host(i)) for i in (1, 2, 3)] == [key(1), key(2), None]
    after.put(host(3), key(3))  # and the next change is written whole
    assert [Keyring(nvm).get(host(i)) for i in (1, 2, 3)] == [key(1), key(2), key(3)]


@pytest.mark.parametrize("keep", [0, 60, 111])
def test_a_power_cut_in_the_second_write_has_the_new_set(keep):
    nvm = TornNvm()
    ring = Keyring(nvm)
    for i in (1, 2, 3):
        ring.put(host(i), key(i))
    nvm.cut_at, nvm.keep = nvm.writes + 2, keep
    with pytest.raises(PowerCut):
        ring.remove(host(1))
    assert [Keyring(nvm).get(host(i)) for i in (1, 2, 3)] == [None, key(2), key(3)]
    Keyring(nvm).put(host(4), key(4))
    assert key(1) not in bytes(nvm[0:SIZE])  # the torn slot is written over by the next change


def test_a_damaged_newer_slot_leaves_the_older_one():
    nvm = ByteArray()
    ring = Keyring(nvm)
    ring.put(host(1), key(1))
    newer = max((0, PAGE), key=lambda b: struct.unpack_from("<I", nvm[b + 4:b + 8])[0])
    nvm[newer + 20] ^= 0xFF  # one flipped byte in an entry: its CRC fails
    assert Keyring(nvm).get(host(1)) == key(1)


def test_a_full_keyring_replaces_the_least_recently_paired():
    nvm = ByteArray()
    ring = Keyring(nvm)
    for i in range(MAX_HOSTS):
        ring.put(host(i), key(i))
    ring.put(host(0), key(0, 1))  # paired again: now the most recent
    ring.put(host(MAX_HOSTS), key(MAX_HOSTS))
    assert ring.get(host(1)) is None  # the least recently paired went
    assert ring.get(host(0)) == key(0, 1) and ring.get(host(MAX_HOSTS)) == key(MAX_HOSTS)
    assert all(ring.get(host(i)) == key(i) for i in range(2, MAX_HOSTS))
    assert key(1) not in bytes(nvm[0:SIZE])


def _slot(seq: int, count: int, body: bytes, crc_fix: int = 0) -> bytes:
    blob = b"SCK1" + struct.pack("<IB", seq, count) + b"\0\0\0" + body
    return blob + struct.pack("<I", (crc32(blob) + crc_fix) & 0xFFFFFFFF)


@pytest.mark.parametrize("damage", ["zeros", "erased", "bad crc", "count too big", "noise"])
def test_a_damaged_nvm_reads_as_no_keys_and_takes_new_ones(damage):
    import random

    rng = random.Random(damage)
    data = {"zeros": bytes(SIZE), "erased": b"\xff" * SIZE,
            "noise": bytes(rng.getrandbits(8) for _ in range(SIZE))}.get(damage)
    if data is None:
        body = host(1) + key(1)
        slot = (_slot(5, 1, body, 1) if damage == "bad crc"
                else _slot(5, 200, body * 8))
        data = (slot + b"\xff" * PAGE)[:PAGE] * 2
    nvm = ByteArray(data)
    ring = Keyring(nvm)
    assert ring.get(host(1)) is None and ring.remove(host(1)) is False
    ring.put(host(2), key(2))
    assert Keyring(nvm).get(host(2)) == key(2)


def test_open_keys_falls_back_to_files_without_an_nvm(tmp_path):
    folder = str(tmp_path / "keys")
    assert isinstance(open_keys(ByteArray(), folder), Keyring)
    for nvm in (None, ByteArray(bytes(256))):
        keys = open_keys(nvm, folder)
        assert isinstance(keys, FileKeys)
    keys.put(host(1), key(1))
    assert open_keys(None, folder).get(host(1)) == key(1)
    assert keys.remove(host(1)) and keys.get(host(1)) is None
    keys.put(host(2), key(2))
    assert keys.clear() == 1
    store = Store(str(tmp_path / "data"))
    assert "USB drive" in store.open_keys()


def _old_keys(store: Store, keys: dict) -> None:
    import os

    os.makedirs(store.keys_dir)
    for name, data in keys.items():
        with open(store.keys_dir + "/" + name, "wb") as f:
            f.write(data)


def test_key_files_move_off_the_drive_into_the_nvm(tmp_path):
    import os

    nvm = ByteArray()
    store = Store(str(tmp_path / "data"), nvm=nvm)
    Keyring(nvm).put(host(3), key(3, 1))  # paired since: newer than its old file
    _old_keys(store, {host(1).hex(): key(1), host(2).hex(): key(2), host(3).hex(): key(3),
                      "._" + host(4).hex(): b"mac resource fork", host(5).hex(): b"short"})
    assert store.open_keys() == ""
    assert not os.path.exists(store.keys_dir)
    keys = store.keys()
    assert [keys.get(host(i)) for i in range(1, 6)] == [key(1), key(2), key(3, 1), None, None]
    for i in range(6, 6 + MAX_HOSTS - 2):
        keys.put(host(i), key(i))
    assert keys.get(host(1)) is None or keys.get(host(2)) is None  # moved keys rank oldest
    assert keys.get(host(3)) == key(3, 1)
    assert store.open_keys() == ""  # nothing left to move: the nvm is left alone
    assert Keyring(nvm).get(host(3)) == key(3, 1)


def test_moving_keys_into_a_damaged_nvm_boots_on(tmp_path):
    class Broken(ByteArray):
        def __setitem__(self, index, value):
            raise RuntimeError("Unable to write to nvm.")

    store = Store(str(tmp_path / "data"), nvm=Broken(b"\0" * SIZE))
    _old_keys(store, {host(1).hex(): key(1)})
    note = store.open_keys()
    assert "not moved off the drive" in note
    assert (tmp_path / "data" / "keys" / host(1).hex()).read_bytes() == key(1)  # kept there
    with pytest.raises(StoreError, match="keys not forgotten"):
        store.forget_keys()


def test_the_device_api_and_the_menu_use_the_nvm(tmp_path):
    from app import App
    from device_api import DeviceApi
    from hardware import Hardware

    from stretchcue_host.sim.fakes import hw

    nvm = ByteArray()
    app = App(Hardware("test", keys=hw.Keys((0, 1), value_when_pressed=False)),
              Store(str(tmp_path / "data"), nvm=nvm))
    app.boot(0)
    api = DeviceApi(app, "stretchcue-test")
    api.key_put(bytearray(host(1)), memoryview(key(1)))
    api.key_put(host(2), key(2))
    assert Keyring(nvm).get(host(1)) == key(1) and api.key_get(host(2)) == key(2)
    assert not (tmp_path / "data" / "keys").exists()
    api.key_put(host(2), None)
    assert api.key_get(host(2)) is None
    assert app.store.forget_keys() == 1 and api.key_get(host(1)) is None


def test_a_failed_key_write_is_a_protocol_error(tmp_path, monkeypatch):
    from device_api import DeviceApi

    class App:
        store = Store(str(tmp_path / "data"), nvm=ByteArray())

    api = DeviceApi(App(), "stretchcue-test")

    def fail(*a):
        raise RuntimeError("Unable to write to nvm.")

    monkeypatch.setattr(keyring.Keyring, "_save", fail)
    with pytest.raises(m.ProtocolError) as e:
        api.key_put(host(1), key(1))
    assert e.value.code == m.INTERNAL and "nvm" in str(e.value)
