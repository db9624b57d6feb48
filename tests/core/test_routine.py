"""Routine model: defaults, and every error at once with its path, code and values."""

from stretchcue import routine, routine_check

from samples import errors_of, tiny_dict


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


def _by_path(errs):
    return {e[0]: tuple(e[1:]) for e in errs}


def test_all_errors_reported_at_once_with_paths():
    d = tiny_dict()
    d["stretches"][0]["hold_s"] = 500
    d["stretches"][1]["reps"] = "four"
    d["stretches"][1]["sides"] = "up"
    d["colour"] = "red"
    errs = _by_path(errors_of(d))
    assert errs["stretches[0].hold_s"] == ("range", 500)
    assert routine_check.limits("hold_s") == (30, 5, 120)
    assert errs["stretches[1].reps"] == ("not_int", "str")
    assert errs["stretches[1].sides"] == ("sides", "up")
    assert errs["colour"] == ("unknown",)
    assert len(errs) == 4


def test_bool_is_not_a_number():
    d = tiny_dict()
    d["stretches"][0]["reps"] = True
    assert _by_path(errors_of(d))["stretches[0].reps"] == ("not_int", "bool")


def test_unknown_key_is_reported_at_its_path():
    d = tiny_dict()
    d["stretches"][0]["hold"] = 30
    d["defaults"] = {"title": "x", "hold_s": 20}
    errs = _by_path(errors_of(d))
    assert errs["stretches[0].hold"] == ("unknown",)
    assert errs["defaults.title"] == ("unknown",)
    assert len(errs) == 2


def test_duplicate_titles_rejected_case_insensitively():
    d = tiny_dict()
    d["stretches"][1]["title"] = "KNEE TO CHEST"
    assert _by_path(errors_of(d))["stretches[1].title"] == ("repeat", 0, "KNEE TO CHEST")


def test_text_limits():
    d = tiny_dict()
    d["stretches"][0]["cue"] = "x" * 61
    d["stretches"][1]["title"] = "   "
    d["name"] = "line\nbreak"
    errs = _by_path(errors_of(d))
    assert errs["stretches[0].cue"] == ("long", 61)
    assert errs["stretches[1].title"] == ("blank",)
    assert errs["name"] == ("lines",)
    d = tiny_dict(name="n" * 33)
    assert _by_path(errors_of(d))["name"] == ("long", 33)


def test_types_and_missing_fields():
    d = tiny_dict(defaults=[1], prepare_s=2.5, format=2)
    d["stretches"][0]["title"] = None
    d["stretches"][0]["rate"] = "yes"
    d["stretches"][1] = "Prayer"
    errs = _by_path(errors_of(d))
    assert errs["defaults"] == ("not_table", "list")
    assert errs["prepare_s"] == ("not_int", "float")
    assert errs["format"] == ("format", 2)
    assert errs["stretches[0].title"] == ("required",)
    assert errs["stretches[0].rate"] == ("not_bool", "str")
    assert errs["stretches[1]"] == ("not_table", "str")
    assert _by_path(errors_of(tiny_dict(stretches="x")))["stretches"] == ("not_list", "str")


def test_empty_and_missing_stretches():
    assert _by_path(errors_of({"name": "x", "stretches": []}))["stretches"] == ("empty",)
    assert _by_path(errors_of({"name": "x"}))["stretches"] == ("required",)
    assert tuple(errors_of([1, 2])[0]) == ("routine", "not_table", "list")
    many = {"name": "x", "stretches": [{"title": "S%d" % i} for i in range(13)]}
    assert _by_path(errors_of(many))["stretches"] == ("too_many", 13)


def test_whole_routine_capped_at_an_hour():
    d = {"name": "Long", "stretches": [{"title": "S%d" % i, "sides": "both", "reps": 10,
                                        "hold_s": 120} for i in range(3)]}
    code, total_s = _by_path(errors_of(d))["stretches"]
    assert code == "too_long" and total_s > routine.MAX_TOTAL_S


def test_loads_reads_any_json_and_rejects_bad_json_and_huge_input():
    r = routine.loads(b'{"name": "One", "stretches": [{"title": "Pelvic tilt"}]}')
    assert r.stretches[0].hold_s == 30
    for bad, codes in ((b"{", ("json",)), (b"\xff\xfe", ("utf8", "json")),
                       (b" " * 9000, ("size",))):
        try:
            routine.loads(bad)
        except routine.RoutineError as e:
            assert e.errors[0][0] == "routine"
            assert e.errors[0][1] in codes, e.errors
        else:
            raise AssertionError(bad[:10])


def test_load_reads_a_routine_from_an_open_file_as_loads_does():
    import io

    good = b'{"name": "One", "stretches": [{"title": "Pelvic tilt", "hold_s": 20}]}'
    assert routine.load(io.BytesIO(good)).stretches[0].hold_s == 20
    for bad, codes in ((b"{", ("json",)), (b'{"name": "\xff\xfe"}', ("utf8", "json")),
                       (b'{"name": "x", "stretches": []}', ("empty",))):
        try:
            routine.load(io.BytesIO(bad))
        except routine.RoutineError as e:
            assert e.errors[0][1] in codes, e.errors
        else:
            raise AssertionError(bad[:10])
