"""The real CLI over the USB data port of the simulated board: pair, push, run, pull.

The simulated device is the unmodified firmware with its ``usb_cdc.data`` on a
pseudo-terminal (``--usb-pty``); the CLI opens the other end with pyserial,
exactly as it opens ``/dev/ttyACM1`` on a real board.  Nothing sleeps to wait:
the test reads the device's console lines (as a person reads its screen) and
the CLI's replies, each with a timeout.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from click.testing import CliRunner

from stretchcue import sessionlog as sl
from stretchcue.codes import Rec
from stretchcue_host.cli import main
from stretchcue_host.demo_rig import Rig
from stretchcue_host.keys import KeyStore
from stretchcue_host.routines import load, resolve

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")


@pytest.fixture(scope="module")
def device(tmp_path_factory):
    """The simulated board in its own process, its data port on a pty (no pairing code yet)."""
    with Rig(tmp_path_factory.mktemp("usb"), usb=True, script="") as rig:
        rig.wait_for(r"screen: stretchcue \| Lower back")  # booted, at its menu
        yield rig


@pytest.fixture(scope="module")
def cli(device, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")

    def run(*args, home=home):
        return CliRunner().invoke(main, ["--home", str(home), *args,
                                         "--transport", f"usb:{device.usb_port}"])

    run.home = home
    return run


def test_pair_push_run_pull_over_usb(device, cli, tmp_path):
    info = json.loads(cli("info", "--json").output)
    assert info["board"] == "clue" and info["state"] == "idle"
    assert "pairing" not in info and "authenticated" not in info

    refused = cli("push", "desk-break")
    assert refused.exit_code == 1 and "not paired" in refused.output

    device.press("B_long")  # the pairing gesture
    code = device.pairing_code()
    assert "pairing" not in json.loads(cli("info", "--json").output)
    paired = cli("pair", "--code", code)
    assert paired.exit_code == 0, paired.output
    assert paired.output.splitlines() == [
        "the code matches: press A on the device to confirm", f"paired with {info['id']}"]
    device.wait_for(r"screen: Paired \| ")

    # A key the device never agreed to is refused by the device itself.
    stranger = tmp_path / "stranger"
    KeyStore(stranger / "keys.json").put(info["id"], os.urandom(32))
    res = cli("routines", home=stranger)
    assert res.exit_code == 1 and "the device does not know this laptop" in res.output

    pushed = cli("push", "desk-break")
    assert pushed.exit_code == 0, pushed.output
    _, canon = load(resolve("desk-break"))
    assert (device.data / "routines" / "desk-break.json").read_bytes() == canon
    assert (device.data / "selected.txt").read_text() == "desk-break"
    listed = json.loads(cli("routines", "--json").output)
    assert {"name": "desk-break", "size": len(canon), "selected": True}.items() <= \
        next(r for r in listed if r["name"] == "desk-break").items()

    device.press("A")  # leave the "Paired" message
    device.wait_for(r"screen: stretchcue \| Desk break")
    # Start, pause 3 s during the first hold, resume, extend that hold by 10 s.
    device.script("A@0s,A@13s,A@16s,B@18s")
    device.wait_for(r"screen: Well done", timeout_s=60)

    pulled = cli("pull", "--json")
    assert pulled.exit_code == 0, pulled.output
    result = json.loads(pulled.output)
    on_device = sl.scan((device.data / "log.bin").read_bytes())[0]
    assert result["received"] == result["added"] == len(on_device) > 5
    db = sqlite3.connect(cli.home / "history.sqlite3")
    stored = [bytes(r[0]) for r in db.execute("SELECT raw FROM records ORDER BY seq")]
    assert stored == [r.raw for r in on_device]
    assert on_device[0].rtype == Rec.START and on_device[-1].rtype == Rec.END
    end = on_device[-1].fields()
    assert end["paused_ms"] >= 2500 and end["extended_ms"] == 10_000  # the presses landed
    assert (device.data / "ack.txt").read_text() == str(on_device[-1].seq)
    assert json.loads(cli("pull", "--json").output)["received"] == 0
