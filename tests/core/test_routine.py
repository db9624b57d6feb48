"""Routine model: defaults, every error at once with its path, canonical JSON."""

from stretchcue import routine

from samples import errors_of, tiny, tiny_dict


def test_defaults_fill_every_field():
    r = routine.from_dict({"name": "One", "stretches": [{"title": "Pelvic tilt"}]})
    s = r.stretches[0]
    assert (s.reps, s.hold_s, s.move_in_s, s.sink_s, s.release_s) == (4, 30, 4, 6, 4)
    assert (s.breath_in_s, s.breath_out_s, s.breath_pacing, s.rate) == (4, 6, True, True)
    assert s.sides == "none" and s.side_codes() == (routine.SIDE_NONE,)
    assert r.prepare_s == 10


def test_defaults_table_applies_unless_overridden():
    r = routine.from_dict({"name": "D", "defaults": {"hold_s": 20, "sides": "both"},
                           "stretches": [{"title": "A"}, {"title": "B", "hold_s": 45}]})
    assert r.stretches[0].hold_s == 20 and r.stretches[1].hold_s == 45
    assert r.stretches[1].side_codes() == (routine.SIDE_LEFT, routine.SIDE_RIGHT)


def test_all_errors_reported_at_once_with_paths():
    d = tiny_dict()
    d["stretches"][0]["hold_s"] = 500
    d["stretches"][1]["reps"] = "four"
    d["stretches"][1]["sides"] = "up"
    d["colour"] = "red"
    errs = errors_of(d)
    paths = [p for p, _ in errs]
    assert "stretches[0].hold_s" in paths
    assert "stretches[1].reps" in paths
    assert "stretches[1].sides" in paths
    assert "colour" in paths
    reason = dict(errs)["stretches[0].hold_s"]
    assert "between 5 and 120" in reason and "500" in reason


def test_bool_is_not_a_number():
    d = tiny_dict()
    d["stretches"][0]["reps"] = True
    assert dict(errors_of(d))["stretches[0].reps"].endswith("not true/false")


def test_unknown_key_suggests_the_right_one():
    d = tiny_dict()
    d["stretches"][0]["hold"] = 30
    assert "did you mean 'hold_s'" in dict(errors_of(d))["stretches[0].hold"]


def test_duplicate_titles_rejected_case_insensitively():
    d = tiny_dict()
    d["stretches"][1]["title"] = "KNEE TO CHEST"
    assert "repeats stretches[0].title" in dict(errors_of(d))["stretches[1].title"]


def test_text_limits():
    d = tiny_dict()
    d["stretches"][0]["cue"] = "x" * 61
    d["stretches"][1]["title"] = "   "
    d["name"] = "line\nbreak"
    errs = dict(errors_of(d))
    assert "61 characters" in errs["stretches[0].cue"]
    assert "blank" in errs["stretches[1].title"]
    assert "one line" in errs["name"]


def test_empty_and_missing_stretches():
    assert "empty" in dict(errors_of({"name": "x", "stretches": []}))["stretches"]
    assert "required" in dict(errors_of({"name": "x"}))["stretches"]
    assert "table" in errors_of([1, 2])[0][1]


def test_whole_routine_capped_at_an_hour():
    d = {"name": "Long", "stretches": [{"title": "S%d" % i, "sides": "both", "reps": 10,
                                        "hold_s": 120} for i in range(3)]}
    assert "under 60 min" in dict(errors_of(d))["stretches"]


def test_canonical_json_is_stable_and_round_trips():
    a = routine.canonical_json(tiny())
    assert a == routine.canonical_json(routine.loads(a))
    assert b" " not in a.replace(b"Knee to chest", b"").replace(b"Hug one knee", b"")
    assert a.startswith(b'{"format":1,"name":"Tiny"')


def test_loads_rejects_bad_json_and_huge_input():
    for bad in (b"{", b"\xff\xfe", b" " * 9000):
        try:
            routine.loads(bad)
        except routine.RoutineError as e:
            assert e.errors[0][0] == "routine"
        else:
            raise AssertionError(bad[:10])
