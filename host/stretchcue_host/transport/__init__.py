"""Ways to reach the device: BLE (bleak, on the OS radio or on a bumble HCI transport),
USB serial, and an in-memory loopback.  ``open_transport`` picks one from a spec.
"""

from __future__ import annotations

import os

#: the bumble HCI transport of the simulated device's virtual radio (``sim``)
ENV = "STRETCHCUE_BUMBLE_TRANSPORT"
SPECS = "auto, ble, sim, bumble:SPEC or usb[:PORT]"


def _split(spec: str) -> tuple[str, str]:
    """(kind, argument) with ``auto`` resolved: sim, then a USB data port, then BLE."""
    kind, _, arg = spec.partition(":")
    if kind == "auto" and not os.environ.get(ENV):
        try:
            from stretchcue_host.transport.serial import find_data_port

            return "usb", find_data_port()
        except Exception:  # no pyserial or no port: fall back to radio
            return "ble", ""
    if kind == "auto" or (kind == "bumble" and not arg):
        kind = "sim"
    if kind == "sim":
        arg = os.environ.get(ENV, "")
        if not arg:
            from stretchcue_host.transport.base import ConnectionLost

            raise ConnectionLost(f"no virtual radio: set {ENV} to its bumble HCI transport, "
                                 "e.g. tcp-client:127.0.0.1:PORT", local=True)
        kind = "bumble"
    if kind not in ("ble", "bumble", "usb"):
        raise ValueError(f"unknown transport {spec!r}: use {SPECS}")
    return kind, arg


def open_transport(spec: str = "auto", device: str = ""):
    """A Transport for ``spec``.

    ``ble`` is the OS radio; ``bumble:SPEC`` is bleak over bumble on that HCI
    transport (``bumble:usb:0`` for a USB HCI dongle); ``sim`` (or bare
    ``bumble``) is the same on the virtual radio in STRETCHCUE_BUMBLE_TRANSPORT;
    ``usb[:PORT]`` is the USB serial data port; ``auto`` is the virtual radio
    when that variable is set, USB when a data port is plugged in, else BLE.
    """
    kind, arg = _split(spec)
    if kind == "usb":
        from stretchcue_host.transport.serial import SerialTransport

        return SerialTransport(arg)
    from stretchcue_host.transport.ble import BleTransport

    if kind == "ble":
        return BleTransport(arg or device)
    return BleTransport(device, hci=arg)


async def scan(spec: str = "auto", timeout_s: float = 5.0) -> list[dict]:
    """Devices advertising the UART service on the radio ``spec`` names (USB: the OS radio)."""
    from stretchcue_host.transport.ble import scan as ble_scan

    kind, arg = _split(spec)
    return await ble_scan(arg if kind == "bumble" else "", timeout_s)
