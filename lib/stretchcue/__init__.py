"""stretchcue core: routine model, timeline, session engine, cues, log format.

Pure Python that runs unchanged on CircuitPython and desktop CPython, so the
device and the laptop tool agree on every rule and every byte.
"""

__version__ = "0.1.0"
