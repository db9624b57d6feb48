"""pair -> push -> run -> pull over a real BLE stack, compared with what the device did."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.cli import main
from stretchcue_host.routines import load, resolve
from stretchcue_host.transport.ble import BleTransport


@pytest.fixture(scope="module")
def host(rig, tmp_path_factory):
    import stretchcue_host.transport as tr

    home = tmp_path_factory.mktemp("home")
    links: list[BleTransport] = []
    mp = pytest.MonkeyPatch()
    mp.setenv("STRETCHCUE_BUMBLE_TRANSPORT", rig.host_radio)
    real = tr.open_transport

    def spy(spec="auto", device=""):
        t = real(spec, device)
        links.append(t)
        return t

    mp.setattr(tr, "open_transport", spy)

    def run(*args):
        res = CliRunner().invoke(main, ["--home", str(home), *args, "--transport", "sim"])
        return res

    run.home = home
    run.links = links
    yield run
    mp.undo()


def test_session_over_the_virtual_radio(rig, host):
    code = rig.pairing_code()

    info = json.loads(host("info", "--json").output)
    assert info["state"] == "idle" and "pairing" not in info  # nothing said to strangers

    found = json.loads(host("scan", "--json", "--timeout", "1").output)
    assert len(found) == 1 and found[0]["address"] and found[0]["name"]

    refused = host("push", "desk-break")
    assert refused.exit_code == 1 and "not paired" in refused.output

    paired = host("pair", "--code", code)
    assert paired.exit_code == 0, paired.output

    pushed = host("push", "desk-break")
    assert pushed.exit_code == 0, pushed.output
    _, canon = load(resolve("desk-break"))
    assert (rig.data / "routines" / "desk-break.json").read_bytes() == canon
    assert (rig.data / "selected.txt").read_text() == "desk-break"

    rig.press("A")  # leave the "Paired" message
    rig.wait_for(r"screen: stretchcue \| Desk break")
    rig.press("A")  # start
    rig.wait_for(r"screen: Well done", timeout_s=60)

    pulled = host("pull", "--json")
    assert pulled.exit_code == 0, pulled.output
    result = json.loads(pulled.output)
    on_device = sl.scan((rig.data / "log.bin").read_bytes())[0]
    assert result["received"] == result["added"] == len(on_device)
    db = sqlite3.connect(host.home / "history.sqlite3")
    stored = [bytes(r[0]) for r in db.execute("SELECT raw FROM records ORDER BY seq")]
    assert stored == [r.raw for r in on_device]
    assert on_device[0].rtype == Rec.START and on_device[-1].rtype == Rec.END
    assert (rig.data / "ack.txt").read_text() == str(on_device[-1].seq)

    again = json.loads(host("pull", "--json").output)
    assert again["received"] == 0

    assert host.links and all(isinstance(link, BleTransport) and link.hci == rig.host_radio
                              for link in host.links)
    for link in host.links:
        assert link.mtu == 244
        assert link.writes and max(link.writes) <= link.mtu
        assert max(link.notifications, default=0) <= link.mtu
    # the device fills its packets (adafruit_ble's UART write would send 20 bytes each)
    assert max(n for link in host.links for n in link.notifications) == 244


def test_a_wrong_code_is_refused_and_the_device_shows_a_fresh_one(rig, host):
    rig.press("A")  # summary -> menu
    rig.wait_for(r"screen: stretchcue \|")
    rig.press("B_long")
    code = rig.pairing_code()
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    res = host("pair", "--code", wrong)
    assert res.exit_code == 1 and "does not match" in res.output
    fresh = rig.pairing_code()
    assert fresh != code
    res = host("pair", "--code", code)  # the old code is worth nothing now
    assert res.exit_code == 1
    rig.press("A")  # cancel pairing
    assert host("routines", "--json").exit_code == 0  # the old key still works
