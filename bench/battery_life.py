"""Bench: days on one charge of a 400 mAh LiPo with one session a day, per board.

Runs the unmodified firmware on the simulated board for one day of virtual time: it
boots, button A starts the default routine (about 29 minutes), the summary stays until
the three idle minutes send the board to deep sleep, which lasts the rest of the day
(a daily reminder set, so a time alarm keeps the RTC running).  From the trace it
measures: time awake and asleep, loop wakeups (``time.sleep`` calls), screen refreshes,
screen-on time, motor time weighted by its level, and how long the radio advertised
fast (0.1 s) and slowly (1.285 s; the app's rule: slow after one idle minute).  Those
times are multiplied by the currents below (datasheets cited; the few estimates are
marked) and summed over the day.  Prints a table; asserts nothing.

    python bench/battery_life.py          # about 10 s
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stretchcue_host.sim.device_dir import prepare, runner_command

CELL_MAH = 400
DAY_MS = 24 * 3600 * 1000

# --- currents, mA --------------------------------------------------------------------------
# nRF52840 Product Specification v1.7 (Nordic Semiconductor), 5.2 "Current consumption",
# 3 V supply, DC/DC on:
NRF_SYSTEM_ON_RTC = 0.00316  # I_ON_RAMON_RTC: System ON, full RAM retained, RTC wake (a
#                              deep sleep with a TimeAlarm; the nRF port cannot use System
#                              OFF with one)
NRF_SYSTEM_OFF = 0.00052  # I_OFF_RAMOFF_GPIO: System OFF, wake on GPIO (button A only)
NRF_CPU = 3.3  # I_CPU,FLASH: CPU at 64 MHz from flash, cache on (6.3 mA with the LDO)
NRF_TX_0DBM = 4.8  # I_TX,0dBm,DCDC: radio transmitting at 0 dBm
# One advertising event: a 21-byte advertisement on 3 channels, each ~0.4 ms of TX with
# its ramp-up and a short RX window for a scan request: ~2.5 ms at the TX current, so
# ~12 µC an event (the same order as Nordic's Online Power Profiler gives).  Estimate.
ADV_CHARGE_MC = 0.012  # mC per advertising event
ADV_FAST_S, ADV_SLOW_S = 0.1, 1.285  # firmware/ble_link.py
# Awake but idle between deadlines (CircuitPython's time.sleep: WFI, the 64 MHz clock and
# the PWM and keypad scanning running): estimate.
AWAKE_IDLE = 0.5
CPU_PER_WAKEUP_MS = 1.5  # one loop pass without drawing: estimate
CPU_PER_REFRESH_MS = {"feather": 23.0,  # 1 KB over I2C at 400 kHz (the SH1107's frame)
                      "clue": 30.0, "cpb": 30.0}  # the changed area over SPI: estimate
# Displays while on.  ST7789 240x240 IPS TFT (CLUE, TFT Gizmo): controller and backlight,
# 20-40 mA (Adafruit product pages of the 1.3" and 1.54" 240x240 displays; Sitronix
# ST7789VW datasheet for the controller's few mA): 30 mA.  SH1107 128x64 OLED FeatherWing:
# 5-15 mA with the share of lit pixels (Sino Wealth SH1107 datasheet; Adafruit product
# 4650): 5 mA + 10 mA x lit share; our screens light about 15 %.
TFT_ON = 30.0
OLED_DARK, OLED_PER_LIT, OLED_LIT_SHARE = 5.0, 10.0, 0.15
# Displays while the board sleeps: the OLED asleep (SH1107 datasheet, sleep mode: a few µA:
# 0.005); the TFT's backlight off but its controller not sent SLPIN (the firmware turns
# the backlight off only): ~1 mA, an estimate (SLPIN would be ~0.01 mA).
DISPLAY_ASLEEP = {"feather": 0.005, "clue": 1.0, "cpb": 1.0}
# ERM coin motor (Adafruit product 1201, vibrating mini motor disc: 60 mA at 3 V, 80 mA at
# 4 V): 65 mA at 3.3 V, in proportion to the PWM level.
MOTOR_FULL = 65.0
# The boards' 3.3 V regulator (AP2112K-3.3, Diodes Inc. datasheet: 55 µA quiescent typical)
# is on all day.  Not counted: NeoPixels' own idle current, the speaker, flash standby.
REGULATOR_Q = 0.055

BOARDS = {"feather": "Feather + OLED", "clue": "CLUE", "cpb": "CPB + Gizmo"}


def measure(board: str) -> dict:
    """One simulated day on ``board``: the times the currents are multiplied by."""
    with tempfile.TemporaryDirectory() as tmp:
        data, trace = Path(tmp) / "d", Path(tmp) / "t.jsonl"
        data.mkdir()
        prepare(data, None)
        # A reminder every day at this minute tomorrow: a time alarm while asleep.
        at_min = (int(time.time()) // 60 + 60 * 12) % 1440
        (data / "remind.txt").write_text("%d 127 0 %d" % (at_min, int(time.time()) // 86400))
        cmd = runner_command(sys.executable, board, data, script="A@1s", trace=trace,
                             until_ms=DAY_MS, quiet=True, keep_running=True)
        subprocess.run(cmd, check=True, timeout=600)
        events = [json.loads(x) for x in trace.read_text().splitlines()]
    asleep_at = next(e["t"] for e in events if e["type"] == "deep_sleep")
    awake = [e for e in events if e["t"] < asleep_at]
    screens = [e for e in awake if e["type"] == "screen"]
    done_at = next(e["t"] for e in screens if "under stretch" in e["texts"]
                   or "Well done" in e["texts"] or "Stopped" in e["texts"])
    motor_ms = 0.0
    level, since = 0, 0
    for e in awake:
        if e["type"] == "motor":
            motor_ms += level / 100 * (e["t"] - since)
            level, since = e["level"], e["t"]
    motor_ms += level / 100 * (asleep_at - since)
    idle_ms = asleep_at - done_at
    slow_ms = max(0, idle_ms - 60_000)
    return {"awake_ms": asleep_at, "session_ms": done_at, "asleep_ms": DAY_MS - asleep_at,
            "wakeups": sum(1 for e in awake if e["type"] == "sleep"),
            "refreshes": len(screens), "screen_on_ms": asleep_at, "motor_ms": motor_ms,
            "adv_fast_ms": asleep_at - slow_ms, "adv_slow_ms": slow_ms}


def day_mah(board: str, m: dict) -> dict:
    """mAh a day by part."""
    h = 3_600_000
    cpu_ms = m["wakeups"] * CPU_PER_WAKEUP_MS + m["refreshes"] * CPU_PER_REFRESH_MS[board]
    display_on = TFT_ON if board != "feather" else OLED_DARK + OLED_PER_LIT * OLED_LIT_SHARE
    adv_events = m["adv_fast_ms"] / 1000 / ADV_FAST_S + m["adv_slow_ms"] / 1000 / ADV_SLOW_S
    return {
        "cpu": cpu_ms * NRF_CPU / h + m["awake_ms"] * AWAKE_IDLE / h,
        "screen": m["screen_on_ms"] * display_on / h + m["asleep_ms"] * DISPLAY_ASLEEP[board] / h,
        "motor": m["motor_ms"] * MOTOR_FULL / h,
        "radio": adv_events * ADV_CHARGE_MC / 3600,
        "sleep": m["asleep_ms"] * NRF_SYSTEM_ON_RTC / h + DAY_MS * REGULATOR_Q / h,
    }


def main() -> int:
    print(f"one {CELL_MAH} mAh LiPo, one default session (lower-back) a day, a daily reminder")
    head = (f"{'board':<16}{'awake':>8}{'wakeups':>9}{'redraws':>9}{'motor s':>9}"
            f"{'cpu':>7}{'screen':>8}{'motor':>7}{'radio':>7}{'sleep':>7}{'mAh/day':>9}"
            f"{'days':>7}")
    print(head)
    print(" " * 51 + "(mAh a day)")
    for board, label in BOARDS.items():
        m = measure(board)
        parts = day_mah(board, m)
        total = sum(parts.values())
        print(f"{label:<16}{m['awake_ms'] / 60000:>6.1f}m{m['wakeups']:>9d}{m['refreshes']:>9d}"
              f"{m['motor_ms'] / 1000:>9.0f}" + "".join(f"{parts[k]:>7.2f}" if k != "screen"
                                                      else f"{parts[k]:>8.2f}" for k in parts)
              + f"{total:>9.2f}{CELL_MAH / total:>7.1f}")
    print("motor s: seconds at full level (PWM level x time); radio: advertising while awake "
          "(asleep, the radio is off)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
