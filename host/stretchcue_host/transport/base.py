"""What every way of reaching the device offers the client: a few byte-level primitives.

The protocol client above only writes bytes and reads whatever arrives, so BLE
(bleak, or bleak over the bumble virtual radio), USB serial and an in-memory
loopback are interchangeable.  ``received`` yields chunks of bytes as they
arrive and ``None`` once the link has dropped.
"""

from __future__ import annotations

import asyncio


class ConnectionLost(ConnectionError):
    """The link to the device dropped (or could not be made).

    ``local``: the cause is on this computer (no radio, a bad setting), so
    moving closer to the device would not help.
    """

    def __init__(self, message: str = "", local: bool = False) -> None:
        super().__init__(message)
        self.local = local


class Transport:
    """Base class; subclasses implement ``connect``, ``write`` and ``close``."""

    name = "transport"
    #: largest single write the link takes (ATT MTU - 3 for BLE)
    mtu = 20

    def __init__(self) -> None:
        self.received: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.connected = False

    async def connect(self) -> None:
        raise NotImplementedError

    async def write(self, data: bytes) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def _lost(self) -> None:
        """Called by subclasses when the link drops: wake any reader with ``None``."""
        if self.connected:
            self.connected = False
            self.received.put_nowait(None)

    def describe(self) -> str:
        return self.name
