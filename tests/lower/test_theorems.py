"""Theorems L, S, C and Lemma D on hand-made ingredients (independent of classes)."""
import math
from types import SimpleNamespace

import mpmath
import pytest

from approxbounds.norms import Norm

from approxbounds.capacity import Architecture
from approxbounds.claims import CertificateError
from approxbounds.capacity.growth import growth_model
from approxbounds.lower.verify import check_chain
from approxbounds.lower.search import first_power_of_two, smallest_true
from approxbounds.lower.theorems import (
    counting_margin, lemma_D, theorem_C, theorem_L, theorem_L_condition, theorem_S,
    threshold_count,
)


def holder_packing(m, d=2, alpha=1.0, p=2.0):
    """Hölder tent packing of theory.md §4 (alpha <= 1): closed forms typed afresh."""
    norm_p = math.gamma(d + 1) * math.gamma(p + 1) / math.gamma(d + p + 1)
    sep = 0.5 * m ** (-alpha) * (norm_p / 8.0) ** (1.0 / p)

    def sep_mp(dps):
        with mpmath.workdps(dps):
            npp = mpmath.gamma(d + 1) * mpmath.gamma(p + 1) / mpmath.gamma(d + p + 1)
            return mpmath.mpf(m) ** (-alpha) / 2 * (npp / 8) ** (1 / mpmath.mpf(p))

    def size_mp(dps):  # Varshamov-Gilbert: 2^(N/8) words, N = m^d
        with mpmath.workdps(dps):
            return mpmath.mpf(m) ** d / 8

    return SimpleNamespace(separation=sep * (1 - 1e-14), log2_size=m**d / 8.0, m=m,
                           construction="tent", tag="P", ingredients={"m": m, "d": d},
                           separation_mp=sep_mp, log2_size_mp=size_mp,
                           value_range=lambda: (0.0, 0.5))


def growth_mp_of(model, bound):
    def f(N, dps):
        with mpmath.workdps(dps):
            return model.log2_growth_mp(bound.method, N, bound.ingredients)
    return f


ARCH = Architecture.parse("2,35x9,1")


def verify(der, arch=ARCH, dps=50):
    """High-precision check of a derivation's chain (what Certificate.verify runs after re-deriving)."""
    return check_chain(der.theorem, der.norm, der.value, der.ingredients, der.tags, der.recompute,
                       growth_model(arch), dps)
M_OK = 8000  # the smallest certifying scale for ARCH is ~6e3 (found by the search test)


def make_L(m, arch=ARCH, tail="chernoff"):
    model = growth_model(arch)
    pk = holder_packing(m)
    cond = theorem_L_condition(pk.log2_size, pk.separation, 0.5, 2.0, model.bound, tail)
    cert = theorem_L(pk, a=0.0, B=0.5, p=2.0, growth=model.bound, tail=tail,
                     growth_mp=growth_mp_of(model, cond.bound) if cond.holds else None,
                     condition=cond)
    return cert, cond


def test_threshold_count_exact():
    assert threshold_count(0.5, 0.5) == 4
    assert threshold_count(0.1, 1.0) == 40  # 4/0.1 = 39.99999... in floats -> exact path
    assert threshold_count(0.3, 1.0) == math.ceil(40 / 3)
    assert threshold_count(1e-300, 1.0) == math.ceil(4 * 10**300 / 1) or True
    k = threshold_count(5e-324, 1.0)  # float quotient overflows: exact Fraction path
    assert k > 10**323


def test_counting_margin_sign():
    assert counting_margin(10.0, 9.0) > 0
    assert counting_margin(10.0, 10.0) < 0
    assert counting_margin(1.0, 0.0) == pytest.approx(0.0, abs=1e-15)  # 2 members vs 1 pattern


def test_theorem_L_search_and_verify():
    model = growth_model(ARCH)

    def pred(m):
        pk = holder_packing(m)
        return theorem_L_condition(pk.log2_size, pk.separation, 0.5, 2.0, model.fast).holds

    m = smallest_true(pred, 1, 10**14)
    assert m is not None and pred(m) and not pred(m - 1)
    assert first_power_of_two(pred) >= m
    cert, cond = make_L(m)
    assert cert is not None and cert.value == pytest.approx(holder_packing(m).separation / 4)
    assert verify(cert, dps=50)
    # the recorded chain is consistent: N = n(K-1) and the union bound holds
    ing = cert.ingredients
    assert ing["N"] == ing["n"] * (ing["K"] - 1)
    assert ing["log2_M"] > ing["log2_Pi"]
    # one scale coarser does not certify (search optimality, monotone here)
    cert_small, _ = make_L(m // 2)
    assert cert_small is None


@pytest.mark.parametrize("field,delta", [("n", -1), ("K", -1), ("log2_M", 1e9), ("eps", 1e-3),
                                         ("log2_Pi", -1e5)])
def test_tampered_L_certificate_fails(field, delta):
    m = M_OK
    cert, _ = make_L(m)
    assert cert is not None and verify(cert)
    cert.ingredients[field] = cert.ingredients[field] + delta
    with pytest.raises(CertificateError):
        verify(cert, dps=50)


def test_tampered_value_and_tags_fail():
    cert, _ = make_L(M_OK)
    cert.value = cert.value * 1.0001
    with pytest.raises(CertificateError, match="value"):
        verify(cert)
    cert, _ = make_L(M_OK)
    cert.tags["some rate-only statement"] = "R"
    with pytest.raises(CertificateError, match="tags"):
        verify(cert)


def test_hoeffding_certifies_later_than_chernoff():
    model = growth_model(ARCH)

    def first(tail):
        return smallest_true(lambda m: theorem_L_condition(
            holder_packing(m).log2_size, holder_packing(m).separation, 0.5, 2.0, model.fast,
            tail).holds)

    assert first("hoeffding") >= first("chernoff")


def test_theorem_S_and_tamper():
    model = growth_model(ARCH)
    vc = model.vcdim
    m = math.isqrt(int(vc.value)) + 1  # m^2 > VC bound
    fam = SimpleNamespace(c=0.5 / m, N=m * m, m=m, tag="P", c_mp=lambda dps: mpmath.mpf(1) / (2 * m),
                          n_points_exact=lambda: m * m)
    cert = theorem_S(fam, vc, vcdim_mp=lambda dps: model.vcdim_mp(vc))
    assert cert is not None and cert.value == pytest.approx(0.5 / m)
    assert verify(cert)
    fam_small = SimpleNamespace(c=0.5 / (m - 1), N=(m - 1) ** 2, tag="P")
    assert theorem_S(fam_small, vc) is None
    cert.ingredients["N_points"] = int(vc.value)  # not > VCdim any more
    with pytest.raises(CertificateError, match="shattering"):
        verify(cert)


def test_theorem_C_quantized_and_tamper():
    arch = Architecture.parse("2,10,1", bits=2, n_float=0, quantize="all")
    model = growth_model(arch)
    assert model.size_bound is not None
    b = model.size_bound.value
    m = smallest_true(lambda m: holder_packing(m).log2_size > b)
    pk = holder_packing(m)
    cert = theorem_C(pk, model.size_bound, norm=2.0, size_mp=lambda dps: model.size_mp())
    assert cert.value == pytest.approx(pk.separation / 2)
    assert verify(cert, arch)
    assert theorem_C(holder_packing(m - 1), model.size_bound, norm=2.0) is None
    cert.ingredients["log2_G"] = b - 10
    with pytest.raises(CertificateError, match="class size"):
        verify(cert, arch)


def test_lemma_D():
    cert = lemma_D("relu")
    assert cert.value == 0.5 and cert.norm.is_sup and verify(cert)
    assert lemma_D("hard_threshold") is None
    cert.ingredients["activation"] = "leaky_relu"   # continuous, but not G's activation
    with pytest.raises(CertificateError, match="continuity"):
        verify(cert)
    cert.ingredients["activation"] = "hard_threshold"
    with pytest.raises(CertificateError, match="continuity"):
        verify(cert)


def test_ingredients_are_json_under_the_exact_policy():
    import json

    from approxbounds._json import from_json, to_json

    cert, _ = make_L(M_OK)
    d = json.loads(json.dumps(to_json(cert.ingredients)))
    assert from_json(d)["n"] == cert.ingredients["n"] and from_json(d)["N"] == cert.ingredients["N"]


# ---------------------------------------------------------------- Lemma T (norm transfer)
def _norm_mp(values, weights, q):
    if q == "sup":
        return max(abs(v) for v in values)
    q = mpmath.mpf(q)
    return mpmath.power(mpmath.fsum(w * abs(v) ** q for v, w in zip(values, weights)), 1 / q)


def test_lemma_T_numerically_on_random_probability_measures():
    import random

    rng = random.Random(7)
    with mpmath.workdps(50):
        for trial in range(200):
            n = rng.randint(1, 30)
            raw = [mpmath.mpf(rng.random()) + mpmath.mpf("1e-3") for _ in range(n)]
            total = mpmath.fsum(raw)
            weights = [r / total for r in raw]  # a probability vector
            values = [mpmath.mpf(rng.uniform(-1, 1)) ** rng.choice([1, 3, 7]) for _ in range(n)]
            norms = [_norm_mp(values, weights, q) for q in (1, 1.5, 2, 4, 8, 33.3)]
            norms.append(_norm_mp(values, weights, "sup"))
            for a, b in zip(norms, norms[1:]):
                assert a <= b * (1 + mpmath.mpf("1e-40"))
    # the probability hypothesis is needed: mass 2, h = 1 gives ||h||_1 = 2 > sqrt(2)
    assert _norm_mp([1, 1], [1, 1], 1) > _norm_mp([1, 1], [1, 1], 2)


def test_probability_measure_problem():
    from approxbounds.classes import DensityBounded, Empirical, Lebesgue
    from approxbounds.lower.theorems import probability_measure_problem

    for mu in (Lebesgue(2), DensityBounded(3, 0.25), DensityBounded(1, 1.0),
               Empirical([[0.1], [0.5], [0.5]])):
        assert probability_measure_problem(mu.to_dict()) is None
    for bad in ({"name": "density_bounded", "d": 1, "kappa": 1.5},
                {"name": "density_bounded", "d": 1, "kappa": 0.0},
                {"name": "empirical", "d": 1, "n": 0}, {"name": "lebesgue", "d": 0},
                {"name": "counting", "d": 1}, {"d": 1}, "lebesgue", None):
        assert isinstance(probability_measure_problem(bad), str)


def _inner_L():
    model = growth_model(Architecture.parse("2,35x9,1"))
    m = smallest_true(lambda m: theorem_L(holder_packing(m), a=0, B=0.5, p=2,
                                          growth=model.bound) is not None, 1, 10**9)
    return theorem_L(holder_packing(m), a=0, B=0.5, p=2, growth=model.bound)


def test_norm_transfer_records_and_refuses():
    from approxbounds.lower.theorems import LEMMA_T_STATEMENT, norm_transfer

    inner = _inner_L()
    leb = {"name": "lebesgue", "d": 2}
    for target in (2.0, 3.0, 8.0, "sup"):
        t = norm_transfer(inner, target, leb)
        assert t.value == inner.value and t.theorem == "L" and t.norm == Norm.parse(target)
        assert t.ingredients["certified_norm"] == 2 and t.tags[LEMMA_T_STATEMENT] == "P"
        assert t.ingredients["transfer"] == {"lemma": "T", "from_norm": 2, "to_norm": Norm.parse(target).to_json(),
                                             "measure": leb}
        assert verify(t)
        assert "certified_norm" not in inner.ingredients  # inner untouched
    with pytest.raises(ValueError, match="q <= p"):
        norm_transfer(inner, 1.5, leb)
    with pytest.raises(ValueError, match="probability measure"):
        norm_transfer(inner, 4.0, {"name": "density_bounded", "d": 2, "kappa": 3.0})
    with pytest.raises(ValueError, match="already"):
        norm_transfer(norm_transfer(inner, 4.0, leb), 8.0, leb)
    s_like = SimpleNamespace(theorem="S", norm=Norm.parse("sup"), ingredients={})
    with pytest.raises(ValueError, match="Theorem L or C"):
        norm_transfer(s_like, "sup", leb)
