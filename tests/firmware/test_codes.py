"""The codes a board keeps private agree with the names the laptop reads them by.

``timeline``, ``engine``, ``cues`` and ``sessionlog`` define their codes as
private ``const()`` (no interned name, no globals slot on a board), and a module
that needs another's code keeps its own copy.  Every module names a code the
same way, after its class in ``stretchcue.codes``: ``_STEP_HOLD`` is
``Step.HOLD`` (so a board compiling ``.py`` interns each name once).  A copy
that drifted would make the board and the laptop read the same log or event
differently.
"""
import re
from pathlib import Path

import pytest

from stretchcue import cues, engine, sessionlog, timeline
from stretchcue.codes import Action, Cue, Event, Hold, Rec, Step
from stretchcue_host import installer

ROOT = Path(__file__).resolve().parents[2]
CLASSES = {"STEP": Step, "EVENT": Event, "ACTION": Action, "HOLD": Hold, "CUE": Cue, "REC": Rec}
COPY = re.compile(r"^_(STEP|EVENT|ACTION|HOLD|CUE|REC)_(\w+) = const\((\w+)\)", re.M)


def _names(cls) -> list:
    return [n for n in vars(cls) if n.isupper()]


def _device_sources() -> list:
    return sorted(list((ROOT / "firmware").glob("*.py"))
                  + list((ROOT / "lib" / "stretchcue").rglob("*.py")))


OWN = [(timeline, Step), (engine, Event), (engine, Action), (engine, Hold), (cues, Cue),
       (sessionlog, Rec)]


@pytest.mark.parametrize(("module", "cls"), OWN)
def test_each_code_is_defined_by_its_module_with_the_same_value(module, cls):
    prefix = f"_{cls.__name__.upper()}_"
    for name in _names(cls):
        assert getattr(module, prefix + name) == getattr(cls, name), (module.__name__, name)
        assert not hasattr(module, name), f"{module.__name__}.{name} is public again"


def test_every_code_in_the_device_code_agrees_with_its_name():
    found = 0
    for path in _device_sources():
        if path.name == "codes.py":
            continue
        for cls, name, value in COPY.findall(path.read_text()):
            assert hasattr(CLASSES[cls], name), f"{path.name}: _{cls}_{name} names no code"
            assert int(value, 0) == getattr(CLASSES[cls], name), f"{path.name}: _{cls}_{name}"
            found += 1
    assert found > 100


def test_no_device_module_imports_the_laptops_names():
    imports = re.compile(r"^\s*(from stretchcue\.codes import|import stretchcue\.codes"
                         r"|from stretchcue import .*\bcodes\b)", re.M)
    for path in _device_sources():
        assert path.name == "codes.py" or not imports.search(path.read_text()), path.name


def test_the_names_are_not_installed_on_a_board():
    files = [rel for rel, _ in installer.plan("clue", ROOT)]
    assert "lib/stretchcue/codes.py" not in files
    assert "lib/stretchcue/engine.py" in files
