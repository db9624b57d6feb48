"""The history database and the other files the tool keeps: odd contents are a reason,
and a lock held by another program is "busy, try again", never "damaged, move it aside"
(that advice, followed, would put a healthy history out of use)."""

from __future__ import annotations

import os
import sqlite3

import pytest

from stretchcue_host import history
from stretchcue_host.history import History, HistoryBusy, HistoryDamaged


def _made(tmp_path):
    path = tmp_path / "home" / "history.sqlite3"
    History(path).close()
    return path


def _history_path(cli):
    from stretchcue_host.context import AppContext

    return AppContext(home=str(cli.home), json=False).history_path


@pytest.mark.parametrize("value", ["garbage", "", "1e999", "-3", "9" * 5000])
def test_a_garbage_schema_version_is_damage_not_a_traceback(cli, value):
    path = _history_path(cli)
    History(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (value,))
    db.close()
    with pytest.raises(HistoryDamaged, match="schema version is not a version"):
        History(path)
    res = cli("history")
    assert res.exit_code == 1, res.output
    assert "is damaged" in res.output and "Traceback" not in res.output


def test_a_locked_history_is_busy_not_damaged(tmp_path, monkeypatch, cli):
    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.05)
    path = _history_path(cli)
    History(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryBusy):
            History(path)
        with pytest.raises(HistoryBusy):
            History(path, check=True)
        for args in (("history",), ("stats",), ("export", "--format", "json")):
            res = cli(*args)
            assert res.exit_code == 1, res.output
            assert "in use by another program" in res.output and "try again" in res.output
            assert "damaged" not in res.output and "move it aside" not in res.output
    finally:
        other.rollback()
        other.close()
    assert cli("history").exit_code == 0  # nothing was harmed


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_as_settings_keys_or_log_does_not_hang(cli, tmp_path):
    from stretchcue_host.context import AppContext

    ctx = AppContext(home=str(cli.home), json=False)
    cli.home.mkdir(parents=True, exist_ok=True)
    os.mkfifo(ctx.config_path)
    res = cli("config")
    assert res.exit_code == 2 and "named pipe" in res.output, res.output
    os.unlink(ctx.config_path)
    log = tmp_path / "log.bin"
    os.mkfifo(log)
    res = cli("import-log", str(log))
    assert res.exit_code == 2 and "named pipe" in res.output, res.output


def test_a_settings_file_nested_too_deeply_is_a_reason(cli):
    from stretchcue_host.context import AppContext

    ctx = AppContext(home=str(cli.home), json=False)
    ctx.config_path.parent.mkdir(parents=True, exist_ok=True)
    ctx.config_path.write_text("device = " + "[" * 3000 + "]" * 3000 + "\n")
    res = cli("config")
    assert res.exit_code == 2 and "invalid TOML" in res.output, res.output
