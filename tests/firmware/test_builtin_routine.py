"""The built-in routine is one of the device's routines: listed, selectable, never deleted."""

from __future__ import annotations

from binascii import crc32

import default_routine
import pytest
from app import App
from device_api import DeviceApi
from hardware import Hardware
from store import Store

from stretchcue.protocol import messages as m
from stretchcue_host.routines import load, resolve
from stretchcue_host.sim.fakes import hw

BUILTIN = default_routine.DEFAULT_NAME


def make(tmp_path, **stored):
    data = tmp_path / "data"
    (data / "routines").mkdir(parents=True)
    for name, routine in stored.items():
        (data / "routines" / f"{name.replace('_', '-')}.json").write_bytes(
            load(resolve(routine))[1])
    keys = hw.Keys((0, 1), value_when_pressed=False)
    app = App(Hardware("test", display=None, keys=keys, notes=[]), Store(str(data)))
    app.boot(0)
    return app, DeviceApi(app, "stretchcue-test")


def _listed(api):
    return {r["name"]: r for r in api.list_routines()}


def test_the_builtin_routine_is_listed_and_marked(tmp_path):
    app, api = make(tmp_path, desk_break="desk-break")
    listing = api.list_routines()
    assert [r["name"] for r in listing] == ["desk-break", BUILTIN]
    builtin = listing[1]
    assert builtin == {"name": BUILTIN, "size": len(default_routine.DEFAULT_JSON),
                       "crc": crc32(default_routine.DEFAULT_JSON) & 0xFFFFFFFF,
                       "selected": True, "builtin": True}
    assert listing[0]["builtin"] is False and listing[0]["selected"] is False


def test_the_builtin_routine_can_be_selected_again(tmp_path):
    app, api = make(tmp_path, desk_break="desk-break")
    assert api.select("desk-break") and app.routine.name == "Desk break"
    assert api.select(BUILTIN)
    assert app.name == BUILTIN and app.routine.name == "Lower back" and app.note == ""
    assert app.store.selected() == BUILTIN
    assert _listed(api)[BUILTIN]["selected"] and not _listed(api)["desk-break"]["selected"]
    assert not api.select("nope")


def test_deleting_the_selected_routine_selects_the_builtin_one_without_a_warning(tmp_path):
    app, api = make(tmp_path, desk_break="desk-break")
    assert api.select("desk-break")
    assert api.delete("desk-break") is True
    assert (app.name, app.routine.name, app.note) == (BUILTIN, "Lower back", "")
    assert app.store.selected() == BUILTIN and _listed(api)[BUILTIN]["selected"]


def test_the_builtin_routine_cannot_be_deleted(tmp_path):
    app, api = make(tmp_path)
    with pytest.raises(m.ProtocolError) as e:
        api.delete(BUILTIN)
    assert e.value.code == m.BAD_REQUEST and "built-in" in e.value.message
    assert _listed(api)[BUILTIN]["builtin"] and app.routine.name == "Lower back"
    assert api.delete("nope") is False


def test_a_stored_routine_of_the_same_name_hides_it_until_deleted(tmp_path):
    app, api = make(tmp_path, lower_back="desk-break")
    shadow = (tmp_path / "data" / "routines" / "lower-back.json").read_bytes()
    assert [r["name"] for r in api.list_routines()] == [BUILTIN]
    assert _listed(api)[BUILTIN]["builtin"] is False
    assert _listed(api)[BUILTIN]["crc"] == crc32(shadow) & 0xFFFFFFFF
    assert app.routine.name == "Desk break"
    assert api.delete(BUILTIN) is True
    assert _listed(api)[BUILTIN]["builtin"] is True and app.routine.name == "Lower back"


def test_button_b_cycles_through_stored_and_builtin_routines(tmp_path):
    app, api = make(tmp_path, desk_break="desk-break")
    app.mode = "menu"
    seen = []
    for _ in range(3):
        app._gesture("B", 0)
        seen.append(app.routine.name)
    assert seen == ["Desk break", "Lower back", "Desk break"]
    api.stage_write("zz", 0, load(resolve("desk-break"))[1])  # pushed, not selected
    api.store_staged("zz")
    app._gesture("B", 0)
    app._gesture("B", 0)
    assert (app.name, app.routine.name) == ("zz", "Desk break")


def test_button_b_with_only_the_builtin_routine_stays_on_it(tmp_path):
    app, api = make(tmp_path)
    app.mode = "menu"
    app._gesture("B", 0)
    assert app.name == BUILTIN and app.note == ""
