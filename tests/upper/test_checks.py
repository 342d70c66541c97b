"""Numeric check of every construction: its explicit network, built for hard members of F
(extremal functions of the proofs, packing members, random members), has measured error
<= the certified value, and the extremal members attain the sharp bounds."""
import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.classes import Empirical, Holder, Monotone
from approxbounds.upper import upper_bound
from approxbounds.upper.checks import (check_certificate, holder_quotient, measured_error,
                                       random_holder, random_monotone)

TOL = 1e-3


def _thr(spec):
    return Architecture.parse(spec, activation="hard_threshold")


# (F, G, norm, construction, member that attains the bound (or None))
CASES = [
    (Holder(1, 1.0), "1,16,1", 2, "PL", "sawtooth on the knots"),
    (Holder(1, 1.0), "1,8,8,1", "sup", "PL", "sawtooth on the knots"),
    (Holder(1, 0.5), "1,5,1,7,1", 1, "PL", "sawtooth on the knots"),
    (Holder(1, 0.5), "1,16,1", "sup", "PL", "sawtooth on the knots"),
    (Holder(1, 2.5), "1,12,1", 2, "PL", None),
    (Holder(1, 1.0), _thr("1,9,6,1"), 4, "ST", "cusps at the cell centres"),
    (Holder(1, 0.5), _thr("1,16,1"), "sup", "ST", None),                  # midrange variant
    (Holder(1, 1.0), Architecture.parse("1,6,1", bits=2), 2, "U0", "cusps at the cell centres"),
    (Monotone(1), "1,16,1", 1, "PL", "jump right after 0"),
    (Monotone(1), "1,16,1", 2, "RI", "jump right after 0"),
    (Monotone(1), "1,6,6,1", 4, "RI", "staircase of the levels"),
    (Monotone(1), "1,2,1", 2, "RQ", "jump right after 0"),
    (Monotone(1), _thr("1,12,1"), "sup", "RQ", "identity"),
    (Monotone(1), "1,12,1", "sup", "U0", "jump right after 0"),
    (Holder(2, 1.0), "2,40,60,30,1", "sup", "KT", None),
    (Holder(2, 0.5), "2,40,60,30,1", 1, "KT", None),
    (Holder(2, 1.0), _thr("2,12,30,1"), 2, "ST", "cusps at the cell centres"),
    (Holder(2, 1.5), "2,40,60,30,1", "sup", "KT", None),                  # Lipschitz-d embedding
    (Monotone(2), "2,64,200,100,1", 1, "KT", None),
    (Monotone(2), _thr("2,12,30,1"), 1, "ST", None),
]


@pytest.mark.parametrize("F, G, norm, construction, sharp", CASES,
                         ids=[f"{c[0].name}-{getattr(c[1], 'spec', lambda: c[1])()}-{c[2]}" for c in CASES])
def test_construction_error_at_most_certified(F, G, norm, construction, sharp):
    cert = upper_bound(F, G, norm)
    assert cert.theorem == construction
    res = check_certificate(cert, k=2, rng=0, n=6000 if F.d == 1 else 120)
    assert res.worst <= cert.value * (1 + TOL) + 1e-9, (res.worst_member, res.errors)
    if sharp is not None:
        assert res.errors[sharp] >= 0.99 * cert.value, res.errors


def test_alternatives_are_checked_too():
    cert = upper_bound(Holder(1, 0.5), _thr("1,8,1"), 2)
    for c in [cert, *cert.alternatives]:
        res = check_certificate(c, k=1, rng=1, n=4000)
        assert res.worst <= c.value * (1 + TOL) + 1e-9, (c.theorem, c.route, res.errors)


def test_empirical_measure():
    pts = Empirical(np.random.default_rng(0).uniform(size=(200, 1)))
    cert = upper_bound(Holder(1, 1.0), "1,10,1", 2, pts)
    res = check_certificate(cert, k=2, rng=2)
    assert res.worst <= cert.value


def test_ramp_width_limit():
    """The ReLU staircase approaches 1/(2(K+1)) as the ramps get steeper (docs §3.2)."""
    cert = upper_bound(Monotone(1), "1,8,1", 1)                       # PL wins at p=1 ...
    rq = next(c for c in [cert, *cert.alternatives] if c.theorem == "RQ")
    f = lambda x: (np.asarray(x) > 0.3).astype(float)
    errs = [measured_error(rq.network(f, ramp=r), f, 1, 1, n=200000) for r in (0.05, 0.005, 1e-7)]
    assert errs[0] > errs[1] > errs[2] and errs[2] <= rq.value * (1 + TOL)


def test_random_members_are_in_the_class():
    rng = np.random.default_rng(4)
    for d, alpha in ((1, 0.5), (2, 1.0)):
        f = random_holder(d, alpha, rng)
        assert holder_quotient(f, d, alpha, rng) <= 1 + 1e-9
        x = rng.uniform(size=(1000, d))
        assert np.all(np.abs(f(x[:, 0] if d == 1 else x)) <= 1)
    g = random_monotone(2, rng)
    x = rng.uniform(size=(2000, 2))
    y = x + rng.uniform(0, 0.2, size=x.shape)
    y = np.minimum(y, 1)
    assert np.all(g(y) >= g(x)) and np.all((g(x) >= 0) & (g(x) <= 1))
