"""Upper certificates: the claim is what is verified (property test over every claim leaf,
named forgeries), and the mpmath re-check catches consistent edits of the ingredients."""
import copy
import json

import pytest

from approxbounds.capacity import Architecture
from approxbounds.claims import CertificateError, ClaimError
from approxbounds.classes import DensityBounded, Holder, Monotone
from approxbounds.upper import upper_bound
from approxbounds.upper.verify import verify_upper_dict


def _thr(spec):
    return Architecture.parse(spec, activation="hard_threshold")


def _certs():
    out = {
        "PL": upper_bound(Holder(1, 1.0), "1,16,1", 2),
        "PL_deep_sup": upper_bound(Holder(1, 0.5), "1,8,8,1", "sup"),
        "PL_alpha2": upper_bound(Holder(1, 2.0), "1,10,1", 4),
        "RQ_relu": upper_bound(Monotone(1), "1,2,1", 4),
        "RI": upper_bound(Monotone(1), "1,16,1", 4),
        "RQ_thr": upper_bound(Monotone(1), _thr("1,16,1"), "sup"),
        "ST_d1": upper_bound(Holder(1, 0.5), _thr("1,9,1"), "sup"),
        "ST_d2": upper_bound(Holder(2, 1.0), _thr("2,12,30,1"), 1),
        "KT": upper_bound(Holder(2, 1.0), "2,40,60,30,1", "sup"),
        "U0": upper_bound(Monotone(1), "1,4,1", "sup"),
        "PL_density": upper_bound(Holder(1, 1.0), "1,16,1", 2, DensityBounded(1, 0.5)),
    }
    assert out["KT"].theorem == "KT" and out["ST_d2"].theorem == "ST" and out["U0"].theorem == "U0"
    assert out["RQ_relu"].theorem == "RQ" and out["PL_density"].theorem == "PL"
    assert out["RI"].theorem == "RI"
    return out


CERTS = _certs()


def _doc(cert):
    return json.loads(json.dumps(cert.to_dict(alternatives=False), allow_nan=False))


def _rejected(doc, match=None):
    with pytest.raises((CertificateError, ClaimError, ValueError), match=match):
        verify_upper_dict(doc, dps=30)


@pytest.mark.parametrize("name", sorted(CERTS))
def test_honest_certificates_verify(name):
    cert = CERTS[name]
    assert verify_upper_dict(_doc(cert), dps=50) == cert.claim
    assert cert.verify(dps=30)                                  # with its alternatives


def _mutations(value):
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1, float(value)]
    if isinstance(value, float):
        return [value * 1.5, value * 0.5, value + 1.0]
    if isinstance(value, str):
        return [value + "x", "sup" if value != "sup" else "2"]
    if value is None:
        return [0, {"name": "lebesgue", "d": 1}]
    return []


@pytest.mark.parametrize("name", ["PL", "RQ_relu", "RI", "ST_d2", "KT", "PL_density"])
def test_every_claim_leaf_edit_is_rejected(name, json_edits):
    doc = _doc(CERTS[name])
    n = 0
    for path, value in json_edits.leaves(doc["claim"]):
        for new in _mutations(value):
            bad = json_edits.edited(doc, "claim", path, new)
            if path == ("value",) and isinstance(new, (int, float)) and new >= value:
                verify_upper_dict(bad, dps=30)          # raising an upper bound keeps it true
                continue
            _rejected(bad)
            n += 1
    assert n > 20


@pytest.mark.parametrize("name", ["PL", "KT"])
def test_every_proof_leaf_edit_is_rejected(name, json_edits):
    doc = _doc(CERTS[name])
    n = 0
    for path, value in json_edits.leaves(doc["proof"]):
        for new in _mutations(value)[:1]:
            bad = json_edits.edited(doc, "proof", path, new)
            _rejected(bad)
            n += 1
    assert n > 10


def test_named_forgeries():
    doc = _doc(CERTS["PL"])
    # a 1,16,1 certificate relabelled 1,1000,1 (a smaller value is true there, this one is not re-derived)
    bad = copy.deepcopy(doc)
    bad["claim"]["network_class"] = Architecture.parse("1,1000,1").to_dict()
    _rejected(bad, "claim|proof")
    # relabelled to a narrower class the construction does not fit
    bad = copy.deepcopy(doc)
    bad["claim"]["network_class"] = Architecture.parse("1,4,1").to_dict()
    _rejected(bad)
    # L^2 relabelled L^1 together with its restated claim
    bad = copy.deepcopy(doc)
    bad["claim"]["norm"] = 1
    bad["proof"]["ingredients"]["restated_claim"]["norm"] = 1
    _rejected(bad)
    # alpha relabelled (0.5 has a larger true bound)
    bad = copy.deepcopy(doc)
    bad["claim"]["function_class"]["alpha"] = 0.5
    bad["proof"]["ingredients"]["restated_claim"]["function_class"]["alpha"] = 0.5
    _rejected(bad)
    # lowering the value
    bad = copy.deepcopy(doc)
    bad["claim"]["value"] *= 0.999
    _rejected(bad, "below")
    # the statement turned into a lower bound
    bad = copy.deepcopy(doc)
    bad["claim"]["statement"] = "lower"
    _rejected(bad)
    # tags dropped
    bad = copy.deepcopy(doc)
    bad["proof"]["tags"] = {}
    _rejected(bad)
    # a consistent edit of the stored bound and the value: caught by the mpmath re-check
    bad = copy.deepcopy(doc)
    bad["proof"]["ingredients"]["lebesgue_bound"] *= 0.5
    _rejected(bad)
    # a density certificate relabelled Lebesgue
    dd = _doc(CERTS["PL_density"])
    dd["claim"]["measure"] = {"name": "lebesgue", "d": 1}
    dd["proof"]["ingredients"]["restated_claim"]["measure"] = {"name": "lebesgue", "d": 1}
    _rejected(dd)


def test_lower_certificate_is_not_an_upper_one():
    from approxbounds.lower import lower_bound

    low = lower_bound(Holder(1, 1.0), "1,16,1", 2).to_dict(alternatives=False)
    with pytest.raises(ValueError, match="upper"):
        verify_upper_dict(low)
    with pytest.raises(ValueError, match="dps"):
        verify_upper_dict(_doc(CERTS["PL"]), dps=5)
