"""Every screen of every bundled routine, and of routines at every text limit, on all
three boards: each label inside its own area and the screen, nothing cut short, no two
areas overlapping (stretchcue_host.gallery.tour drives the real App)."""

from __future__ import annotations

import json

import pytest

from stretchcue import fit
from stretchcue import routine as rt
from stretchcue_host import gallery
from stretchcue_host.routine_rules import canonical_json


def _limits_routine() -> bytes:
    """Every text at its limit, with the widest letters and words that wrap worst."""
    wide = "W" * rt.TITLE_MAX
    cue = " ".join(["Wwwwwwwwww"] * 6)[:rt.CUE_MAX]
    while len(fit.wrap(cue, fit.COLS)) > fit.CUE_ROWS:
        cue = cue[:-1].rstrip()
    data = {"name": "N" * rt.NAME_MAX, "format": 1, "stretches": [
        {"title": wide, "cue": cue, "sides": "both", "reps": 10, "hold_s": 120,
         "move_in_s": 15, "sink_s": 15, "rest_s": 1, "switch_s": 1},
        {"title": "M" * (rt.TITLE_MAX - 1) + "2", "cue": "a " * 29 + "b", "hold_s": 5,
         "reps": 1, "breath_pacing": False}]}
    return canonical_json(rt.from_dict(data))


ROUTINES = dict(gallery.bundled(), limits=_limits_routine())


@pytest.mark.parametrize("board", sorted(gallery.BOARDS))
@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_every_screen_fits(board, name, tmp_path):
    app = gallery.make_app(board, tmp_path / "data", {name: ROUTINES[name]})
    kinds = set()
    for now in gallery.tour(app, note="x" * 80):
        bad = gallery.misfits(app.screens)
        assert not bad, f"{board} {name} at {now} ms ({app.screens.kind}): {bad}"
        kinds.add(app.screens.kind or "menu")
    assert kinds == {"menu", "session", "rate", "summary", "message"}


def test_the_limits_routine_is_at_the_limits_and_valid():
    data = json.loads(_limits_routine())
    assert len(data["name"]) == rt.NAME_MAX
    assert len(data["stretches"][0]["title"]) == rt.TITLE_MAX
    assert len(fit.wrap(data["stretches"][0]["cue"], fit.COLS)) == fit.CUE_ROWS


def test_a_cue_that_needs_more_lines_than_the_smallest_screen_has_is_refused():
    data = {"name": "n", "stretches": [{"title": "t", "cue": "Wwwwwwwwwwwwwwwwwwww " * 3 + "x"}]}
    with pytest.raises(rt.RoutineError) as e:
        rt.from_dict(data)
    assert ("stretches[0].cue", "rows", fit.CUE_ROWS, fit.COLS) in e.value.errors


@pytest.mark.parametrize("board", sorted(gallery.BOARDS))
def test_the_menu_fits_with_the_battery_shown(board, tmp_path):
    app = gallery.make_app(board, tmp_path / "data", {"limits": ROUTINES["limits"]})
    for note in ("", " (muted)"):
        app.screens.menu("N" * rt.NAME_MAX, 3599, note, "100%")
        assert not gallery.misfits(app.screens), (board, note)
        assert any("100%" in lab.text for lab in app.screens.labels)
