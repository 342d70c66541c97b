r"""Combinatorial steps: Sauer-Shelah and Varshamov-Gilbert.

* Sauer-Shelah [P] (Anthony & Bartlett 1999, Thms 3.6-3.7):
  :math:`\Pi_H(N) \le \Phi(N, V) = \sum_{i \le V}\binom{N}{i} \le (eN/V)^V` for
  :math:`N \ge V = \mathrm{VCdim}(H)`. Checked (a) the library's exact and log-domain sums
  (:mod:`approxbounds.capacity.sauer`) against exact integers and the closed form against
  mpmath, and (b) on enumerated classes: random finite classes in :math:`\{0,1\}^N` with
  their VC dimension computed by brute force, intervals (VC 2, where the bound is attained)
  and unions of two intervals (VC 4).
* Varshamov-Gilbert (Tsybakov 2009, Lemma 2.9; proof in docs/theory.md): for N >= 8 there
  are >= :math:`2^{N/8}` words of :math:`\{0,1\}^N` pairwise >= N/8 apart. Checked with the
  greedy lexicographic code of :mod:`approxbounds.classes.varshamov_gilbert` for
  N = 8..20, its minimum distance recomputed here by popcounts; the greedy size is also
  compared with the Gilbert-Varshamov count :math:`2^N / V(N, D-1)` and the entropy form
  :math:`2^{N(1-H(\delta))}` used by the packings.
"""
from __future__ import annotations

import itertools
import math

import mpmath
import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_sauer_formulas", "check_sauer_enumerated", "check_varshamov_gilbert",
           "vc_dimension", "trace_count"]


def _phi(N: int, V: int) -> int:
    return sum(math.comb(N, i) for i in range(min(N, V) + 1))


def check_sauer_formulas(seed: int = 0) -> list[CheckResult]:
    """Exact sums vs the closed form (eN/V)^V, and the library's log-domain evaluations."""
    from approxbounds.capacity.sauer import ln_sauer_closed, ln_sauer_sum, sauer_sum_exact

    check_int("seed", seed, minimum=0)
    ok, cases, max_rel, min_gap = True, 0, 0.0, math.inf
    for N in (1, 2, 5, 10, 31, 100, 1000, 5000):
        for V in (1, 2, 3, 7, 20, 64, 300):
            exact = _phi(N, V)
            ok &= sauer_sum_exact(N, V) == exact
            lib = ln_sauer_sum(N, V)
            ok &= lib >= math.log(exact) * (1 - 1e-15) - 1e-15
            max_rel = max(max_rel, abs(lib - math.log(exact)) / max(1.0, math.log(exact)))
            if N >= V:
                with mpmath.workdps(50):
                    closed = V * mpmath.log(mpmath.e * N / V)
                    gap = closed - mpmath.log(exact)
                ok &= gap >= 0
                ok &= abs(ln_sauer_closed(N, V) - float(closed)) <= 1e-12 * max(1.0, float(closed))
                min_gap = min(min_gap, float(gap))
            cases += 1
    # reference value (Sauer: Σ_{i≤3} C(10,i) = 176) and a huge N where only the certified bound is cheap
    ok &= _phi(10, 3) == 176 and abs(float((10 * mpmath.e / 3) ** 3) - 743.9) < 0.05
    with mpmath.workdps(80):
        N, V = 10**30, 10**6
        ln_binom = mpmath.loggamma(N + 1) - mpmath.loggamma(V + 1) - mpmath.loggamma(N - V + 1)
        big_ok = ln_binom <= ln_sauer_sum(N, V) <= V * mpmath.log(mpmath.e * N / V) + 1e-6
    ok &= bool(big_ok)
    return [CheckResult(
        claim="Sauer-Shelah: exact sum_{i<=V} C(N,i) <= (eN/V)^V (mpmath), library sums exact "
              "or certified upper; Phi(10,3) = 176 <= 743.9; N = 1e30 bracketed",
        numbers={"cases": cases, "max_rel_ln_error": max_rel, "min_ln_gap_closed_form": min_gap},
        passed=bool(ok))]


def vc_dimension(vectors: np.ndarray) -> int:
    """VC dimension of a finite class given as a (n, N) 0/1 matrix (brute force)."""
    H = np.asarray(vectors, dtype=np.int64)
    n, N = H.shape
    best = 0
    for k in range(1, N + 1):
        found = False
        for cols in itertools.combinations(range(N), k):
            codes = H[:, cols] @ (1 << np.arange(k))
            if np.unique(codes).size == 2**k:
                found = True
                break
        if not found:
            break
        best = k
    return best


def trace_count(vectors: np.ndarray) -> int:
    """Number of distinct rows (label vectors)."""
    return int(np.unique(np.asarray(vectors, dtype=np.int8), axis=0).shape[0])


def _intervals(N, unions):
    rows = set()
    ends = range(N + 1)
    for spans in itertools.product(itertools.combinations_with_replacement(ends, 2), repeat=unions):
        v = np.zeros(N, dtype=np.int8)
        for lo, hi in spans:
            v[lo:hi] = 1
        rows.add(v.tobytes())
    return np.array([np.frombuffer(r, dtype=np.int8) for r in rows])


def check_sauer_enumerated(seed: int = 0) -> list[CheckResult]:
    """Sauer-Shelah on enumerated classes: |H restricted to N points| <= Phi(N, VCdim)."""
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    ok, cases, tight, slack = True, 0, 0, []
    for _ in range(60):
        N = int(rng.integers(4, 9))
        size = int(rng.integers(2, 2**N))
        ints = rng.choice(2**N, size=size, replace=False)
        H = ((ints[:, None] >> np.arange(N)) & 1).astype(np.int8)
        V = vc_dimension(H)
        cnt = trace_count(H)
        ok &= cnt <= _phi(N, V)
        slack.append(_phi(N, V) / cnt)
        cases += 1
    for N, unions, vc in ((8, 1, 2), (10, 1, 2), (8, 2, 4)):
        H = _intervals(N, unions)
        V = vc_dimension(H)
        cnt = trace_count(H)
        ok &= V == vc and cnt <= _phi(N, V)
        tight += int(cnt == _phi(N, V))
        cases += 1
    return [CheckResult(
        claim="Sauer-Shelah on enumerated classes (60 random finite classes, intervals, unions "
              "of 2 intervals): distinct label vectors <= sum_{i<=VCdim} C(N,i), VCdim by brute "
              "force; attained by intervals",
        numbers={"cases": cases, "classes_attaining_bound": tight,
                 "min_bound_over_count": float(min(slack))},
        passed=bool(ok and tight >= 1))]


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint64)
    c = np.zeros_like(x)
    while np.any(x):
        c += x & np.uint64(1)
        x >>= np.uint64(1)
    return c


def check_varshamov_gilbert(seed: int = 0, *, N_max: int = 20) -> list[CheckResult]:
    """Greedy codes: size >= 2^{N/8} with pairwise distance >= ceil(N/8) (recomputed)."""
    from approxbounds.classes.varshamov_gilbert import (greedy_code, gv_log2_size_entropy,
                                                        gv_size_exact, vg_log2_size)

    check_int("seed", seed, minimum=0)
    N_max = check_int("N_max", N_max, minimum=8, maximum=22)
    ok, rows, min_excess = True, [], math.inf
    for N in range(8, N_max + 1):
        D = math.ceil(N / 8)
        code = np.asarray(greedy_code(N, D), dtype=np.uint64)
        size = int(code.size)
        # pairwise distances of (at most 1500) words by popcount of XOR
        sub = code[:1500]
        dist = _popcount(sub[:, None] ^ sub[None, :])
        np.fill_diagonal(dist, np.uint64(N + 1))
        dmin = int(dist.min()) if sub.size > 1 else N
        gv = gv_size_exact(N, D)
        ent = gv_log2_size_entropy(N, 0.125)
        ok &= (dmin >= D and math.log2(size) >= vg_log2_size(N) and size >= gv
               and math.log2(gv) >= ent - 1e-12)
        min_excess = min(min_excess, math.log2(size) - N / 8)
        rows.append(size)
    return [CheckResult(
        claim=f"Varshamov-Gilbert: greedy codes for N = 8..{N_max} have >= 2^(N/8) words pairwise "
              ">= ceil(N/8) apart (popcount), >= the GV count 2^N/V(N,D-1) >= 2^(N(1-H(1/8)))",
        numbers={"N_values": N_max - 7, "sizes": rows, "min_log2_excess_over_N_over_8": min_excess},
        passed=bool(ok))]
