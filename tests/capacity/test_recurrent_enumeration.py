"""Enumeration checks of the recurrent capacity bounds on tiny classes (issue 10 §2).

Every discrete part (sign vectors, integer levels of U, V, W) is enumerated exhaustively, the
continuous parts (scales, biases, modReLU offsets) are searched densely (a grid plus random
draws over several magnitudes), on random point sets ``(x^(j), tau_j)``. The numbers of label
vectors found never exceed the certified bounds of Theorem R, for the whole thresholded class
and stage by stage; the printed ratios say how close they come (``-s`` to see them).

At these sizes the whole-class bound is close to ``N`` bits unless ``N`` is large, so the
stage-level counts (where the bounds are far below ``2^N``) are the sharp checks: the read-out
stage of HadamRNN reaches the central-arrangement count exactly, whatever ``T``.
"""
import itertools
import math

import numpy as np
import pytest

from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.capacity.recurrent import quantizer_levels
from approxbounds.capacity.sauer import sauer_sum_exact
from approxbounds.nn.hadamard import sylvester


def _levels(bits):
    lv = quantizer_levels(bits)
    return np.arange(-(lv // 2), lv - lv // 2, dtype=float)      # -1..1 (ternary) or -2^{p-1}..


def _continuous_samples(rng, dim, n_random, grid_values=(-2.0, -0.5, 0.0, 0.5, 2.0), grid_dims=None):
    """Grid over the first ``grid_dims`` coordinates (others random) plus random draws whose
    magnitudes span 10^-2..10^2 (log-uniform), so that thin cells are visited too."""
    grid_dims = dim if grid_dims is None else grid_dims
    grid = np.array(list(itertools.product(grid_values, repeat=grid_dims)))
    if grid_dims < dim:
        grid = np.hstack([grid, rng.standard_normal((len(grid), dim - grid_dims))])
    scale = 10.0 ** rng.uniform(-2, 2, size=(n_random, 1))
    rand = rng.standard_normal((n_random, dim)) * scale
    return np.vstack([grid, rand])


def _patterns(labels):
    """Distinct rows of a boolean (samples, N) array, as a set of bytes."""
    packed = np.packbits(labels, axis=1)
    return {row.tobytes() for row in packed}


def _report(name, found, log2_bound, N):
    print(f"{name}: found {found} label vectors = 2^{math.log2(max(found, 1)):.2f}, "
          f"bound 2^{log2_bound:.2f} (N = {N}, trivial 2^{N})")


# ---------------------------------------------------------------- HadamRNN (linear recurrence)
def _hadamrnn_hidden_maps(s, Ut, X):
    """For a fixed discrete part: h_T(x) = A b + alpha_U v(x) (docs §9.4). Returns (A, v)."""
    n = s.size
    W = (s[:, None] * sylvester(n, np.float64)) / math.sqrt(n)
    T = X.shape[1]
    A = sum(np.linalg.matrix_power(W, k) for k in range(T))
    v = np.zeros((X.shape[0], n))
    for t in range(T):
        v = v @ W.T + X[:, t] @ Ut.T
    return A, v


def _hadamrnn_search(n, d, T, bits, N, n_random, rng, *, grid_dims=5):
    """Label vectors of thr(G) for the HadamRNN class, all discrete parts, dense continuous
    search; also the largest number found for one discrete part and for its read-out stage."""
    X = rng.standard_normal((N, T, d))
    tau = rng.standard_normal(N)
    lv = _levels(bits)
    signs = list(itertools.product((-1.0, 0.0, 1.0), repeat=n))
    Us = list(itertools.product(lv, repeat=n * d))
    Vs = list(itertools.product(lv, repeat=n))
    theta = _continuous_samples(rng, n + 3, n_random, grid_dims=min(n + 3, grid_dims))  # b, aU, aV, c
    b, aU, aV, c = theta[:, :n], theta[:, n], theta[:, n + 1], theta[:, n + 2]
    total, best_part, best_stage = set(), 0, 0
    for s in signs:
        for Uf in Us:
            A, v = _hadamrnn_hidden_maps(np.array(s), np.array(Uf).reshape(n, d), X)
            H = (b @ A.T)[:, None, :] + aU[:, None, None] * v[None, :, :]      # (S, N, n)
            relu = np.maximum(H, 0.0)
            stage = _patterns((H > 0).reshape(len(theta), -1))
            best_stage = max(best_stage, len(stage))
            for Vf in Vs:
                y = aV[:, None] * (relu @ np.array(Vf)) + c[:, None]
                pats = _patterns(y > tau[None, :])
                best_part = max(best_part, len(pats))
                total |= pats
    return total, best_part, best_stage


@pytest.mark.parametrize("T,n_random,grid_dims", [(1, 200, 3), (3, 200, 3),
                                                   pytest.param(2, 3000, 5, marks=pytest.mark.slow),
                                                   pytest.param(4, 3000, 5, marks=pytest.mark.slow)])
def test_hadamrnn_tiny_class_never_exceeds_the_bounds(T, n_random, grid_dims):
    """n = 2, d_in = 1, 1-bit (ternary) U and V: 3^2 x 3^2 x 3^2 = 729 discrete parts."""
    rng = np.random.default_rng(T)
    n, d, N = 2, 1, 64
    arch = R.hadamrnn(d, n, 1, T, bits=1)
    total, best_part, best_stage = _hadamrnn_search(n, d, T, 1, N, n_random, rng, grid_dims=grid_dims)
    bound = arch.log2_growth_bound(N).value
    plan = arch.capacity_plan()
    cont = plan.log2_growth(N)[0] - plan.log2_discrete()
    _report(f"HadamRNN n=2 T={T} thr(G)", len(total), bound, N)
    _report("  one discrete part", best_part, cont, N)
    _report("  read-out stage (Lemma A)", best_stage, math.log2(sauer_sum_exact(N * n, n + 1)), N * n)
    assert bound < N                                     # the check is not vacuous at N = 64
    assert math.log2(len(total)) <= bound
    assert math.log2(best_part) <= cont
    assert best_stage <= sauer_sum_exact(N * n, n + 1)
    assert plan.runs[0].name == "read-out ReLU" and plan.runs[0].affine


def test_hadamrnn_readout_stage_count_does_not_grow_with_T():
    """The read-out stage's linear forms (h_T)_i in (b, alpha_U) realise at most Phi(N n, n + 1)
    vectors (Lemma A) for every T: the counts found stay below it at T = 1 ... 1001."""
    rng = np.random.default_rng(10)
    n, d, N = 2, 1, 12
    M = N * n
    counts = {}
    for T in (1, 3, 5, 61, 1001):
        X = rng.standard_normal((N, T, d))
        A, v = _hadamrnn_hidden_maps(np.array([1.0, -1.0]), np.array([[1.0], [-1.0]]), X)
        theta = rng.standard_normal((100_000, n + 1))        # directions suffice (homogeneous)
        H = (theta[:, :n] @ A.T)[:, None, :] + theta[:, n][:, None, None] * v[None, :, :]
        counts[T] = len(_patterns((H > 0).reshape(len(theta), -1)))
        _report(f"read-out stage T={T}", counts[T], math.log2(sauer_sum_exact(M, n + 1)), M)
    assert max(counts.values()) <= sauer_sum_exact(M, n + 1)
    assert min(counts.values()) > 100                        # the search does see many cells


# ---------------------------------------------------------------- vanilla ReLU RNN
@pytest.mark.parametrize("n_random", [3000, pytest.param(60_000, marks=pytest.mark.slow)])
def test_relu_rnn_tiny_class_never_exceeds_the_bound(n_random):
    rng = np.random.default_rng(5)
    n, d, T, N = 2, 1, 2, 250
    arch = R.rnn(d, n, 1, T)
    X = rng.standard_normal((N, T, d))
    tau = rng.standard_normal(N)
    P = n * n + n * d + n + n + 1
    theta = _continuous_samples(rng, P, n_random, grid_values=(-1.0, 0.0, 1.0), grid_dims=6)
    W = theta[:, : n * n].reshape(-1, n, n)
    U = theta[:, n * n: n * n + n * d].reshape(-1, n, d)
    b = theta[:, n * n + n * d: n * n + n * d + n]
    v = theta[:, -n - 1: -1]
    c = theta[:, -1]
    h = np.zeros((len(theta), N, n))
    stage1 = None
    for t in range(T):
        z = np.einsum("sij,snj->sni", W, h) + np.einsum("sij,nj->sni", U, X[:, t]) + b[:, None, :]
        if t == 0:
            stage1 = _patterns((z > 0).reshape(len(theta), -1))
        h = np.maximum(z, 0)
    y = np.einsum("sni,si->sn", h, v) + c[:, None]
    found = _patterns(y > tau[None, :])
    bound = arch.log2_growth_bound(N).value
    run1 = arch.capacity_plan().runs[0]
    _report("ReLU RNN n=2 T=2 thr(G)", len(found), bound, N)
    _report("  stage t=1", len(stage1), run1.log2_count(N)[0], N * n)
    assert bound < N and math.log2(len(found)) <= bound
    assert len(stage1) <= sauer_sum_exact(N * n, run1.variables)


# ---------------------------------------------------------------- QORNN (modReLU, k-bit W)
def _modrelu(z, beta):
    return np.sign(z) * np.maximum(np.abs(z) + beta, 0.0)


def test_modrelu_unit_has_eight_test_sign_vectors():
    """The 4 tests z, -z, z + beta, beta - z of one modReLU unit realise exactly 8 vectors, and
    the unit's value is the fixed piece z + beta, z - beta or 0 on each (docs §9.4)."""
    g = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
    z, beta = np.meshgrid(g, g)
    z, beta = z.ravel(), beta.ravel()
    tests = np.stack([z > 0, -z > 0, z + beta > 0, beta - z > 0], axis=1)
    vecs = {tuple(r) for r in tests}
    assert len(vecs) == 8
    for vec in vecs:
        sel = np.all(tests == np.array(vec), axis=1)
        pos, neg, a, bb = vec
        piece = (z + beta) if (pos and a) else (z - beta) if (neg and bb) else 0 * z
        assert np.array_equal(_modrelu(z[sel], beta[sel]), piece[sel])


@pytest.mark.parametrize("n_random", [150, pytest.param(4000, marks=pytest.mark.slow)])
def test_qornn_tiny_class_never_exceeds_the_bound(n_random):
    """n = 2, d_in = 1, ternary (1-bit) W: all 3^4 = 81 integer matrices; continuous
    alpha_W, U (float), b, beta, V row, c searched densely."""
    rng = np.random.default_rng(7)
    n, d, T, N = 2, 1, 2, 250
    arch = R.qornn(d, n, 1, T, w_bits=1)
    X = rng.standard_normal((N, T, d))
    tau = rng.standard_normal(N)
    P = 1 + n * d + n + n + n + 1
    theta = _continuous_samples(rng, P, n_random, grid_values=(-1.0, 0.0, 1.0),
                                grid_dims=5 if n_random > 1000 else 3)
    aW = theta[:, 0]
    U = theta[:, 1: 1 + n * d].reshape(-1, n, d)
    b = theta[:, 1 + n * d: 1 + n * d + n]
    beta = theta[:, 1 + n * d + n: 1 + n * d + 2 * n]
    v = theta[:, -n - 1: -1]
    c = theta[:, -1]
    total = set()
    for Wf in itertools.product((-1.0, 0.0, 1.0), repeat=n * n):
        W = aW[:, None, None] * np.array(Wf).reshape(n, n)
        h = np.zeros((len(theta), N, n))
        for t in range(T):
            z = np.einsum("sij,snj->sni", W, h) + np.einsum("sij,nj->sni", U, X[:, t]) + b[:, None, :]
            h = _modrelu(z, beta[:, None, :])
        y = np.einsum("sni,si->sn", h, v) + c[:, None]
        total |= _patterns(y > tau[None, :])
    bound = arch.log2_growth_bound(N).value
    _report("QORNN n=2 T=2 1-bit W thr(G)", len(total), bound, N)
    assert bound < N and math.log2(len(total)) <= bound
