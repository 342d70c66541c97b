import itertools

import numpy as np

from approxbounds.checks.counting import _intervals, trace_count, vc_dimension


def test_results(by_name):
    for name in ("sauer", "sauer_enumerated", "varshamov_gilbert"):
        assert all(r.passed for r in by_name[name]), name
    (vg,) = by_name["varshamov_gilbert"]
    assert vg.numbers["min_log2_excess_over_N_over_8"] > 0
    (en,) = by_name["sauer_enumerated"]
    assert en.numbers["classes_attaining_bound"] >= 1 and en.numbers["min_bound_over_count"] >= 1


def test_vc_dimension_known_classes():
    cube = np.array(list(itertools.product([0, 1], repeat=4)))
    assert vc_dimension(cube) == 4
    assert vc_dimension(np.eye(5, dtype=int)) == 1
    assert vc_dimension(np.vstack([np.zeros(5, int), np.eye(5, dtype=int)])) == 1
    assert vc_dimension(np.zeros((1, 3), int)) == 0
    assert vc_dimension(_intervals(7, 1)) == 2
    assert vc_dimension(_intervals(7, 2)) == 4


def test_intervals_count_is_sauer_tight():
    # intervals on N points: C(N+1, 2) + 1 label vectors = Phi(N, 2)
    for N in (5, 8):
        assert trace_count(_intervals(N, 1)) == N * (N + 1) // 2 + 1 == 1 + N + N * (N - 1) // 2


def test_trace_count_deduplicates():
    assert trace_count(np.array([[0, 1], [0, 1], [1, 1]])) == 2
