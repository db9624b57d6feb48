"""The laptop's key file: owner-only, replaced atomically and durably, never half-written."""

from __future__ import annotations

import os
import stat

import pytest

from stretchcue_host.keys import KeyStore

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@posix
def test_the_key_file_is_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        store = KeyStore(tmp_path / "cfg" / "keys.json")
        store.put("stretchcue-aaaaaa", b"k" * 32)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "cfg" / "keys.json").stat().st_mode) == 0o600
    assert KeyStore(tmp_path / "cfg" / "keys.json").get("stretchcue-aaaaaa") == b"k" * 32


@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch, failing):
    path = tmp_path / "keys.json"
    store = KeyStore(path)
    host_id = store.host_id
    store.put("stretchcue-aaaaaa", b"a" * 32)
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write":
        monkeypatch.setattr("stretchcue_host.keys.json.dumps", fail)
    else:
        monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError):
        store.put("stretchcue-bbbbbb", b"b" * 32)
    with pytest.raises(OSError):
        store.forget("stretchcue-aaaaaa")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]
    assert store.get("stretchcue-bbbbbb") is None  # memory agrees with the file
    assert store.get("stretchcue-aaaaaa") == b"a" * 32
    again = KeyStore(path)
    assert again.host_id == host_id and again.devices() == ["stretchcue-aaaaaa"]


@posix
def test_a_save_fsyncs_the_file_before_the_rename_and_the_folder_after(tmp_path, monkeypatch):
    events: list = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    KeyStore(tmp_path / "keys.json").put("stretchcue-aaaaaa", b"a" * 32)
    assert events == ["fsync file", "replace", "fsync dir"]
