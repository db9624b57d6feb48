"""The edwards25519 group (RFC 8032's curve) for SPAKE2, in plain Python integers.

CircuitPython has no elliptic-curve module, but it has arbitrary-precision
integers and three-argument ``pow``, which is enough: extended coordinates
(X, Y, Z, T), x = X/Z, y = Y/Z, x*y = T/Z, add and double without a field
inversion, and one inversion (a ``pow``) is paid only to encode a point.  A
point is a tuple of four ints.  Pairing is the board's heap peak, so the module
is kept to the few functions SPAKE2 needs (each function costs ~200 bytes of
heap once loaded) and holds no tables: an identity test is ``X % P == 0`` for a
point of the prime-order subgroup, which is all ``pake`` tests.

``mul2`` gives a*P + b*Q with one shared run of doublings (Straus-Shamir), the
shape of both SPAKE2 products (x*G + w*M, then x*(8*S) - 8*x*w*N).  It is not
constant-time: it skips the addition where both bits are 0.  Each secret
scalar is used for one pairing attempt and a Python VM's timing is swamped by
its garbage collector, so always adding (a third more additions) would buy
nothing.  A joint sparse form (an addition for half the bits, not three in four)
measured some 15% faster and cost a kilobyte more heap; the heap won.
"""

from __future__ import annotations

try:
    from typing import Any
except ImportError:
    pass

P = (1 << 255) - 19
_D2 = 16295367250680780974490674513165176452449235426866156013048779062215315747161  # 2d
_SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752
L = (1 << 252) + 27742317777372353535851937790883648493  # order of the base point
H = 8  # cofactor: the curve has 8*L points
BASE = (15112221349535400772501151409588531511454012693041857206046113283949847762202,
        46316835694926478169428394003475163141307993866256225615783033603165251855960, 1,
        46827403850823179245072216630277197565144205554125654976674165829533817101731)
IDENTITY = (0, 1, 1, 0)


def _madd(a: Any, c: Any) -> Any:
    """a + c for c as (Y+X, Y-X, 2Z, 2dT) (add-2008-hwcd-3, a = -1): 8 products, and
    complete: right for any two points, equal, opposite or the identity."""
    p = P
    x1, y1, z1, t1 = a
    ma = (y1 - x1) * c[1] % p
    mb = (y1 + x1) * c[0] % p
    mc = t1 * c[3] % p
    md = z1 * c[2] % p
    e = mb - ma
    f = md - mc
    g = md + mc
    h = mb + ma
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def double(a: Any, t: bool = True) -> Any:
    """2a (dbl-2008-hwcd, a = -1, every coordinate negated); T only if ``t``, as
    only an addition reads it."""
    p = P
    x, y, z, _ = a
    ma = x * x % p
    mb = y * y % p
    s = x + y
    h = ma + mb
    e = h - s * s % p
    g = ma - mb
    f = 2 * z * z % p + g
    return (e * f % p, g * h % p, f * g % p, e * h % p if t else None)


def mul2(a: int, pa: Any, b: int, pb: Any) -> Any:
    """a*pa + b*pb for scalars 0 <= a, b < 2**256, both scalars' bits together from
    the top: one run of doublings, an addition for three bits in four."""
    p = P
    table: list = [None]
    for q in (pa, pb, None):
        if q is None:
            q = _madd(pa, table[2])
        table.append(((q[1] + q[0]) % p, (q[1] - q[0]) % p, 2 * q[2] % p, q[3] * _D2 % p))
    q = None  # pa + pb: garbage now, not a point held through the loop
    ab = a.to_bytes(32, "little")
    bb = b.to_bytes(32, "little")
    r = IDENTITY
    started = False
    for i in range(255, -1, -1):
        c = table[(ab[i >> 3] >> (i & 7) & 1) | (bb[i >> 3] >> (i & 7) & 1) << 1]
        if started:
            r = double(r, c is not None or i == 0)
        if c is not None:
            r = _madd(r, c)
            started = True
    return r


def encode(a: Any) -> bytes:
    """RFC 8032 section 5.1.2: y little-endian, the sign (low bit) of x in the top bit."""
    zi = pow(a[2], P - 2, P)
    return (a[1] * zi % P | (a[0] * zi % P & 1) << 255).to_bytes(32, "little")


def decode(s: Any) -> Any:
    """RFC 8032 section 5.1.3; ValueError for a wrong length, y >= p, no such x, or
    x = 0 with the sign bit set.  x = sqrt(u/v) with u = y^2 - 1, v = d*y^2 + 1, both
    doubled here (the ratio is the same) so that only 2d is kept."""
    p = P
    y = int.from_bytes(bytes(s), "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if len(s) != 32 or y >= p:
        raise ValueError("not a point")
    yy = y * y % p
    u = 2 * yy - 2
    v = _D2 * yy + 2
    v3 = v * v % p * v % p
    x = u * v3 % p * pow(u * v3 % p * v3 % p * v % p, (p - 5) >> 3, p) % p
    if (v * x * x - u) % p:
        x = x * _SQRT_M1 % p
    if (v * x * x - u) % p or x == 0 and sign:
        raise ValueError("not a point")
    if x & 1 != sign:
        x = p - x
    return (x, y, 1, x * y % p)
