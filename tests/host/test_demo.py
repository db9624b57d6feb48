"""The README's first command, end to end: simulated device -> log -> history -> charts."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from stretchcue_host.cli import main


def test_demo_produces_screens_log_history_and_charts(tmp_path):
    out = tmp_path / "demo"
    res = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "paired with" in res.output and "Lower back" in res.output and "done" in res.output
    assert len(list((out / "screens").glob("*.png"))) >= 30
    assert sorted(p.name for p in (out / "charts").glob("*.png")) == [
        "adherence.png", "tightness.png", "time-under-stretch.png"]
    # The session is in the demo's own history afterwards, at the home it names.
    named = re.search(r"STRETCHCUE_HOME=(\S+) stretchcue history", res.output)
    assert named and named.group(1) == str(out / "home")
    sessions = json.loads(CliRunner().invoke(main, ["--home", named.group(1), "history",
                                                    "--json"]).output)["sessions"]
    assert len(sessions) == 1 and sessions[0]["status"] == "done"
    home = tmp_path / "home"
    assert CliRunner().invoke(main, ["--home", str(home), "import-log",
                                     str(out / "log.bin"), "--device", "x"]).exit_code == 0
    assert "4.5" in res.output or "4.0 -> 5.0" in res.output or "5.0" in res.output
