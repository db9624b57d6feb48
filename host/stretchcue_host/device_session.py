"""Open a connection to the device the way every device command needs it.

Commands stay thin: they ask for a connected (and, where needed, authenticated)
``DeviceClient`` and turn the few typed failures into one plain sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from stretchcue_host.client import ClientError, DeviceClient
from stretchcue_host.context import get
from stretchcue_host.keys import KeyStore, KeyStoreError
from stretchcue_host.transport.base import ConnectionLost

T = TypeVar("T")


class DeviceCommandError(Exception):
    """A device command failed; the message says what to do about it."""


NOT_PAIRED_YET = ("not paired yet: this laptop has no device's key. Hold B on the device's "
                  "menu until it shows a code, then run `stretchcue pair`")


def keystore() -> KeyStore:
    return KeyStore(get().config_dir() / "keys.json")


@contextlib.asynccontextmanager
async def connected(transport: str, device: str, authenticate: bool = True,
                    timeout_s: float = 5.0) -> AsyncIterator[DeviceClient]:
    from stretchcue_host.transport import open_transport

    keys = keystore()
    if authenticate and not keys.devices():
        # Said before any radio is touched: no adapter, no device in range, nothing the
        # radio could answer would make this command work.
        raise DeviceCommandError(NOT_PAIRED_YET)
    client = DeviceClient(open_transport(transport, device), keys, timeout_s=timeout_s)
    try:
        await client.connect()
        await client.info()
        if authenticate:
            await client.authenticate()
            await client.set_time(remind=_remind())
        yield client
    except ConnectionLost:
        explain = getattr(client.transport, "lost_message", None)
        if explain is None:  # radios: run() says what to do
            raise
        raise DeviceCommandError(explain()) from None
    finally:
        with contextlib.suppress(Exception):
            await client.close()


def _remind() -> tuple[int, int] | None:
    """The reminder setting as SET_CLOCK carries it; None: not set here, leave the device's."""
    from stretchcue_host import config as cfg
    from stretchcue_host.commands.common import settings

    text = settings().get("remind", "")
    if not text:
        return None
    r = cfg.parse_remind(text)
    return (cfg.OFF, 0) if r is None else r


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run an async device job; map every expected failure to DeviceCommandError."""
    from stretchcue.protocol.messages import ProtocolError

    async def main() -> T:
        return await coro_fn()

    try:
        return asyncio.run(main())
    except ProtocolError as e:
        raise DeviceCommandError(_explain(e)) from None
    except (ClientError, KeyStoreError) as e:
        text = str(e)
        if text.startswith("not paired with "):
            device = text[len("not paired with "):].split(";")[0]
            text = (f"not paired yet with {device}: hold B on its menu until it shows a "
                    "code, then run `stretchcue pair`")
        raise DeviceCommandError(text) from None
    except ConnectionLost as e:
        text = str(e) or "the link dropped and could not be re-established"
        if not e.local and "?" not in text:  # the radio's own words may say it already
            text += "; is the device out of range? move closer and try again"
        raise DeviceCommandError(text) from None
    except TimeoutError:
        raise DeviceCommandError("the device did not answer in time (out of range, or "
                                 "asleep?); move closer and try again") from None
    except (OSError, LookupError) as e:
        raise DeviceCommandError(f"could not reach the device: {e}") from None


def _explain(e) -> str:
    hints = {
        "BUSY": "the device is busy running a session; try again when it is back at its menu",
        "NOT_PAIRED": "not paired yet: the device does not know this laptop (it may have "
                      "forgotten it); hold B on its menu, then run `stretchcue pair`",
        "NO_MEMORY": "the device ran out of memory checking the routine and kept the old "
                     "one; if its modules are .py, run `stretchcue install` again with "
                     "--mpy-cross (see `stretchcue install --help`)",
    }
    text = hints.get(e.name, f"the device refused: {e.message}")
    from stretchcue_host.routine_rules import describe

    for path, reason in describe(getattr(e, "errors", None)):
        text += f"\n  {path}: {reason}"
    return text
