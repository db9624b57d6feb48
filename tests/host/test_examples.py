"""Every example in the commands' --help and in the README that needs no hardware runs
and exits 0 (in a scratch folder with the files the examples name).

Device commands (they need a board or its radio), `sim` and `demo` (tests/sim and
tests/host/test_demo.py run them), `install`/`bundle` (they fetch libraries) and
`import-log`'s example (a drive path) are left out.  `run` examples get --instant:
the same session without waiting for the clock.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from stretchcue_host.cli import COMMANDS, main
from stretchcue_host.synth import daily_log

ROOT = Path(__file__).resolve().parents[2]
NEEDS_MORE = {"scan", "info", "pair", "push", "routines", "pull", "set-time", "forget",
              "sim", "demo", "install", "bundle", "import-log"}


def _help_examples() -> list[str]:
    out = []
    for name in sorted(COMMANDS):
        text = CliRunner().invoke(main, [name, "--help"]).output
        if "Examples:" in text:
            for line in text.split("Examples:", 1)[1].splitlines():
                line = line.strip()
                if line.startswith("stretchcue "):
                    out.append(line)
    return out


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text()
    out = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            out += [part.strip() for part in line.split("&&") if part.strip()
                    .startswith("stretchcue ")]
    return out


def _runnable(example: str) -> bool:
    words = shlex.split(example, comments=True)
    command = next((w for w in words[1:] if not w.startswith("-")), "")
    return command not in NEEDS_MORE and "--push" not in words  # --push: to a device


EXAMPLES = sorted({e for e in _help_examples() + _readme_examples() if _runnable(e)})


def test_the_examples_are_found():
    assert len(EXAMPLES) >= 20
    assert any(e.startswith("stretchcue plot") for e in EXAMPLES)
    assert any("import-log" in e for e in _help_examples())


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, lower_back):
    folder = tmp_path_factory.mktemp("examples")
    shutil.copytree(ROOT / "routines", folder / "routines")
    for name in ("my.toml", "my-routine.toml"):
        shutil.copy(ROOT / "routines" / "lower-back.toml", folder / name)
    home = folder / "home"
    log = folder / "log.bin"
    log.write_bytes(daily_log(lower_back, 40, start_epoch_s=1_735_732_800, seed=2))
    res = CliRunner().invoke(main, ["--home", str(home), "import-log", str(log)])
    assert res.exit_code == 0, res.output
    return folder


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs(example, scratch, monkeypatch, tmp_path):
    here = tmp_path / "here"  # each example in a fresh copy: one's output is not another's
    shutil.copytree(scratch, here)
    monkeypatch.chdir(here)
    monkeypatch.setenv("STRETCHCUE_HOME", str(here / "home"))
    args = []
    for word in shlex.split(example.split(" > ")[0], comments=True)[1:]:
        args += sorted(glob.glob(word)) if "*" in word else [word]
    if args[0] == "new" and "--out" in args:  # the README makes my.toml before using it
        (here / args[args.index("--out") + 1]).unlink(missing_ok=True)
    if "run" in args and "--instant" not in args:
        args.append("--instant")
    res = CliRunner().invoke(main, args, catch_exceptions=False)
    assert res.exit_code == 0, (example, res.output)


def test_make_demo_needs_no_node():
    make = shutil.which("make")
    assert make, "make is what the README's two commands run"
    plan = subprocess.run([make, "-n", "-B", "demo"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    assert "stretchcue demo" in plan
    assert "npm" not in plan and "node" not in plan.lower()
