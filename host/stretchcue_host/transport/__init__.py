"""Ways to reach the device: BLE (bleak, optionally over the bumble virtual radio),
USB serial, and an in-memory loopback.  ``open_transport`` picks one from a spec.
"""

from __future__ import annotations

import os


def open_transport(spec: str = "auto", device: str = ""):
    """A Transport for ``spec``: ``ble``, ``bumble[:device]``, ``usb[:port]`` or ``auto``.

    ``auto`` is the bumble link when STRETCHCUE_BUMBLE_TRANSPORT is set, USB
    when a CircuitPython data port is plugged in, and BLE otherwise.
    """
    kind, _, arg = spec.partition(":")
    if kind == "sim":  # the config's name for the simulated board's virtual radio
        kind = "bumble"
    if kind == "auto":
        if os.environ.get("STRETCHCUE_BUMBLE_TRANSPORT"):
            kind = "bumble"
        else:
            try:
                from stretchcue_host.transport.serial import find_data_port

                arg = find_data_port()
                kind = "usb"
            except Exception:  # no pyserial or no port: fall back to radio
                kind = "ble"
    if kind == "bumble":
        from stretchcue_host.transport.bumble_central import BumbleTransport

        return BumbleTransport(device=arg or device)
    if kind == "ble":
        from stretchcue_host.transport.ble import BleTransport

        return BleTransport(arg or device)
    if kind == "usb":
        from stretchcue_host.transport.serial import SerialTransport

        return SerialTransport(arg)
    raise ValueError(f"unknown transport {spec!r}: use auto, ble, bumble[:name] or usb[:port]")
