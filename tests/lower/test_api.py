"""lower_bound end to end: every route, verification at 50 digits, monotonicity, extremes."""
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from approxbounds.capacity import Architecture
from approxbounds.classes import DensityBounded, Holder, Monotone
from approxbounds.lower import (
    Certificate, CertificateError, NoCertificateError, certificates, lower_bound,
)

RELU = Architecture.parse("2,35x9,1")


def _all(cert):
    return [cert, *cert.alternatives]


def test_holder_L2_cli_example_positive_and_verified():
    cert = lower_bound(Holder(2, 1.0), RELU, norm=2)
    assert isinstance(cert, Certificate) and cert.theorem == "L"
    assert cert.value > 0 and cert.verify(dps=50)
    ing = cert.ingredients
    # the packing's own closed form: eps = 1/2 m^-1 (||phi||_2^2 * max(N/8,1) / N ...) > 0
    assert ing["eps"] == pytest.approx(4 * cert.value)
    assert set(cert.tags.values()) <= {"V", "P"}
    json.dumps(cert.to_dict())


def test_search_is_optimal_for_the_grid():
    """The certified scale m is the smallest one whose hypotheses hold."""
    from approxbounds.capacity.growth import growth_model
    from approxbounds.lower.theorems import theorem_L_condition

    F = Holder(2, 1.0)
    cert = lower_bound(F, RELU, norm=2)
    m = cert.ingredients["packing"]["m"]
    fam = F.packing_scales(2.0)
    model = growth_model(RELU)
    prev = theorem_L_condition(fam.log2_size(m - 1), fam.separation(m - 1), F.B, 2.0, model.bound)
    assert not prev.holds


def test_hoeffding_value_not_above_chernoff():
    F = Holder(2, 1.0)
    c = lower_bound(F, RELU, norm=2, tail="chernoff")
    h = lower_bound(F, RELU, norm=2, tail="hoeffding")
    assert h.verify() and h.ingredients["tail"] == "hoeffding"
    assert h.value <= c.value


def test_no_search_is_weaker_but_valid():
    F = Holder(2, 1.0)
    fast = lower_bound(F, RELU, norm=2, search=False)
    best = lower_bound(F, RELU, norm=2)
    assert fast.verify() and fast.value <= best.value
    assert math.log2(fast.ingredients["packing"]["m"]).is_integer()


def test_sup_norm_holder_uses_theorem_S():
    cert = lower_bound(Holder(2, 1.0), RELU, norm="sup")
    assert cert.theorem == "S" and cert.norm.is_sup and cert.verify()
    # N = m^2 bumps just above the VC bound
    ing = cert.ingredients
    assert ing["N_points"] > ing["VCdim_bound"] >= (math.isqrt(ing["N_points"]) - 1) ** 2
    assert cert.value == pytest.approx(0.5 / math.isqrt(ing["N_points"]))


def test_monotone_sup_norm_half_for_relu_and_none_for_hard_threshold():
    cert = lower_bound(Monotone(3), Architecture.parse("3,10x3,1"), norm="sup")
    assert cert.theorem == "D" and cert.value == 0.5 and cert.verify()
    hard = Architecture.parse("3,10x3,1", activation="hard_threshold")
    # without Lemma T no sup-norm route applies; the message must not recommend Lemma D
    with pytest.raises(NoCertificateError, match="Lemma D") as info:
        lower_bound(Monotone(3), hard, norm="sup", transfer=False)
    msg = str(info.value)
    assert "does not apply" in msg and "use sup_norm_discontinuity" not in msg
    # with Lemma T an L^q certificate carries over to the sup norm
    cert = lower_bound(Monotone(3), hard, norm="sup")
    assert cert.transferred and cert.theorem == "L" and cert.norm.is_sup and cert.verify()


def test_monotone_Lp_both_constructions_reported():
    cert = lower_bound(Monotone(3), Architecture.parse("3,20x4,1"), norm=4)
    assert cert.theorem == "L" and cert.verify()
    constructions = {c.ingredients["packing"]["construction"] for c in _all(cert)}
    assert constructions == {"A", "B"}
    assert all(cert.value >= a.value for a in cert.alternatives)


def test_quantized_theorem_C_and_L_both_verify():
    G = Architecture.parse("2,10x2,1", bits=2, quantize="all")
    assert G.is_finite
    cert = lower_bound(Holder(2, 1.0), G, norm=2)
    theorems = {c.theorem for c in _all(cert)}
    assert theorems == {"C", "L"}
    for c in _all(cert):
        assert c.verify(dps=50)
    C = next(c for c in _all(cert) if c.theorem == "C")
    assert C.ingredients["log2_M"] > C.ingredients["log2_G"] == G.W * 2
    sup = lower_bound(Holder(2, 1.0), G, norm="sup")
    assert "C" in {c.theorem for c in _all(sup)} and sup.verify()


def test_density_measure_scales_the_bound():
    F = Holder(2, 1.0)
    leb = lower_bound(F, RELU, norm=2)
    dens = lower_bound(F, RELU, norm=2, measure=DensityBounded(2, 0.25))
    assert dens.verify() and 0 < dens.value < leb.value
    assert "kappa" in dens.measure and dens.measure["kappa"] == 0.25


def test_bad_input():
    F = Holder(2, 1.0)
    with pytest.raises(ValueError, match="norm"):
        lower_bound(F, RELU, norm=0.5)
    with pytest.raises(ValueError, match="norm"):
        lower_bound(F, RELU, norm="L7")
    with pytest.raises(ValueError, match="tail"):
        lower_bound(F, RELU, norm=2, tail="bennett")
    with pytest.raises(ValueError, match="input dimension"):
        lower_bound(Holder(3, 1.0), RELU)
    with pytest.raises(TypeError, match="Architecture"):
        lower_bound(F, 42)
    with pytest.raises(ValueError, match="construction"):
        lower_bound(F, RELU, construction="nope")


def test_huge_network_and_tiny_scale_no_overflow():
    # W ~ 1e12 parameters
    G = Architecture.mlp(2, [10**6, 10**6])
    assert G.W > 10**12
    cert = lower_bound(Holder(2, 1.0), G, norm=2)
    assert math.isfinite(cert.value) and cert.value > 0 and cert.verify()
    assert cert.value < 1e-5
    # alpha = 3 in d = 1, p = 4: separations ~1e-20, s = (eps/2B)^p ~ 1e-80
    G1 = Architecture.mlp(1, [3000] * 3)
    c1 = lower_bound(Holder(1, 3.0), G1, norm=4)
    assert math.isfinite(c1.value) and 0 < c1.value < 1e-10 and c1.verify()
    # beyond the search range (for every code distance delta): an honest refusal, not an
    # overflow
    big = Architecture.mlp(1, [10**5] * 3)
    certs, notes = certificates(Holder(1, 3.0), big, norm=4)
    assert not any(c.theorem == "L" for c in certs)
    assert any("Theorem L" in n and "hypotheses fail" in n for n in notes)
    # ... Theorem P (piece counting) still certifies, and so does a smaller q by Lemma T
    assert {c.theorem for c in certs} == {"P"}
    c2 = lower_bound(Holder(1, 3.0), big, norm=4)
    assert c2.transferred and c2.certified_norm < 4 and c2.verify()
    assert c2.value > max(c.value for c in certs)


def test_condition_at_separation_1e_minus_300():
    from approxbounds.capacity.growth import growth_model
    from approxbounds.lower.theorems import theorem_L_condition

    model = growth_model(Architecture.mlp(2, [10**6, 10**6]))
    for exact in (True, False):
        c = theorem_L_condition(1e15, 1e-300, 0.5, 4.0, model.fast, exact=exact)
        assert c.n > 10**1200 and c.K > 10**300 and math.isfinite(c.log2_pi)
        assert math.isfinite(c.margin)
    c = theorem_L_condition(1e200, 1e-300, 0.5, 1.0, model.fast)
    assert c.holds and math.isfinite(c.margin)


def _value(F, widths, norm=2):
    return lower_bound(F, Architecture.mlp(F.d, widths), norm=norm).value


@settings(max_examples=25, deadline=None)
@given(width=st.integers(3, 300), extra=st.integers(1, 300), depth=st.integers(1, 6),
       d=st.integers(1, 3), alpha=st.sampled_from([0.5, 1.0, 2.0]), p=st.sampled_from([1, 2, 4]))
def test_certified_value_non_increasing_in_width_and_depth(width, extra, depth, d, alpha, p):
    F = Holder(d, alpha)
    base = _value(F, [width] * depth, p)
    wider = _value(F, [width + extra] * depth, p)
    deeper = _value(F, [width] * (depth + 1), p)
    assert wider <= base and deeper <= base


@settings(max_examples=15, deadline=None)
@given(width=st.integers(3, 100), depth=st.integers(1, 4), d=st.integers(1, 3),
       p=st.sampled_from([1, 2, 4, "sup"]), monotone=st.booleans())
def test_every_certificate_verifies_at_50_digits(width, depth, d, p, monotone):
    F = Monotone(d) if monotone else Holder(d, 1.0)
    certs, _ = certificates(F, Architecture.mlp(d, [width] * depth), norm=p)
    assert certs
    for c in certs:
        assert c.verify(dps=50)


def test_tampered_end_to_end_certificate_fails():
    cert = lower_bound(Holder(2, 1.0), RELU, norm=2)
    n, K = cert.ingredients["n"], cert.ingredients["K"]
    cert.ingredients["n"] = n // 2
    cert.ingredients["N"] = (n // 2) * (K - 1)  # consistent N: the re-derived proof differs
    with pytest.raises(CertificateError, match=r"proof\.ingredients\.n"):
        cert.verify()


# ---------------------------------------------------------------- Lemma T (norm transfer)
OBSERVED = (Holder(2, 3.0), "2,10,1")


def test_observed_example_is_non_decreasing_in_p():
    F, G = OBSERVED
    direct = {p: lower_bound(F, G, norm=p, transfer=False).value for p in (1, 2, 4, 8)}
    # the direct routes alone decrease in p (the reported problem) ...
    assert direct[4] > direct[8]
    vals = {p: lower_bound(F, G, norm=p) for p in (1, 2, 4, 8, "sup")}
    seq = [vals[p].value for p in (1, 2, 4, 8)]
    assert all(a <= b for a, b in zip(seq, seq[1:]))
    assert all(vals["sup"].value >= vals[q].value for q in (1, 2, 4))
    # ... and the transferred value is the best direct value at q in {1, 2, 4} below p
    for p in (4, 8):
        best = max([direct[p]] + [direct[q] for q in (1, 2, 4) if q < p])
        assert vals[p].value == best
    assert vals[8].transferred and vals[8].certified_norm.p == 4.0 and vals[8].norm.p == 8.0
    assert not vals[2].transferred  # p = 2: only q = 1 below, which is weaker here
    for c in vals.values():
        assert c.verify(dps=50)


def test_transfer_candidates_are_all_listed():
    F, G = OBSERVED
    cert = lower_bound(F, G, norm=8)
    everything = _all(cert)
    from_q = sorted({c.certified_norm.p for c in everything if c.transferred})
    assert from_q == [1.0, 2.0, 4.0]
    assert any(not c.transferred and c.norm.p == 8.0 for c in everything)
    assert all(c.norm.p == 8.0 for c in everything)
    assert all(cert.value >= a.value for a in cert.alternatives)
    sup = lower_bound(F, G, norm="sup")
    assert {c.certified_norm.p for c in _all(sup) if c.transferred} == {1.0, 2.0, 4.0}
    assert all(c.norm.is_sup and c.measure is None for c in _all(sup))


def test_hard_threshold_monotone_sup_now_certified():
    G = Architecture.parse("2,3,1", activation="hard_threshold")
    at2 = lower_bound(Monotone(2), G, norm=2)
    cert = lower_bound(Monotone(2), G, norm="sup")
    assert cert.transferred and cert.norm.is_sup and cert.theorem == "L"
    assert cert.value >= at2.value > 1e-3
    assert cert.verify(dps=50)
    assert "Lemma T" in cert.explain() and "transferred by Lemma T" in cert.summary()


def test_transfer_keeps_the_measure():
    F, G = OBSERVED
    mu = DensityBounded(2, 0.5)
    cert = lower_bound(F, G, norm=8, measure=mu)
    assert cert.transferred and cert.measure["name"] == "density_bounded"
    assert cert.ingredients["transfer"]["measure"] == mu.to_dict()
    assert cert.ingredients["packing"]["ingredients"]["measure"]["kappa"] == 0.5
    assert cert.verify()
    assert cert.value < lower_bound(F, G, norm=8).value  # kappa^(1/q) < 1 costs


def test_cache_hits_and_returned_copies_are_independent():
    from approxbounds.lower.api import cache_info, clear_cache

    F, G = OBSERVED
    clear_cache()
    first = lower_bound(F, G, norm=2)
    assert cache_info()["misses"] == 2 and cache_info()["hits"] == 0  # L^2 and L^1
    lower_bound(F, G, norm=4)
    info = cache_info()
    assert info["misses"] == 3 and info["hits"] == 2  # L^1, L^2 reused
    first.ingredients["eps"] = 1.0
    first.ingredients["packing"]["m"] = 1
    again = lower_bound(F, G, norm=2)
    assert again.ingredients["eps"] != 1.0 and again.ingredients["packing"]["m"] != 1
    assert again.verify()
    clear_cache()
    assert cache_info()["size"] == 0


def test_transfer_argument_is_validated():
    with pytest.raises(TypeError, match="transfer"):
        lower_bound(*OBSERVED, norm=4, transfer=1)
