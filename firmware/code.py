"""stretchcue firmware entry point: build this board's hardware, then run the app.

The board profile is needed only to build the parts, so it is forgotten before
the app starts (its parts keep what they use).
"""

import app

from stretchcue import drop


def _hardware() -> object:
    import board_profile

    try:
        return board_profile.make_hardware()
    finally:
        drop("board_profile")


app.main(_hardware())
