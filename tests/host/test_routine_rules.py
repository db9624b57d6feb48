"""The words for the core's routine errors, and the canonical JSON, both laptop-only."""

from __future__ import annotations

import json

from stretchcue import routine
from stretchcue.codes import Event, Step
from stretchcue_host import names
from stretchcue_host.routine_rules import canonical_json, describe, reason

from samples import errors_of, tiny, tiny_dict


def _words(data) -> dict:
    return dict(describe(errors_of(data)))


def test_every_error_is_explained_in_words():
    d = tiny_dict()
    d["stretches"][0]["hold_s"] = 500
    d["stretches"][1]["reps"] = "four"
    d["stretches"][1]["sides"] = "up"
    d["colour"] = "red"
    errs = _words(d)
    assert errs["stretches[0].hold_s"] == ("must be between 5 and 120, got 500: holds under 5 s "
                                           "do not lengthen the muscle; over 120 s is a posture")
    assert errs["stretches[1].reps"] == "must be a whole number of seconds or a count, not text"
    assert errs["stretches[1].sides"] == "must be one of none, both, left, right; got 'up'"
    assert errs["colour"] == "unknown field"


def test_bool_is_not_a_number():
    d = tiny_dict()
    d["stretches"][0]["reps"] = True
    assert _words(d)["stretches[0].reps"].endswith("not true/false")


def test_unknown_key_suggests_the_right_one():
    d = tiny_dict()
    d["stretches"][0]["hold"] = 30
    d["stretches"][1]["hold-s"] = 30
    errs = _words(d)
    assert errs["stretches[0].hold"] == "unknown field (did you mean 'hold_s'?)"
    assert errs["stretches[1].hold-s"] == "unknown field (did you mean 'hold_s'?)"


def test_duplicate_titles_rejected_case_insensitively():
    d = tiny_dict()
    d["stretches"][1]["title"] = "KNEE TO CHEST"
    assert _words(d)["stretches[1].title"] == (
        "repeats stretches[0].title 'KNEE TO CHEST'; titles must differ so the log can tell "
        "them apart")


def test_text_limits():
    d = tiny_dict()
    d["stretches"][0]["cue"] = "x" * 61
    d["stretches"][1]["title"] = "   "
    d["name"] = "line\nbreak"
    errs = _words(d)
    assert errs["stretches[0].cue"] == "is 61 characters; at most 60 fit on the screen"
    assert errs["stretches[1].title"] == "must not be blank"
    assert errs["name"] == "must be one line (no line breaks or tabs)"


def test_types_and_missing_fields():
    d = tiny_dict(defaults=[1], prepare_s=2.5, format=2)
    d["stretches"][0]["title"] = None
    d["stretches"][0]["rate"] = "yes"
    d["stretches"][1] = "Prayer"
    errs = _words(d)
    assert errs["defaults"] == "must be a table, not a list"
    assert errs["prepare_s"] == "must be a whole number of seconds or a count, not a decimal number"
    assert errs["format"] == "this device understands format 1, got 2"
    assert errs["stretches[0].title"] == "is required"
    assert errs["stretches[0].rate"] == "must be true or false, not text"
    assert errs["stretches[1]"] == "must be a table with a title, not text"
    assert _words(tiny_dict(stretches="x"))["stretches"] == \
        "must be a list of stretches, not text"


def test_empty_missing_and_too_many_stretches():
    assert _words({"name": "x", "stretches": []})["stretches"] == \
        "is empty: add at least one stretch"
    assert _words({"name": "x"})["stretches"] == \
        "is required: add at least one [[stretches]] entry"
    assert describe(errors_of([1, 2])) == [("routine", "must be a table of fields, not a list")]
    many = {"name": "x", "stretches": [{"title": "S%d" % i} for i in range(13)]}
    assert _words(many)["stretches"] == "has 13 stretches; at most 12 fit in one session"


def test_whole_routine_capped_at_an_hour():
    d = {"name": "Long", "stretches": [{"title": "S%d" % i, "sides": "both", "reps": 10,
                                        "hold_s": 120} for i in range(3)]}
    assert _words(d)["stretches"] == ("the routine lasts 142 min 30 s; keep it under 60 min "
                                      "(fewer reps or shorter holds)")


def test_loads_errors_in_words():
    for bad, words in ((b"\xff\xfe", "is not UTF-8 text"),
                       (b" " * 9000, "is 9000 bytes; at most 8192 fit on the device")):
        try:
            routine.loads(bad)
        except routine.RoutineError as e:
            assert describe(e.errors) == [("routine", words)]
    try:
        routine.loads(b"{")
    except routine.RoutineError as e:
        (path, words), = describe(e.errors)
        assert path == "routine" and words.startswith("is not valid JSON: ")


def test_a_devices_errors_arrive_as_json_lists():
    d = tiny_dict()
    d["stretches"][0]["hold_s"] = 500
    wire = json.loads(json.dumps([list(e) for e in errors_of(d)]))
    assert describe(wire) == describe(errors_of(d))
    # An older device sent its reasons in words; they pass through.
    assert describe([["name", "is required"]]) == [("name", "is required")]
    assert describe(None) == []
    assert reason(["hold_s", "range", 3]).startswith("must be between 5 and 120, got 3")
    assert describe([["hold_s", "range"]]) == [("hold_s", "is not valid (['range'])")]


def test_canonical_json_is_stable_and_round_trips():
    a = canonical_json(tiny())
    assert a == canonical_json(routine.loads(a))
    assert b" " not in a.replace(b"Knee to chest", b"").replace(b"Hug one knee", b"")
    assert a.startswith(b'{"format":1,"name":"Tiny"')


def test_names_cover_the_cores_codes():
    assert len(names.KIND_NAMES) == Step.DONE + 1
    assert len(names.EVENT_NAMES) == Event.STRETCH_START + 1
    assert names.SIDE_NAMES[routine.SIDE_LEFT] == "left"
    assert names.SIDE_NAMES[routine.SIDE_RIGHT] == "right"
