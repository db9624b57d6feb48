"""The one text rule, applied on the laptop and on the device: only text you can see.

These run in MicroPython too (tests/micropython/run_core.py), which is the point:
the device has no unicodedata, so the rule is a table of code points.
"""

from stretchcue import routine, routine_check

from samples import errors_of, tiny_dict


def _by_path(errs):
    return {e[0]: tuple(e[1:]) for e in errs}


def test_invisible_and_control_characters_are_refused_in_every_text():
    for cp in (0x0, 0x7, 0x1B, 0x7F, 0x9B, 0xAD, 0x200B, 0x200D, 0x200F, 0x202A, 0x202E,
               0x2060, 0x2066, 0x2069, 0xD800, 0xDFFF, 0xE000, 0xFEFF, 0xFFF9, 0xE0041):
        d = tiny_dict(name="a" + chr(cp) + "b")
        d["stretches"][0]["title"] = chr(cp) + "x"
        d["stretches"][1]["cue"] = "x" + chr(cp)
        errs = _by_path(errors_of(d))
        for path in ("name", "stretches[0].title", "stretches[1].cue"):
            assert errs[path] == ("char", cp), (hex(cp), path, errs)


def test_line_breaks_are_their_own_error():
    for c in ("\n", "\r", "\t", "\u2028", "\u2029", "\x85"):
        assert _by_path(errors_of(tiny_dict(name="a" + c + "b")))["name"] == ("lines",)


def test_visible_text_passes():
    for text in ("Straße", "Ünterarm", "\u00e9t\u00e9", "\u4f38\u5c55",
                 "\U0001f9d8 hips", "a\u202fb", "caf\u00e9 \u2013 slow"):
        assert routine_check.bad_char(text) == -1, text
        d = tiny_dict(name=text)
        d["stretches"][0]["cue"] = text
        assert routine.from_dict(d).name == text


def test_blank_after_stripping_is_refused_for_name_title_and_cue():
    d = tiny_dict(name="   ")
    d["stretches"][0]["title"] = " "
    d["stretches"][1]["cue"] = "  "
    errs = _by_path(errors_of(d))
    assert errs["name"] == errs["stretches[0].title"] == errs["stretches[1].cue"] == ("blank",)
    d = tiny_dict()
    d["stretches"][1]["cue"] = ""  # no cue at all is fine
    assert routine.from_dict(d).stretches[1].cue == ""


def test_a_bool_is_not_the_format_number():
    for bad in (True, False, "1", 1.5, None, [1]):
        assert _by_path(errors_of(tiny_dict(format=bad)))["format"] == ("format", bad)
    assert routine.from_dict(tiny_dict(format=1)).name == "Tiny"


def test_titles_that_differ_only_in_case_repeat():
    d = tiny_dict()
    d["stretches"][1]["title"] = "knee TO chest"
    assert _by_path(errors_of(d))["stretches[1].title"] == ("repeat", 0, "knee TO chest")


def test_utf8_text_in_json_reads_as_characters():
    """The laptop writes canonical JSON as UTF-8, not escapes (MicroPython would read an
    escaped surrogate pair as two halves)."""
    raw = ('{"name":"\U0001f9d8 Hips","stretches":[{"title":"Stra\u00dfe","cue":"'
           + "\u00fc" * 60 + '"}]}').encode("utf-8")
    r = routine.loads(raw)
    assert len(r.name) == 6 and r.stretches[0].title == "Stra\u00dfe"


def test_deeply_nested_json_is_an_error_not_a_crash():
    for text in ("[" * 4000 + "]" * 4000, "{\"a\":" * 1500 + "1" + "}" * 1500):
        try:
            routine.loads(text.encode())
        except routine.RoutineError as e:
            assert e.errors[0][0] == "routine", e.errors
        else:
            raise AssertionError("accepted")
