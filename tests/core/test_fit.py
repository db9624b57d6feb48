"""Line wrapping for the smallest screen: the device draws it and validate checks it."""

from stretchcue.fit import COLS, wrap


def test_short_text_is_kept_as_written():
    assert wrap("A start  B next", COLS) == ["A start  B next"]


def test_words_wrap_at_spaces_and_line_breaks():
    assert wrap("On your back, hug one knee in with both hands", 21) == [
        "On your back, hug one", "knee in with both", "hands"]
    assert wrap("How\ntight?", 8) == ["How", "tight?"]


def test_a_word_longer_than_a_line_is_broken_where_it_must_be():
    assert wrap("W" * 25 + " x", 10) == ["W" * 10, "W" * 10, "WWWWW x"]
    assert all(len(line) <= 10 for line in wrap("ab " * 40, 10))
