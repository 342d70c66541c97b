"""Empirical sanity checks: sign patterns of tiny ReLU networks found by search, and whole
enumerations of tiny quantized classes, against the core's capacity bounds.

Where the exact growth at the chosen points is known in closed form, the search is also
checked to find *exactly* that many patterns: this validates the search and the forward
pass (a wrong forward pass would produce impossible patterns, a weak search too few).
"""
import itertools
import math
import zlib

import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.capacity.empirical import (
    CheckResult,
    check_quantized_class,
    check_sign_patterns,
    count_sign_patterns,
    default_checks,
    enumerate_quantized_class,
    find_sign_patterns,
    sauer_sum,
)

X10 = np.linspace(0.0, 1.0, 10)


def _bits(codes, n):
    return (np.asarray(codes)[:, None] >> np.arange(n)) & 1


def _sign_changes(codes, n):
    return (np.diff(_bits(codes, n), axis=1) != 0).sum(axis=1)


def _at_most_changes(n, c):
    """Label vectors on n ordered points with at most c label changes: 2 sum_{j<=c} C(n-1, j)."""
    return 2 * sum(math.comb(n - 1, j) for j in range(c + 1))


# ---------------------------------------------------------------- exact known growth (1-D)

def test_one_relu_unit_gives_exactly_the_monotone_patterns():
    # g = v relu(wx + b) + c is monotone in x: {g > 0} is a prefix or a suffix
    arch = Architecture.parse("1,1,1")
    codes = find_sign_patterns(arch, X10, 20000, rng=0)
    assert codes.size == _at_most_changes(10, 1) == 20
    assert _sign_changes(codes, 10).max() == 1


@pytest.mark.parametrize("activation", ["relu", "hard_threshold"])
def test_two_units_give_exactly_the_patterns_with_two_changes(activation):
    # 2 hidden units -> 3 pieces; for ReLU the slopes of the 3 pieces cannot alternate in
    # sign (the middle slope is the sum of the outer ones, or an outer piece is flat), for
    # the hard threshold g is a step function with 2 steps: at most 2 label changes.
    # Every pattern with <= 2 changes is realised (a bump, a dip, a step).
    arch = Architecture.parse("1,2,1", activation=activation)
    codes = find_sign_patterns(arch, X10, 30000, rng=1)
    assert _sign_changes(codes, 10).max() == 2
    assert codes.size == _at_most_changes(10, 2) == 92


def test_three_relu_units_have_more_patterns_but_at_most_four_changes():
    arch = Architecture.parse("1,3,1")
    codes = find_sign_patterns(arch, X10, 40000, rng=2)
    assert _sign_changes(codes, 10).max() <= 4        # 4 linear pieces
    assert codes.size > _at_most_changes(10, 2)       # strictly richer than 2 units
    assert codes.size <= _at_most_changes(10, 4)


def test_linear_classifier_in_the_plane_matches_cover_count():
    # no hidden layer: halfplanes; N points in general position (a regular polygon) have
    # exactly 2 sum_{i<=2} C(N-1, i) linear dichotomies (Cover 1965)
    n = 10
    ang = 2 * np.pi * np.arange(n) / n
    pts = np.c_[np.cos(ang), np.sin(ang)]
    assert count_sign_patterns(Architecture.parse("2,1"), pts, 20000, rng=3) == 92
    # one hidden ReLU unit: {v relu(w.x + b) + c > 0} is still a halfplane, empty or all
    assert count_sign_patterns(Architecture.parse("2,1,1"), pts, 20000, rng=4) == 92


def test_search_is_reproducible_and_structured_search_helps():
    arch = Architecture.parse("1,3,1")
    a = find_sign_patterns(arch, X10, 5000, rng=7)
    b = find_sign_patterns(arch, X10, 5000, rng=7)
    assert np.array_equal(a, b)
    plain = count_sign_patterns(arch, X10, 5000, rng=7, structured=False)
    assert a.size > plain


# ---------------------------------------------------------------- against the bounds

CASES = [
    ("1,1,1", "relu", 10),
    ("1,2,1", "relu", 10),
    ("1,3,1", "relu", 10),
    ("2,2,1", "relu", 10),
    ("2,3,1", "relu", 8),
    ("1,2,2,1", "relu", 10),
    ("1,1,1", "hard_threshold", 30),   # here the BHLM product bound is the best bound
]


@pytest.mark.parametrize("spec,activation,n", CASES)
@pytest.mark.parametrize("thresholded", [False, True])
def test_found_patterns_never_exceed_the_bounds(spec, activation, n, thresholded):
    arch = Architecture.parse(spec, activation=activation)
    rng = np.random.default_rng(zlib.crc32(f"{spec}-{activation}-{n}".encode()))
    pts = np.linspace(0.0, 1.0, n) if arch.d_in == 1 else rng.random((n, arch.d_in))
    thr = rng.normal(size=n) if thresholded else None
    res = check_sign_patterns(arch, pts, 20000, rng=rng, thresholds=thr)
    assert isinstance(res, CheckResult)
    assert res.passed, str(res)
    num = res.numbers
    assert 2 <= num["count"] <= 2 ** n
    assert num["count"] <= num["sauer"]
    assert num["log2_count"] <= num["log2_growth_bound"] + 1e-9
    assert "PASS" in str(res)


def test_nontrivial_growth_bound_is_respected():
    # hard-threshold [1,1,1]: on 30 points BHLM's product bound (< 2^30) is the winner
    from approxbounds.capacity import log2_growth_bound
    arch = Architecture.parse("1,1,1", activation="hard_threshold")
    bound = log2_growth_bound(arch, 30, thresholded=False)
    assert bound.method == "bhlm2019_product" and bound.value < 30
    count = count_sign_patterns(arch, np.linspace(0, 1, 30), 20000, rng=5)
    assert count == 60                  # prefixes and suffixes: the exact growth here
    assert math.log2(count) <= bound.value


def test_sauer_sum_small_values():
    assert sauer_sum(10, 3) == 176
    assert sauer_sum(5, 9) == 32
    assert sauer_sum(7, 0) == 1
    assert all(sauer_sum(n, v) == sum(math.comb(n, i) for i in range(min(n, v) + 1))
               for n in range(12) for v in range(12))


# ---------------------------------------------------------------- quantized enumeration

def test_enumeration_of_one_unit_class_by_hand():
    # [1,1,1], all 4 parameters in {-1, 0, 1}: g(x) = v relu(w x + b) + c
    arch = Architecture.parse("1,1,1", bits=2, quantize="all")
    e = enumerate_quantized_class(arch, (-1, 0, 1), points=[-1.0, 0.0, 1.0])
    assert e.n_parameter_vectors == 81 and e.n_params == 4 and e.n_levels == 3
    # brute force in pure Python on the same points
    funcs = set()
    for w in (-1, 0, 1):
        for b in (-1, 0, 1):
            for v in (-1, 0, 1):
                for c in (-1, 0, 1):
                    funcs.add(tuple(v * max(w * x + b, 0) + c for x in (-1, 0, 1)))
    assert e.n_functions == len(funcs)
    pats = {tuple(int(y > 0) for y in f) for f in funcs}
    assert e.n_patterns == len(pats)


@pytest.mark.parametrize("spec,bits,quantize,levels", [
    ("1,2,1", 2, "all", (-1, 0, 1)),
    ("2,2,1", 1, "all", (-1, 1)),
    ("2,2,1", 2, "all", (-1, 0, 1)),
    ("1,2,1", 2, "all", (-1.5, -0.5, 0.5, 1.5)),
    ("2,3,1", 2, "weights", (-1, 0, 1)),      # n_float = 0: biases fixed at 0
])
def test_quantized_class_within_counting_bound(spec, bits, quantize, levels):
    kw = {"n_float": 0} if quantize == "weights" else {}
    arch = Architecture.parse(spec, bits=bits, quantize=quantize, **kw)
    res = check_quantized_class(arch, levels)
    assert res.passed, str(res)
    num = res.numbers
    assert num["n_parameter_vectors"] == len(levels) ** arch.n_quantized
    assert 1 <= num["n_functions"] <= num["n_parameter_vectors"]
    assert math.log2(num["n_functions"]) <= num["log2_class_size"] + 1e-12
    assert num["log2_class_size"] == bits * arch.n_quantized
    assert num["n_patterns"] <= min(num["n_functions"], 2 ** num["N"])


def test_enumeration_with_thresholds_matches_direct_evaluation():
    arch = Architecture.parse("2,2,1", bits=1, quantize="all")
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    thr = np.array([0.5, -0.5, 1.5, 0.0])
    e = enumerate_quantized_class(arch, (-1, 1), points=pts, thresholds=thr)
    pats = set()
    for th in itertools.product((-1.0, 1.0), repeat=arch.W):
        w1 = np.array(th[:4]).reshape(2, 2)
        b1 = np.array(th[4:6])
        v = np.array(th[6:8])
        c = th[8]
        g = np.maximum(pts @ w1.T + b1, 0) @ v + c
        pats.add(tuple(g > thr))
    assert e.n_patterns == len(pats)


def test_default_checks_all_pass_and_are_deterministic():
    a = default_checks(seed=1, n_samples=3000)
    b = default_checks(seed=1, n_samples=3000)
    assert len(a) == 15 and all(isinstance(r, CheckResult) for r in a)
    assert all(r.passed for r in a), "\n".join(map(str, a))
    assert [r.numbers for r in a] == [r.numbers for r in b]


# ---------------------------------------------------------------- bad input

def test_bad_input_raises_naming_the_parameter():
    arch = Architecture.parse("1,2,1")
    with pytest.raises(ValueError, match="points"):
        count_sign_patterns(arch, np.zeros((3, 2)), 10)
    with pytest.raises(ValueError, match="number of points"):
        count_sign_patterns(arch, np.linspace(0, 1, 70), 10)
    with pytest.raises(ValueError, match="thresholds"):
        count_sign_patterns(arch, X10, 10, thresholds=[0.0, 1.0])
    with pytest.raises(ValueError, match="n_samples"):
        count_sign_patterns(arch, X10, 0)
    with pytest.raises(TypeError, match="rng"):
        count_sign_patterns(arch, X10, 10, rng="seed")
    with pytest.raises(ValueError, match="points must be finite"):
        count_sign_patterns(arch, [0.0, np.nan], 10)
    with pytest.raises(ValueError, match="hidden units"):
        count_sign_patterns(Architecture.parse("1,20,1"), X10, 10)
    with pytest.raises(ValueError, match="activation"):
        count_sign_patterns(Architecture.parse("1,2,1", activation="leaky_relu"), X10, 10)
    with pytest.raises(ValueError, match="finite class"):
        enumerate_quantized_class(arch, (-1, 0, 1))
    q = Architecture.parse("1,2,1", bits=1, quantize="all")
    with pytest.raises(ValueError, match="levels"):
        enumerate_quantized_class(q, (-1, 0, 1))
    with pytest.raises(ValueError, match="distinct"):
        enumerate_quantized_class(q, (1, 1))
    with pytest.raises(ValueError, match="enumerate"):
        enumerate_quantized_class(Architecture.parse("2,8,1", bits=2, quantize="all"),
                                  (-1, 0, 1))
