"""Host client <-> device handler over an in-memory link that drops at every packet."""

import asyncio

import pytest
from proto_api import MemoryDevice

from stretchcue.protocol import messages as m
from stretchcue.protocol.device import DeviceProtocol
from stretchcue_host.client import ClientError, DeviceClient
from stretchcue_host.keys import KeyStore
from stretchcue_host.routine_rules import canonical_json
from stretchcue_host.transport.loopback import LoopbackTransport

import samples

OLD = canonical_json(samples.tiny())
NEW = canonical_json(samples.lower_back()) + b" " * 3000


def _setup(tmp_path, mtu=20, records=0, link_class=LoopbackTransport):
    api = MemoryDevice()
    api.add_records(records)
    dev = DeviceProtocol(api)
    link = link_class(dev, mtu=mtu)
    client = DeviceClient(link, KeyStore(tmp_path / "keys.json"), timeout_s=0.5, backoff_s=0)

    async def pair():
        await client.connect()
        dev.enter_pairing("246810")
        await client.pair("246 810")
        await client.authenticate()

    asyncio.run(pair())
    return api, dev, link, client


def test_full_session(tmp_path):
    api, dev, link, client = _setup(tmp_path, records=40)
    seen = []

    async def go():
        info = await client.info()
        assert info["authenticated"] and info["id"] == "sc-0001"
        await client.set_time(1700000000)
        assert await client.push("lower-back", NEW, lambda a, b: seen.append((a, b))) == \
            {"name": "lower-back", "size": len(NEW), "crc": __import__("binascii").crc32(NEW)}
        await client.select("lower-back")
        assert (await client.routines())[0]["selected"] is True
        recs = await client.pull(0)
        await client.ack(recs[-1].seq)
        with pytest.raises(m.ProtocolError) as e:
            await client.delete("nope")
        assert e.value.name == "UNKNOWN_ROUTINE"
        await client.forget()

    asyncio.run(go())
    assert api.routines["lower-back"] == NEW and api.clock == 1700000000
    assert api.acked == 40 and api.keys == {}
    assert seen[0] == (0, len(NEW)) and seen[-1] == (len(NEW), len(NEW))
    assert client.keys.devices() == []


def test_keys_file_is_owner_only(tmp_path):
    _setup(tmp_path)
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600


def test_wrong_code_is_a_clear_error(tmp_path):
    api = MemoryDevice()
    dev = DeviceProtocol(api)
    client = DeviceClient(LoopbackTransport(dev), KeyStore(tmp_path / "k.json"), timeout_s=0.5)

    async def go():
        await client.connect()
        dev.enter_pairing("111111")
        with pytest.raises(ClientError, match="does not match"):
            await client.pair("111112")
        with pytest.raises(ClientError, match="not paired"):
            await client.authenticate()

    asyncio.run(go())
    assert api.keys == {}


def test_push_survives_a_drop_at_every_packet(tmp_path):
    api, dev, link, client = _setup(tmp_path, mtu=244)
    api.routines["r"] = OLD
    start = link.packets
    asyncio.run(client.push("probe", NEW))
    per_push = link.packets - start
    cuts = 0
    at_drop = []
    real = dev.disconnected

    def spy():
        at_drop.append(api.routines["r"])
        real()

    dev.disconnected = spy
    for k in range(1, per_push + 1):
        api.routines["r"] = OLD
        dev._put = None  # no half-done upload from the last round
        link.cut_at = link.packets + k

        async def attempt():
            try:
                await client.push("r", NEW)
            except ClientError:
                raise AssertionError("push did not recover") from None

        asyncio.run(attempt())
        cuts += link.cut_at is None
        assert at_drop[-1] in (OLD, NEW)  # never a mix: the replace is all or nothing
        assert api.routines["r"] == NEW
    assert cuts == per_push and at_drop.count(OLD) >= per_push - 2
    assert client.stats["reconnects"] == per_push


def test_interrupted_push_leaves_old_routine_byte_identical(tmp_path):
    api, dev, link, client = _setup(tmp_path, mtu=20)
    api.routines["r"] = OLD
    client.retries = 0
    for k in (1, 5, 40, 120, 160):  # each attempt resumes the last: less to send
        link.cut_at = link.packets + k
        with pytest.raises(ClientError):
            asyncio.run(client.push("r", NEW))
        assert api.routines["r"] == OLD
        asyncio.run(client.connect())
        asyncio.run(client.authenticate())
    client.retries = 3
    asyncio.run(client.push("r", NEW))
    assert api.routines["r"] == NEW


def test_pull_survives_drops_with_every_record_once(tmp_path):
    api, dev, link, client = _setup(tmp_path, mtu=244, records=400)
    start = link.packets
    full = asyncio.run(client.pull(0))
    per_pull = link.packets - start
    assert [r.seq for r in full] == list(range(1, 401))
    for k in range(1, per_pull + 1, 3):
        link.cut_at = link.packets + k
        recs = asyncio.run(client.pull(0))
        assert [r.seq for r in recs] == list(range(1, 401))
        assert [r.raw for r in recs] == [r.raw for r in full]


def test_timeout_retries_then_clear_error(tmp_path):
    class Deaf(LoopbackTransport):
        async def write(self, data):
            self.packets += 1

    client = DeviceClient(Deaf(DeviceProtocol(MemoryDevice())), timeout_s=0.01, retries=2,
                          backoff_s=0)
    asyncio.run(client.connect())
    with pytest.raises(ClientError, match="no answer from the device after 3 tries"):
        asyncio.run(client.info())
    assert client.transport.packets == 3


class _Writes(LoopbackTransport):
    """Records the size of every write: what the host has in flight at once."""

    def __init__(self, device, mtu=244):
        super().__init__(device, mtu=mtu)
        self.sizes = []

    async def write(self, data):
        self.sizes.append(len(data))
        await super().write(data)


def test_small_push_is_one_round_trip_and_never_overflows_the_radio_buffer(tmp_path):
    from stretchcue.protocol.transfer import RX_BUFFER

    api, dev, link, client = _setup(tmp_path, mtu=244, link_class=_Writes)

    async def go():
        link.sizes.clear()
        trips = client.stats["round_trips"]
        await client.push("tiny", OLD)
        assert client.stats["round_trips"] - trips == 1 and len(link.sizes) == 1
        await client.push("big", NEW)

    asyncio.run(go())
    assert api.routines == {"tiny": OLD, "big": NEW}
    assert max(link.sizes) <= RX_BUFFER


def test_push_resumes_where_the_device_is_not_where_the_host_guessed(tmp_path):
    api, dev, link, client = _setup(tmp_path, mtu=244)
    client.retries = 0
    big = NEW + b" " * 3000  # two windows
    link.cut_at = link.packets + 22  # in the second window, after one acknowledgement
    with pytest.raises(ClientError):
        asyncio.run(client.push("r", big))
    held = dev._put._acked
    assert 0 < held < len(big)  # the device kept what it acknowledged
    asyncio.run(client.connect())
    asyncio.run(client.authenticate())
    client._put_at = 0  # a fresh host process knows nothing of the earlier attempt
    taken = []
    real = dev._put.data

    def data(offset, chunk):
        if offset == dev._put.offset:
            taken.append(offset)
        return real(offset, chunk)

    dev._put.data = data
    asyncio.run(client.push("r", big))
    assert api.routines["r"] == big
    assert taken[0] == held  # resumed where the device was, not from the host's guess


def test_pull_never_steps_over_a_lost_frame(tmp_path):
    """A LOG_DATA frame lost whole (not a dropped link): the rest arrive, none skipped."""
    api, dev, link, client = _setup(tmp_path, mtu=244, records=200)
    real = dev.more
    lost = []
    sent = []

    def more():
        out = real()
        sent.extend(out)
        if not lost and len(sent) == 2 and out[0][4] == m.LOG_DATA:  # mid-window
            lost.append(out.pop())
        return out

    dev.more = more
    recs = asyncio.run(client.pull(0))
    assert lost and [r.seq for r in recs] == list(range(1, 201))


def test_the_reminder_goes_with_the_clock(tmp_path):
    api, dev, link, client = _setup(tmp_path)

    async def go():
        await client.set_time(1700000000, remind=(450, 0x1F), utc_offset_min=-300)
        assert api.clock == 1700000000 and api.remind == (450, 0x1F, -300)
        await client.set_time(1700000001, remind=(0xFFFF, 0), utc_offset_min=60)
        assert api.remind == (0xFFFF, 0, 60)

    asyncio.run(go())
