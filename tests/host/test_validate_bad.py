"""Every malformed routine in bad_routines/ gives a precise message and exit 2, no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BAD = Path(__file__).parent / "bad_routines"

# file: (line or None, field path or "", words the reason must contain)
EXPECT = {
    "01-hold-too-long.toml": (5, "stretches[0].hold_s", ["between 5 and 120", "500"]),
    "02-hold-as-text.toml": (5, "stretches[0].hold_s", ["whole number", "not text"]),
    "03-unknown-stretch-key.toml": (5, "stretches[0].hold", ["unknown field", "'hold_s'"]),
    "04-unknown-top-key.toml": (2, "colour", ["unknown field"]),
    "05-empty-stretches.toml": (2, "stretches", ["is empty"]),
    "06-no-stretches.toml": (None, "stretches", ["is required", "[[stretches]]"]),
    "07-duplicate-titles.toml": (7, "stretches[1].title", ["repeats stretch 1 ("]),
    "08-title-too-long.toml": (4, "stretches[0].title", ["41 characters", "at most 21"]),
    "09-cue-too-long.toml": (5, "stretches[0].cue", ["61 characters", "at most 60"]),
    "10-name-too-long.toml": (1, "name", ["33 characters", "at most 21"]),
    "11-missing-name.toml": (None, "name", ["is required"]),
    "12-blank-title.toml": (4, "stretches[0].title", ["must not be blank"]),
    "13-missing-title.toml": (3, "stretches[0].title", ["is required"]),
    "14-bad-sides.toml": (5, "stretches[0].sides", ["none, both, left, right", "'up'"]),
    "15-reps-zero.toml": (5, "stretches[0].reps", ["between 1 and 10", "got 0"]),
    "16-bool-as-text.toml": (5, "stretches[0].rate", ["true or false", "not text"]),
    "17-float-hold.toml": (5, "stretches[0].hold_s", ["whole number", "decimal"]),
    "18-nan-hold.toml": (5, "stretches[0].hold_s", ["whole number", "decimal"]),
    "19-inf-prepare.toml": (2, "prepare_s", ["whole number", "decimal"]),
    "20-bad-default.toml": (4, "stretches[0].hold_s", ["between 5 and 120", "got 1"]),
    "21-unknown-default.toml": (4, "defaults.title", ["unknown field"]),
    "22-defaults-not-table.toml": (2, "defaults", ["must be a table"]),
    "23-wrong-format.toml": (1, "format", ["format 1", "got 2"]),
    "24-invalid-toml.toml": (4, "", ["invalid TOML"]),
    "25-duplicate-key-toml.toml": (6, "", ["invalid TOML", "overwrite"]),
    "26-stretches-not-list.toml": (2, "stretches", ["list of stretches", "not text"]),
    "27-title-multiline.toml": (4, "stretches[0].title", ["one line"]),
    "28-too-long-session.toml": (None, "stretches", ["128 min", "under 60 min"]),
    "29-latin1.toml": (None, "", ["not UTF-8", "byte 11"]),
    "30-huge.toml": (None, "", ["80440 bytes", "at most 65536"]),
    "31-invalid-json.json": (2, "", ["invalid JSON", "double quotes"]),
    "32-json-array.json": (None, "routine", ["table of fields", "not a list"]),
    "33-json-wrong-type.json": (None, "stretches[0].reps", ["whole number", "not text"]),
    "34-json-stretch-not-table.json": (None, "stretches[0]", ["table with a title"]),
    "35-json-null-title.json": (None, "stretches[0].title", ["is required"]),
    "36-json-too-many.json": (None, "stretches", ["13 stretches", "at most 12"]),
    "37-json-nan.json": (None, "stretches[0].hold_s", ["whole number", "decimal"]),
    "38-empty-file.toml": (None, "name", ["is required"]),
    "39-typo-key.toml": (5, "stretches[0].hold-s", ["unknown field", "'hold_s'"]),
    "40-rest-negative.toml": (8, "stretches[1].rest_s", ["between 0 and 120", "-5"]),
    # Issue 11: nothing a file holds may crash the tool or reach the device unchecked.
    "41-format-bool.toml": (1, "format", ["format 1", "got True"]),
    "42-json-duplicate-key.json": (None, "", ["invalid JSON", "'name' is given twice"]),
    "43-deep-arrays.toml": (None, "", ["invalid TOML", "nested too deeply"]),
    "44-deep-tables.toml": (None, "", ["invalid TOML", "nested too deeply"]),
    "45-deep.json": (None, "", ["invalid JSON", "nested too deeply"]),
    "46-huge-integer.toml": (None, "", ["invalid TOML", "too many digits"]),
    "47-huge-integer.json": (None, "", ["invalid JSON", "too many digits"]),
    "48-lone-surrogate.json": (None, "stretches[0].title", ["U+D800", "lone surrogate"]),
    "49-bidi-override.toml": (4, "stretches[0].title", ["U+202E", "invisible"]),
    "50-zero-width-cue.toml": (5, "stretches[0].cue", ["U+200B", "invisible"]),
    "51-escape-in-name.toml": (1, "name", ["U+001B", "control character"]),
    "52-nul-title.json": (None, "stretches[0].title", ["U+0000", "control character"]),
    "53-soft-hyphen.toml": (1, "name", ["U+00AD", "invisible"]),
    "54-bom-in-title.toml": (4, "stretches[0].title", ["U+FEFF", "invisible"]),
    "55-blank-cue.toml": (5, "stretches[0].cue", ["must not be blank"]),
    "56-casefold-titles.toml": (7, "stretches[1].title", ["repeats stretch 1 ("]),
    "57-carriage-return.toml": (4, "stretches[0].title", ["one line"]),
    "58-delete-char.toml": (5, "stretches[0].cue", ["U+007F", "control character"]),
    "59-line-separator.json": (None, "stretches[0].cue", ["one line"]),
    "60-private-use.toml": (1, "name", ["U+E000", "private-use"]),
    "61-c1-control.toml": (5, "stretches[0].cue", ["U+009B", "control character"]),
    "62-blank-name.toml": (1, "name", ["must not be blank"]),
    "63-format-as-text.json": (None, "format", ["format 1", "got '1'"]),
}


def test_every_file_has_an_expectation():
    files = sorted(p.name for p in BAD.iterdir())
    assert len(files) >= 30
    assert files == sorted(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_bad_routine_is_explained(cli, name):
    line, field, words = EXPECT[name]
    path = BAD / name
    res = cli("validate", str(path))
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    where = f"{path}:{line}" if line else str(path)
    # stretches[0].hold_s is said as people count: "stretch 1 (Its title) hold_s"
    m = re.match(r"stretches\[(\d+)\]\.?(.*)", field)
    said = (re.escape(f"stretch {int(m.group(1)) + 1}") + r"( \([^)]*\))?"
             + (" " + re.escape(m.group(2)) if m.group(2) else "")) if m else re.escape(field)
    head = re.compile(re.escape(f"{where}: ") + (said + ": " if field else ""))
    first = [ln for ln in res.output.splitlines() if head.match(ln)]
    assert first, res.output
    for w in words:
        assert w in first[0], (w, first[0])


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_bad_routine_json_report(cli, name):
    line, field, _ = EXPECT[name]
    res = cli("--json", "validate", str(BAD / name))
    assert res.exit_code == 2
    report = json.loads(res.stdout)
    assert report[0]["ok"] is False
    assert field in [e["field"] for e in report[0]["errors"]]


def test_good_and_bad_together_exit_2_and_report_both(cli):
    good = Path(__file__).parents[2] / "routines" / "desk-break.toml"
    res = cli("validate", str(good), str(BAD / "01-hold-too-long.toml"))
    assert res.exit_code == 2
    assert "ok: 'Desk break'" in res.output
    assert "hold_s" in res.output


def test_missing_file_is_bad_input(cli, tmp_path):
    res = cli("validate", str(tmp_path / "nope.toml"))
    assert res.exit_code == 2
    assert "cannot read it" in res.output


def test_errors_come_in_line_order_and_name_stretches_in_words(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[stretches]]\ntitle = "Knee to chest"\nhold_s = 500\n'
                   '[[stretches]]\ntitle = "Prayer stretch"\nreps = 0\nhold_s = 1\n')
    res = cli("validate", str(bad))
    assert res.exit_code == 2
    lines = res.output.splitlines()
    assert [ln.split(": ")[0] for ln in lines] == [f"{bad}:4", f"{bad}:7", f"{bad}:8"]
    assert lines[1].startswith(f"{bad}:7: stretch 2 (Prayer stretch) reps: ")
    assert "stretches[" not in res.output
    report = json.loads(cli("--json", "validate", str(bad)).stdout)[0]["errors"]
    assert report[1]["field"] == "stretches[1].reps"
    assert report[1]["in_words"] == "stretch 2 (Prayer stretch) reps"
