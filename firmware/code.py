"""stretchcue firmware entry point: build this board's hardware, then run the app."""

import app
import board_profile

app.main(board_profile.make_hardware())
