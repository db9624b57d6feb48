"""`run` warns about presses that do nothing and reads 2m20s; `new` writes the file its
help names and keeps the source's safety note."""

from __future__ import annotations

import pytest

from stretchcue_host.script import ScriptError, parse


def test_times_like_2m20s_are_read_everywhere():
    assert parse("extend@2m20s,pause@90,skip@1.5s,abort@500ms,rate:3@1h")[0][0] == 500
    assert [at for at, _, _ in parse("extend@2m20s,pause@90")] == [90_000, 140_000]
    from stretchcue_host.sim.runner import parse_buttons

    assert parse_buttons("A@2m20s", "clue")[0][0] == 140_000
    for bad in ("pause@2m20", "pause@s", "pause@20s2m", "pause@"):
        with pytest.raises(ScriptError, match="a time like"):
            parse(bad)


def test_run_help_example_does_what_it_says_without_warnings(cli):
    res = cli("run", "--instant", "--script", "pause@30s,pause@40s,extend@45s,rate:2@7m20s")
    assert res.exit_code == 0
    assert "warning" not in res.output
    assert "tightness 2/5 for Knee to chest" in res.output
    assert "paused 10 s, extended 10 s" in res.output


def test_a_press_that_does_nothing_is_a_warning(cli):
    res = cli("run", "--instant", "--script", "pause@90s,pause@100s,extend@3m,rate:2@7m")
    assert res.exit_code == 0
    out = " ".join(res.output.split())
    assert "warning: extend@3m did nothing: it came during sink of Knee to chest" in out
    assert "extend works during a hold" in out
    assert "warning: rate:2@7m did nothing: it came during release of Knee to chest" in out
    res = cli("run", "--instant", "--script", "pause@30s,extend@35s")
    assert "the session was paused" in " ".join(res.output.split())


def test_new_writes_the_file_its_help_names_with_the_safety_note(cli, tmp_path):
    res = cli("new", "Morning hips", "--from", "lower-back")
    assert res.exit_code == 0, res.output
    text = (tmp_path / "morning-hips.toml").read_text()
    assert "sharp or growing pain means ease off and stop" in text
    assert cli("validate", str(tmp_path / "morning-hips.toml")).exit_code == 0
    assert "morning-hips.toml" in " ".join(cli("new", "--help").output.split())


def test_preview_puts_the_summary_first_and_rows_compact(cli):
    out = cli("preview", "lower-back").output
    assert out.index("total 29:28") < out.index("steps (seconds)")
    assert out.count("\n") < 100  # a row per rep and side, not one per step (165)
    assert "move in 4, sink 6, hold 30, release 4" in out
