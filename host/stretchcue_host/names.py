"""Words for the core's numbers, for the laptop's screens and reports.

The device shows its own short texts and never needs these, so they stay off
its heap: step kinds (``stretchcue.timeline``), engine events
(``stretchcue.engine``), cues (``stretchcue.cues``), sides and protocol errors,
indexed by the core's codes.
"""

from __future__ import annotations

SIDE_NAMES = ("", "left", "right")

KIND_NAMES = ("prepare", "move in", "sink", "hold", "release", "rest", "switch side",
              "rate", "done")

EVENT_NAMES = ("", "phase", "inhale", "exhale", "second", "hold end", "rest", "switch side",
               "stretch done", "rate request", "rating", "session done", "paused", "resumed",
               "extended", "extend limit", "skipped", "hold start", "stretch start")

# The protocol's error codes (stretchcue.protocol.messages), as DeviceError.name.
ERROR_NAMES = ("", "BAD_REQUEST", "BAD_VERSION", "UNKNOWN_TYPE", "NOT_PAIRED", "AUTH_FAILED",
               "BUSY", "NO_SPACE", "UNKNOWN_ROUTINE", "BAD_ROUTINE", "BAD_CRC", "NOT_PAIRING",
               "PAIR_FAILED", "NO_TRANSFER", "TOO_LARGE", "INTERNAL", "PAIR_DECLINED",
               "NO_MEMORY")

CUE_NAMES = ("inhale", "exhale", "hold start", "hold end", "last 3 s", "rest", "switch side",
             "stretch start", "stretch done", "rate", "session done", "paused", "ack", "limit",
             "remind")
