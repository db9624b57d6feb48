"""Routine paths that are not routine files: refused at once, by name, with exit 2.

``stat()`` says 0 bytes for a named pipe or ``/dev/zero``, so a size check alone let
the read wait for ever (a pipe) or fill the memory (a device).  Every command that
takes a routine reads it the same way (``stretchcue_host.files.read_limited``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from stretchcue import routine as rt
from stretchcue_host import routine_rules
from stretchcue_host.routines import RoutineFileError, load

COMMANDS = (("validate",), ("preview",), ("run", "--instant"), ("push",))


def _no_radio(monkeypatch):
    """A bad routine must never get as far as opening a link."""
    def refuse(*a, **k):
        raise AssertionError("the radio was opened for a bad routine")

    monkeypatch.setattr("stretchcue_host.transport.open_transport", refuse)


def _special(tmp_path: Path, kind: str) -> tuple[Path, str]:
    if kind == "fifo":
        p = tmp_path / "pipe.toml"
        os.mkfifo(p)
        return p, "named pipe"
    if kind == "zero":
        p = tmp_path / "zero.toml"
        p.symlink_to("/dev/zero")
        return p, "device"
    p = tmp_path / "folder.toml"
    p.mkdir()
    return p, "folder"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes and /dev/zero")
@pytest.mark.parametrize("kind", ["fifo", "zero", "dir"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_not_a_regular_file_is_refused_quickly(cli, tmp_path, monkeypatch, kind, command):
    _no_radio(monkeypatch)
    path, words = _special(tmp_path, kind)
    t0 = time.monotonic()
    res = cli(*command, str(path))
    assert time.monotonic() - t0 < 1.0
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert str(path) in res.output
    if command[0] != "validate" or kind != "dir":  # click's own check names folders
        assert words in res.output, res.output


def test_a_file_that_grows_past_the_limit_is_refused(tmp_path):
    p = tmp_path / "big.toml"
    p.write_bytes(b"#" * (70 * 1024))
    with pytest.raises(RoutineFileError, match="71680 bytes; a routine file is at most 65536"):
        load(p)


def test_a_name_the_os_cannot_take_is_an_error(cli):
    res = cli("preview", "a\0b.toml")
    assert res.exit_code == 2 and "cannot read it" in res.output


def _biggest() -> dict:
    """As many characters as every text allows, each as long in JSON as it can be."""
    wide = "\U0001f9d8"
    return {"name": wide * rt.NAME_MAX, "stretches": [
        {"title": "%02d" % i + wide * (rt.TITLE_MAX - 2), "cue": wide * rt.CUE_MAX,
         "reps": 1, "hold_s": 5, "rest_s": 0} for i in range(rt.MAX_STRETCHES)]}


def test_every_routine_validate_passes_fits_the_device(cli, tmp_path):
    """The device refuses canonical JSON over MAX_ROUTINE_BYTES (PUT_BEGIN, then loads);
    the biggest routine the rules allow must fit, and the device must read it back."""
    p = tmp_path / "biggest.json"
    p.write_text(json.dumps(_biggest()), encoding="utf-8")
    res = cli("validate", str(p))
    assert res.exit_code == 0, res.output
    r, canon = load(p)
    assert len(canon) <= rt.MAX_ROUTINE_BYTES
    assert rt.loads(canon).name == r.name


def test_validate_refuses_what_is_over_the_device_limit(cli, tmp_path, monkeypatch):
    """The size check is the device's own constant, applied by validate."""
    monkeypatch.setattr(rt, "MAX_ROUTINE_BYTES", 600)
    p = tmp_path / "long.json"
    p.write_text(json.dumps({"name": "Long", "stretches": [
        {"title": "Stretch %d" % i} for i in range(3)]}), encoding="utf-8")
    res = cli("validate", str(p))
    assert res.exit_code == 2
    assert f"{p}: routine: is " in res.output and "at most 600 fit on the device" in res.output
    with pytest.raises(rt.RoutineError):
        routine_rules.device_json(rt.from_dict(
            {"name": "Long", "stretches": [{"title": "S%d" % i} for i in range(3)]}))


def test_push_refuses_a_file_name_the_device_would_refuse(cli, tmp_path, monkeypatch):
    """The device stores a routine under its file name: 1-32 letters, digits, - or _."""
    _no_radio(monkeypatch)
    good = Path(__file__).parents[2] / "routines" / "desk-break.toml"
    for name in ("my routine.toml", "x" * 33 + ".toml", "étirement.toml"):
        p = tmp_path / name
        p.write_bytes(good.read_bytes())
        res = cli("push", str(p))
        assert res.exit_code == 2, res.output
        assert "letters, digits, - or _" in res.output, res.output


def test_what_a_message_quotes_cannot_drive_the_terminal(cli, tmp_path):
    p = tmp_path / "esc.json"
    p.write_text('{"name": "x", "\\u001b[2Jcolour": 1, "stretches": [{"title": "A"}]}')
    res = cli("validate", str(p))
    assert res.exit_code == 2
    assert "\x1b" not in res.output and "\\x1b[2Jcolour: unknown field" in res.output
