"""The air between simulated radios: N bumble controllers on one virtual link.

Each controller is reachable as an HCI transport on its own loopback TCP port
(chosen by the OS), so a device process and a host process each open a real
bumble stack on ``tcp-client:127.0.0.1:PORT`` and talk through it as if over
the air.  ``python -m stretchcue_host.vlink.hub N`` prints the ports as one
JSON line and serves until killed.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys


async def start(count: int = 2) -> tuple[list[int], list]:
    """Start ``count`` linked controllers; returns their ports and what to keep alive."""
    from bumble.controller import Controller
    from bumble.link import LocalLink
    from bumble.transport.tcp_server import open_tcp_server_transport_with_socket

    link = LocalLink()
    ports, keep = [], [link]
    for i in range(count):
        # IPPROTO_TCP, not 0: only then does asyncio set TCP_NODELAY on the accepted
        # connections; without it every ATT round trip waits ~44 ms for a delayed ACK
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        ports.append(sock.getsockname()[1])
        transport = await open_tcp_server_transport_with_socket(sock)
        controller = Controller(f"C{i}", host_source=transport.source,
                                host_sink=transport.sink, link=link)
        keep += [transport, controller]
    return ports, keep


async def _serve(count: int) -> None:
    ports, keep = await start(count)
    print(json.dumps({"ports": ports}), flush=True)
    await asyncio.get_running_loop().create_future()


def main() -> None:
    asyncio.run(_serve(int(sys.argv[1]) if len(sys.argv) > 1 else 2))


if __name__ == "__main__":
    main()
