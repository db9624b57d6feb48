"""What `history`, `export`, `stats` and `plot` say and draw: words a person reads,
1-based stretch numbers with titles, charts with sensible axes, and nothing written
by a command that only reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from stretchcue_host import charts
from stretchcue_host.cli import main
from stretchcue_host.synth import Synth, daily_log

T0 = 1_735_732_800  # 2025-01-01 12:00
DAY = 86400


def _import(cli, tmp_path, data: bytes) -> None:
    path = tmp_path / "log.bin"
    path.write_bytes(data)
    res = cli("import-log", str(path), "--device", "clue")
    assert res.exit_code == 0, res.output


def test_import_log_is_listed_in_help_and_completion(cli):
    from click.testing import CliRunner

    assert "import-log" in cli("--help").output
    res = CliRunner().invoke(main, [], prog_name="stretchcue", env={
        "_STRETCHCUE_COMPLETE": "bash_complete", "COMP_WORDS": "stretchcue im",
        "COMP_CWORD": "1"})
    assert "import-log" in res.output


@pytest.mark.parametrize("args", [("history",), ("stats",), ("export",), ("--json", "stats"),
                                  ("plot", "--out", "charts")])
def test_reading_an_empty_history_creates_nothing(cli, tmp_path, args):
    res = cli(*args)
    assert res.exit_code == 0, res.output
    assert not cli.home.exists()
    assert not (tmp_path / "charts").exists()


def test_plot_with_no_sessions_says_so(cli, tmp_path):
    res = cli("plot", "--out", str(tmp_path / "charts"))
    assert res.exit_code == 0 and "nothing to plot" in res.output
    assert not (tmp_path / "charts").exists()


def test_one_session_reads_in_words(cli, tmp_path, lower_back):
    _import(cli, tmp_path, b"".join(Synth(lower_back, 1).session(T0, tightness=3)))
    res = cli("stats", "--until", "2025-01-01")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "1 day now (best 1 day)" in out and "0 weeks on goal" in out
    assert "no full week yet" in out and "of 0 full weeks" not in out and "(-)" not in out
    assert "(0, 0" not in out and "(1," not in out  # no raw tuple under the sparkline
    assert "1 days" not in out and "1 sessions" not in out and "1 weeks" not in out
    res = cli("export", "--out", str(tmp_path / "one.csv"))
    assert "wrote 1 session to" in res.output


def test_stretches_are_1_based_with_titles_in_csv_and_json(cli, tmp_path, lower_back):
    _import(cli, tmp_path, b"".join(Synth(lower_back, 1).session(T0, tightness=3)))
    rows = list(csv.DictReader(io.StringIO(cli("export").output)))
    first = next(r for r in rows if r["record"] == "hold")
    assert (first["stretch"], first["title"], first["side"]) == ("1", "Knee to chest", "left")
    assert {r["stretch"] for r in rows} == {"1", "2", "3", "4", "5"}
    s = json.loads(cli("export", "--format", "json").output)[0]
    assert (s["holds"][0]["stretch"], s["holds"][0]["title"]) == (1, "Knee to chest")
    assert s["holds"][0]["side"] == "left"
    assert {x["stretch"] for x in s["holds"]} == {1, 2, 3, 4, 5}
    by_title = {x["title"]: x["stretch"] for x in s["holds"] + s["ratings"]}
    assert by_title["Prayer stretch"] == 2
    h = json.loads(cli("history", "--json").output)["sessions"][0]
    assert h["holds"][0]["stretch"] == 1


def test_both_sides_of_a_stretch_stay_together(cli, tmp_path, lower_back):
    _import(cli, tmp_path, daily_log(lower_back, 10, start_epoch_s=T0, seed=3))
    rows = json.loads(cli("--json", "stats").output)["time_under_stretch"]
    titles = [r["stretch"] for r in rows]
    for t in set(titles):  # each title's rows are one run
        first = titles.index(t)
        assert titles[first:first + titles.count(t)] == [t] * titles.count(t)
    knee = [r["side"] for r in rows if r["stretch"] == "Knee to chest"]
    assert knee == ["left", "right"]


def test_adherence_chart_shows_the_weeks_with_sessions_not_empty_recent_ones(
        cli, tmp_path, lower_back):
    _import(cli, tmp_path, daily_log(lower_back, 28, start_epoch_s=T0, seed=5))
    a = json.loads(cli("--json", "stats", "--until", "2025-12-15").output)["adherence"]
    assert sum(w["sessions"] for w in a["recent"]) == 0  # December's weeks are empty
    charted = a["charted"]
    assert 4 <= len(charted) <= 12 and sum(w["sessions"] for w in charted) > 20
    assert charted[-1]["sessions"] > 0 and charted[0]["week"].startswith("2025-W0")
    assert a["last_day"].startswith("2025-01")
    res = cli("stats", "--until", "2025-12-15")
    assert f"last session {a['last_day']}" in " ".join(res.output.split())


@pytest.fixture
def drawn(monkeypatch):
    """The figures the chart functions would save."""
    figs = []
    monkeypatch.setattr(charts, "_save", lambda fig, out: figs.append(fig) or out)
    return figs


def _days(ax) -> float:
    lo, hi = ax.get_xlim()
    return hi - lo  # matplotlib dates are days


def test_one_day_of_tightness_is_a_two_week_axis_not_years(drawn):
    charts.tightness_png([{"stretch": "Knee to chest", "first": 3.0, "latest": 3.0,
                           "points": [("2025-01-01", 3)]}], "t.png")
    assert 13.9 <= _days(drawn[0].axes[0]) <= 15


def test_a_month_of_daily_tightness_is_weekly_means_and_a_trend(drawn):
    day0 = dt.date(2025, 1, 1)
    pts = [((day0 + dt.timedelta(days=i)).isoformat(), (i * 7) % 6) for i in range(30)]
    charts.tightness_png([{"stretch": s, "first": 3.0, "latest": 2.0, "points": pts}
                          for s in ("A", "B")], "t.png")
    fig = drawn[0]
    assert len(fig.axes) == 2  # a panel per stretch
    lines = fig.axes[0].get_lines()
    assert len(lines[0].get_xdata()) == 5  # five weekly means, not 30 daily points
    assert len(lines[1].get_xdata()) == 2  # the trend is one straight line
    assert 30 <= _days(fig.axes[0]) <= 40


def test_demo_charts_are_not_drawn_for_nothing(drawn):
    charts.adherence_png([{"week": "2025-W02", "sessions": 3, "met": False}], 5, "a.png",
                         last_day="2025-01-08")
    title = drawn[0].axes[0].get_title()
    assert "06 Jan 2025 to 12 Jan 2025" in title and "last session 2025-01-08" in title
