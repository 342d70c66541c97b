"""Routes -> derivations: every construction, its measure rules and its refusals."""
import math

import pytest

from approxbounds.capacity import Architecture
from approxbounds.claims import CertificateError
from approxbounds.classes import DensityBounded, Empirical, Holder, Lebesgue, Monotone
from approxbounds.norms import Norm
from approxbounds.upper.derive import RESTATED, derive_upper, holder_constants

SUP = Norm.parse("sup")
P2 = Norm.parse(2)


def _thr(spec):
    return Architecture.parse(spec, activation="hard_threshold")


def test_pl_value_and_restated_claim():
    F, G = Holder(1, 1.0), Architecture.parse("1,16,1")
    der = derive_upper("PL", F, G, P2, Lebesgue(1), {"pieces": 16})
    assert der.value == pytest.approx((1 / 32) / math.sqrt(3), rel=1e-11)
    assert der.value >= (1 / 32) / math.sqrt(3)                     # rounded up
    assert der.ingredients[RESTATED] == {"statement": "upper", "function_class": F.to_dict(),
                                         "network_class": G.to_dict(), "norm": 2,
                                         "measure": Lebesgue(1).to_dict(), "theorem": "PL"}
    assert set(der.tags.values()) == {"P"}
    sup, leb, anym, val = der.recompute(40)
    assert float(val) <= der.value


def test_smaller_size_is_valid_but_weaker():
    F, G = Holder(1, 0.5), Architecture.parse("1,16,1")
    a = derive_upper("PL", F, G, SUP, None, {"pieces": 16}).value
    b = derive_upper("PL", F, G, SUP, None, {"pieces": 4}).value
    assert a < b


@pytest.mark.parametrize("theorem, route, G, match", [
    ("PL", {"pieces": 17}, "1,16,1", "line units"),
    ("PL", {"pieces": 0}, "1,16,1", ">= 1"),
    ("PL", {"pieces": 4, "x": 1}, "1,16,1", "unexpected"),
    ("PL", {}, "1,16,1", "missing"),
    ("PL", {"pieces": True}, "1,16,1", "integer"),
    ("KT", {"cells": 2, "offset": 0}, "1,16,1", "d >= 2"),
    ("ST", {"cells": 3, "variant": "centre"}, "1,16,1", "hard_threshold"),
    ("ST", {"cells": 3, "variant": "mean"}, "1,16,1", "variant"),
    ("RQ", {"levels": 2}, "1,16,1", "monotone"),
    ("XX", {}, "1,16,1", "not an upper-bound construction"),
    ("U0", {"variant": "centre"}, Architecture.parse("1,4,1", bits=2, quantize="all"), "full precision"),
    ("PL", {"pieces": 2}, Architecture.parse("1,4,1", bits=2), "quantized"),
])
def test_refusals_name_the_step(theorem, route, G, match):
    G = Architecture.parse(G) if isinstance(G, str) else G
    with pytest.raises(CertificateError, match=match):
        derive_upper(theorem, Holder(1, 1.0), G, SUP, None, route)


def test_monotone_variants():
    with pytest.raises(CertificateError, match="midrange"):
        derive_upper("U0", Monotone(1), Architecture.parse("1,4,1"), SUP, None, {"variant": "centre"})
    der = derive_upper("U0", Monotone(2), Architecture.parse("2,4,1"), SUP, None, {"variant": "midrange"})
    assert der.value == pytest.approx(0.5)


def test_staircase_every_measure():
    F, G = Monotone(1), Architecture.parse("1,10,1")
    pts = Empirical([[0.1], [0.5], [0.9]])
    for mu in (Lebesgue(1), DensityBounded(1, 0.3), pts):
        der = derive_upper("RQ", F, G, P2, mu, {"levels": 5})
        assert der.value == pytest.approx(1 / 12) and der.ingredients["any_measure_bound"] == pytest.approx(1 / 12)
    assert derive_upper("RQ", F, G, SUP, None, {"levels": 5}).value == pytest.approx(1.0)
    thr = derive_upper("RQ", F, _thr("1,10,1"), SUP, None, {"levels": 10})
    assert thr.value == pytest.approx(1 / 22)


def test_density_and_empirical_rules():
    F, G = Holder(1, 1.0), Architecture.parse("1,10,1")
    route = {"pieces": 10}
    S = derive_upper("PL", F, G, SUP, None, route).value
    A = derive_upper("PL", F, G, P2, Lebesgue(1), route).value
    mix = derive_upper("PL", F, G, P2, DensityBounded(1, 0.25), route)
    assert mix.value == pytest.approx(math.sqrt(0.25 * A ** 2 + 0.75 * S ** 2), rel=1e-10)
    assert mix.ingredients["kappa"] == 0.25
    emp = derive_upper("PL", F, G, P2, Empirical([[0.5]]), route)
    assert emp.value == pytest.approx(S) and emp.ingredients["measure_rule"] == "empirical"


def test_holder_constants():
    assert holder_constants(Holder(2, 0.5)) == {"alpha": 0.5, "alpha_eff": 0.5, "lip": 1}
    assert holder_constants(Holder(1, 2.5)) == {"alpha": 2.5, "alpha_eff": 1.0, "lip": 1}
    assert holder_constants(Holder(3, 1.5)) == {"alpha": 1.5, "alpha_eff": 1.0, "lip": 3}


def test_kt_and_st_d2():
    F = Holder(2, 1.0)
    kt = derive_upper("KT", F, Architecture.parse("2,40,60,30,1"), SUP, None, {"cells": 4, "offset": 0})
    assert kt.value == pytest.approx(0.25 * 2 / 3)
    with pytest.raises(CertificateError, match="width"):
        derive_upper("KT", F, Architecture.parse("2,40,60,30,1"), SUP, None, {"cells": 5, "offset": 0})
    st = derive_upper("ST", F, _thr("2,12,30,1"), SUP, None, {"cells": 5, "variant": "centre"})
    assert st.value == pytest.approx(0.1)
    with pytest.raises(CertificateError, match="width"):
        derive_upper("ST", F, _thr("2,12,30,1"), SUP, None, {"cells": 6, "variant": "centre"})


def test_level_interpolation_every_measure():
    F, G = Monotone(1), Architecture.parse("1,10,1")
    route = {"levels": 9}
    leb = derive_upper("RI", F, G, P2, Lebesgue(1), route)
    assert leb.value == pytest.approx(0.1 / math.sqrt(3))
    assert derive_upper("RI", F, G, P2, Empirical([[0.3]]), route).value == pytest.approx(0.1)
    mix = derive_upper("RI", F, G, P2, DensityBounded(1, 0.5), route).value
    assert mix == pytest.approx(math.sqrt(0.5 * 0.01 / 3 + 0.5 * 0.01))
    assert derive_upper("RI", F, G, SUP, None, route).value == pytest.approx(1.0)
    with pytest.raises(CertificateError, match="line units"):
        derive_upper("RI", F, G, P2, Lebesgue(1), {"levels": 10})
    with pytest.raises(CertificateError, match="relu"):
        derive_upper("RI", F, _thr("1,10,1"), P2, Lebesgue(1), route)
