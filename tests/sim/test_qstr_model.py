"""The board-image figure's model of a board's interned-name table (tests/boardimage/qstr.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "boardimage"))

from qstr import on_board, parse_qstr_info, pools  # noqa: E402


def test_pools_double_from_twenty_entries_and_one_name_can_cost_a_whole_pool():
    assert pools(0) == 0
    assert pools(20) == 144  # 20 + 6 x 20 bytes, in 16-byte blocks
    assert pools(21) == 144 + 272  # the 21st name opens a pool of 40
    assert pools(1261) - pools(1260) == 7712  # and the 1261st one of 1280 (7.5 KB)


def test_the_vm_pools_are_replaced_by_a_boards_for_the_names_added():
    base = (0, parse_qstr_info("qstr pool: n_pool=6, n_qstr=625, n_str_data_bytes=6328, "
                               "n_total_bytes=10920"))
    peak = (0, parse_qstr_info("qstr pool: n_pool=8, n_qstr=1641, n_str_data_bytes=15834, "
                               "n_total_bytes=33930"))
    vm_pools = (33930 - 15834) - (10920 - 6328)
    assert on_board(100_000, base, peak) == 100_000 - vm_pools + pools(1641 - 625)
    assert on_board(100_000, base, base) == 100_000  # no names added: nothing changes
