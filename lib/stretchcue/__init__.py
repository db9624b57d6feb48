"""stretchcue core: routine model, timeline, session engine, cues, log format.

Pure Python that runs unchanged on CircuitPython and desktop CPython, so the
device and the laptop tool agree on every rule and every byte.
"""

import sys

__version__ = "0.1.0"

# Code needed only now and then (checking a routine, pruning the log, pairing) is
# imported for the job and forgotten after it on a board, so the heap gets it back
# between jobs.  CPython has nothing to win and would only re-import.
DROP = sys.implementation.name != "cpython"


def drop(name: str) -> None:
    """Forget the submodule ``name`` (``"stretchcue.x.y"``) if ``DROP``: the heap takes
    it back once nothing else refers to it."""
    if not DROP:
        return
    if name in sys.modules:
        del sys.modules[name]
    parent, _, child = name.rpartition(".")
    try:
        delattr(sys.modules[parent], child)
    except (KeyError, AttributeError):
        pass
