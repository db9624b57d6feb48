"""The device <-> laptop protocol over the Nordic UART Service, shared by both sides.

Sans-I/O throughout (like h11): bytes in, bytes out, no radio, no clock reads.
``frame`` cuts the byte stream into frames and text lines, ``messages`` names
the frame types and packs their payloads, ``sha256``/``pake``/``auth`` do the
cryptography, ``transfer`` holds the windowed routine upload, and ``device``
ties them into the handler the firmware runs.  See docs/protocol.md.
"""

NUS_SERVICE = "6E400001-B5A3-F393-E0A9-E50E24DCCA9E"
NUS_RX = "6E400002-B5A3-F393-E0A9-E50E24DCCA9E"  # host writes here
NUS_TX = "6E400003-B5A3-F393-E0A9-E50E24DCCA9E"  # device notifies here
