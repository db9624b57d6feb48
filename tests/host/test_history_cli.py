"""``import-log``, ``history``, ``export``, ``stats`` and ``plot`` through the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from stretchcue import sessionlog as sl
from stretchcue_host import stats as st
from stretchcue_host.synth import Synth, daily_log

T0 = 1_735_732_800  # 2025-01-01 12:00 (a Wednesday)
DAY = 86400


@pytest.fixture
def log_file(tmp_path, lower_back):
    path = tmp_path / "log.bin"
    path.write_bytes(daily_log(lower_back, 60, start_epoch_s=T0, seed=4))
    return path


def test_import_log_twice_then_history(cli, log_file):
    res = cli("import-log", str(log_file), "--device", "clue")
    assert res.exit_code == 0, res.output
    n = len(sl.scan(log_file.read_bytes())[0])
    assert f"{n} new records, 0 already stored" in res.output
    res = cli("--json", "import-log", str(log_file), "--device", "clue")
    assert json.loads(res.output)["duplicates"] == n
    res = cli("--json", "history", "--limit", "0")
    data = json.loads(res.output)
    assert data["gaps"] == []
    assert all(s["status"] == "done" for s in data["sessions"])
    assert data["sessions"][0]["start"].startswith("2025-01-0")
    res = cli("history", "--limit", "3")
    assert res.exit_code == 0 and res.output.count("done") == 3


def test_import_log_is_listed_in_help(cli):
    assert "import-log" in cli("--help").output


def test_import_log_bad_input(cli, tmp_path):
    res = cli("import-log", str(tmp_path / "missing.bin"))
    assert res.exit_code == 2 and "cannot read" in res.output


def test_import_corrupt_log_exits_1_but_keeps_good_records(cli, tmp_path, desk_break):
    recs = Synth(desk_break, 1).session(T0)
    data = bytearray(b"".join(recs))
    data[len(recs[0]) + 9] ^= 0x55
    path = tmp_path / "log.bin"
    path.write_bytes(bytes(data))
    res = cli("import-log", str(path))
    assert res.exit_code == 1
    assert "corrupt data at byte" in res.output
    assert f"{len(recs) - 1} new records" in res.output
    res = cli("history")
    assert "records 2..2 (1) missing" in res.output


def test_history_empty_and_damaged(cli):
    res = cli("history")
    assert res.exit_code == 0 and "no sessions yet" in res.output
    cli.home.mkdir()
    (cli.home / "history.sqlite3").write_bytes(b"garbage" * 200)
    for args in (["history"], ["stats"], ["export"]):
        res = cli(*args)
        assert res.exit_code == 1
        assert "is damaged" in res.output and "move it aside" in res.output
        assert "Traceback" not in res.output
    assert (cli.home / "history.sqlite3").read_bytes() == b"garbage" * 200


def test_export_csv_and_json_since(cli, log_file):
    cli("import-log", str(log_file))
    res = cli("export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(res.output)))
    holds = [r for r in rows if r["record"] == "hold"]
    ratings = [r for r in rows if r["record"] == "rating"]
    assert holds and ratings
    assert {r["side"] for r in holds} == {"", "left", "right"}
    assert all(r["routine"] == "Lower back" for r in rows)
    res = cli("export", "--format", "json", "--since", "2025-02-01")
    sessions = json.loads(res.output)
    assert sessions and all(s["start"] >= "2025-02-01" for s in sessions)
    assert len(sessions[0]["holds"]) == 32


def test_export_to_file_and_bad_date(cli, log_file, tmp_path):
    cli("import-log", str(log_file))
    out = tmp_path / "h.json"
    assert cli("export", "--format", "json", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())
    res = cli("export", "--since", "last tuesday")
    assert res.exit_code == 2 and "2025-01-31" in res.output
    assert cli("export", "--format", "xml").exit_code == 2


def test_stats_figures(cli, tmp_path, lower_back):
    syn = Synth(lower_back, 9)
    parts = []
    for day in range(14):  # Wed 1 Jan to Mon 6 Jan daily, then 8, 10, 12 Jan
        if day < 7 and day != 6 or day in (7, 9, 11):
            parts += syn.session(T0 + day * DAY, tightness=4 - day / 5, skip_p=0)
    parts += syn.session(T0 + 12 * DAY, abort_at_ms=100_000)
    (tmp_path / "log.bin").write_bytes(b"".join(parts))
    cli("import-log", str(tmp_path / "log.bin"))
    res = cli("--json", "stats", "--until", "2025-01-14", "--goal", "5")
    s = json.loads(res.output)
    a = s["adherence"]
    assert s["sessions"] == {"done": 9, "aborted": 1}
    assert [w["sessions"] for w in a["recent"]] == [5, 4, 0]  # to Sun 5, to Sun 12, Mon-Tue
    assert a["weeks_met"] == 1 and a["weeks"] == 2
    assert a["longest_streak_days"] == 6
    assert a["streak_days"] == 0
    knee = [r for r in s["time_under_stretch"] if r["stretch"] == "Knee to chest"]
    assert {r["side"] for r in knee} == {"left", "right"}
    comp = {c["stretch"]: c for c in s["completion"]}
    assert comp["Prayer stretch"]["planned"] == 10 * 4
    assert comp["Knee to chest"]["planned"] == 10 * 8
    assert comp["Pelvic tilt"]["held"] == 9 * 4  # the aborted session never reached it
    trend = {t["stretch"]: t for t in s["tightness"]}
    assert trend["Knee to chest"]["per_month"] < 0
    res = cli("stats", "--until", "2025-01-14")
    assert res.exit_code == 0 and "Adherence" in res.output and "Knee to chest" in res.output


def test_stats_goal_from_config_and_bad_goal(cli, log_file):
    cli("import-log", str(log_file))
    cli("config", "weekly_goal", "2")
    s = json.loads(cli("--json", "stats").output)
    assert s["adherence"]["goal_per_week"] == 2
    assert cli("stats", "--goal", "0").exit_code == 2


def test_plot_writes_pngs(cli, log_file, tmp_path):
    cli("import-log", str(log_file))
    res = cli("plot", "--out", str(tmp_path / "charts"), "--until", "2025-03-01")
    assert res.exit_code == 0, res.output
    for name in ("adherence.png", "tightness.png", "time-under-stretch.png"):
        assert (tmp_path / "charts" / name).read_bytes()[:4] == b"\x89PNG"


def test_sparkline_and_streak_helpers():
    assert st.sparkline([0, 5, 10], 0, 10) == "▁▅█"
    assert st.sparkline([]) == ""
    import datetime as dt

    days = {dt.date(2025, 1, d) for d in (1, 2, 3, 5, 6)}
    assert st._streaks(days, dt.date(2025, 1, 7)) == (2, 3)
    assert st._streaks(days, dt.date(2025, 1, 8)) == (0, 3)
