"""Stand-ins for CircuitPython's hardware modules, installed into ``sys.modules`` by the runner.

Thin on purpose: they record what the firmware drives (pins, PWM, I2C
registers, flash) and feed it what a board would (ticks, buttons, RTC).
Drawing is not faked: the real displayio renders through pygame.
"""
