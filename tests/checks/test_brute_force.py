import numpy as np
import pytest

from approxbounds.checks.brute_force import tiny_network_breakpoints, tiny_network_values


def test_theorem_c_results(by_name):
    res = by_name["theorem_c"]
    assert len(res) == 10 and all(r.passed for r in res)
    assert {r.claim.split()[1] for r in res} == {"C", "L"}
    for r in res:
        n = r.numbers
        assert n["true_sup_inf"] >= n["certified"] and n["ratio"] >= 1.0
        assert n["members"] == 2 ** 8 + 1 > n["distinct_nets"]
        assert n["min_pairwise"] >= n["separation"]
    # with the finer level set the networks come close: sup-norm ratio is near 1 (not vacuous)
    assert min(r.numbers["ratio"] for r in res) < 1.2


def test_theorem_s_results(by_name):
    res = by_name["theorem_s"]
    assert len(res) == 3 and all(r.passed for r in res)
    assert all(r.numbers["violations"] == 0 for r in res)
    assert sum(r.numbers["close_pairs"] for r in res) > 0       # the implication was exercised
    for r in res:
        assert r.numbers["patterns_on_centres"] < r.numbers["two_pow_N"]
        assert r.numbers["true_sup_inf"] >= r.numbers["c"]


def test_tiny_network_values_match_direct_evaluation():
    levels = (-1.0, 0.5, 2.0)
    x = np.array([0.0, 0.3, 1.0])
    vals = tiny_network_values(2, levels, x)
    assert vals.shape == (3 ** 7, 3)
    seen = set()
    # parameter order: w (k), b (k), v (k), c -- the first parameter varies fastest
    rng = np.random.default_rng(0)
    for idx in rng.integers(0, 3 ** 7, size=25):
        digits = [(idx // 3 ** i) % 3 for i in range(7)]
        w, b, v, c = ([levels[d] for d in digits[0:2]], [levels[d] for d in digits[2:4]],
                      [levels[d] for d in digits[4:6]], levels[digits[6]])
        direct = sum(v[u] * np.maximum(w[u] * x + b[u], 0) for u in range(2)) + c
        np.testing.assert_allclose(vals[idx], direct, rtol=0, atol=1e-15)
        seen.add(idx)
    assert len(seen) > 10


def test_breakpoints_and_validation():
    assert tiny_network_breakpoints((-1.0, 0.0, 1.0)).size == 0
    np.testing.assert_allclose(tiny_network_breakpoints((-0.25, 0.5, 1.0)), [0.25, 0.5])
    with pytest.raises(ValueError, match="levels"):
        tiny_network_values(1, (0, 1, 2, 3, 4), [0.5])
    with pytest.raises(ValueError, match="hidden"):
        tiny_network_values(4, (0, 1), [0.5])
