"""Review tests for Certificate.verify: every ingredient is recomputed, not trusted."""
import copy
import json

import mpmath
import pytest

from approxbounds.capacity import Architecture
from approxbounds.classes import Holder, Monotone
from approxbounds.lower import lower_bound
from approxbounds.lower.certificate import Certificate, CertificateError
from approxbounds.lower.growth_model import growth_model
from approxbounds.lower.tails import smallest_sample_size
from approxbounds.lower.theorems import lemma_D, threshold_count

ARCH = "2,35x9,1"


@pytest.fixture(scope="module")
def cert_L():
    return lower_bound(Holder(2, 1), ARCH, norm=2)


def _json(cert):
    c = Certificate.from_dict(json.loads(json.dumps(cert.to_dict(alternatives=False))))
    assert c.verify()
    return c


def _live(cert):
    c = copy.deepcopy(cert)
    c.recompute = cert.recompute
    c.alternatives = []
    return c


def _reforge(c, eps=None, log2_m=None):
    """Change eps / log2 M and re-derive K, n, N, log2 Pi so that every later step holds."""
    ing = c.ingredients
    if eps is not None:
        ing["eps"] = ing["packing"]["separation"] = eps
    if log2_m is not None:
        ing["log2_M"] = ing["packing"]["log2_size"] = log2_m
    ing["K"] = threshold_count(ing["eps"], ing["B"])
    ing["n"] = smallest_sample_size(ing["log2_M"], ing["eps"], ing["B"], ing["p"], ing["tail"])
    ing["N"] = ing["n"] * (ing["K"] - 1)
    model = growth_model(Architecture.parse(ARCH))
    with mpmath.workdps(50):
        ing["log2_Pi"] = float(model.log2_growth_mp(ing["capacity"]["method"], ing["N"]))
    c.value = ing["eps"] / 4


@pytest.mark.parametrize("mode", ["live", "json"])
def test_forged_separation_is_caught(cert_L, mode):
    c = _live(cert_L) if mode == "live" else _json(cert_L)
    _reforge(c, eps=cert_L.ingredients["eps"] * 1.5)
    with pytest.raises(CertificateError, match="packing separation"):
        c.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_forged_packing_size_is_caught(cert_L, mode):
    c = _live(cert_L) if mode == "live" else _json(cert_L)
    _reforge(c, log2_m=cert_L.ingredients["log2_M"] * (1 + 1e-6))
    with pytest.raises(CertificateError, match="packing size"):
        c.verify()


def test_packing_size_is_recomputed_at_high_precision(cert_L):
    N = cert_L.ingredients["packing"]["ingredients"]["N"]
    with mpmath.workdps(50):
        q = mpmath.mpf(1) / 8
        exact = N * (1 + q * mpmath.log(q, 2) + (1 - q) * mpmath.log(1 - q, 2))
        got = cert_L.recompute["log2_size_mp"](50)
        assert abs(got - exact) < mpmath.mpf(10) ** -30
        assert cert_L.ingredients["log2_M"] <= got


@pytest.mark.parametrize("mode", ["live", "json"])
def test_range_a_is_checked(cert_L, mode):
    c = _live(cert_L) if mode == "live" else _json(cert_L)
    c.ingredients["a"] = 0.25  # members take values in [0, 1/2], not in [1/4, 3/4]
    with pytest.raises(CertificateError, match="range"):
        c.verify()


def test_live_certificate_checks_the_stored_network(cert_L):
    c = _live(cert_L)
    c.ingredients["network"]["widths"] = [35, 1]
    c.ingredients["network"].pop("W", None)
    with pytest.raises(CertificateError, match="growth bound"):
        c.verify()


def test_sauer_dimension_rounding_is_rechecked():
    model = growth_model(Architecture.parse("1,4,4,1"))
    model.check_sauer_dimension(model.V)  # the true floor passes
    with pytest.raises(ValueError, match="Sauer dimension"):
        model.check_sauer_dimension(model.V - 1)


def test_theorem_S_json_height_and_points_recomputed():
    cert = lower_bound(Holder(2, 1), ARCH, norm="sup")
    assert cert.theorem == "S"
    c = _json(cert)
    c.ingredients["c"] = c.value = cert.value * 1.01
    with pytest.raises(CertificateError, match="sign family"):
        c.verify()
    c = _json(cert)
    c.ingredients["N_points"] += 1
    with pytest.raises(CertificateError, match="shattering"):
        c.verify()


def test_lemma_D_cross_checks_network_and_class():
    cert = lower_bound(Monotone(2), Architecture.parse("2,10,1", activation="relu"), norm="sup")
    assert cert.theorem == "D" and cert.verify()
    c = copy.deepcopy(cert)
    c.ingredients["network"]["activation"]["name"] = "hard_threshold"
    with pytest.raises(CertificateError, match="continuity"):
        c.verify()
    bad = lemma_D("relu", function_class="Holder(d=2, alpha=1)")
    with pytest.raises(CertificateError, match="witness"):
        bad.verify()


# ---------------------------------------------------------------- Lemma T (norm transfer)
@pytest.fixture(scope="module")
def cert_T():
    c = lower_bound(Holder(1, 2), "1,33,1", norm=8)
    assert c.transferred and c.certified_norm == 2.0
    return c


@pytest.fixture(scope="module")
def cert_T_sup():
    c = lower_bound(Monotone(2), Architecture.parse("2,3,1", activation="hard_threshold"),
                    norm="sup")
    assert c.transferred
    return c


def _copy(cert, mode):
    return _live(cert) if mode == "live" else _json(cert)


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_verifies_live_and_after_json(cert_T, cert_T_sup, mode):
    assert _copy(cert_T, mode).verify(dps=50)
    assert _copy(cert_T_sup, mode).verify(dps=60)


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_q_above_p_fails(cert_T, mode):
    c = _copy(cert_T, mode)
    # claim the L^2 chain for L^1 (q = 2 > p = 1): consistent record, wrong direction
    c.norm = 1.0
    c.ingredients["transfer"]["to_norm"] = 1.0
    with pytest.raises(CertificateError, match="norm transfer.*q <= p"):
        c.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_certified_norm_above_p_fails(cert_T, mode):
    c = _copy(cert_T, mode)
    for key in ("certified_norm", "p"):
        c.ingredients[key] = 16.0
    c.ingredients["transfer"]["from_norm"] = 16.0
    with pytest.raises(CertificateError, match="q <= p"):
        c.verify()
    c2 = _copy(cert_T, mode)
    c2.ingredients["certified_norm"] = 4.0  # record and chain disagree
    with pytest.raises(CertificateError, match="norm transfer"):
        c2.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_sup_to_finite_below_q_fails(cert_T_sup, mode):
    c = _copy(cert_T_sup, mode)
    q = c.certified_norm
    assert q > 1
    c.norm = q / 2
    c.measure = c.ingredients["transfer"]["certified_measure"]
    c.ingredients["transfer"]["to_norm"] = c.norm
    with pytest.raises(CertificateError, match="q <= p"):
        c.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_needs_lemma_tag(cert_T, mode):
    from approxbounds.lower.theorems import LEMMA_T_STATEMENT

    c = _copy(cert_T, mode)
    del c.tags[LEMMA_T_STATEMENT]
    with pytest.raises(CertificateError, match="tags"):
        c.verify()


@pytest.mark.parametrize("desc", [
    {"name": "density_bounded", "d": 1, "kappa": 2.0},  # mass > 1
    {"name": "counting", "d": 1},  # not a probability measure
    {"name": "empirical", "d": 1, "n": 0},
    {"name": "density_bounded", "d": 1, "kappa": 0.5},  # probability, but not the packing's
    None,
])
def test_transfer_needs_the_probability_measure_of_the_packing(cert_T, desc):
    c = _copy(cert_T, "live")
    c.ingredients["transfer"]["measure"] = desc
    with pytest.raises(CertificateError, match="probability measure"):
        c.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_stripping_the_transfer_record_fails(cert_T, mode):
    c = _copy(cert_T, mode)
    del c.ingredients["certified_norm"], c.ingredients["transfer"]
    with pytest.raises(CertificateError, match="norm"):
        c.verify()


def test_stripped_transferred_theorem_C_fails():
    G = Architecture.parse("2,10x2,1", bits=2, quantize="all")
    cert = lower_bound(Holder(2, 1.0), G, norm=4)
    tc = [a for a in [cert, *cert.alternatives] if a.transferred and a.theorem == "C"]
    assert tc and all(a.verify() for a in tc)
    c = _live(tc[0])
    del c.ingredients["certified_norm"], c.ingredients["transfer"]
    with pytest.raises(CertificateError, match="norm"):
        c.verify()


@pytest.mark.parametrize("mode", ["live", "json"])
def test_transfer_inner_chain_is_rechecked_at_q(cert_T, mode):
    c = _copy(cert_T, mode)
    c.value = c.value * 1.01  # above eps_q / 4
    with pytest.raises(CertificateError, match="value"):
        c.verify()
    c2 = _copy(cert_T, mode)
    c2.ingredients["eps"] *= 1.5
    with pytest.raises(CertificateError):
        c2.verify()


def test_transfer_of_a_sup_norm_theorem_is_refused(cert_T):
    c = _live(cert_T)
    c.theorem = "S"
    with pytest.raises(CertificateError, match="norm transfer"):
        c.verify()
