"""The app serves BLE and USB side by side: one protocol per link, one pairing window for all."""

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
        self.sent: list = []

    def poll(self, now_ms: int) -> None:
        self.polls += 1
        self.sent += self.protocol.tick(now_ms)

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
        proto = DeviceProtocol(api, urandom, a.pairing_window())
        link = FakeLink(proto)
        a.attach_radio(link, proto)
        links.append(link)
    return api, links


def press_pair(a, capsys, now_ms=0) -> str:
    """Hold B on the menu and read the code off the screen: it is never printed."""
    a._gesture("B_long", now_ms)
    a.step(now_ms + 1)
    code = a.screens.big.text
    assert len(code) == 6 and code.isdigit() and code not in capsys.readouterr().out
    return code


def confirm(a, link, host, now_ms, yes=True):
    """The person answers the device's question; its reply goes out on the next poll."""
    assert a.screens.title.text == "Pair with" and a.screens.detail.text == "test laptop"
    a._gesture("A" if yes else "B", now_ms)
    a.step(now_ms + 1)
    replies = host.feed(link.sent)
    link.sent.clear()
    return replies[0]


def test_one_code_for_every_link_and_nothing_stored_before_yes(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    code = press_pair(a, capsys)
    assert ble.protocol.pairing and usb.protocol.pairing
    laptop = Host(usb.protocol)
    assert laptop.pair(code, answer=None) is None  # the code matched: the device asks
    a.step(50)
    assert api.keys == {}
    assert confirm(a, usb, laptop, 100).ftype == m.OK
    a.step(150)
    assert a.mode == "message" and a._last_text == "Paired: test laptop"
    assert not ble.protocol.pairing  # the code is used up everywhere
    assert Host(ble.protocol, b"B" * 16).pair(code).ftype == m.ERROR
    assert list(api.keys) == [b"H" * 16]


def test_declined_on_the_device_stores_nothing(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    laptop = Host(ble.protocol)
    assert laptop.pair(press_pair(a, capsys), answer=None) is None
    a.step(50)
    reply = confirm(a, ble, laptop, 100, yes=False)
    assert reply.ftype == m.ERROR and m.load(reply.payload)["code"] == m.PAIR_DECLINED
    a.step(150)
    assert api.keys == {} and a._last_text == "Pairing: Not paired"


def test_a_wrong_try_on_one_link_shows_a_fresh_code_for_all(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    code = press_pair(a, capsys)
    wrong = "%06d" % ((int(code) + 1) % 1000000)
    assert Host(ble.protocol, b"X" * 16).pair(code, typed=wrong) is None
    a.step(100)
    fresh = a.screens.big.text
    assert fresh != code and usb.protocol.pairing and a.mode == "message"
    laptop = Host(usb.protocol)
    assert laptop.pair(fresh, answer=None) is None
    a.step(150)
    assert confirm(a, usb, laptop, 200).ftype == m.OK and list(api.keys) == [b"H" * 16]


def test_either_link_keeps_the_loop_awake_and_a_button_cancels_pairing(tmp_path, capsys):
    a = make(tmp_path)
    api, (ble, usb) = two_links(a)
    assert a.step(0) > 20
    usb.connected = True
    assert a.step(10) <= 20
    press_pair(a, capsys, 20)
    a._gesture("A", 30)
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
        assert all(p.proto is None for p in protos)  # the gesture alone loads nothing
        for p in protos:
            Host(p).one(m.HELLO)
            assert p.proto.pairing
        assert len({id(p.proto) for p in protos}) == len(protos)
        assert len({id(p.proto.api) for p in protos}) == 1  # over one DeviceApi
        assert len({id(p.proto.window) for p in protos}) == 1  # and one pairing window
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
    proto = DeviceProtocol(DeviceApi(a, "stretchcue-test"), urandom, a.pairing_window())
    link = FakeLink(proto)
    a.attach_radio(link, proto)
    laptop_code = press_pair(a, capsys)
    assert proto.receive(b"unlock " + laptop_code.encode() + b"\n")[0].startswith(b"error:")
    a._gesture("B", 5)  # B on the laptop code: a phone code instead
    a.step(6)
    code = a.screens.big.text
    assert a.screens.title.text == "Phone unlock" and code != laptop_code
    assert proto.receive(b"unlock " + code.encode() + b"\n") == [b"unlocked: list, start, stop\n"]
    a.step(10)
    assert a._last_text == "Pairing: Phone unlocked for this connection"
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
    assert slot.tick(0) == [] and slot.proto is None
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


def test_a_half_done_upload_or_a_pairing_attempt_keeps_the_protocol(tmp_path, monkeypatch):
    from stretchcue.protocol import pairing, pake

    a = make(tmp_path)
    serving = links_module.Serving(a, "stretchcue-test")
    slot, other = serving.slot(), serving.slot()
    monkeypatch.setattr(links_module, "drop", lambda name: None)
    code = a.pairing_window().start(pairing.LAPTOP, 0)
    host = Host(slot)
    sp = pake.Spake2(b"H", code, urandom(32))
    assert host.one(m.PAIR_START, host.host_id + sp.share()).ftype == m.PAIR_REPLY
    slot._connected = False  # the loop passes between the reply and the confirmation
    slot.tick(10)
    assert slot.proto is not None and slot.proto.resumable  # the attempt holds it
    a.window.close("cancelled")
    slot.tick(20)
    assert slot.proto is None
    Host(other).one(m.HELLO)
    from stretchcue.protocol.transfer import PutReceiver

    other.proto._put = PutReceiver()
    other.proto._put.begin("r", 100, 0)  # an upload cut short by a dropped link
    other.disconnected()
    other.tick(30)
    assert other.proto is not None and other.proto.resumable and serving._api is not None
