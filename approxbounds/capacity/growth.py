r"""Best certified bound on the growth function at ``N`` points (log2).

For ``thresholded=True`` the class is thr(G) (what Theorem L consumes), otherwise sgn(G).
Candidates, all certified (proofs in ``docs/capacity.md``):

* ``trivial``: :math:`\Pi(N) \le 2^N`;
* ``sauer_shelah``: :math:`\Pi(N) \le \sum_{i \le V}\binom{N}{i}` with ``V`` the best
  certified Pdim (thresholded) or VC bound, rounded down (dimensions are integers);
* ``bhlm2019_product``: Thm 7's product bound, on the augmented network when thresholded,
  only when :math:`N \ge \bar L W`;
* ``finite_class_count``: :math:`\Pi \le 2^b` for a fully quantized class;
* ``finite_union``: :math:`b + \log_2 \Pi_{\mathrm{full}}(N)` for quantized classes with
  full-precision scalars left (union over codes).

``N`` may be any Python int (``10**400`` is fine: only logs of ``N`` are formed, the trivial
candidate is skipped once ``N`` exceeds the float range) or an integral float. The
per-architecture parts (dimension bounds, BHLM counts) are cached
(:mod:`approxbounds.capacity._cache`), so a call costs the Sauer sum at ``N`` plus a few
multiply-adds.
"""
from __future__ import annotations

import dataclasses
import math

from approxbounds._validation import check_bool
from approxbounds.capacity import bhlm
from approxbounds.capacity._select import best_of
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound, float_up
from approxbounds.capacity.finite import FINITE_SOURCE, quantized_bits
from approxbounds.capacity.pseudodim import cached_pdim_bound
from approxbounds.capacity.sauer import _as_count, ln_sauer_sum_detail
from approxbounds.capacity.vcdim import cached_vcdim_bound

__all__ = ["log2_growth_bound", "growth_candidates"]

SAUER_SOURCE = "Sauer 1972 / Shelah 1972 (Anthony & Bartlett 1999, Thm 3.6)"


def growth_candidates(arch: Architecture, N, *, thresholded: bool = True):
    """All certified candidates for log2 Π(N) and the reasons others did not apply."""
    check_architecture(arch)
    check_bool("thresholded", thresholded)
    n = _as_count("N", N, minimum=1)
    cands, skipped = [], {}
    try:
        cands.append(Bound("log2_growth", "trivial", float_up(n), "P",
                           "at most 2^N label vectors on N points", {"N": n}))
    except OverflowError:
        skipped["trivial"] = ("N exceeds the float range (~1.8e308), so log2 2^N = N is not "
                              "a float; the Sauer-Shelah bound is far smaller anyway")
    dim = cached_pdim_bound(arch) if thresholded else cached_vcdim_bound(arch)
    V = int(math.floor(dim.value))
    ln_val, exact = ln_sauer_sum_detail(n, V)
    cands.append(Bound("log2_growth", "sauer_shelah", ln_val / math.log(2.0), "P",
                       SAUER_SOURCE + f"; dimension from {dim.method}",
                       {"N": n, "V": V, "dimension": dim.quantity, "dimension_method":
                        dim.method, "sum_is_exact": exact}))
    c = bhlm.augmented_counts(arch) if thresholded else bhlm.counts(arch)
    full_candidates = [cands[-1]]
    if n >= c.sum_W_i:
        prod = bhlm.bhlm_growth_bound(arch, n, thresholded=thresholded)
        cands.append(prod)
        full_candidates.append(prod)
    else:
        skipped["bhlm2019_product"] = f"needs N >= L̄W = {c.sum_W_i}, got N = {n}"
    if arch.quantization is not None:
        b = quantized_bits(arch)
        if arch.is_finite:
            cands.append(Bound("log2_growth", "finite_class_count", b, "P",
                               FINITE_SOURCE, {"b": b, "n_quantized": arch.n_quantized}))
        else:
            full = min(full_candidates, key=lambda x: x.value)
            cands.append(Bound("log2_growth", "finite_union", b + full.value, "P",
                               "union over 2^b codes of full-precision subclasses "
                               "(docs/capacity.md §5)",
                               {"b": b, "n_float": arch.n_float,
                                "float_part_method": full.method,
                                "float_part_log2": full.value}))
    return cands, skipped


def log2_growth_bound(arch: Architecture, N, *, thresholded: bool = True) -> Bound:
    """Smallest certified bound on :math:`\\log_2 \\Pi(N)` for thr(G) (or sgn(G)).

    Parameters
    ----------
    arch : Architecture
    N : int or integral float
        Number of points, ``N >= 1``: any Python int (``10**400`` works; huge counts only
        enter through logarithms) or a whole-number float such as ``1e30``.
    thresholded : bool
        ``True``: the class thr(G) = {1[g(x) > t]} (uses Pdim); ``False``: sgn(G).
    """
    cands, skipped = growth_candidates(arch, N, thresholded=thresholded)
    best = best_of(cands, skipped)
    # whichever candidate wins (even the trivial 2^N), say which class was bounded
    ingredients = {**best.ingredients, "thresholded": thresholded,
                   "class": "thr(G)" if thresholded else "sgn(G)"}
    return dataclasses.replace(best, ingredients=ingredients)
