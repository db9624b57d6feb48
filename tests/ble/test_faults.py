"""Faults on a real BLE stack: dropped links, floods of bad frames, wrong keys, replays,
and a second laptop.

The device is the unmodified firmware on the simulated board, in its own process,
with a session log already on its flash; the host is the real client over the
transport the CLI uses.  A drop is a real disconnection on the virtual radio, made
by the host just before a chosen ATT write or notification.
"""

from __future__ import annotations

import asyncio
import random
import struct
from binascii import crc32

import pytest

from stretchcue import sessionlog as sl
from stretchcue.protocol import frame as fr
from stretchcue.protocol import messages as m
from stretchcue.protocol.transfer import RX_BUFFER
from stretchcue_host.client import ClientError, DeviceClient, SessionEnded
from stretchcue_host.demo_rig import Rig
from stretchcue_host.keys import KeyStore
from stretchcue_host.routine_rules import canonical_json
from stretchcue_host.routines import load, resolve
from stretchcue_host.synth import daily_log
from stretchcue_host.transport.base import ConnectionLost
from stretchcue_host.transport.ble import BleTransport

NAME = "faults"


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """A device with 40 days of sessions logged, and room for two laptops on the radio."""
    r = Rig(tmp_path_factory.mktemp("faults"), routine="lower-back", centrals=2)
    routine, _ = load(resolve("lower-back"))
    (r.data / "log.bin").write_bytes(daily_log(routine, 40))
    with r:
        yield r


@pytest.fixture(scope="module")
def keys(rig, tmp_path_factory):
    """A key store paired with the rig's device (over the radio, with the shown code)."""
    store = KeyStore(tmp_path_factory.mktemp("keys") / "keys.json")
    code = rig.pairing_code()

    async def pair():
        client = DeviceClient(link(rig), store)
        await client.connect()
        try:
            await client.info()
            await client.pair(code)
        finally:
            await client.close()

    asyncio.run(pair())
    rig.press("A")  # leave the "Paired" message
    return store


def link(rig: Rig, central: int = 0, mtu: int = 247) -> BleTransport:
    return BleTransport(hci=rig.host_radios[central], mtu=mtu, scan_timeout_s=5)


class Cut:
    """Drops the link just before ATT write number ``at_write`` or notification ``at_note``.

    Counting is per packet on the air, so a drop can land inside a frame, a
    window, or between the last data packet and the commit.  A drop decided in
    the notification callback happens in a task; the client's next connect or
    write waits for it, so it can never land on the connection made after it.
    """

    def __init__(self, transport, on_drop=None) -> None:
        self.t = transport
        self.writes = 0
        self.notes = 0
        self.at_write: int | None = None
        self.at_note: int | None = None
        self.drops = 0
        self.on_drop = on_drop
        self._pending = None
        real_write, real_connect = transport.write, transport.connect

        async def write(data: bytes) -> None:
            await self._settle()
            for i in range(0, len(data), transport.mtu):
                self.writes += 1
                if self.writes == self.at_write:
                    self.at_write = None
                    await self._drop()
                    raise ConnectionLost("dropped by the test")
                await real_write(data[i:i + transport.mtu])

        async def connect() -> None:
            await self._settle()
            await real_connect()

        transport.write, transport.connect = write, connect
        queue = transport.received
        real_put = queue.put_nowait

        def put(item) -> None:
            if item is not None and self._pending is None:
                self.notes += 1
                if self.notes == self.at_note:
                    self.at_note = None
                    self._pending = asyncio.get_running_loop().create_task(self._drop())
                    return
            real_put(item)

        queue.put_nowait = put

    async def _settle(self) -> None:
        if self._pending is not None:
            await self._pending
            self._pending = None

    async def _drop(self) -> None:
        self.drops += 1
        if self.on_drop is not None:
            self.on_drop()
        await self.t.disconnect()


async def _open(rig: Rig, keys: KeyStore, central: int = 0, mtu: int = 247,
                on_drop=None) -> tuple[DeviceClient, Cut]:
    t = link(rig, central, mtu)
    cut = Cut(t, on_drop)
    client = DeviceClient(t, keys, timeout_s=3, backoff_s=0, retries=3)
    await client.connect()
    await client.info()
    await client.authenticate()
    return client, cut


def _variant(i: int) -> bytes:
    """Valid routines of the same size that differ, so every push changes the file."""
    r, canon = load(resolve("lower-back"))
    r.name = "Faults %04d" % i
    return canonical_json(r)


@pytest.mark.parametrize("mtu", [247, 23])
def test_push_dropped_at_every_packet_keeps_the_old_routine_and_a_retry_completes(
        rig, keys, mtu):
    path = rig.data / "routines" / f"{NAME}.json"
    seen_at_drop: list = []

    async def go():
        client, cut = await _open(rig, keys, mtu=mtu, on_drop=lambda: seen_at_drop.append(
            path.read_bytes()))
        try:
            await client.push(NAME, _variant(0))
            first = cut.writes
            await client.push(NAME, _variant(1))
            per_push = cut.writes - first
            assert path.read_bytes() == _variant(1)
            for k in range(1, per_push + 1):
                old, new = _variant(k), _variant(k + 1)  # the last push left ``old``
                cut.at_write = cut.writes + k
                result = await client.push(NAME, new)
                assert cut.at_write is None, "the drop did not happen"
                assert seen_at_drop[-1] == old  # byte-identical while the link was down
                assert path.read_bytes() == new and result["size"] == len(new)
            return per_push
        finally:
            await client.close()

    per_push = asyncio.run(asyncio.wait_for(go(), 240))
    assert per_push >= len(_variant(0)) // (mtu - 3) and len(seen_at_drop) == per_push


def _device_log(rig: Rig) -> list:
    recs, problems, _ = sl.scan((rig.data / "log.bin").read_bytes())
    assert problems == []
    return recs


def test_pull_dropped_mid_stream_gets_every_record_exactly_once(rig, keys):
    on_device = _device_log(rig)
    assert len(on_device) > 1000

    async def go():
        client, cut = await _open(rig, keys)
        try:
            full = await client.pull(0)
            per_pull = cut.notes
            assert client.stats["lost_windows"] == 0, "the radio lost a notification"
            assert [r.raw for r in full] == [r.raw for r in on_device]
            results = []
            for frac in (0.05, 0.3, 0.5, 0.77, 0.95):
                cut.at_note = cut.notes + max(1, int(per_pull * frac))
                results.append(await client.pull(0))
                assert cut.at_note is None, "the drop did not happen"
            return results, cut.drops
        finally:
            await client.close()

    results, drops = asyncio.run(asyncio.wait_for(go(), 120))
    assert drops == 5
    for recs in results:
        seqs = [r.seq for r in recs]
        assert seqs == sorted(set(seqs))  # each once, in order
        assert [r.raw for r in recs] == [r.raw for r in on_device]


def _mutants(rng: random.Random, valid: list, n: int):
    for _ in range(n):
        kind = rng.randrange(4)
        if kind == 0:
            yield bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60)))
        else:
            b = bytearray(rng.choice(valid))
            for _ in range(rng.randrange(1, 4)):
                # Never the request id (an answer to junk must not pass for ours) and
                # never only the CRC (re-fixed below, that would rebuild the original).
                at = rng.choice([i for i in range(1, len(b) - 4) if i != 6])
                b[at] ^= 1 << rng.randrange(8)
            if kind == 2:  # keep the CRC right: only the tag can catch it
                b[-4:] = struct.pack("<I", crc32(bytes(b[:-4])) & 0xFFFFFFFF)
            yield bytes(b)


def test_random_and_mutated_frames_change_nothing_and_the_device_still_answers(rig, keys):
    """The in-memory fuzz test sends 100 000; over the radio a few thousand, paced to
    the device's receive buffer, make the same point end to end."""
    rng = random.Random(4)
    before = (sorted(p.name for p in (rig.data / "routines").iterdir()),
              (rig.data / "log.bin").read_bytes(), (rig.data / "selected.txt").read_text())

    async def go():
        client, cut = await _open(rig, keys)
        try:
            valid = [client._frame(t, 9, p) for t, p in (
                (m.ROUTINE_DELETE, b"lower-back"), (m.LOG_ACK, struct.pack("<I", 10 ** 6)),
                (m.ROUTINE_SELECT, NAME.encode()), (m.FORGET, b""))]
            valid += [fr.encode(m.ROUTINE_DELETE, 3, b"lower-back"), fr.encode(m.FORGET, 4)]
            client.session = None  # the first mutant ends the session: pace in clear
            batch = b""
            sent = 0
            client._req = 100  # our own requests' ids stay clear of the junk's (3, 4, 9)
            for junk in _mutants(rng, valid, 3000):
                if len(batch) + len(junk) > RX_BUFFER // 2:
                    await client.transport.write(batch)
                    sent += 1
                    batch = b""
                    # The device has read all of it once it answers: never more than
                    # half its buffer plus this request is in flight, however slowly
                    # it is scheduled (a full buffer drops bytes, the request's too).
                    await client.status()
                batch += junk
            await client.transport.write(batch + b"\n")
            await client.authenticate()
            return await client.routines()
        finally:
            await client.close()

    routines = asyncio.run(asyncio.wait_for(go(), 120))
    after = (sorted(p.name for p in (rig.data / "routines").iterdir()),
             (rig.data / "log.bin").read_bytes(), (rig.data / "selected.txt").read_text())
    assert after == before
    assert {r["name"] for r in routines} == {n.rsplit(".", 1)[0] for n in before[0]}, routines


def test_replayed_frames_are_refused_on_the_same_and_a_new_connection(rig, keys):
    async def go():
        client, cut = await _open(rig, keys)
        try:
            req, frame = client._seal(m.ROUTINE_DELETE, NAME.encode())
            await client.transport.write(frame)
            ok = await client._reply(req, m.OK)
            assert ok.ftype == m.OK
            await client.push(NAME, _variant(0))  # put it back
            await client.transport.write(frame)  # the same bytes again, same session
            with pytest.raises(SessionEnded) as same:
                await client._reply(req, m.OK)
            await client.close()
            await client.connect()
            await client.authenticate()
            await client.transport.write(frame)  # and on a fresh session
            with pytest.raises(SessionEnded) as fresh:
                await client._reply(req, m.OK)
            return str(same.value), str(fresh.value)
        finally:
            await client.close()

    same, fresh = asyncio.run(asyncio.wait_for(go(), 60))
    assert same == fresh == "the device ended the session: frame rejected; session ended"
    assert (rig.data / "routines" / f"{NAME}.json").read_bytes() == _variant(0)


def test_a_wrong_key_reads_nothing(rig, keys, tmp_path):
    import shutil

    shutil.copy(keys.path, tmp_path / "wrong.json")  # the same laptop id...
    wrong = KeyStore(tmp_path / "wrong.json")
    device_id = keys.devices()[0]
    wrong.put(device_id, bytes(32))  # ...with a key that is not the device's

    async def go():
        client = DeviceClient(link(rig), wrong, timeout_s=3, backoff_s=0)
        await client.connect()
        try:
            info = await client.info()
            with pytest.raises(ClientError, match="could not prove"):
                await client.authenticate()
            with pytest.raises(m.ProtocolError) as e:
                await client.request(m.LOG_READ, struct.pack("<IB", 0, 1), m.LOG_END)
            return info, e.value.name
        finally:
            await client.close()

    info, refused = asyncio.run(asyncio.wait_for(go(), 60))
    assert info["id"] == device_id and refused == "NOT_PAIRED"


def test_a_second_laptop_cannot_connect_while_the_first_is_in(rig, keys):
    async def go():
        first, _ = await _open(rig, keys, central=0)
        try:
            second = DeviceClient(link(rig, central=1), keys, timeout_s=2, backoff_s=0)
            second.transport.scan_timeout_s = 1.5
            with pytest.raises(ConnectionLost, match="device not found: no stretchcue device"):
                await second.connect()
            assert (await first.routines())  # the first laptop's session is untouched
        finally:
            await first.close()
        second, _ = await _open(rig, keys, central=1)  # once it leaves, the next gets in
        try:
            return await second.status()
        finally:
            await second.close()

    assert asyncio.run(asyncio.wait_for(go(), 60)) == "idle"
