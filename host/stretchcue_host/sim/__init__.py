"""The simulated board: the unmodified firmware on desktop stand-ins for CircuitPython."""
