"""``stretchcue progress`` as a person runs it: a history of sessions, the table, --write,
--push, and the goal fields in routine files."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.history import History
from stretchcue_host.routines import load
from stretchcue_host.synth import routine_crc

ROOT = Path(__file__).resolve().parents[2]

STARTER = ROOT / "routines" / "lower-back-starter.toml"


def epoch(days_ago: int) -> int:
    """Local noon ``days_ago`` days back, as the device logs it (wall clock read as UTC)."""
    d = dt.date.today() - dt.timedelta(days=days_ago)
    return int(dt.datetime.combine(d, dt.time(12), dt.UTC).timestamp())


class Log:
    """Session records as the device writes them, for one routine."""

    def __init__(self, path: Path = STARTER) -> None:
        self.routine, _ = load(path)
        self.crc = routine_crc(self.routine)
        self.seq = 1
        self.parts: list[bytes] = []

    def _rec(self, rtype: int, *values) -> None:
        self.parts.append(sl.encode(rtype, self.seq, *values))
        self.seq += 1

    def session(self, days_ago: int, rating: int = 2, cut: dict | None = None) -> None:
        """Every hold done (except those in ``cut``: stretch index -> side), each
        stretch rated ``rating``."""
        r = self.routine
        self._rec(Rec.START, epoch(days_ago), 1000, self.crc, len(r.stretches), r.name)
        for si, st in enumerate(r.stretches):
            for rep in range(st.reps):
                for side in st.side_codes():
                    skipped = (cut or {}).get(si) == side and rep == 0
                    ms = st.hold_s * 1000
                    self._rec(Rec.HOLD, si, side, rep, 1 if skipped else 0, ms,
                              ms // 3 if skipped else ms, 0)
            self._rec(Rec.RATING, si, rating)
        self._rec(Rec.END, 1000, 0, 0, 0, 1000, 0)

    def save(self, home: Path) -> None:
        with History(home / "history.sqlite3") as h:
            h.import_bytes("sc-test", b"".join(self.parts))


@pytest.fixture
def three_weeks(cli):
    log = Log()
    for ago in (20, 17, 15):
        log.session(ago, cut={3: 2} if ago != 17 else None)  # trunk rotation, right side
    log.save(cli.home)
    return log


def test_help_lists_progress_and_its_examples(cli):
    res = cli("--help")
    assert "progress" in res.output and "Propose the next step" in res.output
    res = cli("progress", "--help")
    assert res.exit_code == 0
    assert "stretchcue progress lower-back-starter" in res.output
    assert "--allow-long" in res.output and "--write" in res.output


def test_the_help_example_works_with_an_empty_history(cli):
    res = cli("progress", "lower-back-starter")
    assert res.exit_code == 0, res.output
    assert "0 sessions in the history" in res.output and "stretchcue pull" in res.output
    assert "no sessions with this stretch yet" in res.output


def test_table_lengthens_the_clean_stretches_and_backs_off_the_cut_one(cli, three_weeks):
    res = cli("--json", "progress", "lower-back-starter")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["sessions"] == 3 and out["changes"] == 5
    got = {p["stretch"]: (p["action"], p["new_hold_s"], p["new_reps"]) for p in out["proposals"]}
    assert got == {"Knee to chest": ("longer hold", 20, 3),
                   "Prayer stretch": ("longer hold", 20, 3),
                   "Piriformis": ("longer hold", 20, 3),
                   "Trunk rotation": ("shorter hold", 15, 3),
                   "Pelvic tilt": ("longer hold", 25, 3)}
    trunk = out["proposals"][3]
    assert trunk["reason"] == "holds cut short in 2 of the last 3 sessions (right side)"
    assert trunk["sessions"][0]["sides"]["right"] == {"holds": 3, "cut_short": 1,
                                                      "planned": 3}
    res = cli("progress", "lower-back-starter")
    assert res.exit_code == 0
    assert "3 sessions in the history" in res.output
    assert "15 s x 3" in res.output and "20 s x 3" in res.output
    assert "--write FILE.toml" in res.output


def test_write_then_the_written_version_waits_for_its_sessions(cli, three_weeks, tmp_path):
    res = cli("progress", "lower-back-starter", "--write", "my-back.toml")
    assert res.exit_code == 0, res.output
    assert "wrote my-back.toml (5 changed)" in res.output
    text = (tmp_path / "my-back.toml").read_text()
    assert text.count("# was 15 s (from [defaults]): every hold done") == 3
    assert "# was 20 s: holds cut short" in text
    r, _ = load(tmp_path / "my-back.toml")
    assert [s.hold_s for s in r.stretches] == [20, 20, 20, 15, 25]
    assert cli("validate", "my-back.toml").exit_code == 0
    res = cli("--json", "progress", "my-back.toml")
    out = json.loads(res.output)
    assert out["changes"] == 0
    assert out["proposals"][0]["reason"].startswith("no sessions at 20 s x 3 yet")
    with History(cli.home / "history.sqlite3") as h:  # its sessions will get their titles
        assert routine_crc(r) in h.routines()


@pytest.mark.parametrize("first", [6, 7])
def test_one_step_a_week_from_the_first_session_of_the_new_version(cli, tmp_path, first):
    log = Log()
    for ago in (30, 28, 26):
        log.session(ago)
    log.save(cli.home)
    assert cli("progress", "lower-back-starter", "--write", "v2.toml").exit_code == 0
    v2 = Log(tmp_path / "v2.toml")
    v2.seq = log.seq
    for ago in (first, 2, 1):
        v2.session(ago)
    v2.save(cli.home)
    out = json.loads(cli("--json", "progress", "v2.toml").output)
    knee = out["proposals"][0]
    if first < 7:
        assert out["changes"] == 0 and "one change a week" in knee["reason"]
    else:
        assert out["changes"] == 5 and (knee["hold_s"], knee["new_hold_s"]) == (20, 25)


def test_write_refuses_an_existing_file_and_json_input(cli, tmp_path):
    (tmp_path / "taken.toml").write_text("mine")
    res = cli("progress", "lower-back-starter", "--write", "taken.toml")
    assert res.exit_code == 2 and "--force" in res.output
    assert (tmp_path / "taken.toml").read_text() == "mine"
    assert cli("progress", "lower-back-starter", "--write", "taken.toml",
               "--force").exit_code == 0
    res = cli("progress", "lower-back-starter", "--write", "x.json")
    assert res.exit_code == 2 and "TOML" in res.output


def test_invalid_routine_and_push_without_write_are_bad_input(cli, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[stretches]]\ntitle = "a"\nhold_s = 20\ngoal_hold_s = 10\n')
    res = cli("progress", str(bad))
    assert res.exit_code == 2
    assert "goal_hold_s: is 10, below this stretch's hold_s of 20" in res.output
    assert "bad.toml:5" in res.output
    res = cli("progress", "lower-back-starter", "--push")
    assert res.exit_code == 2 and "--write" in res.output
    res = cli("progress", "lower-back-starter", "--write", "bad name.toml", "--push")
    assert res.exit_code == 2 and "rename" in res.output


def test_write_and_push(cli, loopback_device, three_weeks):
    loopback_device.proto.enter_pairing("135790", 0)
    assert cli("pair", "--code", "135790").exit_code == 0
    res = cli("progress", "lower-back-starter", "--write", "my-back.toml", "--push")
    assert res.exit_code == 0, res.output
    assert "pushed 'Lower back starter' as my-back" in res.output
    assert loopback_device.selected == "my-back"
    canon = json.loads(loopback_device.routines["my-back"])
    assert [s["hold_s"] for s in canon["stretches"]] == [20, 20, 20, 15, 25]
    assert "goal_hold_s" not in canon["stretches"][0]  # goals stay on the laptop


# -- goal fields in routine files ----------------------------------------------------


def test_goals_do_not_change_what_the_device_gets(tmp_path):
    plain = STARTER.read_text().replace("goal_reps = 4", "").replace("goal_hold_s = 30", "")
    (tmp_path / "plain.toml").write_text(plain)
    _, with_goals = load(STARTER)
    _, without = load(tmp_path / "plain.toml")
    assert with_goals == without


def test_goal_errors_name_the_field_and_line(cli, tmp_path):
    f = tmp_path / "g.toml"
    f.write_text('name = "g"\n[defaults]\ngoal_hold_s = 200\ngoal_reps = "four"\n'
                 '[[stretches]]\ntitle = "a"\ngoal_hold = 40\n')
    res = cli("validate", str(f))
    assert res.exit_code == 2
    assert "g.toml:7: stretch 1 (a) goal_hold: unknown field (did you mean 'goal_hold_s'?)" \
        in res.output
    assert "stretch 1 (a) goal_reps: must be a whole number of seconds or a count" in res.output
    assert "stretch 1 (a) goal_hold_s: must be between 5 and 120, got 200" in res.output


def test_docs_list_the_goal_limits_the_code_applies():
    from stretchcue import routine_check as rc

    doc = (ROOT / "docs" / "routines.md").read_text()
    for key in rc.GOALS:
        _, low, high = rc.limits(key[5:])
        assert f"| `{key}` | {low}-{high}, at least `{key[5:]}` |" in doc
    assert tomllib.loads(STARTER.read_text())["defaults"]["goal_hold_s"] == 30


def test_write_failures_say_why_and_leave_nothing_behind(cli, tmp_path):
    res = cli("progress", "lower-back-starter", "--write", "missing/x.toml")
    assert res.exit_code == 1 and "cannot write missing/x.toml" in res.output
    (tmp_path / "d.toml").mkdir()
    res = cli("progress", "lower-back-starter", "--write", "d.toml", "--force")
    assert res.exit_code == 1 and "cannot write d.toml" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.toml", "home"]  # no temp file
    res = cli("progress", "no-such-routine")
    assert res.exit_code == 2 and "cannot use the routine" in res.output
