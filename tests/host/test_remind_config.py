"""`stretchcue config remind`: a time and days, checked, kept in the settings, and what
SET_CLOCK carries to the device."""

from __future__ import annotations

import json

import pytest

from stretchcue_host import config as cfg


@pytest.mark.parametrize("text, expect", [
    ("07:30", (450, 0x7F)), ("07:30 mon-fri", (450, 0x1F)), ("21:05 sat,sun", (1265, 0x60)),
    ("06:00 fri-mon", (360, 0x71)), ("6:00 weekdays", (360, 0x1F)), ("off", None)])
def test_times_and_days(text, expect):
    assert cfg.parse_remind(text) == expect
    assert cfg.parse_remind(cfg.check("remind", text)) == expect  # as stored, read back


@pytest.mark.parametrize("bad", ["7:3", "24:00", "07:60", "noon", "07:30 someday", "off mon"])
def test_bad_values_say_what_is_wrong(bad):
    with pytest.raises(cfg.ConfigError):
        cfg.check("remind", bad)


def test_the_cli_sets_and_clears_it(cli):
    r = cli("config", "remind", "07:30", "--days", "mon-fri")
    assert r.exit_code == 0 and "07:30 mon,tue,wed,thu,fri" in r.output
    assert json.loads(cli("--json", "config", "remind").output) == {
        "remind": "07:30 mon,tue,wed,thu,fri"}
    assert cli("config", "remind", "off").exit_code == 0
    assert json.loads(cli("--json", "config", "remind").output) == {"remind": "off"}
    assert cli("config", "remind", "7h").exit_code == 2
    assert cli("config", "weekly_goal", "3", "--days", "mon").exit_code == 2


def test_what_the_device_is_sent(cli, monkeypatch):
    from stretchcue_host import device_session

    monkeypatch.setenv("STRETCHCUE_HOME", str(cli.home))
    assert device_session._remind() is None  # never set: the device's own stays
    cli("config", "remind", "07:30", "--days", "sat-sun")
    assert device_session._remind() == (450, 0x60)
    cli("config", "remind", "off")
    assert device_session._remind() == (0xFFFF, 0)
