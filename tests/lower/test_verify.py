"""Verification: the claim is what is verified (forgeries of a hostile referee), and the
high-precision chain re-check catches consistent forgeries of the ingredients."""
import copy
import json
import math

import mpmath
import pytest

from approxbounds.capacity import Architecture
from approxbounds.capacity.recurrent import RecurrentArchitecture
from approxbounds.claims import CertificateError, ClaimError
from approxbounds.classes import DelayedHolder, DensityBounded, Holder, Lebesgue, Monotone
from approxbounds.lower import lower_bound
from approxbounds.lower.derive import derive
from approxbounds.capacity.growth import growth_model
from approxbounds.lower.tails import smallest_sample_size
from approxbounds.lower.theorems import LEMMA_T_STATEMENT, threshold_count
from approxbounds.lower.verify import check_chain, verify_certificate_dict
from approxbounds.norms import Norm

ARCH = "2,35x9,1"


def _doc(cert):
    """The certificate file as a referee receives it (JSON text parsed back)."""
    return json.loads(json.dumps(cert.to_dict(alternatives=False), allow_nan=False))


def _rejected(doc, match=None):
    with pytest.raises((CertificateError, ClaimError, ValueError), match=match):
        verify_certificate_dict(doc, dps=30)


# ============================================================ certificates of every route
def _with_alternatives(cert):
    return [cert, *cert.alternatives]


def _certs():
    hard = Architecture.parse("2,3,1", activation="hard_threshold")
    quant = Architecture.parse("2,10x2,1", bits=2, quantize="all")
    out = {
        "L": lower_bound(Holder(2, 1.0), "2,10,1", norm=2),
        "L_density": lower_bound(Holder(1, 0.5), "1,8,1", norm=1, measure=DensityBounded(1, 0.5)),
        "S": lower_bound(Holder(1, 0.1), "1,100,1", norm="sup"),
        "C": lower_bound(Holder(2, 1.0), quant, norm=2),
        "C_sup": [a for a in _with_alternatives(lower_bound(Holder(1, 1.0), Architecture.parse(
            "1,3,1", bits=1, quantize="all"), norm="sup")) if a.theorem == "C" and not a.transferred],
        "D": lower_bound(Monotone(2), "2,10,1", norm="sup"),
        "P": lower_bound(Holder(1, 0.5), "1,6,1", norm=2),
        "P_sup_threshold": lower_bound(Monotone(1), hard.__class__.parse("1,5,1", activation="hard_threshold"),
                                       norm="sup"),
        "P_density": lower_bound(Monotone(1), "1,4,3,1", norm=3, measure=DensityBounded(1, 0.25)),
        "T_L": lower_bound(Holder(2, 2.0), "2,10,1", norm=8),
        "T_sup": lower_bound(Monotone(2), hard, norm="sup"),
        # a recurrent class: N > 2^53, so the proof carries "N" with its exact "N_exact"
        "L_recurrent": lower_bound(DelayedHolder(1, 1.0, 2, 10), RecurrentArchitecture.hadamrnn(1, 8, 1, 10, bits=4),
                                   norm=2),
        "T_C": [a for a in [lower_bound(Holder(2, 1.0), quant, norm=4)] +
                lower_bound(Holder(2, 1.0), quant, norm=4).alternatives if a.transferred and a.theorem == "C"],
    }
    for key in ("C_sup", "T_C"):
        assert out[key], key
        out[key] = out[key][0]
    assert out["L"].theorem == "L" and not out["L"].transferred
    assert out["S"].theorem == "S" and out["C"].theorem == "C" and out["D"].theorem == "D"
    assert out["P"].theorem == out["P_sup_threshold"].theorem == out["P_density"].theorem == "P"
    assert out["T_L"].transferred and out["T_sup"].transferred
    return out


CERTS = _certs()


@pytest.mark.parametrize("name", sorted(CERTS))
def test_honest_certificates_verify(name):
    claim = verify_certificate_dict(_doc(CERTS[name]), dps=50)
    assert claim == CERTS[name].claim


# ============================================================ the property test
def _mutations(v):
    """Edits of one JSON value: other numbers, other types, other strings, other shapes."""
    if isinstance(v, bool):
        return [not v, int(v)]
    if isinstance(v, int):
        return [v + 1, v - 1, -v, 2 * v, float(v), str(v), None]
    if isinstance(v, float):
        return [v * (1 + 1e-9), v * 1.5, v / 2, -v, 0.0, math.inf, math.nan, str(v), None,
                int(v) if math.isfinite(v) else 0]
    if isinstance(v, str):
        return [v + "x", "", v.upper(), v[:-1], 1.0, None]
    if v is None:
        return [0, "sup", {}, {"name": "lebesgue", "d": 1}]
    if isinstance(v, list):
        return [v + v[-1:], v[:-1], list(reversed(v)), {}]
    if isinstance(v, dict):
        out = [{**v, "extra": 1}, []]
        out += [{k: x for k, x in v.items() if k != key} for key in v]
        return out
    raise AssertionError(type(v))


def _same(a, b):
    return type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))


@pytest.mark.parametrize("name", sorted(CERTS))
def test_every_edit_of_a_claim_leaf_is_rejected(name, json_edits):
    """Each leaf (and container) of the claim, edited in every way of _mutations, is rejected —
    except a lower value (a lower bound may be weakened), which verifies."""
    doc = _doc(CERTS[name])
    n_checked = 0
    for path, value in list(json_edits.leaves(doc["claim"], containers=True)):
        for new in _mutations(value):
            if _same(new, value):
                continue
            forged = json_edits.edited(doc, "claim", path, new)
            if path == ("value",) and isinstance(new, float) and 0 < new < value:
                assert verify_certificate_dict(forged, dps=30).value == new
                continue
            with pytest.raises((CertificateError, ClaimError, ValueError)):
                verify_certificate_dict(forged, dps=30)
            n_checked += 1
    assert n_checked > 60


@pytest.mark.parametrize("name", ["L", "L_recurrent"])
def test_every_edit_of_a_proof_leaf_is_rejected(json_edits, name):
    """The same for the proof of Theorem L certificates (route, ingredients, tags), including
    a number stored beside its ``_exact`` companion (editing either one is rejected)."""
    doc = _doc(CERTS[name])
    assert (name == "L_recurrent") == ("N_exact" in json.dumps(doc["proof"]))
    n = 0
    for path, value in list(json_edits.leaves(doc["proof"], containers=True)):
        for new in _mutations(value)[:3]:
            if _same(new, value) or not path:
                continue
            forged = json_edits.edited(doc, "proof", path, new)
            with pytest.raises((CertificateError, ClaimError, ValueError)):
                verify_certificate_dict(forged, dps=30)
            n += 1
    assert n > 100


# ============================================================ named forgeries (issue 9)
def test_forgery_function_class_relabelled():
    """Hölder alpha = 0.1 vs 1,100,1 in sup norm, value 0.213, relabelled alpha = 1: the true
    distance is <= 1/200 (piecewise-linear interpolation on 100 knots)."""
    cert = CERTS["S"]
    assert cert.value > 0.2
    doc = _doc(cert)
    doc["claim"]["function_class"]["alpha"] = 1.0
    _rejected(doc)


def test_forgery_network_class_relabelled_consistently():
    """An honest 1,1,1 certificate relabelled as the canonical description of 1,1000,1."""
    cert = lower_bound(Holder(1, 1.0), "1,1,1", norm="sup")
    doc = _doc(cert)
    doc["claim"]["network_class"] = Architecture.parse("1,1000,1").to_dict()
    _rejected(doc)
    doc = _doc(cert)
    doc["claim"]["network_class"]["widths"] = [1000, 1]   # inconsistent with the derived fields
    _rejected(doc, "network_class")


def test_forgery_norm_and_p_changed_together():
    """An L^2 certificate relabelled L^1 (the honest L^1 value is smaller)."""
    cert = lower_bound(Holder(2, 1.0), "2,10,1", norm=2)
    honest_l1 = lower_bound(Holder(2, 1.0), "2,10,1", norm=1).value
    assert honest_l1 < cert.value
    doc = _doc(cert)
    doc["claim"]["norm"] = 1
    doc["proof"]["ingredients"]["p"] = 1.0
    _rejected(doc)


def test_forgery_measure_string_changed():
    doc = _doc(CERTS["L"])
    doc["claim"]["measure"] = DensityBounded(2, 0.01).to_dict()
    _rejected(doc)
    doc = _doc(CERTS["L"])
    doc["claim"]["measure"] = "DensityBounded(kappa=0.01)"
    _rejected(doc, "measure")


@pytest.mark.parametrize("key,value", [("p", 1.0), ("measure", {"name": "density_bounded", "d": 2, "kappa": 0.5}),
                                       ("class_params", {"name": "Holder", "d": 2, "alpha": 0.5})])
def test_forgery_packing_description_changed(key, value):
    doc = _doc(CERTS["L"])
    doc["proof"]["ingredients"]["packing"]["ingredients"][key] = value
    _rejected(doc, "proof")


def test_forgery_transfer_with_q_and_p_rewritten():
    doc = _doc(CERTS["T_L"])
    q = doc["proof"]["route"]["certified_norm"]
    doc["claim"]["norm"] = 16
    doc["proof"]["route"]["certified_norm"] = 8
    doc["proof"]["ingredients"]["certified_norm"] = 8
    doc["proof"]["ingredients"]["transfer"].update(from_norm=8, to_norm=16)
    assert q != 8
    _rejected(doc)


def test_forgery_theorem_C_packing_p_changed_or_norm_set_to_sup():
    doc = _doc(CERTS["C"])
    doc["proof"]["ingredients"]["packing"]["ingredients"]["p"] = 1.0
    _rejected(doc, "proof")
    doc = _doc(CERTS["C"])
    doc["claim"]["norm"] = "sup"      # no transfer record
    doc["claim"]["measure"] = None
    _rejected(doc)


def test_forgery_lemma_D_for_a_class_that_is_not_monotone():
    cert = CERTS["D"]
    doc = _doc(cert)
    doc["claim"]["function_class"] = Holder(2, 1.0).to_dict()
    _rejected(doc, "witness")
    doc = _doc(cert)
    doc["claim"]["function_class"] = {"name": "Monotone-but-not", "d": 2}
    _rejected(doc, "function_class")


def test_forgery_tags_removed():
    for name in ("L", "S", "T_L"):
        doc = _doc(CERTS[name])
        tags = doc["proof"]["tags"]
        first = next(iter(tags))
        doc["proof"]["tags"] = {first: tags[first]}
        _rejected(doc, "proof")


def test_value_may_be_lowered_not_raised():
    doc = _doc(CERTS["L"])
    doc["claim"]["value"] *= 0.5
    assert verify_certificate_dict(doc, dps=30)
    doc = _doc(CERTS["L"])
    doc["claim"]["value"] *= 1.000001
    _rejected(doc, "value")


# ============================================================ the high-precision chain
def _derivation(cert):
    F, G, norm, mu = cert.objects()
    return derive(cert.theorem, F, G, norm, mu, cert.route), growth_model(G)


def _check(der, model, value=None, dps=50):
    return check_chain(der.theorem, der.norm, der.value if value is None else value, der.ingredients,
                       der.tags, der.recompute, model, dps)


def _reforge(ing, arch, eps=None, log2_m=None):
    """Change eps / log2 M and re-derive K, n, N, log2 Pi so that every later step holds."""
    if eps is not None:
        ing["eps"] = ing["packing"]["separation"] = eps
    if log2_m is not None:
        ing["log2_M"] = ing["packing"]["log2_size"] = log2_m
    ing["K"] = threshold_count(ing["eps"], ing["B"])
    ing["n"] = smallest_sample_size(ing["log2_M"], ing["eps"], ing["B"], ing["p"], ing["tail"])
    ing["N"] = ing["n"] * (ing["K"] - 1)
    model = growth_model(Architecture.parse(arch))
    with mpmath.workdps(50):
        ing["log2_Pi"] = float(model.log2_growth_mp(ing["capacity"]["method"], ing["N"]))
    return ing["eps"] / 4


@pytest.fixture(scope="module")
def der_L():
    return _derivation(lower_bound(Holder(2, 1), ARCH, norm=2))


def test_chain_accepts_the_honest_derivation(der_L):
    assert _check(*der_L)


def test_chain_catches_a_forged_separation(der_L):
    der, model = copy.deepcopy(der_L[0]), der_L[1]
    value = _reforge(der.ingredients, ARCH, eps=der.ingredients["eps"] * 1.5)
    with pytest.raises(CertificateError, match="packing separation"):
        _check(der, model, value)


def test_chain_catches_a_forged_packing_size(der_L):
    der, model = copy.deepcopy(der_L[0]), der_L[1]
    value = _reforge(der.ingredients, ARCH, log2_m=der.ingredients["log2_M"] * 1.01)
    with pytest.raises(CertificateError, match="packing size"):
        _check(der, model, value)


def test_chain_checks_the_range(der_L):
    der, model = copy.deepcopy(der_L[0]), der_L[1]
    der.ingredients["a"] = 0.1
    with pytest.raises(CertificateError, match="range"):
        _check(der, model)


def test_chain_recomputes_the_growth_bound_on_the_claimed_network(der_L):
    der = der_L[0]
    narrow = growth_model(Architecture.parse("2,9x9,1"))
    with pytest.raises(CertificateError, match="growth bound"):
        _check(der, narrow)


@pytest.mark.parametrize("field,delta", [("n", -1), ("K", -1), ("log2_Pi", -1e5)])
def test_chain_catches_tampered_numbers(der_L, field, delta):
    der, model = copy.deepcopy(der_L[0]), der_L[1]
    der.ingredients[field] = der.ingredients[field] + delta
    with pytest.raises(CertificateError):
        _check(der, model)


def test_sauer_dimension_rounding_is_rechecked():
    model = growth_model(Architecture.parse("1,4,4,1"))
    model.check_sauer_dimension(model.V)  # the true floor passes
    with pytest.raises(ValueError, match="Sauer dimension"):
        model.check_sauer_dimension(model.V - 1)


def test_chain_theorem_S_height_and_points_recomputed():
    der, model = _derivation(CERTS["S"])
    bad = copy.deepcopy(der)
    bad.ingredients["c"] = der.value * 1.01
    with pytest.raises(CertificateError, match="sign family"):
        _check(bad, model, der.value * 1.01)
    bad = copy.deepcopy(der)
    bad.ingredients["N_points"] += 1
    with pytest.raises(CertificateError, match="shattering"):
        _check(bad, model)


def test_chain_lemma_D_needs_the_networks_activation():
    der, _ = _derivation(CERTS["D"])
    hard = growth_model(Architecture.parse("2,10,1", activation="hard_threshold"))
    with pytest.raises(CertificateError, match="continuity"):
        _check(der, hard)


def test_chain_transfer_checks():
    der, model = _derivation(CERTS["T_L"])
    assert _check(der, model)
    bad = copy.deepcopy(der)
    del bad.tags[LEMMA_T_STATEMENT]
    with pytest.raises(CertificateError, match="tags"):
        _check(bad, model)
    bad = copy.deepcopy(der)
    bad.ingredients["transfer"]["measure"] = {"name": "density_bounded", "d": 1, "kappa": 2.0}
    with pytest.raises(CertificateError, match="probability measure"):
        _check(bad, model)
    bad = copy.deepcopy(der)
    bad.ingredients["transfer"]["to_norm"] = 4
    with pytest.raises(CertificateError, match="norm transfer"):
        _check(bad, model)
    with pytest.raises(CertificateError, match="q <= p"):   # claimed for L^1 < q
        check_chain(der.theorem, Norm.parse(1), der.value, der.ingredients, der.tags, der.recompute, model)
    with pytest.raises(CertificateError, match="value"):
        _check(der, model, der.value * 1.01)


def test_route_errors_name_the_route():
    cert = CERTS["L"]
    F, G, norm, mu = cert.objects()
    with pytest.raises(CertificateError, match="route"):
        derive("L", F, G, norm, mu, {**cert.route, "extra": 1})
    with pytest.raises(CertificateError, match="route.m"):
        derive("L", F, G, norm, mu, {**cert.route, "m": 0})
    with pytest.raises(CertificateError, match="counting"):
        derive("L", F, G, norm, mu, {**cert.route, "m": 1})
    with pytest.raises(CertificateError, match="norm transfer"):
        derive("L", F, G, norm, mu, {**cert.route, "certified_norm": 4, "certified_measure": Lebesgue(2).to_dict()})
