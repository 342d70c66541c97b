"""Clean edges of the public API (issue 9 §3): very large p, very large d, the spec-string
and type checks of the entry points, pickling of every result object, and the process pool."""
import math
import pickle
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

import approxbounds as ab
from approxbounds.capacity import Architecture, log2_growth_bound, vcdim_bound
from approxbounds.lower import NoCertificateError, lower_bound


@pytest.mark.parametrize("p", [33, 1000, 1e5, 1e300, 1e308])
def test_very_large_p_is_certified_through_lemma_T_quickly(p):
    """Large p: the direct routes stop at P_DIRECT_MAX; Lemma T carries an L^q certificate
    (q <= 4) over to L^p. Each call (and its verification) is fast, whatever p."""
    t0 = time.perf_counter()
    cert = lower_bound(ab.Holder(2, 1.0), "2,10,1", norm=p)
    assert cert.transferred and cert.norm.p == float(p)
    assert cert.certified_norm.p <= 4
    assert cert.verify(dps=50)
    assert time.perf_counter() - t0 < 30   # generous: the budget is 2 s, see benchmarks
    # never weaker than the L^4 value it is carried over from: ||.||_4 <= ||.||_p
    assert cert.value >= lower_bound(ab.Holder(2, 1.0), "2,10,1", norm=4).value - 1e-15


@pytest.mark.parametrize("p", [33, 1e5, 1e300])
def test_theorem_P_is_direct_at_every_p_in_one_dimension(p):
    """Theorem P has no sampling step: it applies at any p directly and tends to its sup-norm
    value H/2 as p grows."""
    cert = lower_bound(ab.Holder(1, 1.0), "1,10,1", norm=p)
    assert cert.theorem == "P" and not cert.transferred and cert.verify(dps=30)
    sup = lower_bound(ab.Holder(1, 1.0), "1,10,1", norm="sup")
    assert cert.value <= sup.value * (1 + 1e-12) * (2 if p < 100 else 1.01)


def test_large_p_values_are_equal_beyond_the_direct_range():
    """Beyond P_DIRECT_MAX only Lemma T routes exist: the value is the same for every p."""
    values = {lower_bound(ab.Holder(2, 1.0), "2,10,1", norm=p).value for p in (100, 1e5, 1e300)}
    assert len(values) == 1


@pytest.mark.parametrize("bad", [math.nan, -math.inf, 0.5, "L2", None, True])
def test_bad_norms_name_the_parameter(bad):
    with pytest.raises((ValueError, TypeError), match="norm"):
        lower_bound(ab.Holder(1, 1.0), "1,10,1", norm=bad)


def test_holder_in_dimension_1000_is_certified():
    cert = lower_bound(ab.Holder(1000, 1.0), "1000,10,1", norm=2)
    assert cert.route["m"] == 2 and cert.value > 0
    assert cert.verify(dps=30)
    assert lower_bound(ab.Holder(1000, 1.0), "1000,10,1", norm="sup").value == 0.25


def test_holder_in_dimension_5000_gives_a_clean_error_in_L2():
    """2^5000 cells: the packing size is beyond the double range; no certificate is
    invented and no OverflowError escapes."""
    with pytest.raises(NoCertificateError, match="beyond the double range"):
        lower_bound(ab.Holder(5000, 1.0), "5000,10,1", norm=2)
    with pytest.raises(ValueError, match="m=3"):
        ab.Holder(1000, 1.0).packing(3, 2)


@pytest.mark.parametrize("F", [ab.Holder(10**12, 1.0), ab.Monotone(10**12)], ids=["holder", "monotone"])
@pytest.mark.parametrize("norm", [2, "sup"])
def test_astronomical_dimension_is_refused_in_the_log_domain(F, norm):
    """d = 10^12: the grid count m^d is compared with 2^1000 through d·ln m, never formed
    (forming 2^(10^12) exactly took hours: the search hung)."""
    from approxbounds.lower.storage import storage_lower_bound

    with pytest.raises(NoCertificateError, match="beyond the double range"):
        storage_lower_bound(F, 1000, norm)
    G = Architecture.mlp(10**12, [4], "relu")
    if isinstance(F, ab.Monotone) and norm == "sup":     # Lemma D needs no grid at all
        assert lower_bound(F, G, norm=norm).theorem == "D"
        return
    with pytest.raises(NoCertificateError, match="beyond the double range"):
        lower_bound(F, G, norm=norm)


def test_entry_points_say_what_they_expect():
    with pytest.raises(TypeError, match="F must be a function class"):
        lower_bound("holder", "1,10,1")
    with pytest.raises(TypeError, match="G must be a network class"):
        lower_bound(ab.Holder(1, 1.0), 3)
    with pytest.raises(TypeError, match="F must be a function class"):
        ab.rate("holder", "1,10,1")
    assert ab.rate(ab.Holder(2, 1.0), "2,10,1").G_name == ab.rate(
        ab.Holder(2, 1.0), Architecture.parse("2,10,1")).G_name


def _certify(args):
    d, arch, norm = args
    return lower_bound(ab.Holder(d, 1.0), arch, norm=norm)


def test_results_pickle_and_cross_a_process_pool():
    G = Architecture.parse("2,10,1")
    objects = [lower_bound(ab.Holder(2, 1.0), G, norm=2), ab.rate(ab.Monotone(2), G, 2),
               vcdim_bound(G), log2_growth_bound(G, 10**6), ab.Holder(2, 1.0).entropy_exponent(2)]
    for obj in objects:
        again = pickle.loads(pickle.dumps(obj))
        assert type(again) is type(obj)
    with ProcessPoolExecutor(max_workers=2) as pool:
        certs = list(pool.map(_certify, [(1, "1,8,1", 2), (2, "2,10,1", "sup")]))
    assert [c.to_dict() for c in certs] == [_certify(a).to_dict() for a in
                                            [(1, "1,8,1", 2), (2, "2,10,1", "sup")]]
    assert all(c.verify(dps=30) for c in certs)
