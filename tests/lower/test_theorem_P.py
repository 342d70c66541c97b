"""Theorem P (piece counting, docs/theory.md §7b): values against an mpmath oracle written
from the statement, the optimal scale, forgeries, and the ablation of Theorem L."""
import math

import mpmath
import pytest

from approxbounds.capacity import Architecture
from approxbounds.classes import DensityBounded, Holder, Monotone
from approxbounds.lower import lower_bound
from approxbounds.lower.ablation import ablation


def _oracle(F, P, kind, m, p, kappa_mu=1):
    """H (kappa_mu kappa_p (n - P + 1)/m)^(1/p) or H/2, straight from the statement."""
    mpmath.mp.dps = 40
    if isinstance(F, Holder):
        H, n = mpmath.mpf(m) ** (-mpmath.mpf(F.alpha)) / 2, m
        kappa = mpmath.mpf(2) ** (-p) / (p + 1) if p != "sup" else mpmath.mpf(1) / 2
    else:
        H, n = mpmath.mpf(1) / m, m - 1
        if p == "sup":
            kappa = mpmath.mpf(1) / 2
        elif kind == "constant":
            kappa = mpmath.mpf(2) ** (-p)
        else:
            kappa = ((mpmath.sqrt(2) - 1) / 2) ** p
    if p == "sup":
        return H * kappa
    return H * (kappa_mu * kappa * (n - P + 1) / mpmath.mpf(m)) ** (mpmath.mpf(1) / p)


CASES = [(Holder(1, 1.0), "1,16,1", "relu", 17, "affine"),
         (Holder(1, 0.5), "1,3,4,1", "relu", 20, "affine"),
         (Holder(1, 1.0), "1,9,5,1", "hard_threshold", 10, "constant"),
         (Monotone(1), "1,16,1", "relu", 17, "affine"),
         (Monotone(1), "1,7,1", "hard_threshold", 8, "constant")]


# continuous nets vs the monotone class in sup norm: Lemma D (1/2) is the certificate there
PARAMS = [(*case, p) for case in CASES for p in (1, 2, 3.5, "sup")
          if not (isinstance(case[0], Monotone) and case[2] == "relu" and p == "sup")]


def test_monotone_sup_against_continuous_nets_is_lemma_D():
    assert lower_bound(Monotone(1), "1,16,1", norm="sup").theorem == "D"


@pytest.mark.parametrize("F,spec,act,P,kind,p", PARAMS)
def test_value_matches_the_statement_at_the_optimal_scale(F, spec, act, P, kind, p):
    G = Architecture.parse(spec, activation=act)
    cert = lower_bound(F, G, norm=p, transfer=False)
    assert cert.theorem == "P" and cert.verify(dps=40)
    i = cert.ingredients
    assert i["P"] == P and i["pieces_kind"] == kind
    m = i["m"]
    assert float(_oracle(F, P, kind, m, p)) == pytest.approx(cert.value, rel=1e-11)
    assert cert.value < _oracle(F, P, kind, m, p)            # rounded down, never up
    # the scale is optimal: neighbours (and far points) give no more
    for other in {m - 1, m + 1, 2 * m, max(1, m // 2)}:
        n = other if isinstance(F, Holder) else other - 1
        if n - P + 1 >= 1:
            assert _oracle(F, P, kind, other, p) <= _oracle(F, P, kind, m, p) * (1 + 1e-12)


def test_density_bound_scales_by_kappa_to_the_1_over_p():
    G = Architecture.parse("1,8,1")
    lo = lower_bound(Holder(1, 1.0), G, norm=2, measure=DensityBounded(1, 0.25), transfer=False)
    full = lower_bound(Holder(1, 1.0), G, norm=2, transfer=False)
    assert lo.theorem == full.theorem == "P"
    assert lo.value == pytest.approx(full.value * 0.25 ** 0.5, rel=1e-10)


def test_tight_within_small_factors_of_simple_constructions():
    """Piecewise-linear interpolation with P pieces on a 1-Lipschitz f has sup error <= h/2,
    h = 1/P (a [P] upper bound): the certified sup bound 1/(4P) is within a factor 2."""
    for k in (1, 7, 100, 1000):
        cert = lower_bound(Holder(1, 1.0), f"1,{k},1", norm="sup")
        assert cert.theorem == "P"
        upper = 0.5 / (k + 1)
        assert cert.value <= upper <= 2.0 * cert.value * (1 + 1e-9)


def test_forged_piece_count_and_scale_are_rejected():
    from approxbounds.claims import CertificateError
    from approxbounds.lower.verify import verify_certificate_dict

    doc = lower_bound(Holder(1, 1.0), "1,16,1", norm=2).to_dict(alternatives=False)
    forged = {**doc, "proof": {**doc["proof"], "ingredients": {**doc["proof"]["ingredients"], "P": 5}}}
    with pytest.raises(CertificateError):
        verify_certificate_dict(forged)
    forged = {**doc, "proof": {**doc["proof"], "route": {"m": 3}}}      # fewer teeth than P
    with pytest.raises(CertificateError, match="counting"):
        verify_certificate_dict(forged)
    # a deeper network has more pieces: relabelling G is caught (the claim re-derives P)
    forged = {**doc, "claim": {**doc["claim"], "network_class": Architecture.parse("1,16,1").to_dict()}}
    assert verify_certificate_dict(forged)                     # the same class: fine
    forged["claim"]["network_class"] = Architecture.parse("1,16,16,1").to_dict()
    with pytest.raises(CertificateError):
        verify_certificate_dict(forged)


def test_ablation_rows_for_theorem_L():
    cert = lower_bound(Holder(2, 1.0), "2,35x9,1", norm=2)
    rows = ablation(cert)
    steps = [r.step for r in rows]
    assert steps == ["clipping / eps/4", "code distance delta", "tail bound and sample size",
                     "thresholds K", "capacity slack"]
    by = {r.step: r for r in rows}
    assert by["clipping / eps/4"].factor == pytest.approx(4)
    # each idealised step can only help; the route's delta is within the finer grid's best
    assert all(r.factor >= 1 - 1e-12 for r in rows)
    assert by["tail bound and sample size"].factor > 2          # the dominant loss here
    text = cert.explain()
    assert "Where the bound loses" in text and "NOT certified" in text
    assert "Where the bound loses" not in cert.explain(ablation=False)
    assert ablation(lower_bound(Holder(1, 1.0), "1,8,1", norm=2))[0].step == "P"
