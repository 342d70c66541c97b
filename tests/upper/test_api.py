"""upper_bound and band: choices, errors, and the band's consistency."""
import math

import pytest

import approxbounds as ab
from approxbounds.capacity import Architecture
from approxbounds.classes import Holder, Monotone
from approxbounds.upper import Band, NoConstructionError, SoundnessError, band, upper_bound


def test_top_level_exports():
    assert ab.upper_bound is upper_bound and ab.band is band
    assert ab.UpperCertificate.__name__ == "UpperCertificate"


def test_best_construction_is_chosen():
    cert = upper_bound(Holder(1, 1.0), "1,100,1", "sup")
    assert cert.theorem == "PL" and cert.route == {"pieces": 100}
    assert cert.value == pytest.approx(1 / 200)
    thr = upper_bound(Holder(1, 0.5), Architecture.parse("1,16,1", activation="hard_threshold"), "sup")
    assert thr.theorem == "ST" and thr.route["variant"] == "midrange"          # h^a/2 < (h/2)^a
    mono = upper_bound(Monotone(1), "1,100,1", 1)
    assert mono.theorem == "PL" and mono.value == pytest.approx(1 / 200)      # 1/(2n) beats 1/(2(K+1))
    assert upper_bound(Monotone(1), "1,100,1", 2).theorem == "RI"
    assert upper_bound(Monotone(1), "1,100,1", 2).value == pytest.approx(1 / (100 * 3 ** 0.5))


def test_no_construction_is_invented():
    with pytest.raises(NoConstructionError, match="grid"):
        upper_bound(Holder(1, 1.0), Architecture.parse("1,8,1", bits=3, quantize="all"), 2)
    with pytest.raises(NoConstructionError, match="outputs"):
        upper_bound(Holder(1, 1.0), "1,8,2", 2)
    # quantized weights with full-precision biases: only the constant network
    c = upper_bound(Holder(1, 1.0), Architecture.parse("1,8,1", bits=3), "sup")
    assert c.theorem == "U0" and c.value == pytest.approx(0.5, rel=1e-11)
    assert all(a.theorem == "U0" for a in c.alternatives)


def test_bad_input():
    with pytest.raises(TypeError, match="function class"):
        upper_bound("holder", "1,8,1", 2)
    with pytest.raises(TypeError, match="network class"):
        upper_bound(Holder(1, 1.0), 8, 2)
    with pytest.raises(ValueError, match="norm"):
        upper_bound(Holder(1, 1.0), "1,8,1", 0.5)
    with pytest.raises(ValueError, match="input dimension"):
        upper_bound(Holder(2, 1.0), "1,8,1", 2)


def test_band():
    b = band(Holder(1, 1.0), "1,16,1", 2)
    assert b.lower.value <= b.upper.value and b.gap == pytest.approx(b.upper.value / b.lower.value)
    d = b.to_dict()
    assert set(d) == {"lower", "upper", "gap"} and d["gap"] == b.gap
    assert d["lower"]["claim"]["statement"] == "lower" and d["upper"]["claim"]["statement"] == "upper"
    assert b.verify(dps=30)
    back = Band.from_dict(d)
    assert back.gap == b.gap
    with pytest.raises(ValueError, match="gap"):
        Band.from_dict({**d, "gap": d["gap"] * 2})
    assert "gap" in b.summary()


def test_band_refuses_inconsistent_pairs():
    lo = band(Holder(1, 1.0), "1,4,1", 2).lower
    up = upper_bound(Holder(1, 1.0), "1,1000,1", 2)
    with pytest.raises(ValueError, match="same F, G"):
        Band(lo, up)
    up_same = upper_bound(Holder(1, 1.0), "1,4,1", 2)
    fake = type(lo)(lo.claim.with_value(up_same.value * 2), lo.route, lo.ingredients, lo.tags)
    with pytest.raises(SoundnessError):
        Band(fake, up_same)


def test_cache_returns_independent_copies():
    a = upper_bound(Holder(1, 1.0), "1,8,1", 2)
    a.route["pieces"] = 3
    b = upper_bound(Holder(1, 1.0), "1,8,1", 2)
    assert b.route == {"pieces": 8} and not math.isnan(b.value)
