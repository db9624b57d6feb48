"""Device commands through the CLI, against the real device protocol over an in-memory link.

The radio itself is proven in tests/ble; here the point is what a person sees:
messages, exit codes, history and acknowledgement order.
"""

from __future__ import annotations

import json

import pytest
from proto_api import MemoryDevice, urandom

from stretchcue.protocol.device import DeviceProtocol
from stretchcue_host.transport.loopback import LoopbackTransport


@pytest.fixture
def device(monkeypatch):
    api = MemoryDevice()
    proto = DeviceProtocol(api, urandom)
    links = []

    def fake_open(spec="auto", device=""):
        link = LoopbackTransport(proto, mtu=20)
        links.append(link)
        return link

    monkeypatch.setattr("stretchcue_host.transport.open_transport", fake_open)
    api.proto = proto
    api.links = links
    return api


def paired(cli, device):
    device.proto.enter_pairing("135790", 0)
    res = cli("pair", "--code", "135 790")
    assert res.exit_code == 0, res.output
    return res


def test_info_works_unpaired(cli, device):
    res = cli("info", "--json")
    assert res.exit_code == 0
    assert json.loads(res.output)["id"] == "sc-0001"


def test_push_requires_pairing(cli, device):
    res = cli("push", "lower-back")
    assert res.exit_code == 1
    assert "not paired" in res.output and "stretchcue pair" in res.output
    assert device.routines == {}


def test_wrong_pairing_code_is_refused(cli, device):
    device.proto.enter_pairing("135790", 0)
    res = cli("pair", "--code", "000000")
    assert res.exit_code == 1 and "does not match" in res.output


def test_bad_code_format_is_bad_input(cli, device):
    assert cli("pair", "--code", "12ab").exit_code == 2


def test_pair_push_select_list(cli, device):
    assert "paired with sc-0001" in paired(cli, device).output
    res = cli("push", "desk-break")
    assert res.exit_code == 0, res.output
    assert "pushed 'Desk break' as desk-break" in res.output
    assert device.selected == "desk-break"
    assert device.routines["desk-break"].startswith(b'{"format":1,"name":"Desk break"')
    listed = json.loads(cli("routines", "--json").output)
    assert listed[0]["name"] == "desk-break" and listed[0]["selected"]


def test_invalid_routine_is_never_pushed(cli, device, tmp_path):
    paired(cli, device)
    links_before = len(device.links)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[stretches]]\ntitle = "a"\nhold_s = 500\n')
    res = cli("push", str(bad))
    assert res.exit_code == 2
    assert "bad.toml:4: stretch 1 (a) hold_s" in res.output
    assert device.routines == {} and len(device.links) == links_before


def test_busy_device_refuses_push_with_a_clear_reason(cli, device):
    paired(cli, device)
    device.busy = True
    res = cli("push", "lower-back")
    assert res.exit_code == 1 and "busy running a session" in res.output


def test_pull_stores_then_acknowledges_and_resumes_from_cursor(cli, device):
    paired(cli, device)
    device.add_records(12)
    res = cli("pull", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["received"] == 12 and data["added"] == 12 and device.acked == 12
    device.add_records(3, first=13)
    data = json.loads(cli("pull", "--json").output)
    assert data["from_seq"] == 12 and data["received"] == 3 and device.acked == 15


def test_forget_unpairs_both_sides(cli, device):
    paired(cli, device)
    assert cli("forget").exit_code == 0
    assert device.keys == {}
    assert "not paired" in cli("routines").output


def test_an_unreachable_radio_says_why_not_just_that_the_link_dropped(cli):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = cli("info", "--transport", f"bumble:tcp-client:127.0.0.1:{port}")
    assert res.exit_code == 1
    assert "cannot open bumble HCI transport" in res.output
    assert "move closer" not in res.output  # the problem is here, not the distance


def test_every_error_code_has_its_name_for_the_person():
    from stretchcue.protocol import messages as m
    from stretchcue_host.names import ERROR_NAMES

    for name in ERROR_NAMES[1:]:
        assert ERROR_NAMES[getattr(m, name)] == name
    assert len(ERROR_NAMES) == m.NO_MEMORY + 1


def test_out_of_memory_on_the_device_says_what_to_do():
    from stretchcue.protocol import messages as m
    from stretchcue_host.client import DeviceError
    from stretchcue_host.device_session import _explain

    text = _explain(DeviceError(m.NO_MEMORY, "out of memory checking routine 'r'"))
    assert "kept the old one" in text and "--mpy-cross" in text
