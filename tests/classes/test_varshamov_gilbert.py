import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.classes.varshamov_gilbert import (
    binary_entropy,
    code_has_min_distance,
    code_log2_size,
    greedy_code,
    gv_log2_size_entropy,
    gv_log2_size_exact,
    gv_size_exact,
    hamming_ball_volume,
    min_pairwise_distance,
    vg_log2_size,
    vg_min_distance,
)


def test_ball_volume_small():
    assert hamming_ball_volume(10, 3) == 1 + 10 + 45 + 120
    assert hamming_ball_volume(5, 9) == 32
    assert hamming_ball_volume(5, -1) == 0


def test_vg_proof_steps_exact_integers():
    """Each step of the proof in docs/function_classes.md, exactly, for N = 8..400."""
    for N in range(8, 401):
        D = vg_min_distance(N)
        r = D - 1
        V = hamming_ball_volume(N, r)
        # step 2: entropy bound V(N, r) <= N^N / (r^r (N-r)^(N-r)) = 2^{N H(r/N)}, r <= N/2
        assert V * (r**r) * (N - r) ** (N - r) <= N**N
        # step 3: r/N < 1/8, so 2^{N H(r/N)} <= 2^{N H(1/8)}: N^N/(r^r(N-r)^(N-r)) <= 8^N/7^{7N/8}
        # checked in integer form with 8th powers: (N^N)^8 * 7^(7N) <= 8^(8N) * (r^r (N-r)^(N-r))^8
        assert (N**N) ** 8 * 7 ** (7 * N) <= 8 ** (8 * N) * (r**r * (N - r) ** (N - r)) ** 8
        # step 4: GV size 2^N / V >= 2^{N/8}  <=>  2^{7N} >= V^8
        assert 2 ** (7 * N) >= V**8
        assert gv_log2_size_exact(N, D) >= vg_log2_size(N)
        assert gv_log2_size_exact(N, D) >= gv_log2_size_entropy(N, 0.125) - 1e-9


@pytest.mark.parametrize("N", [8, 9, 12, 14, 16])
def test_greedy_code_meets_vg(N):
    D = vg_min_distance(N)
    code = greedy_code(N, D)
    assert code.size >= 2 ** (N / 8)
    assert code.size >= gv_size_exact(N, D)
    assert code_has_min_distance(code, N, D)
    if code.size <= 400:
        assert min_pairwise_distance(code) >= D


def test_greedy_code_n20_and_larger_distance():
    code = greedy_code(20, 3)
    assert code.size >= gv_size_exact(20, 3) and code_has_min_distance(code, 20, 3)
    code = greedy_code(12, 5)
    assert min_pairwise_distance(code) >= 5 and code.size >= gv_size_exact(12, 5)


def test_code_check_detects_violation():
    assert not code_has_min_distance(np.array([0b0000, 0b0011]), 4, 3)
    assert min_pairwise_distance(np.array([[0, 1, 1], [1, 1, 1]])) == 1


def test_binary_entropy():
    assert binary_entropy(0.5) == 1.0
    assert binary_entropy(0.125) == pytest.approx(0.5435644431995964, rel=1e-14)
    assert binary_entropy(0.0) == 0.0


def test_code_log2_size_choice():
    v, method = code_log2_size(10**4)
    assert method == "gilbert_varshamov_entropy" and v == pytest.approx(4564.3556, rel=1e-6)
    assert v >= vg_log2_size(10**4)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.sampled_from([0.05, 0.125, 0.25, 0.5]))
def test_entropy_form_below_exact(N, delta):
    D = max(1, math.ceil(delta * N))
    assert gv_log2_size_entropy(N, delta) <= gv_log2_size_exact(N, D) + 1e-9


def test_huge_N_finite():
    v = gv_log2_size_entropy(1e42, 0.125)
    assert math.isfinite(v) and v > 0


def test_bad_input():
    with pytest.raises(ValueError, match="N"):
        vg_log2_size(7)
    with pytest.raises(ValueError, match="delta"):
        gv_log2_size_entropy(10, 0.6)
    with pytest.raises(ValueError, match="D"):
        gv_size_exact(5, 6)
