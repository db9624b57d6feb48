"""``new`` writes valid commented routines from the core's tables; ``preview`` shows plans."""

from __future__ import annotations

import json
from pathlib import Path

from stretchcue import routine as rt
from stretchcue import routine_check as rc
from stretchcue import timeline as tl
from stretchcue_host import routine_rules as rules
from stretchcue_host import timing
from stretchcue_host.routines import load
from stretchcue_host.template import describe, fields_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_new_writes_a_valid_commented_routine(cli, tmp_path):
    res = cli("new", "Morning hips")
    assert res.exit_code == 0, res.output
    path = tmp_path / "morning-hips.toml"
    text = path.read_text()
    r, _ = load(path)
    assert r.name == "Morning hips" and len(r.stretches) == 2
    for key, (default, low, high, _) in {**rules.STRETCH_INTS, **rules.ROUTINE_INTS}.items():
        assert f"# {key}: default {default}, {low} to {high}:" in text
    for key in rules.STRETCH_BOOLS:
        assert f"# {key}: default true" in text


def test_new_from_bundled_keeps_the_routine(cli, tmp_path):
    res = cli("new", "Copy", "--from", "lower-back", "--out", "copy.toml")
    assert res.exit_code == 0, res.output
    mine, _ = load(tmp_path / "copy.toml")
    orig, _ = load(ROOT / "routines" / "lower-back.toml")
    a, b = rules.routine_dict(mine), rules.routine_dict(orig)
    assert a.pop("name") == "Copy"
    b.pop("name")
    assert a == b


def test_new_to_stdout_and_refuses_to_overwrite(cli, tmp_path):
    res = cli("new", "X", "--out", "-")
    assert res.exit_code == 0 and res.output.startswith("# X: a stretchcue routine.")
    (tmp_path / "x.toml").write_text("mine")
    res = cli("new", "X")
    assert res.exit_code == 2 and "exists" in res.output
    assert (tmp_path / "x.toml").read_text() == "mine"
    assert cli("new", "X", "--force").exit_code == 0


def test_new_rejects_bad_name_and_bad_source(cli):
    res = cli("new", "n" * 40, "--out", "-")
    assert res.exit_code == 2 and "1 to %d characters" % rt.NAME_MAX in res.output
    bad = Path(__file__).parent / "bad_routines" / "01-hold-too-long.toml"
    res = cli("new", "Y", "--from", str(bad), "--out", "-")
    assert res.exit_code == 2 and "hold_s" in res.output


def test_every_field_is_described():
    for key in rc.STRETCH_KEYS + rc.ROUTINE_KEYS:
        assert describe(key)


def test_docs_field_table_matches_the_core():
    doc = (ROOT / "docs" / "routines.md").read_text()
    assert fields_markdown() in doc, "regenerate the table in docs/routines.md"


def test_preview_shows_steps_times_and_breathing(cli):
    res = cli("preview", "desk-break")
    assert res.exit_code == 0, res.output
    assert "total 6:12" in res.output
    assert "3:20 under stretch" in res.output
    assert "in 4 s / out 6 s" in res.output and "(6/min)" in res.output
    assert "Neck side bend" in res.output and "switch side" in res.output


def test_preview_json_matches_the_timeline(cli, desk_break):
    res = cli("--json", "preview", "desk-break")
    p = json.loads(res.output)
    assert p["total_ms"] == tl.total_ms(desk_break)
    assert sum(s["duration_ms"] for s in p["steps"]) == p["total_ms"]
    assert [s["time_ms"] for s in p["stretches"]] == [
        timing.stretch_ms(desk_break, i) for i in range(3)]
    assert p["steps"][0]["kind"] == "prepare"


def test_preview_png(cli, tmp_path):
    out = tmp_path / "t.png"
    res = cli("preview", "desk-break", "--no-steps", "--png", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "prepare" not in res.output.split("stretches")[0]


def test_preview_bad_file_is_bad_input(cli):
    bad = Path(__file__).parent / "bad_routines" / "24-invalid-toml.toml"
    res = cli("preview", str(bad))
    assert res.exit_code == 2 and "invalid TOML" in res.output
