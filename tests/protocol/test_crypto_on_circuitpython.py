"""The link's symmetric crypto on CircuitPython 10.3's own VM, with a board's hashlib.

``tests/core/test_protocol_aes.py`` and ``test_protocol_sha256.py`` (FIPS 197,
SP 800-38A, RFC 4231 and RFC 5869 vectors) run inside the VM after the board
image test's stand-in ``hashlib`` (only ``new(name, data=b"")``, as every
nRF52840 build since 10.1) has replaced the VM's own: so AES-CTR goes through
``aesio`` and HMAC/HKDF through ``hashlib.new``, the paths a CLUE takes, and the
pure-Python ones are checked on the same VM.  The VM is found as the board image
test finds it; without one this test is not run, as the board image test is not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "boardimage"))

from image import build_standins  # noqa: E402
from vmproc import circuitpython_vm  # noqa: E402

MODULES = ("test_protocol_aes", "test_protocol_sha256")
VECTORS = ("test_protocol_aes.test_fips197_block_and_key_expansion",
           "test_protocol_aes.test_sp800_38a_ctr_on_the_default_backend_and_pure",
           "test_protocol_aes.test_counter_is_one_128_bit_big_endian_number",
           "test_protocol_aes.test_native_backend_leaves_the_pure_tables_unloaded",
           "test_protocol_sha256.test_rfc4231_hmac_native_and_pure",
           "test_protocol_sha256.test_rfc5869_hkdf_native_and_pure",
           "test_protocol_sha256.test_board_hashlib_with_only_new_is_used")

# Runs inside the VM: a board's hashlib first, then every test_* function of MODULES.
SCRIPT = """
import sys
import traceback

from stretchcue_host.sim.vm import system

system._hashlib_module()
import hashlib

print("HASHLIB", " ".join(sorted(n for n in dir(hashlib) if not n.startswith("_"))))
from stretchcue.protocol import aes, sha256

print("BACKEND", aes.BACKEND)
print("SHA256", "native" if sha256._native is not None else "pure")
for mod_name in %r:
    mod = __import__(mod_name)
    for name in sorted(dir(mod)):
        if name.startswith("test_"):
            try:
                getattr(mod, name)()
                print("PASS", mod_name + "." + name)
            except Exception as e:
                print("FAIL", mod_name + "." + name, repr(e))
                traceback.print_exception(e)
print("DONE")
""" % (MODULES,)


def test_vectors_pass_through_aesio_and_a_new_only_hashlib(tmp_path: Path) -> None:
    vm = circuitpython_vm()
    if vm is None:
        env = os.environ.get("CIRCUITPY_UNIX")
        pytest.skip(f"not run on CircuitPython's VM: $CIRCUITPY_UNIX={env} is neither the "
                    "program nor its folder" if env else "not run on CircuitPython's VM: no "
                    "$CIRCUITPY_UNIX and no ../shared/circuitpython/circuitpython beside the "
                    "checkout")
    standins = build_standins(tmp_path / "standins")
    (tmp_path / "crypto_check.py").write_text(SCRIPT)
    path = os.pathsep.join(str(p) for p in (standins, ROOT / "lib", ROOT / "tests" / "core"))
    proc = subprocess.run([str(vm), "crypto_check.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, MICROPYPATH=path))
    out = proc.stdout + proc.stderr
    lines = [line.split(" ", 2) for line in proc.stdout.splitlines()]
    said = {parts[0]: parts[1:] for parts in lines if parts and parts[0] in
            ("HASHLIB", "BACKEND", "SHA256", "DONE")}
    assert proc.returncode == 0 and "DONE" in said, out
    assert said["HASHLIB"] == ["new"], out  # the board's shape, not the VM's hashlib.sha256
    assert said["BACKEND"] == ["aesio"], out
    assert said["SHA256"] == ["native"], out
    passed = {parts[1] for parts in lines if parts[0] == "PASS"}
    failed = [parts[1:] for parts in lines if parts[0] == "FAIL"]
    assert not failed, out
    assert set(VECTORS) <= passed, out
