"""The app serves BLE and USB side by side: one protocol per link, one pairing gesture for all."""

from __future__ import annotations

import sys
import types

import links as links_module
import pytest
from app import App
from hardware import Hardware
from proto_api import Host, MemoryDevice, urandom
from serial_link import SerialLink
from store import Store

from stretchcue.protocol import messages as m
from stretchcue.protocol.device import DeviceProtocol
from stretchcue_host.sim.fakes import hw


class FakeLink:
    def __init__(self, proto) -> None:
        self.protocol = proto
        self.connected = False
        self.polls = 0

    def poll(self, now_ms: int) -> None:
        self.polls += 1
        self.protocol.tick(now_ms)

    def close(self) -> None:
        pass


def make(tmp_path):
    keys = hw.Keys((0, 1), value_when_pressed=False)
    hardware = Hardware("test", display=None, keys=keys, notes=[])
    a = App(hardware, Store(str(tmp_path / "data")))
    a.boot(0)
    return a


def two_links(a):
    api = MemoryDevice()
    links = []
    for _ in ("ble", "usb"):
        proto = DeviceProtocol(api, urandom)
        link = FakeLink(proto)
        a.attach_radio(link, proto)
        links.append(link)
    return api, links


def press_pair(a, capsys) -> str:
    a._gesture("B_long", 0)
    return capsys.readouterr().out.split("pairing code ")[1][:6]


def test_the_gesture_opens_pairing_on_every_link_with_one_code(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    code = press_pair(a, capsys)
    assert ble.protocol.pairing and usb.protocol.pairing
    assert Host(usb.protocol).pair(code).ftype == m.OK  # pair over USB
    a.step(100)
    assert a.mode == "message" and a._last_text == "Pairing: Paired"
    assert not ble.protocol.pairing  # the code is used up everywhere
    assert ble.polls == usb.polls == 1
    assert Host(ble.protocol, b"B" * 16).pair(code).ftype == m.ERROR
    assert list(api.keys) == [b"H" * 16]


def test_a_wrong_try_on_one_link_ends_pairing_on_all(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    code = press_pair(a, capsys)
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    assert Host(ble.protocol, b"X" * 16).pair(code, typed=wrong) is None
    a.step(100)
    assert usb.protocol.pairing  # a PAIR_START alone, left hanging, blocks nobody
    ble.protocol.disconnected()  # the tool hangs up after a bad confirmation
    a.step(200)
    assert not usb.protocol.pairing and a._last_text == "Pairing: Ended"
    assert api.keys == {}


def test_either_link_keeps_the_loop_awake_and_a_button_cancels_pairing(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    assert a.step(0) > 20
    usb.connected = True
    assert a.step(10) <= 20
    press_pair(a, capsys)
    a._gesture("A", 20)
    assert not ble.protocol.pairing and not usb.protocol.pairing and a.mode == "menu"


@pytest.fixture(autouse=True)
def messages(monkeypatch):
    """Record what ``_message`` shows (the headless screens draw nothing)."""
    def message(self, title, text):
        self.mode = "message"
        self._last_text = title + ": " + text
        self.screens.message(title, text)

    monkeypatch.setattr(App, "_message", message)


class UsbPort:
    connected = False
    in_waiting = 0
    timeout = None
    write_timeout = None


def _modules(monkeypatch, ble: bool, usb: bool):
    monkeypatch.setitem(sys.modules, "microcontroller", types.SimpleNamespace(
        cpu=types.SimpleNamespace(uid=b"\x00\xab\xcd\xef")))
    if ble:
        class BleLink(FakeLink):
            def __init__(self, proto, name):
                super().__init__(proto)
                self.name = name

        monkeypatch.setitem(sys.modules, "ble_link", types.SimpleNamespace(BleLink=BleLink))
    else:
        monkeypatch.setitem(sys.modules, "ble_link", None)
    monkeypatch.setitem(sys.modules, "usb_cdc", types.SimpleNamespace(
        data=UsbPort() if usb else None))


@pytest.mark.parametrize("ble,usb", [(True, True), (False, True), (True, False),
                                     (False, False)])
def test_radio_brings_up_each_link_it_can(tmp_path, monkeypatch, capsys, ble, usb):
    _modules(monkeypatch, ble, usb)
    a = make(tmp_path)
    links_module.open_links(a)
    kinds = [type(link).__name__ for link, _ in a.links.items]
    assert kinds == (["BleLink"] if ble else []) + (["SerialLink"] if usb else [])
    protos = [p for _, p in a.links.items]
    assert len({id(p) for p in protos}) == len(protos)  # auth state is per connection
    if ble:
        assert a.links.items[0][0].name == "stretchcue-abcdef"
    if not ble:
        assert "no radio" in a.note
    if not usb:
        assert "no USB" in a.note
    for now in range(0, 3000, 250):  # the timer runs whatever is missing
        a.step(now)
    assert all(p.proto is None for p in protos)  # nothing loaded until it is needed
    if protos:
        press_pair(a, capsys)
        assert all(p.pairing for p in protos)
        assert len({id(p.proto) for p in protos}) == len(protos)
        assert len({id(p.proto.api) for p in protos}) == 1  # over one DeviceApi
    else:
        a._gesture("B_long", 0)
        assert "No radio or USB link" in a._last_text
    assert all(isinstance(link, SerialLink) == (kind == "SerialLink")
               for (link, _), kind in zip(a.links.items, kinds))


def test_a_failing_link_is_dropped_and_the_timer_and_other_link_go_on(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    closed = []

    def broken(now_ms):
        raise AttributeError("'DeviceApi' object has no attribute 'start'")

    ble.poll = broken
    ble.close = lambda: closed.append(True)
    a._gesture("A", 0)  # start a session
    now = 0
    for _ in range(50):
        now += a.step(now) or 1
    assert a.busy and closed and usb.polls == 50
    assert "link error: AttributeError" in capsys.readouterr().out


def test_text_mode_starts_and_stops_a_session_through_the_loop(tmp_path, capsys):
    from device_api import DeviceApi

    a = make(tmp_path)
    proto = DeviceProtocol(DeviceApi(a, "stretchcue-test"), urandom)
    link = FakeLink(proto)
    a.attach_radio(link, proto)
    code = press_pair(a, capsys)
    assert proto.receive(b"unlock " + code.encode() + b"\n") == [b"unlocked: list, start, stop\n"]
    a.step(10)
    assert a._last_text == "Pairing: Unlocked"
    assert proto.receive(b"start\n") == [b"started: " + a.name.encode() + b"\n"]
    assert a.mode == "message"  # nothing happens inside the protocol call...
    a.step(20)
    assert a.busy  # ...the loop starts it, as button A would
    assert proto.receive(b"start\n") == [b"error: device busy running a session\n"]
    assert proto.receive(b"stop\n") == [b"stopped\n"]
    a.step(30)
    assert not a.busy and a.engine.aborted
    assert proto.receive(b"stop\n") == [b"error: no session running\n"]


def test_both_buttons_on_the_menu_forget_every_paired_computer(tmp_path):
    from device_api import DeviceApi

    a = make(tmp_path)
    api = DeviceApi(a, "stretchcue-test")
    api.key_put(b"H" * 16, b"k" * 32)
    api.key_put(b"I" * 16, b"k" * 32)
    a.mode = "menu"
    a._gesture("AB", 0)
    a._gesture("B", 0)  # B keeps them
    assert api.key_get(b"H" * 16) == b"k" * 32 and a.mode == "menu"
    a._gesture("AB", 0)
    a._gesture("A", 0)
    assert api.key_get(b"H" * 16) is None and api.key_get(b"I" * 16) is None
    assert a._last_text.startswith("Forgotten: 2 computer(s)")


def test_outbox_gives_packets_across_frame_boundaries_without_joining_frames():
    from links import Outbox

    frames = [bytes(range(i, i + n)) for i, n in ((0, 5), (50, 1), (100, 7), (200, 3))]
    box = Outbox(8)
    box.add(frames + [b""])
    assert box.pending == 16
    got = b""
    for size, take in ((4, 4), (8, 3), (100, 8), (3, 1)):
        packet = box.peek(size)
        assert len(packet) == min(size, 8, box.pending)
        got += bytes(packet[:take])
        box.consume(take)
    assert got == b"".join(frames) and box.pending == 0 and len(box.peek(8)) == 0
    box.add([b"xyz"])
    box.clear()
    assert box.pending == 0 and bytes(box.peek(8)) == b""


def test_the_protocol_is_loaded_for_a_host_and_dropped_when_it_leaves(tmp_path, monkeypatch):
    a = make(tmp_path)
    serving = links_module.Serving(a, "stretchcue-test")
    slot = serving.slot()
    dropped: list = []
    monkeypatch.setattr(links_module, "drop", dropped.append)
    slot.tick(0)
    assert slot.proto is None and not slot.pairing and not slot.unlocked
    host = Host(slot)  # a host's first bytes load it
    assert host.one(m.HELLO).ftype == m.INFO and slot.proto is not None
    api = slot.proto.api
    slot.tick(10)
    assert slot.proto is not None  # still connected
    slot.disconnected()
    slot.tick(20)
    assert slot.proto is None and serving._api is None
    assert dropped == list(links_module._SERVING)
    assert Host(slot).one(m.HELLO).ftype == m.INFO and slot.proto.api is not api  # loaded anew


def test_a_half_done_upload_or_open_pairing_keeps_the_protocol(tmp_path, monkeypatch):
    a = make(tmp_path)
    serving = links_module.Serving(a, "stretchcue-test")
    slot, other = serving.slot(), serving.slot()
    monkeypatch.setattr(links_module, "drop", lambda name: None)
    slot.enter_pairing("123456", 0)  # the gesture loads it: a host is about to come
    slot.tick(10)
    assert slot.pairing and slot.proto is not None
    slot.leave_pairing()
    slot.tick(20)
    assert slot.proto is None
    slot.paired_host = b""
    Host(other).one(m.HELLO)
    other.proto._put.begin("r", 100, 0)  # an upload cut short by a dropped link
    other.disconnected()
    other.tick(30)
    assert other.proto is not None and other.proto.resumable and serving._api is not None
