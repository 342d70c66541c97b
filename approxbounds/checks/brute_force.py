r"""Theorems C, L and S checked by brute force on a tiny *finite* network class.

The class: every ReLU network ``1 -> k -> 1`` (one input on [0, 1], ``k`` hidden units, linear
output) whose parameters all lie in a set of at most four levels, e.g. {-1, 0, 1}. It is a
2-bit quantized class, so :func:`approxbounds.capacity.log2_class_size` bounds it by
:math:`2^b`, ``b = 2 W``, and the certificates of :func:`approxbounds.lower.certificates`
(Theorems C and L through the finite-class count, Theorem S through VCdim <= b) apply to it.

Every member of this class and every tent-bump packing member of ``Holder(1, alpha)``
(alpha <= 1) is piecewise linear, so all distances are computed *exactly*
(:mod:`approxbounds.checks.piecewise_linear`) on a grid holding every breakpoint.

* Theorems C / L: take :math:`\lfloor 2^b \rfloor + 1` members of the certificate's packing
  (pairwise separated, which is re-checked exactly) and compute the true
  :math:`\max_i \min_{g} \|f_i - g\|`; it must be >= the certified value.
* Theorem S (the shattering argument): with ``c`` the bump height and ``x_k`` the centres,
  every pair :math:`(\sigma, g)` with :math:`\|f_\sigma - g\|_\infty < c` must have
  :math:`1[g(x_k) > 0] = 1[\sigma_k = +1]` for all k; the class realises fewer than
  :math:`2^N` patterns on the centres, hence :math:`\max_\sigma \min_g
  \|f_\sigma - g\|_\infty \ge c` -- checked by enumeration of all :math:`2^N` signs.
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult
from approxbounds.checks.piecewise_linear import lp_distances, merge_grid, sup_distances

__all__ = ["tiny_network_values", "tiny_network_breakpoints", "check_theorem_c_brute_force",
           "check_theorem_s_shattering"]

_MAX_NETS = 200_000
_REL = 1e-12


def tiny_network_breakpoints(levels) -> np.ndarray:
    """Every possible breakpoint ``-b/w`` (w, b in ``levels``, w != 0) inside (0, 1)."""
    lv = np.asarray(levels, dtype=float)
    w = lv[lv != 0.0]
    bp = (-lv[None, :] / w[:, None]).ravel()
    return np.unique(bp[(bp > 0.0) & (bp < 1.0)])


def tiny_network_values(hidden: int, levels, x) -> np.ndarray:
    r"""Values at ``x`` of every network :math:`g(x) = \sum_{u\le k} v_u\,
    \mathrm{relu}(w_u x + b_u) + c` with all ``3k + 1`` parameters in ``levels``.

    Returns an array of shape ``(len(levels) ** (3k + 1), len(x))``, one row per parameter
    vector (all of them, duplicates included).
    """
    hidden = check_int("hidden", hidden, minimum=1, maximum=3)
    lv = np.asarray(levels, dtype=float).ravel()
    if lv.size < 1 or lv.size > 4 or np.unique(lv).size != lv.size:
        raise ValueError("levels must hold 1 to 4 distinct values (a 2-bit grid)")
    x = np.asarray(x, dtype=float).ravel()
    n_par = 3 * hidden + 1
    total = lv.size ** n_par
    if total > _MAX_NETS:
        raise ValueError(f"len(levels)**(3*hidden+1) must be <= {_MAX_NETS}, got {total}")
    idx = np.arange(total)
    theta = lv[(idx[:, None] // lv.size ** np.arange(n_par)[None, :]) % lv.size]
    w, b = theta[:, :hidden], theta[:, hidden:2 * hidden]
    v, c = theta[:, 2 * hidden:3 * hidden], theta[:, 3 * hidden]
    h = np.maximum(w[:, :, None] * x[None, None, :] + b[:, :, None], 0.0)
    return np.einsum("sk,skx->sx", v, h) + c[:, None]


def _distances(Fv, Gv, grid, norm):
    if norm == "sup":
        return sup_distances(Fv, Gv)
    return lp_distances(Fv, Gv, grid, int(norm))


def _packing_words(pk, count):
    """``count`` distinct code words of the packing pairwise >= D apart."""
    from approxbounds.classes.varshamov_gilbert import greedy_code

    N = pk.N_grid
    if math.isinf(pk.p):
        ints = np.arange(min(count, 2 ** N))
    else:
        if N > 22:
            raise ValueError(f"packing with N={N} cells is too large for a greedy code")
        ints = greedy_code(N, pk.D)[:count]
    return ((ints[:, None] >> np.arange(N)) & 1).astype(np.int8)


def check_theorem_c_brute_force(seed: int = 0, *, alpha: float = 1.0) -> list[CheckResult]:
    """True sup-inf distance over a packing vs every certificate (C and L) for two tiny
    2-bit classes ``1 -> 1 -> 1`` (levels {-1,0,1} and {-1/2,-1/16,1/16,1/2}), norms sup,
    L^1 and L^2, F = Holder(1, alpha) with alpha <= 1 (tent bumps)."""
    from approxbounds.capacity import Architecture, log2_class_size
    from approxbounds.classes import Holder
    from approxbounds.lower import certificates

    check_int("seed", seed, minimum=0)
    F = Holder(1, alpha)
    if F.constructions_for(2.0)[0] != "tent":
        raise ValueError("alpha must be <= 1 (tent bumps are piecewise linear)")
    out = []
    for levels in ((-1.0, 0.0, 1.0), (-0.5, -0.0625, 0.0625, 0.5)):
        arch = Architecture.parse("1,1,1", bits=2, quantize="all")
        b = log2_class_size(arch).value
        for norm in ("sup", 1, 2):
            certs, _ = certificates(F, arch, norm)
            for cert in certs:
                if cert.theorem not in ("C", "L"):
                    continue
                pkd = cert.ingredients["packing"]
                pk = F.packing(int(pkd["m"]), norm, construction=pkd["construction"])
                count = int(math.floor(2.0 ** b)) + 1
                words = _packing_words(pk, count)
                m = pk.m
                grid = merge_grid(np.arange(2 * m + 1) / (2 * m), tiny_network_breakpoints(levels))
                Fv = np.stack([pk.member(w)(grid[:, None]) for w in words])
                Gv = tiny_network_values(1, levels, grid)
                D = _distances(Fv, Gv, grid, norm)
                true_value = float(D.min(axis=1).max())
                pair = _distances(Fv, Fv, grid, norm)
                np.fill_diagonal(pair, np.inf)
                min_sep = float(pair.min())
                n_g = int(np.unique(np.round(Gv, 12), axis=0).shape[0])
                ok = (words.shape[0] == count and count > n_g
                      and min_sep >= pk.separation * (1 - _REL)
                      and true_value >= cert.value * (1 - _REL))
                out.append(CheckResult(
                    claim=(f"Theorem {cert.theorem} by brute force: true max_i min_g ||f_i - g|| "
                           f"over {count} packing members >= certified value "
                           f"(Holder(1,{alpha:g}), {'sup' if norm == 'sup' else f'L^{norm}'}, "
                           f"1-1-1 ReLU, levels {tuple(levels)})"),
                    numbers={"certified": float(cert.value), "true_sup_inf": true_value,
                             "ratio": true_value / float(cert.value), "members": count,
                             "distinct_nets": n_g, "log2_G_bound": b, "m": m,
                             "min_pairwise": min_sep, "separation": float(pk.separation)},
                    passed=bool(ok)))
    return out


def check_theorem_s_shattering(seed: int = 0) -> list[CheckResult]:
    """The shattering argument of Theorem S on the enumerated classes ``1 -> k -> 1`` with
    levels {-1, 0, 1} or {-1, -1/32, 1/32, 1}, against Holder(1, 1)'s sign family with N bumps (all 2^N signs)."""
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder
    from approxbounds.lower import certificates

    check_int("seed", seed, minimum=0)
    F = Holder(1, 1.0)
    out = []
    fine = (-1.0, -0.03125, 0.03125, 1.0)
    for hidden, levels, m_fixed in ((1, (-1.0, 0.0, 1.0), None), (1, fine, None), (2, fine, 6)):
        arch = Architecture.parse(f"1,{hidden},1", bits=2, quantize="all")
        s_certs = [c for c in certificates(F, arch, "sup")[0] if c.theorem == "S"]
        m = int(s_certs[0].ingredients["m"]) if m_fixed is None else m_fixed
        fam = F.sign_family(m)
        N, c = fam.N, fam.c
        grid = merge_grid(np.arange(2 * m + 1) / (2 * m), tiny_network_breakpoints(levels))
        Gv = tiny_network_values(hidden, levels, grid)
        centre_idx = np.searchsorted(grid, fam.centres()[:, 0])
        if not np.allclose(grid[centre_idx], fam.centres()[:, 0], rtol=0, atol=1e-15):
            raise AssertionError("centres missing from the grid")  # pragma: no cover
        patterns = {bytes(r) for r in (Gv[:, centre_idx] > 0).astype(np.uint8)}
        signs = 1.0 - 2.0 * ((np.arange(2 ** N)[:, None] >> np.arange(N)) & 1)
        Fv = np.stack([fam.member(s)(grid[:, None]) for s in signs])
        D = sup_distances(Fv, Gv)
        close = D < c
        g_lab = Gv[:, centre_idx] > 0                                   # (n_g, N)
        s_lab = signs > 0                                              # (2^N, N)
        realised = np.all(g_lab[None, :, :] == s_lab[:, None, :], axis=2)
        violations = int(np.count_nonzero(close & ~realised))
        true_value = float(D.min(axis=1).max())
        certified = [float(x.value) for x in s_certs] if m_fixed is None else [c]
        ok = (violations == 0 and len(patterns) < 2 ** N and true_value >= c * (1 - _REL)
              and all(true_value >= v * (1 - _REL) for v in certified))
        out.append(CheckResult(
            claim=(f"Theorem S shattering argument on all 1-{hidden}-1 ReLU nets with weights "
                   f"in {tuple(levels)}: ||f_sigma - g||_inf < c forces sgn g = sigma on the "
                   f"{N} centres; patterns < 2^N, so max_sigma min_g ||f_sigma - g||_inf >= c"),
            numbers={"N": N, "c": c, "patterns_on_centres": len(patterns), "two_pow_N": 2 ** N,
                     "close_pairs": int(np.count_nonzero(close)), "violations": violations,
                     "true_sup_inf": true_value, "certified_S": max(certified)},
            passed=bool(ok)))
    return out
