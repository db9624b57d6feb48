"""Fuzzing the CLI in-process: whatever the file or the arguments, an exit code, never a
traceback or a hang.

Contents are random bytes, TOML/JSON-ish text, deep nesting and near-valid
routines with odd values; argument vectors are random words and options for the
commands that need no hardware.  ``push`` runs against a radio that records being
opened: a file that is refused must be refused before it.  ``derandomize`` keeps CI
reproducible; the example counts keep the whole module to a few seconds.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchcue_host.cli import main
from stretchcue_host.transport.base import ConnectionLost

FUZZ = settings(max_examples=60, deadline=2000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

_FIELDS = ["format", "name", "prepare_s", "rate_timeout_s", "stretches", "defaults",
           "title", "cue", "sides", "reps", "hold_s", "sink_s", "rest_s", "rate",
           "breath_pacing", "hold", "x"]
_ODD_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "\u202e", "\x1b[2J", "\ud800", "Stra\u00dfe", "STRASSE", "\u200b", "a\nb",
     "\U0001f9d8" * 30, "x" * 70, "both", "left"])
_SCALAR = (st.integers(-10**6, 10**6) | st.sampled_from([0, 1, 5, 30, 120, 2**64, -1])
           | st.booleans() | st.floats(allow_nan=True, allow_infinity=True) | _ODD_TEXT
           | st.none())
_VALUE = st.recursive(_SCALAR, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.sampled_from(_FIELDS), inner, max_size=4),
                      max_leaves=12)


@st.composite
def _routines(draw) -> dict:
    """Near-valid routines: the real fields, sometimes with odd values."""
    d: dict = {"name": draw(_ODD_TEXT | st.just("Fuzz")), "stretches": [
        {"title": draw(_ODD_TEXT | st.just(f"S{i}")),
         **draw(st.dictionaries(st.sampled_from(_FIELDS), _VALUE, max_size=3))}
        for i in range(draw(st.integers(0, 14)))]}
    d.update(draw(st.dictionaries(st.sampled_from(_FIELDS), _VALUE, max_size=3)))
    return d


def _toml(d: dict) -> str:
    """A rough TOML rendering (JSON values are often TOML values too; often they are not)."""
    lines = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in d.items()
             if k != "stretches"]
    for s in d.get("stretches") or []:
        lines.append("[[stretches]]")
        if isinstance(s, dict):
            lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in s.items()]
    return "\n".join(lines) + "\n"


def _nested(depth: int, kind: str) -> str:
    if kind == "toml-array":
        return "name = 'x'\nprepare_s = " + "[" * depth + "]" * depth + "\n"
    if kind == "toml-table":
        return "name = 'x'\ndefaults = " + "{a = " * depth + "1" + "}" * depth + "\n"
    return '{"name": ' + "[" * depth + "]" * depth + "}"


_CONTENT = st.one_of(
    st.binary(max_size=400).map(lambda b: (b, ".toml")),
    st.binary(max_size=400).map(lambda b: (b, ".json")),
    st.text(alphabet=st.sampled_from('[]{}="\',.:\n \\tu0123abc#-+_e'), max_size=200).flatmap(
        lambda t: st.sampled_from([(t.encode(), ".toml"), (t.encode(), ".json")])),
    st.tuples(st.integers(1, 6000), st.sampled_from(["toml-array", "toml-table", "json"])).map(
        lambda a: (_nested(*a).encode(), ".json" if a[1] == "json" else ".toml")),
    _routines().map(lambda d: (json.dumps(d, ensure_ascii=False, allow_nan=True)
                               .encode("utf-8", "surrogatepass"), ".json")),
    _routines().map(lambda d: (_toml(d).encode("utf-8", "surrogatepass"), ".toml")),
    st.integers(1000, 6000).map(lambda n: (b"name = 'x'\nprepare_s = " + b"9" * n, ".toml")),
)


class _Radio:
    """Stands in for every transport: records that it was asked, then is unreachable."""

    def __init__(self) -> None:
        self.opened = 0

    def __call__(self, *args, **kwargs):
        self.opened += 1
        raise ConnectionLost("no radio in this test", local=True)


@pytest.fixture
def env(tmp_path, monkeypatch):
    radio = _Radio()
    monkeypatch.setattr("stretchcue_host.transport.open_transport", radio)
    monkeypatch.delenv("STRETCHCUE_HOME", raising=False)
    monkeypatch.delenv("STRETCHCUE_BUMBLE_TRANSPORT", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path, radio


def _invoke(home: Path, args: list[str]):
    res = CliRunner().invoke(main, ["--home", str(home), *args], catch_exceptions=True)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"{args!r} raised {res.exception!r}\n{res.output}") \
            from res.exception
    assert res.exit_code in (0, 1, 2), (args, res.exit_code, res.output)
    assert "Traceback" not in res.output, (args, res.output)
    return res


_FILE_COMMANDS = [["validate"], ["preview"], ["preview", "--json"], ["run", "--instant"],
                  ["push"]]


@FUZZ
@given(content=_CONTENT, command=st.sampled_from(_FILE_COMMANDS))
def test_any_file_content(env, content, command):
    tmp_path, radio = env
    data, suffix = content
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / ("routine" + suffix)
    path.write_bytes(data)
    before = radio.opened
    res = _invoke(tmp_path / "home", [*command, str(path)])
    if command[0] == "push":
        assert res.exit_code in (1, 2), res.output
        assert (radio.opened > before) == (res.exit_code == 1), res.output
    if res.exit_code == 2:
        assert str(path) in res.output, res.output


_WORDS = st.sampled_from([
    "0", "-5", "nan", "inf", "-inf", "1e400", "9" * 400, "", " ", "--", "-", "x", "\x1b",
    "\u202e", "lower-back", "desk-break", "nope", "a.toml", "/dev/zero", "/proc/nope",
    ".", "..", "rate:99@1s", "pause@1s", "pause@" + "9" * 400 + "s", "usb:", "weird",
    "bumble:", "2025-01-31", "2025-13-45", "json", "csv", "xml", "list", "select", "delete",
    "--json", "--speed", "--script", "--instant", "--transport", "--device", "--since",
    "--until", "--weeks", "--goal", "--limit", "--format", "--out", "--from", "--code",
    "--timeout", "--no-select", "--steps", "--no-steps", "--png", "-t", "-d", "-h"])
_ARGV_COMMANDS = [["validate"], ["preview"], ["run", "--instant"], ["push"], ["history"],
                  ["stats"], ["export"], ["config"], ["new"], ["info"], ["pull"],
                  ["routines"], ["forget"], ["set-time"], ["scan"], ["pair", "--code"],
                  ["completion"], ["import-log"], ["plot", "--out"]]


@FUZZ
@given(command=st.sampled_from(_ARGV_COMMANDS), words=st.lists(_WORDS, max_size=6))
def test_any_argument_vector(env, command, words):
    tmp_path, _ = env
    _invoke(tmp_path / "home", [*command, *words])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@FUZZ
@given(command=st.sampled_from(_FILE_COMMANDS), kind=st.sampled_from(["fifo", "dir", "zero"]))
def test_any_kind_of_path(env, command, kind):
    tmp_path, radio = env
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "routine.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    before = radio.opened
    res = _invoke(tmp_path / "home", [*command, str(path)])
    assert res.exit_code == 2 and radio.opened == before, res.output
