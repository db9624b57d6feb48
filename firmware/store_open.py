"""``Store.open``: what the store does once, at start, loaded for it and forgotten after.

Every file is read inside ``Store._guard`` (anything that fails is set aside as
``NAME.bad`` and named in the menu's note, never raised: a crash at boot would
repeat at every boot); a replace cut between its steps is finished or dropped;
the next sequence number is set above ``seq.txt``, the ack and every record in
the log; the log keeps only the records that read back (a torn tail, damaged
bytes and records whose payload does not decode go, counted in ``damaged``).
"""

from __future__ import annotations

import os

from store import StoreError, _exists, _explain

from stretchcue import resume
from stretchcue import routine as rt
from stretchcue import sessionlog as sl

try:
    from typing import Any
except ImportError:
    pass
try:
    from micropython import const
except ImportError:
    def const(x: int) -> int:  # type: ignore[misc]
        return x

_PROBLEMS = const(8)  # log problems kept: the first ones and the latest (a torn tail)
_SMALL = const(16)  # bytes at most in ack.txt and seq.txt (a u32 in decimal)
_EISDIR = const(21)


def _is_dir(path: str) -> bool:
    try:
        return os.stat(path)[0] & 0x4000 != 0
    except OSError:
        return False


def run(s: Any) -> None:
    s.aside = []
    err = None  # raised at the end: the seqs below are read all the same
    for d in (s.root, s.routines_dir):
        if _exists(d) and not _is_dir(d):
            s.set_aside(d, "not a folder")
        if not _exists(d):
            try:
                os.mkdir(d)
            except OSError as e:
                err = err or _explain(e)
    d = s.routines_dir
    for name in (s._guard(d, os.listdir, d) if _is_dir(d) else None) or ():
        if name.endswith(".json.tmp"):
            tmp = d + "/" + name
            s._guard(tmp, _finish_replace, s, tmp)
    for name in ("/ack.txt", "/seq.txt", "/selected.txt", "/remind.txt", "/log.bin"):
        path = s.root + name
        s._guard(path + ".tmp", _recover, path)
    s.acked = s._guard(s.root + "/ack.txt", _u32, s, "/ack.txt") or 0
    s.mark = s._guard(s.root + "/seq.txt", _u32, s, "/seq.txt") or 0
    s.next_seq = max(s.acked, s.mark) + 1
    s._pull_seq = -1
    s.size = 0
    s._guard(s.log_path, _open_log, s)
    if err is not None:
        raise err


def _finish_replace(s: Any, tmp: str) -> None:
    final = tmp[:-4]
    try:
        rt.loads(s._load(tmp, rt.MAX_ROUTINE_BYTES) or b"")
    except rt.RoutineError:
        os.remove(tmp)
        return
    if _exists(final):
        os.remove(final)
    os.rename(tmp, final)


def _recover(path: str) -> None:
    """A replace cut between its steps: a ``.tmp`` beside the file is unfinished (drop it);
    alone, it was synced whole before the file went (finish it)."""
    tmp = path + ".tmp"
    if _exists(tmp):
        if _exists(path):
            os.remove(tmp)
        else:
            os.rename(tmp, path)


def _u32(s: Any, name: str) -> int:
    data = s._load(s.root + name, _SMALL)
    n = int(data.decode().strip() or "0") if data else 0
    if not 0 <= n <= 0xFFFFFFFF:
        raise ValueError("out of range")
    return n


def _open_log(s: Any) -> None:
    if _is_dir(s.log_path):
        raise OSError(_EISDIR)
    rd = sl.Reader()
    track = resume.Unfinished()
    problems = rd.problems
    bad = 0
    for r in s._records(0, rd):
        if r.seq >= s.next_seq:
            s.next_seq = r.seq + 1
        if not sl.valid(r):  # an intact CRC over a payload that cannot be read
            bad += 1
            continue
        track.add(r)
        while len(problems) > _PROBLEMS:
            problems.pop(_PROBLEMS - 1)  # keep the first ones and the latest
    s.problems = problems
    s._resume = track
    s.size = rd.size
    s.damaged = bad + rd.damaged
    if s.damaged or rd.good_end < rd.size:
        try:  # only the readable records stay: a torn or damaged tail goes, as a bad middle
            s._replace(s.log_path, _readable(s))
        except StoreError:  # read-only: the reader skips the damage again next time
            s.size = rd.size


def _readable(s: Any) -> Any:
    s.size = 0
    for r in s._records():
        if sl.valid(r):
            s.size += len(r.raw)
            yield r.raw
