"""docs/routines.md's Limits table says what the code enforces, read back from the page.

The table is parsed here and each value compared with the constant itself, not
with the generator that wrote it: a limit changed in the code, or edited in the
page, fails this test until both agree.
"""

from __future__ import annotations

import re
from pathlib import Path

from stretchcue import routine as rt
from stretchcue import routine_check as rc
from stretchcue.protocol import messages as m
from stretchcue.protocol import transfer
from stretchcue_host import routine_rules
from stretchcue_host.routines import MAX_FILE_BYTES
from stretchcue_host.template import limits_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "routines.md"


def _table() -> dict[str, tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| ")]
    assert rows[0] == "| Limit | Value | Why |"
    out = {}
    for ln in rows[1:]:
        what, value, why = (c.strip() for c in ln.strip("|").split("|"))
        assert why, ln
        out[what.strip("`")] = (value, why)
    return out


def _numbers(value: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", value)]


def test_every_whole_number_field_has_its_range_and_reason():
    table = _table()
    for key in rc.INTS:
        _, low, high = rc.limits(key)
        value, why = table[key]
        assert _numbers(value) == [low, high], key
        assert why == routine_rules.WHY[key]


def test_text_count_time_and_size_limits_are_the_code_constants():
    table = _table()
    assert _numbers(table["format"][0]) == [rt.FORMAT]
    assert _numbers(table["name"][0]) == [1, rt.NAME_MAX]
    assert _numbers(table["title"][0]) == [1, rt.TITLE_MAX]
    assert _numbers(table["cue"][0]) == [0, rt.CUE_MAX]
    assert _numbers(table["stretches"][0]) == [1, rt.MAX_STRETCHES]
    assert _numbers(table["planned time"][0]) == [rt.MAX_TOTAL_S // 60]
    assert _numbers(table["routine file"][0]) == [MAX_FILE_BYTES]
    assert _numbers(table["canonical JSON"][0]) == [rt.MAX_ROUTINE_BYTES]
    assert _numbers(table["file name (push)"][0]) == [1, m.NAME_MAX]
    for key in ("titles", "texts"):
        assert key in table


def test_the_device_applies_the_same_constants():
    """One definition: the upload receiver imports the routine's size limit."""
    assert transfer.MAX_ROUTINE_BYTES is rt.MAX_ROUTINE_BYTES
    receiver = transfer.PutReceiver()
    receiver.begin("x", rt.MAX_ROUTINE_BYTES, 0)  # the largest validate lets through
    try:
        transfer.PutReceiver().begin("x", rt.MAX_ROUTINE_BYTES + 1, 0)
    except m.ProtocolError as e:
        assert e.code == m.TOO_LARGE
    else:
        raise AssertionError("the device took more than MAX_ROUTINE_BYTES")


def test_the_table_is_the_generated_one():
    assert limits_markdown() in DOC.read_text(encoding="utf-8"), \
        "regenerate the Limits table in docs/routines.md (template.limits_markdown)"
