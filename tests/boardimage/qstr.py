"""The interned-name table (qstr pool) as a board would hold the firmware's names.

Every name a module uses (functions, attributes, keyword arguments, short
strings) is interned once and never freed.  The table grows in pools of 10, 20,
40 ... entries, each twice the last, so one new name can cost a whole new pool:
the 1281st allocates 1280 entries at once.  Where those doublings land depends
on how many names were there before, and on this VM the stand-ins for the C
modules (``displayio``, ``_bleio``, ``board`` ...) have interned theirs before
code.py starts, where a board has them in flash.  So the same firmware crosses
a doubling on one board's stand-ins and not on another's, and the figure jumps
by up to 9 KB for nothing the firmware did.

``on_board`` replaces the VM's pools with the pools a board would allocate for
the names the firmware added (a full nRF52840 build: 4-byte pointer, 1-byte
hash, 1-byte length per entry; this VM's coverage build keeps a 2-byte hash).
The names' own bytes are counted as measured.
"""

from __future__ import annotations

import re

FIRST_POOL = 10  # MICROPY_ALLOC_QSTR_ENTRIES_INIT: the ROM pool's alloc, doubled for each new one
ENTRY = 4 + 1 + 1  # const char *, qstr_hash_t (MICROPY_QSTR_BYTES_IN_HASH 1), qstr_len_t
POOL_HEADER = 20  # qstr_pool_t: prev, total_prev_len, bitfields, hashes, lengths
BLOCK = 16  # the GC's allocation unit


def parse_qstr_info(line: str) -> dict:
    """``qstr pool: n_pool=8, n_qstr=1322, n_str_data_bytes=12957, n_total_bytes=31053``."""
    return {k: int(v) for k, v in re.findall(r"(n_\w+)=(\d+)", line)}


def pools(names: int) -> int:
    """Heap bytes of the pools a board allocates for ``names`` names."""
    total, size, room = 0, FIRST_POOL, 0
    while room < names:
        size *= 2
        room += size
        total += -(-(POOL_HEADER + ENTRY * size) // BLOCK) * BLOCK
    return total


def on_board(heap: int, base: tuple, at: tuple) -> int:
    """``heap`` (bytes above ``base``, sampled ``at``) with the VM's name pools
    replaced by a board's for the names added since ``base``; both are
    (heap, qstr_info numbers) as the VM reports them."""
    b, a = base[1], at[1]
    vm_pools = (a["n_total_bytes"] - a["n_str_data_bytes"]) - (
        b["n_total_bytes"] - b["n_str_data_bytes"])
    return heap - vm_pools + pools(a["n_qstr"] - b["n_qstr"])


def peak_on_board(report: dict) -> int | None:
    """A boot's heap report's peak with the names counted as on a board, or None
    where the VM did not report its table (MicroPython's WebAssembly build)."""
    names = report.get("names", {})
    if "peak" not in report or "base" not in names or "peak" not in names:
        return None
    return on_board(report["peak"], names["base"], names["peak"])
