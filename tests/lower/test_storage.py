"""The storage floor eps(B): Theorem C against every network stored in B bits."""
import copy
import json

import mpmath
import pytest

from approxbounds.claims import CertificateError, ClaimError
from approxbounds.classes import Holder, Monotone
from approxbounds.classes.bumps import tent_lp_norm_p_mp
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder
from approxbounds.lower import Certificate
from approxbounds.lower.storage import log_spaced_bits, storage_class_for, storage_floor, storage_lower_bound


def _floor_oracle(d, alpha, p, B, delta, dps=40):
    """Independent evaluation for the code distance delta of the certificate's route: the
    smallest m with m^d (1 - H(delta)) > B, then half the tent packing's separation
    (max(delta m^d, 1) w(m))^(1/p) at that m (mpmath)."""
    from fractions import Fraction

    fr = Fraction(delta)
    with mpmath.workdps(dps):
        q = mpmath.mpf(fr.numerator) / fr.denominator
        rate = 1 - (-q * mpmath.log(q, 2) - (1 - q) * mpmath.log(1 - q, 2))
        m = 1
        while not mpmath.mpf(m) ** d * rate > B:
            m += 1
        h = mpmath.mpf(1) / m
        w = (h ** alpha / 2) ** p * h ** d * tent_lp_norm_p_mp(d, p, dps)
        return m, (max(q * mpmath.mpf(m) ** d, 1) * w) ** (1 / mpmath.mpf(p)) / 2


@pytest.mark.parametrize("F, d", [(Holder(2, 1.0), 2), (DelayedHolder(1, 0.5, 10, 50), 1),
                                  (MultiLagHolder(1, 1.0, [0, 5], 20), 2)])
@pytest.mark.parametrize("p", [1.0, 2.0])
@pytest.mark.parametrize("B", [100, 40_000])
def test_floor_is_theorem_C_and_matches_the_oracle(F, d, p, B):
    cert = storage_lower_bound(F, B, norm=p)
    assert cert.theorem == "C" and not cert.transferred
    delta = cert.route.get("delta", cert.ingredients["packing"]["ingredients"]["delta"])
    m, val = _floor_oracle(d, F.alpha, p, B, delta)
    assert cert.route["m"] == m
    assert cert.value <= val and cert.value == pytest.approx(float(val), rel=1e-10)
    assert cert.verify(dps=50)
    assert cert.claim.network_class == {"kind": "storage", "bits": B, "domain": list(storage_class_for(F, B).domain)}


def test_floor_decreases_with_bits_and_sup_norm_uses_theorem_S():
    F = DelayedHolder(1, 1.0, 3, 8)
    rows = storage_floor(F, [10, 100, 1000, 10_000], norm=2)
    vals = [r["value"] for r in rows]
    assert all(a > b for a, b in zip(vals, vals[1:]))
    sup = storage_lower_bound(F, 1000, norm="sup")
    # Theorem S: N = m > VCdim <= B bumps of height m^-1/2 -> m = B + 1
    assert sup.theorem == "S" and sup.route["m"] == 1001 and sup.value == pytest.approx(0.5 / 1001, rel=1e-12)
    assert any(a.theorem == "C" for a in sup.alternatives)
    assert sup.verify()


def test_bad_bits():
    with pytest.raises(ValueError, match="bits"):
        storage_lower_bound(Holder(1, 1.0), 0)
    with pytest.raises(TypeError, match="bits"):
        storage_lower_bound(Holder(1, 1.0), 10.5)


def test_json_round_trip_and_forgeries():
    cert = storage_lower_bound(DelayedHolder(1, 1.0, 10, 50), 5000, norm=2)
    data = json.loads(json.dumps(cert.to_dict()))
    assert Certificate.from_dict(data).verify()
    # more bits than the proof was run for: the counting step fails
    forged = copy.deepcopy(data)
    forged["claim"]["network_class"]["bits"] = 10**6
    with pytest.raises((CertificateError, ClaimError)):
        Certificate.from_dict(forged).verify()
    # fewer bits (a true but different claim): the stored proof is not the re-derived one
    forged = copy.deepcopy(data)
    forged["claim"]["network_class"]["bits"] = 4000
    with pytest.raises((CertificateError, ClaimError)):
        Certificate.from_dict(forged).verify()
    # another sequence length for G: domains disagree
    forged = copy.deepcopy(data)
    forged["claim"]["network_class"]["domain"] = ["sequence", 1, 51]
    with pytest.raises(ClaimError, match="network_class"):
        Certificate.from_dict(forged).verify()
    # another lag for F
    forged = copy.deepcopy(data)
    forged["claim"]["function_class"]["lag"] = 11
    with pytest.raises((CertificateError, ClaimError)):
        Certificate.from_dict(forged).verify()
    # the measure's step law
    forged = copy.deepcopy(data)
    forged["claim"]["measure"]["base"] = {"name": "density_bounded", "d": 1, "kappa": 0.5}
    with pytest.raises((CertificateError, ClaimError)):
        Certificate.from_dict(forged).verify()
    # a larger value
    forged = copy.deepcopy(data)
    forged["claim"]["value"] = data["claim"]["value"] * 1.001
    with pytest.raises(CertificateError, match="value"):
        Certificate.from_dict(forged).verify()
    # a smaller value is a weaker, still certified claim
    weaker = copy.deepcopy(data)
    weaker["claim"]["value"] = data["claim"]["value"] / 2
    assert Certificate.from_dict(weaker).verify()


def test_monotone_sup_norm_against_storage_class_gives_no_lemma_D():
    """A stored network need not be continuous: Lemma D must not apply, and nothing crashes."""
    cert = storage_lower_bound(Monotone(2), 50, norm="sup")
    assert cert.theorem != "D" and cert.verify()


def test_log_spaced_bits():
    v = log_spaced_bits(10, 10**6, 7)
    assert v[0] == 10 and v[-1] == 10**6 and v == sorted(set(v))
    assert log_spaced_bits(5, 5, 3) == [5]
