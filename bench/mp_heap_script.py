# Runs inside MicroPython (via bench/heap_micropython.py): heap figures for the core.
import binascii  # noqa: F401  (C modules on CircuitPython; not counted)
import gc
import json  # noqa: F401
import struct  # noqa: F401

gc.collect()
base = gc.mem_alloc()
from stretchcue import cues, engine, routine, sessionlog  # noqa: E402
from stretchcue.codes import Step  # noqa: E402

gc.collect()
after_import = gc.mem_alloc()
r = routine.loads(open("/routine.json").read())
gc.collect()
after_load = gc.mem_alloc()
eng = engine.Engine(r)
now = 1000
eng.start(now)
while eng.step[Step.KIND] != Step.HOLD:
    now += 50
    eng.tick(now)
now += 1
eng.tick(now)
player = cues.Player()
gc.collect()
quiet = 0
before = gc.mem_alloc()
for _ in range(1000):
    now += 0
    if eng.wait_ms(now) > 0:
        eng.tick(now)
        player.level(now)
        quiet += 1
per_tick = (gc.mem_alloc() - before) / quiet
gc.collect()
in_use = gc.mem_alloc()
print("BENCH import_core_bytes %d" % (after_import - base))
print("BENCH routine_loaded_bytes %d" % (after_load - base))
print("BENCH engine_running_bytes %d" % (in_use - base))
print("BENCH alloc_per_quiet_tick_bytes %.1f" % per_tick)
print("BENCH log_modules %s" % (sessionlog.MAGIC,))
