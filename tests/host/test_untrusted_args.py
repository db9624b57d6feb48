"""Arguments a person can type: every bad one is refused with a reason and exit 2.

Each case was a traceback (or a hang) before: a speed of 0 divided by zero, nan
stalled the clock, ``1e400s`` is float infinity and no int, a transport typo
surfaced as a ValueError from the link code, a folder that cannot exist as the
simulator's traceback.
"""

from __future__ import annotations

import pytest

BIG = "9" * 400

CASES = [
    (("run", "--speed", "0"), "0<x<=100000"),
    (("run", "--speed", "-5"), "0<x<=100000"),
    (("run", "--speed", "nan"), "'nan' is not a number"),
    (("run", "--speed", "inf"), "0<x<=100000"),
    (("run", "--instant", "--script", "rate:99@1s"), "tightness from 0 to 5"),
    (("run", "--instant", "--script", "pause:2@1s"), "only rate takes a value"),
    (("run", "--instant", "--script", f"pause@{BIG}s"), "at most 24 h"),
    (("sim", "--speed", "nan"), "'nan' is not a number"),
    (("sim", "--speed", "-1"), "0<=x<=100000"),
    (("sim", "--cut-at", "-5"), "1<=x<="),
    (("sim", "--script", f"A@{BIG}s"), "at most 24 h"),
    (("sim", "--headless", "--screenshots", "/proc/nope"), "--screenshots /proc/nope: cannot"),
    (("sim", "--headless", "--data", "/proc/nope"), "--data /proc/nope: cannot"),
    (("sim", "--headless", "--trace", "/proc/nope/t.jsonl"), "--trace /proc/nope/t.jsonl: cannot"),
    (("pull", "--transport", "weird"), "transport must be one of"),
    (("push", "lower-back", "-t", "usb:"), "transport must be one of"),
    (("scan", "--timeout", "nan"), "'nan' is not a number"),
    (("scan", "--timeout", "-1"), "0<x<=600"),
    (("history", "--limit", "-5"), "x>=0"),
    (("stats", "--weeks", "0"), "1<=x<=520"),
]


@pytest.mark.parametrize("args,words", CASES, ids=[" ".join(c[0])[:40] for c in CASES])
def test_bad_argument_is_refused(cli, monkeypatch, args, words):
    def no_radio(*a, **k):
        raise AssertionError("a bad argument reached the link")

    monkeypatch.setattr("stretchcue_host.transport.open_transport", no_radio)
    res = cli(*args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert words in res.output, res.output
    assert len([ln for ln in res.output.splitlines() if ln.startswith(("error", "Error"))]) == 1
