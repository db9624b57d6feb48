"""Pairing keys on the simulated board: off the drive into the nvm, even a damaged one."""

from __future__ import annotations

import sys
from pathlib import Path

from stretchcue_host.sim.fakes.nvm import file_backed

FIRMWARE = Path(__file__).resolve().parents[2] / "firmware"


def test_a_damaged_nvm_and_old_key_files_boot_to_the_menu_with_the_keys_moved(sim_runs, old_keys):
    run = sim_runs["badnvm"].wait()
    assert run.rc == 0, run.output.decode()[-2000:]
    texts = [" | ".join(e["texts"]) for e in run.screens()]
    assert texts and all("Note" not in t for t in texts)
    assert "A start  B next" in texts[-1]
    assert not (run.data / "keys").exists()  # nothing of the keys is left on the drive
    if str(FIRMWARE) not in sys.path:
        sys.path.append(str(FIRMWARE))
    from keyring import Keyring

    ring = Keyring(file_backed(str(run.data / "nvm.bin")))
    assert {h: ring.get(h) for h in old_keys} == old_keys
