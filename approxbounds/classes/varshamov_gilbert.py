"""Varshamov–Gilbert and Gilbert–Varshamov bounds for binary codes (the size of packings).

Statements (proofs in docs/function_classes.md, each step checked in tests):

* Gilbert–Varshamov, exact form [P]: for 1 ≤ D ≤ N there is a code C ⊂ {0,1}^N with pairwise
  Hamming distance ≥ D and ``|C| ≥ 2^N / V(N, D−1)``, where ``V(N, r) = Σ_{i≤r} C(N, i)`` is the
  volume of a Hamming ball (a maximal code's radius-(D−1) balls cover the cube).
* Entropy form [P]: ``V(N, r) ≤ 2^{N H(r/N)}`` for r ≤ N/2 (H the binary entropy in bits), hence
  for D = ⌈δN⌉ with δ ∈ (0, ½]: ``log2 |C| ≥ N (1 − H(δ))``.
* Varshamov–Gilbert as in Tsybakov (2009, Lemma 2.9) [P]: for N ≥ 8 there is a code with
  pairwise distance ≥ N/8 and at least 2^{N/8} words — the δ = 1/8 case, since
  1 − H(1/8) ≈ 0.456 > 1/8.

References
----------
E. N. Gilbert, Bell Syst. Tech. J. 31 (1952); R. R. Varshamov, Dokl. Akad. Nauk SSSR 117
(1957); A. B. Tsybakov, *Introduction to Nonparametric Estimation*, Springer 2009, Lemma 2.9.
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np

from approxbounds._validation import check_int, check_real

__all__ = [
    "binary_entropy",
    "hamming_ball_volume",
    "vg_min_distance",
    "vg_log2_size",
    "gv_size_exact",
    "gv_log2_size_exact",
    "gv_log2_size_entropy",
    "code_log2_size",
    "min_distance_for",
    "greedy_code",
    "min_pairwise_distance",
    "code_has_min_distance",
    "log2_int",
]

#: relative safety margin subtracted from float log2 sizes so that rounding can only
#: make a certified lower bound smaller
_MARGIN = 1e-12


def binary_entropy(q: float) -> float:
    """H(q) = −q log2 q − (1−q) log2(1−q) in bits, for q ∈ [0, 1] (H(0) = H(1) = 0)."""
    q = check_real("q", q, low=0.0, high=1.0)
    if q == 0.0 or q == 1.0:
        return 0.0
    return -q * math.log2(q) - (1.0 - q) * math.log2(1.0 - q)


def hamming_ball_volume(N: int, r: int) -> int:
    """V(N, r) = Σ_{i=0}^{r} C(N, i), exactly (r < 0 gives 0, r ≥ N gives 2^N)."""
    N = check_int("N", N, minimum=0)
    r = check_int("r", r)
    if r < 0:
        return 0
    r = min(r, N)
    total, term = 0, 1
    for i in range(r + 1):
        total += term
        term = term * (N - i) // (i + 1)
    return total


def log2_int(n: int) -> float:
    """log2 of a positive Python int of any size, accurate to ~1 ulp."""
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    shift = max(0, n.bit_length() - 60)
    return math.log2(n >> shift) + shift


def min_distance_for(N: int, delta: float) -> int:
    """D = max(1, ⌈δN⌉): the Hamming distance required for relative distance δ."""
    N = check_int("N", N, minimum=1)
    fr = Fraction(delta) * N
    return max(1, math.ceil(fr))


def vg_min_distance(N: int) -> int:
    """Distance guaranteed by Lemma 2.9: ⌈N/8⌉."""
    N = check_int("N", N, minimum=8)
    return -(-N // 8)


def vg_log2_size(N) -> float:
    """log2 of the Varshamov–Gilbert code size: N/8 (N ≥ 8; N may be a huge int or a float)."""
    if isinstance(N, bool) or not isinstance(N, (int, float, np.integer, np.floating)):
        raise TypeError(f"N must be a number, got {type(N).__name__}")
    if not N >= 8 or not math.isfinite(float(N)):
        raise ValueError(f"N must be a finite number >= 8 for Varshamov-Gilbert, got {N}")
    return float(N) / 8.0


def gv_size_exact(N: int, D: int) -> int:
    """⌈2^N / V(N, D−1)⌉: exact Gilbert–Varshamov guarantee (integers)."""
    N = check_int("N", N, minimum=1)
    D = check_int("D", D, minimum=1, maximum=N)
    V = hamming_ball_volume(N, D - 1)
    return -(-(1 << N) // V)


def gv_log2_size_exact(N: int, D: int) -> float:
    """log2 of :func:`gv_size_exact`, rounded down (safe for N up to ~10^5)."""
    N = check_int("N", N, minimum=1, maximum=200_000)
    D = check_int("D", D, minimum=1, maximum=N)
    v = N - log2_int(hamming_ball_volume(N, D - 1))
    return v - _MARGIN * (abs(v) + 1.0)


def gv_log2_size_entropy(N, delta: float) -> float:
    """N (1 − H(δ)), rounded down: certified log2 size of a code with distance ⌈δN⌉.

    Valid for δ ∈ (0, ½] and any N ≥ 1 (N may be a float as large as 1e300).
    """
    delta = check_real("delta", delta, low=0.0, high=0.5, low_open=True)
    Nf = float(N)
    if not (Nf >= 1.0 and math.isfinite(Nf)):
        raise ValueError(f"N must be a finite number >= 1, got {N}")
    return _gv_rate_times(Nf, _gv_rate(delta))


@functools.lru_cache(maxsize=64)
def _gv_rate(delta: float) -> float:
    """``1 - H(delta)`` (cached: the scale searches call it with a handful of deltas)."""
    return 1.0 - binary_entropy(delta)


def _gv_rate_times(Nf: float, rate: float) -> float:
    v = Nf * rate
    return v - _MARGIN * (abs(v) + 1.0)


def code_log2_size(N, delta: float = 0.125) -> tuple[float, str]:
    """Best certified closed-form log2 size of a code with distance ⌈δN⌉ on N bits.

    Returns ``(log2_size, method)`` with method ``"gilbert_varshamov_entropy"`` or
    ``"varshamov_gilbert"`` (whichever is larger; with δ = 1/8 GV's N(1 − H(1/8)) ≈ 0.456 N
    always beats VG's N/8, both are computed). For N·δ ≤ 1 (distance 1), all 2^N words form
    the code: log2 size = N.
    """
    Nf = float(N)
    cands = [(gv_log2_size_entropy(Nf, delta), "gilbert_varshamov_entropy")]
    if delta <= 0.125 and Nf >= 8:
        cands.append((vg_log2_size(Nf), "varshamov_gilbert"))
    if Nf * delta <= 1.0:
        cands.append((Nf, "all_words"))
    return max(cands)


def greedy_code(N: int, D: int, *, start: int = 0) -> np.ndarray:
    """Lexicographic greedy code in {0,1}^N with pairwise Hamming distance ≥ D (N ≤ 22).

    Scans words in increasing order, keeps a word if no kept word lies within distance D−1,
    and marks its radius-(D−1) ball as covered. The result is a maximal code, so its size is
    ≥ 2^N / V(N, D−1) (the Gilbert–Varshamov argument made constructive).

    Returns
    -------
    ndarray of uint32, the code words as integers (bit i = coordinate i).
    """
    N = check_int("N", N, minimum=1, maximum=22)
    D = check_int("D", D, minimum=1, maximum=N)
    size = 1 << N
    covered = np.zeros(size, dtype=bool)
    masks = [0]
    for w in range(1, D):
        for combo in _combinations_masks(N, w):
            masks.append(combo)
    masks = np.array(masks, dtype=np.int64)
    code = []
    ptr = check_int("start", start, minimum=0, maximum=size - 1)
    while ptr < size:
        if covered[ptr]:
            ptr += 1
            continue
        code.append(ptr)
        covered[np.bitwise_xor(masks, ptr)] = True
        ptr += 1
    return np.array(code, dtype=np.uint32)


def _combinations_masks(N: int, w: int):
    from itertools import combinations

    for c in combinations(range(N), w):
        m = 0
        for i in c:
            m |= 1 << i
        yield m


def min_pairwise_distance(words) -> int:
    """Minimum pairwise Hamming distance of a set of words (quadratic; for small sets).

    ``words`` is either an integer array (bit patterns) or a 0/1 matrix (one word per row).
    Returns ``10**9`` if fewer than two words are given.
    """
    arr = np.asarray(words)
    if arr.ndim == 2:
        mat = arr.astype(np.uint8)
        if mat.shape[0] < 2:
            return 10**9
        return min(
            int(np.count_nonzero(mat[i + 1 :] != mat[i], axis=1).min()) for i in range(mat.shape[0] - 1)
        )
    ints = arr.astype(np.uint64)
    if ints.size < 2:
        return 10**9
    return min(int(np.bitwise_count(ints[i + 1 :] ^ ints[i]).min()) for i in range(ints.size - 1))


def code_has_min_distance(code, N: int, D: int) -> bool:
    """Exact check that the integer code words in ``code`` ⊂ {0,1}^N are pairwise ≥ D apart.

    For each word, no other word may lie in its Hamming ball of radius D−1 (|C|·V(N, D−1)
    look-ups instead of |C|² comparisons).
    """
    N = check_int("N", N, minimum=1, maximum=26)
    D = check_int("D", D, minimum=1, maximum=N)
    code = np.asarray(code, dtype=np.int64)
    if code.size != np.unique(code).size:
        return False
    is_code = np.zeros(1 << N, dtype=bool)
    is_code[code] = True
    masks = np.array([m for w in range(1, D) for m in _combinations_masks(N, w)], dtype=np.int64)
    if masks.size == 0:
        return True
    for c in code:
        if is_code[np.bitwise_xor(masks, c)].any():
            return False
    return True
