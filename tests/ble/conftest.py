"""A real BLE stack with no radio: the demo's rig (bumble hub + simulated device).

The hub and the simulated device (unmodified firmware, its _bleio
replaced by a bumble peripheral) each run in their own process; the CLI runs
in the test process through plain bleak, with the bumble backend on the rig's
host radio.
"""

from __future__ import annotations

import pytest

from stretchcue_host.demo_rig import Rig


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    with Rig(tmp_path_factory.mktemp("rig")) as r:
        yield r
