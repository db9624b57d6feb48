"""Global options, the config file, shell completion, and the synthetic log generator."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stretchcue import sessionlog as sl
from stretchcue import timeline as tl
from stretchcue.codes import Rec
from stretchcue_host.cli import COMMANDS, main
from stretchcue_host.context import AppContext
from stretchcue_host.synth import Synth, routine_crc


def test_config_show_set_and_errors(cli):
    res = cli("--json", "config")
    assert json.loads(res.output) == {"device": "", "transport": "auto", "weekly_goal": 5,
                                       "remind": ""}
    assert cli("config", "weekly_goal", "3").exit_code == 0
    assert cli("config", "transport", "bumble:usb:0").exit_code == 0
    assert cli("config", "transport", "usb").exit_code == 0
    assert json.loads(cli("--json", "config", "weekly_goal").output) == {"weekly_goal": 3}
    assert (cli.home / "config.toml").exists()
    for args, words in ((("config", "weekly_goal", "30"), "between 1 and 21"),
                        (("config", "weekly_goal", "x"), "whole number"),
                        (("config", "transport", "wifi"), "auto, ble, usb, sim"),
                        (("config", "transport", "bumble:"), "bumble:SPEC"),
                        (("config", "colour", "red"), "unknown key")):
        res = cli(*args)
        assert res.exit_code == 2 and words in res.output
    assert json.loads(cli("--json", "config").output)["transport"] == "usb"


def test_broken_config_file_is_bad_input(cli):
    cli.home.mkdir(parents=True)
    (cli.home / "config.toml").write_text("weekly_goal = 'lots'\n")
    res = cli("config")
    assert res.exit_code == 2 and "config.toml" in res.output and "whole number" in res.output


def test_home_from_env_and_option(tmp_path, monkeypatch):
    monkeypatch.setenv("STRETCHCUE_HOME", str(tmp_path / "env"))
    assert AppContext().history_path == tmp_path / "env" / "history.sqlite3"
    assert AppContext(home=tmp_path / "opt").config_path == tmp_path / "opt" / "config.toml"
    res = CliRunner().invoke(main, ["config", "--path"])
    assert res.output.strip() == str(tmp_path / "env" / "config.toml")


def test_completion_scripts(cli):
    for shell, marker in (("bash", "complete -o nosort -F"), ("zsh", "#compdef stretchcue"),
                          ("fish", "complete --no-files --command stretchcue")):
        res = cli("completion", shell)
        assert res.exit_code == 0 and marker in res.output
        assert "_STRETCHCUE_COMPLETE" in res.output
    assert cli("completion", "tcsh").exit_code == 2


def test_every_command_has_help_with_examples(cli):
    for name in COMMANDS:
        res = cli(name, "--help")
        assert res.exit_code == 0, name
        assert "Examples:" in res.output, name


def test_synth_session_matches_the_routine(desk_break):
    recs = [sl.scan(r)[0][0] for r in Synth(desk_break, 5).session(1_700_000_000, skip_p=0,
                                                                    extend_p=0, pause_p=0)]
    assert [r.seq for r in recs] == list(range(1, len(recs) + 1))
    start, end = recs[0].fields(), recs[-1].fields()
    assert start["routine_crc"] == routine_crc(desk_break)
    assert start["planned_ms"] == tl.total_ms(desk_break) and start["name"] == "Desk break"
    holds = [r.fields() for r in recs if r.rtype == Rec.HOLD]
    assert len(holds) == sum(s.reps * len(s.side_codes()) for s in desk_break.stretches)
    assert all(h["actual_ms"] == h["planned_ms"] for h in holds)
    assert sum(r.rtype == Rec.RATING for r in recs) == 2  # Chest opener has rate = false
    assert end["aborted"] == 0 and end["paused_ms"] == 0


def test_synth_is_deterministic(desk_break):
    assert Synth(desk_break, 7).session(1) == Synth(desk_break, 7).session(1)
