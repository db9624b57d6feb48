"""Firmware modules on desktop CPython: firmware/ importable, a keypad stand-in."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "firmware"))  # appended: firmware/code.py must not shadow stdlib code

if "keypad" not in sys.modules:
    import types

    from stretchcue_host.sim.fakes import hw

    sys.modules["keypad"] = types.SimpleNamespace(Event=hw.Event, Keys=hw.Keys)
