import math

import numpy as np
import pytest

from approxbounds.classes import Empirical, Holder, Monotone
from approxbounds.classes.varshamov_gilbert import min_pairwise_distance


def test_code_words_are_separated():
    for P in (Holder(2, 1.0).packing(5, 2), Holder(1, 0.5).packing(12, 1), Monotone(3).packing(3, 2, construction="B")):
        words = P.code_words(6, rng=0)
        assert words.shape[1] == P.N_grid and set(np.unique(words)) <= {0, 1}
        assert min_pairwise_distance(words) >= P.D


def test_member_is_vectorised_and_validated():
    P = Holder(1, 1.0).packing(4, 2)
    f = P.member(np.array([1, 0, 1, 0]))
    x = np.linspace(0, 1, 9)
    y = f(x)
    assert y.shape == (9,)
    assert y[1] == pytest.approx(0.5 * 0.25)  # centre of cell 0: ½ h^α
    with pytest.raises(ValueError, match="code_word"):
        P.member([1, 0])
    with pytest.raises(ValueError, match="code_word"):
        P.member([2, 0, 0, 0])
    with pytest.raises(ValueError, match="x"):
        Holder(2, 1.0).packing(2, 2).member(np.zeros(4))(np.zeros((3, 3)))


def test_random_members_pairwise_distance_formula():
    P = Holder(2, 0.5).packing(3, 2)
    mems = P.random_members(3, rng=4)
    diff = np.abs(mems[0].code_word - mems[1].code_word).sum()
    exact = (diff * math.exp(P.ingredients["ln_cell_weight"])) ** 0.5
    g = (np.arange(96) + 0.5) / 96
    xx = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    num = np.mean((mems[0](xx) - mems[1](xx)) ** 2) ** 0.5
    assert num == pytest.approx(exact, rel=1e-2) and exact >= P.separation


def test_scales_iteration_and_to_dict():
    fam = Holder(2, 1.0).packing_scales(2, m_values=[1, 2, 10, 100])
    pts = list(fam)
    assert [q.m for q in pts] == [1, 2, 10, 100]
    assert pts[-1].separation == pytest.approx(Holder(2, 1.0).packing(100, 2).separation)
    default = Holder(2, 1.0).packing_scales(2).default_m_values()
    assert default[0] == 1 and default[-1] <= 10**14 and default == sorted(default)
    dct = Holder(2, 1.0).packing(10, "sup").to_dict()
    assert dct["p"] == "sup" and dct["tag"] == "P" and dct["log2_size"] == 100


def test_empirical_lower_search():
    rng = np.random.default_rng(5)
    E = Empirical(rng.uniform(size=(200, 1)))
    F = Holder(1, 1.0)
    P = F.log2_packing_lower(1e-3, 2, E)
    assert P.separation > 1e-3 and P.log2_size > 1
    assert P.verify_separation(k=3, rng=0).passed
    empty = Holder(1, 1.0).packing(3, 2, Empirical([[1 / 3], [2 / 3]]))  # points on cell faces
    assert empty.N == 0 and empty.log2_size == 0.0


def test_verify_separation_fails_for_wrong_claim():
    P = Holder(1, 1.0).packing(6, 2)
    P.separation *= 100  # an inflated claim must be caught
    assert not P.verify_separation(rng=0).passed


def test_packing_rebuilds_from_its_description_and_recomputes_its_size():
    import mpmath

    from approxbounds.classes import DensityBounded, Holder, Monotone
    from approxbounds.classes.registry import packing_from_dict, sign_family_from_dict

    cases = [(Holder(2, 0.5), 2.0, None), (Holder(1, 2.5), 1.0, DensityBounded(1, 0.3)),
             (Monotone(3), 4.0, None), (Monotone(2), "sup", None)]
    for F, p, mu in cases:
        for name in F.constructions_for(p):
            pk = F.packing(7, p, mu, name)
            again = packing_from_dict(pk.ingredients)
            assert again.m == pk.m and again.construction == pk.construction
            assert again.separation == pk.separation and again.log2_size == pk.log2_size
            assert pk.value_range() == (pk._con.low, pk._con.high)
            lo, hi = pk.value_range()
            assert F.a <= lo and hi <= F.a + F.B
            exact = pk.log2_size_mp(50)
            assert pk.log2_size <= exact <= pk.log2_size * (1 + 1e-9) + 1e-9
            if p != "sup":  # N (1 - H(1/8)), typed afresh
                with mpmath.workdps(50):
                    q = mpmath.mpf(1) / 8
                    h = -q * mpmath.log(q, 2) - (1 - q) * mpmath.log(1 - q, 2)
                    assert abs(exact - pk.N * (1 - h)) < mpmath.mpf(10) ** -30
            else:
                assert exact == pk.N
    fam = Holder(2, 1).sign_family(5)
    again = sign_family_from_dict(fam.ingredients)
    assert again.n_points_exact() == fam.N == 25 and again.c == fam.c
