"""Delayed and multi-lag Hölder classes on sequences: descriptions, bad input, the carry-over
of the Hölder packings (closed forms vs mpmath and vs Monte Carlo on i.i.d. sequences), sign
families and the i.i.d. sequence measure."""
import math

import mpmath
import numpy as np
import pytest

from approxbounds.classes import DensityBounded, Empirical, Holder, Lebesgue
from approxbounds.classes.bumps import tent_lp_norm_p_mp
from approxbounds.classes.measures import IIDSequence, measure_from_dict
from approxbounds.classes.registry import class_from_dict
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder, as_sequences


# ------------------------------------------------------------------ descriptions
@pytest.mark.parametrize("F", [DelayedHolder(1, 1.0, 10, 50), DelayedHolder(3, 2.5, 0, 1),
                               MultiLagHolder(2, 0.5, [7, 0, 3], 8)])
def test_round_trip_through_the_registry(F):
    desc = F.to_dict()
    G = class_from_dict(desc)
    assert type(G) is type(F) and G.to_dict() == desc and G == F
    assert F.domain[0] == "sequence" and F.domain[2] == F.length


def test_multilag_lags_are_sorted_and_non_canonical_descriptions_rejected():
    F = MultiLagHolder(1, 1.0, [5, 2], 10)
    assert F.lags == (2, 5) and F.to_dict()["lags"] == [2, 5]
    with pytest.raises(ValueError, match="canonical"):
        class_from_dict({"name": "MultiLagHolder", "d": 1, "alpha": 1.0, "lags": [5, 2], "length": 10})
    with pytest.raises(ValueError, match="unexpected"):
        class_from_dict({**DelayedHolder(1, 1.0, 1, 3).to_dict(), "extra": 1})
    with pytest.raises(ValueError, match="missing"):
        class_from_dict({"name": "DelayedHolder", "d": 1, "alpha": 1.0, "length": 3})


@pytest.mark.parametrize("args, name", [
    ((1, 1.0, 50, 50), "lag"), ((1, 1.0, 60, 50), "lag"), ((1, 1.0, -1, 50), "lag"),
    ((1, 1.0, 0, 0), "length"), ((0, 1.0, 0, 5), "d"), ((1, 0.0, 0, 5), "alpha"),
    ((1, 11.0, 0, 5), "alpha"),
])
def test_delayed_bad_input_names_the_parameter(args, name):
    with pytest.raises(ValueError, match=name):
        DelayedHolder(*args)


@pytest.mark.parametrize("lags, name", [([0, 0], "distinct"), ([], "at least one"), ([0, 9], "lag"),
                                        ([-1], "lags")])
def test_multilag_bad_input(lags, name):
    with pytest.raises(ValueError, match=name):
        MultiLagHolder(1, 1.0, lags, 9)
    with pytest.raises(TypeError, match="lags"):
        MultiLagHolder(1, 1.0, 3, 9)


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="length"):
        DelayedHolder(1, 1.0, 0, 5.0)
    with pytest.raises(TypeError, match="lag"):
        DelayedHolder(1, 1.0, True, 5)


# ------------------------------------------------------------------ the carry-over
def _sep_mp(d, alpha, m, p, dps=40):
    """Closed form of the tent packing's separation, recomputed here with mpmath:
    (max(delta N, 1) w)^(1/p), w = (h^alpha/2)^p h^d ||phi||_p^p, delta = 1/8, N = m^d."""
    with mpmath.workdps(dps):
        h = mpmath.mpf(1) / m
        w = (h ** alpha / 2) ** p * h ** d * tent_lp_norm_p_mp(d, p, dps)
        return (max(mpmath.mpf(m) ** d / 8, 1) * w) ** (1 / mpmath.mpf(p))


@pytest.mark.parametrize("F, dj", [(DelayedHolder(1, 1.0, 4, 9), 1), (DelayedHolder(2, 0.5, 0, 3), 2),
                                   (MultiLagHolder(1, 1.0, [0, 2], 5), 2), (MultiLagHolder(1, 0.7, [1, 3, 4], 6), 3)])
@pytest.mark.parametrize("p", [1.0, 2.0, 3.5])
def test_packing_numbers_are_the_holder_ones_on_the_product_cube(F, dj, p):
    pk = F.packing(6, p)
    ref = Holder(dj, F.alpha).packing(6, p)
    assert pk.separation == ref.separation and pk.log2_size == ref.log2_size
    assert pk.N == 6 ** dj and pk.D == ref.D
    exact = _sep_mp(dj, F.alpha, 6, p)
    assert pk.separation <= exact and float(abs(pk.separation_mp(40) - exact)) < 1e-30
    ing = pk.ingredients
    assert ing["class_params"] == F.to_dict()
    assert ing["measure"] == IIDSequence(Lebesgue(F.d), F.length).to_dict()
    assert ing["step_class_params"] == Holder(dj, F.alpha).to_dict()
    assert ing["lags"] == list(F.lags) and ing["length"] == F.length


@pytest.mark.parametrize("F", [DelayedHolder(1, 1.0, 3, 7), DelayedHolder(2, 1.0, 0, 2),
                               MultiLagHolder(1, 0.6, [0, 4], 6)])
@pytest.mark.parametrize("p", [1.0, 2.0, 4.0])
def test_monte_carlo_distance_on_sequences_matches_the_closed_form(F, p):
    """||f(x_{T-k}) - g(x_{T-k})||_{L^p(U^T)} = ||f - g||_{L^p(U)}: Monte Carlo over i.i.d.
    uniform sequences (every step random) against Ham * w computed with mpmath."""
    pk = F.packing(5, p)
    rng = np.random.default_rng(17)
    words = pk.code_words(3, rng)
    X = rng.random((60_000, F.length, F.d))
    vals = [pk.member(w)(X) for w in words]
    dj = F.d * len(F.lags)
    with mpmath.workdps(30):
        h = mpmath.mpf(1) / 5
        w = float((h ** F.alpha / 2) ** p * h ** dj * tent_lp_norm_p_mp(dj, p, 30))
    for i in range(3):
        for j in range(i + 1, 3):
            ham = int(np.count_nonzero(words[i] != words[j]))
            z = np.abs(vals[i] - vals[j]) ** p
            se = z.std(ddof=1) / math.sqrt(z.size)
            assert abs(z.mean() - ham * w) < 5 * se
            assert (ham * w) ** (1 / p) >= pk.separation
    assert pk.verify_separation(k=3, rng=2, n=40_000)["passed"]


def test_monte_carlo_check_detects_a_wrong_carry_over():
    """The Monte Carlo comparison has power: under a law that is not mu^T (the selected step
    fixed at a cell centre) the estimate is far from the closed form."""
    F = DelayedHolder(1, 1.0, 2, 5)
    pk = F.packing(4, 2.0)
    rng = np.random.default_rng(0)
    words = pk.code_words(2, rng)
    X = rng.random((20_000, 5, 1))
    X[:, F.positions[0], :] = 0.375   # degenerate law of the selected step (centre of cell 1)
    a, b = (pk.member(w)(X) for w in words)
    ham = int(np.count_nonzero(words[0] != words[1]))
    w = math.exp(pk.inner._con.ln_cell_weight(4, 2.0))
    assert abs(np.mean((a - b) ** 2) - ham * w) > 0.5 * ham * w   # far from the closed form


def test_sup_norm_packing_and_its_check():
    F = MultiLagHolder(1, 1.0, [0, 1], 3)
    pk = F.packing(4, "sup")
    assert pk.separation == Holder(2, 1.0).packing(4, "sup").separation
    assert pk.log2_size == 16.0
    assert pk.verify_separation(k=4, rng=0)["passed"]


def test_members_read_only_the_selected_steps():
    F = MultiLagHolder(2, 1.0, [0, 3], 6)
    f = F.packing(3, 2.0).random_members(1, rng=1)[0]
    rng = np.random.default_rng(3)
    X = rng.random((500, 6, 2))
    Y = rng.random((500, 6, 2))
    Y[:, list(F.positions), :] = X[:, list(F.positions), :]
    assert np.array_equal(f(X), f(Y))
    g = Holder(4, 1.0).packing(3, 2.0).member(f.code_word)
    assert np.array_equal(f(X), g(np.concatenate([X[:, 5, :], X[:, 2, :]], axis=1)))
    with pytest.raises(ValueError, match="shape"):
        f(rng.random((10, 5, 2)))


def test_as_sequences_accepts_two_dimensional_input_for_d_1():
    assert as_sequences(np.zeros((4, 7)), 7, 1).shape == (4, 7, 1)
    with pytest.raises(ValueError, match="shape"):
        as_sequences(np.zeros((4, 7)), 7, 2)


def test_membership_is_the_holder_check():
    F = DelayedHolder(2, 1.5, 1, 4)
    assert F.packing(3, 2.0).verify_membership(rng=0).passed


def test_sign_family_values_at_its_sequences():
    F = MultiLagHolder(1, 1.0, [1, 2], 4)
    fam = F.sign_family(3)
    ref = Holder(2, 1.0).sign_family(3)
    assert fam.N == 9 and fam.c == ref.c and fam.n_points_exact() == 9
    X = fam.sequences(rng=0)
    assert X.shape == (9, 4, 1)
    signs = np.random.default_rng(1).choice([-1.0, 1.0], size=9)
    assert np.allclose(fam.member(signs)(X), signs * fam.c, rtol=0, atol=1e-15)
    assert fam.ingredients["class_params"] == F.to_dict()
    assert fam.verify_membership(rng=0).passed


def test_density_bounded_and_empirical_steps():
    F = MultiLagHolder(1, 1.0, [0, 1, 2], 3)
    mu = IIDSequence(DensityBounded(1, 0.3), 3)
    pk = F.packing(4, 2.0, mu)
    kappa3 = pk.inner.measure.kappa
    from fractions import Fraction
    assert Fraction(kappa3) <= Fraction(0.3) ** 3 and kappa3 > 0.3 ** 3 * (1 - 1e-15)
    leb = F.packing(4, 2.0)
    assert pk.separation == pytest.approx(leb.separation * kappa3 ** 0.5, rel=1e-10)
    pts = np.random.default_rng(0).random((30, 1))
    G = DelayedHolder(1, 1.0, 2, 3)
    pk1 = G.packing(4, 2.0, IIDSequence(Empirical(pts), 3))
    assert pk1.inner.measure.to_dict() == Empirical(pts).to_dict()
    pk2 = MultiLagHolder(1, 1.0, [0, 2], 3).packing(3, 2.0, IIDSequence(Empirical(pts[:5]), 3))
    assert pk2.inner.measure.n == 25
    with pytest.raises(ValueError, match="points"):
        F.packing(3, 2.0, IIDSequence(Empirical(np.random.default_rng(0).random((100, 1))), 3))


def test_measure_must_match_the_domain():
    F = DelayedHolder(1, 1.0, 0, 5)
    with pytest.raises(ValueError, match="sequence"):
        F.packing(3, 2.0, IIDSequence(Lebesgue(1), 6))
    with pytest.raises(TypeError, match="IIDSequence"):
        F.packing(3, 2.0, Lebesgue(1))
    assert F.default_measure() == IIDSequence(Lebesgue(1), 5)


def test_iid_sequence_measure_description_and_sampling():
    mu = IIDSequence(DensityBounded(2, 0.5), 4)
    assert mu.domain == ("sequence", 2, 4)
    assert measure_from_dict(mu.to_dict()) == mu
    with pytest.raises(ValueError, match="canonical|d"):
        measure_from_dict({**mu.to_dict(), "d": 3})
    with pytest.raises(ValueError, match="cube measure"):
        measure_from_dict({"name": "iid_sequence", "d": 2, "length": 4, "base": mu.to_dict()})
    with pytest.raises(ValueError, match="length"):
        IIDSequence(Lebesgue(1), 0)
    with pytest.raises(ValueError, match="DensityBounded"):
        mu.sample(3, 0)
    X = IIDSequence(Lebesgue(2), 4).sample(1000, 0)
    assert X.shape == (1000, 4, 2) and 0 <= X.min() and X.max() < 1


def test_scales_and_packing_lower():
    F = DelayedHolder(1, 1.0, 3, 10)
    fam = F.packing_scales(2.0)
    ref = Holder(1, 1.0).packing_scales(2.0)
    for m in (1, 7, 1000, 10**12):
        assert fam.separation(m) == ref.separation(m) and fam.log2_size(m) == ref.log2_size(m)
    assert fam.packing(9).separation == F.packing(9, 2.0).separation
    pk = F.log2_packing_lower(1e-3, 2.0)
    assert pk.separation > 1e-3 and pk.log2_size == Holder(1, 1.0).log2_packing_lower(1e-3, 2.0).log2_size


def test_entropy_exponent_is_that_of_the_product_cube():
    assert float(MultiLagHolder(2, 0.5, [0, 1, 2], 4).entropy_exponent(2).exponent) == 12.0
    assert DelayedHolder(1, 1.0, 0, 2).entropy_exponent("sup").tag == "R"
