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

The lower-bound search needs the same candidates at many ``N`` and, for verification, at 50
digits. :class:`GrowthModel` (built once per architecture by :func:`growth_model`) holds the
per-architecture constants and evaluates the candidates in closed form (``fast``; the Sauer
*closed form* :math:`V\log_2(eN/V)` instead of the exact sum), returns the best certified
:class:`Bound` (``bound``; exact Sauer sum when it wins) and re-evaluates every candidate with
mpmath (``log2_growth_mp``, ``vcdim_mp``, ``pdim_mp``, ``size_mp``). This module is the one
owner of the growth-function candidates; other network classes (e.g. recurrent ones) provide
their own model through a ``growth_model()`` method with the same interface.

References
----------
P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian, JMLR 20(63), 2019, Theorem 7 [V];
N. Sauer (1972), S. Shelah (1972); M. Anthony, P. L. Bartlett, *Neural Network Learning*,
1999, Thm 3.7 and Thm 14.1.
"""
from __future__ import annotations

import dataclasses
import functools
import math

import mpmath

from approxbounds._validation import check_bool
from approxbounds.capacity import bhlm
from approxbounds.capacity._select import best_of
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound, LightBound, float_up
from approxbounds.capacity.finite import FINITE_SOURCE, quantized_bits
from approxbounds.capacity.pseudodim import cached_pdim_bound
from approxbounds.capacity.sauer import EXACT_TERMS, _as_count, ln_sauer_sum_detail, sauer_sum_exact
from approxbounds.capacity.vcdim import cached_vcdim_bound

__all__ = ["log2_growth_bound", "growth_candidates", "GrowthModel", "growth_model"]

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


# ============================================================ per-architecture model
_LOG2E = math.log2(math.e)
_SAUER_SRC = "Sauer 1972 / Shelah 1972 closed form (eN/V)^V (Anthony & Bartlett 1999, Thm 3.7)"


class GrowthModel:
    """Cached capacity constants of one architecture (see module docstring)."""

    def __init__(self, arch):
        from approxbounds.capacity.finite import log2_class_size

        self.arch = arch
        self.pdim = cached_pdim_bound(arch)
        self.V = int(math.floor(self.pdim.value))
        self._vcdim = None
        self.aug = bhlm.augmented_counts(arch)
        self.full_counts = bhlm.counts(arch)
        self.b = quantized_bits(arch)
        self.quantized = arch.quantization is not None
        self.finite = arch.is_finite
        self.size_bound = log2_class_size(arch)

    # ---------------------------------------------------------------- float (search)
    @property
    def vcdim(self):
        if self._vcdim is None:
            from approxbounds.capacity.vcdim import vcdim_bound

            self._vcdim = vcdim_bound(self.arch)
        return self._vcdim

    def _full_candidates(self, N: int, log2_n: float):
        out = []
        V = self.V
        if V == 0:
            out.append(("sauer_shelah_closed_form", 0.0))
        elif N >= V:
            out.append(("sauer_shelah_closed_form",
                        V * (_LOG2E + log2_n - math.log2(V))))
        if N >= self.aug.sum_W_i:
            out.append(("bhlm2019_product_augmented", bhlm._log2_growth(self.aug, log2_n)))
        return out

    def fast(self, N: int) -> LightBound:
        """Smallest closed-form candidate for ``log2 Pi_thr(G)(N)`` (``N`` an exact int)."""
        log2_n = math.log2(N)
        cands = self._full_candidates(N, log2_n)
        if N < 2**1000:  # beyond that the trivial 2^N never wins (and is not a float)
            cands.append(("trivial", float(N)))
        elif not cands:
            cands.append(("trivial", math.inf))  # valid but useless: no certificate follows
        if self.quantized:
            if self.finite:
                cands.append(("finite_class_count", float(self.b)))
            else:
                full = self._full_candidates(N, log2_n)
                if full:
                    fm, fv = min(full, key=lambda t: t[1])
                    cands.append(("finite_union", self.b + fv))
        method, value = min(cands, key=lambda t: t[1])
        ingr = {"N": N, "V": self.V, "b": self.b, "pdim_method": self.pdim.method}
        if method == "finite_union":
            ingr["float_part_method"] = fm
        return LightBound(method, value, _SOURCES.get(method, ""), ingr)

    def bound(self, N: int):
        """The capacity module's best certified bound at ``N`` when it applies (exact
        Sauer sum included), else :meth:`fast`; the smaller of the two."""
        fast = self.fast(N)
        # The module's candidates equal ours except the exact Sauer sum, which can only beat
        # the Sauer closed form: ask the module only when that form (or a union built on it)
        # is the winner.
        uses_sauer = fast.method == "sauer_shelah_closed_form" or (
            fast.method == "finite_union"
            and fast.ingredients.get("float_part_method") == "sauer_shelah_closed_form")
        if N > 10**300 or not uses_sauer:
            return fast
        try:
            full = log2_growth_bound(self.arch, N, thresholded=True)
        except (ValueError, OverflowError):
            return fast
        if full.tag in ("V", "P") and full.value <= fast.value and full.method in _MP_METHODS:
            return full
        return fast

    # ---------------------------------------------------------------- mpmath (verify)
    def log2_growth_mp(self, method: str, N: int, ingredients: dict | None = None):
        """High-precision value of candidate ``method`` at ``N`` (current mpmath precision)."""
        N = int(N)
        if method not in _MP_METHODS:
            raise ValueError(f"no high-precision evaluator for growth method {method!r}")
        return _MP_METHODS[method](self, N, ingredients or {})


    def vcdim_mp(self, bound=None):
        """High-precision re-evaluation of the VC bound used by Theorem S.

        ``bhlm2019_thm7``: the closed form ``L + Lbar W log2(4 e p S log2(2 e p S))``
        (``S = R``, or ``U`` with multiplier ``W`` when nu = 0); ``bhlm2019_growth_inversion``:
        re-checks that the product bound at ``m`` is ``< m`` (so no ``m`` points are shattered)
        and returns ``m - 1``; ``finite_class_count``: ``b``.
        """
        bound = bound or self.vcdim
        method = bound.method
        c = self.full_counts
        if method == "bhlm2019_thm7":
            return _closed_form_mp(c)
        if method == "bhlm2019_growth_inversion":
            return _inversion_mp(c, int(bound.ingredients["m"]))
        if method == "finite_class_count":
            return self.size_mp()
        raise ValueError(f"no high-precision evaluator for VC method {method!r}")

    def pdim_mp(self):
        """High-precision re-evaluation of the pseudo-dimension bound behind ``V``.

        ``bhlm2019_thm7_augmented``: the closed form on the augmented counts;
        ``bhlm2019_growth_inversion_augmented``: re-checks the product bound at ``m``;
        ``finite_class_count``: ``b``.
        """
        method = self.pdim.method
        if method == "bhlm2019_thm7_augmented":
            return _closed_form_mp(self.aug)
        if method == "bhlm2019_growth_inversion_augmented":
            return _inversion_mp(self.aug, int(self.pdim.ingredients["m"]))
        if method == "finite_class_count":
            return mpmath.mpf(self.b)
        raise ValueError(f"no high-precision evaluator for Pdim method {method!r}")

    def check_sauer_dimension(self, V: int) -> None:
        """Raise ``ValueError`` unless ``V >= floor(Pdim bound)`` recomputed at the current
        precision (``V`` was obtained as the floor of a float; this guards its rounding)."""
        pd = self.pdim_mp()
        if V < int(mpmath.floor(pd)):
            raise ValueError(f"Sauer dimension V={V} is below floor of the Pdim bound "
                             f"{mpmath.nstr(pd, 20)}")

    def size_mp(self):
        """``log2 |G| <= b`` (exact integer), only for fully quantized classes."""
        if not self.finite:
            raise ValueError("the class is not finite (full-precision scalars left)")
        return mpmath.mpf(self.b)


def _closed_form_mp(c):
    """BHLM 2019 Thm 7 closed form ``L + mult log2(4 e p S log2(2 e p S))`` (U > 2)."""
    if c.U <= 2:
        raise ValueError("BHLM Thm 7 closed form needs U > 2")
    mult, size = (c.W, c.U) if c.nu == 0 else (c.sum_W_i, c.R)
    inner = mpmath.log(2 * mpmath.e * c.p * size, 2)
    return c.L + mult * mpmath.log(4 * mpmath.e * c.p * size * inner, 2)


def _inversion_mp(c, m):
    """``m - 1`` after re-checking that the product bound at ``m`` is ``< 2^m``."""
    if m < c.sum_W_i:
        raise ValueError(f"growth inversion at m={m} < Lbar W = {c.sum_W_i}")
    total = mpmath.mpf(0)
    for k, w, f in zip(c.widths, c.W_i, c.factors):
        total += 1 + w * mpmath.log(2 * mpmath.e * m * k * c.p * f / mpmath.mpf(w), 2)
    if not total < m:
        raise ValueError(f"growth inversion: product bound {mpmath.nstr(total, 15)} "
                         f"is not < m={m}")
    return mpmath.mpf(m - 1)


def _mp_trivial(model, N, ingr):
    return mpmath.mpf(N)


def _mp_sauer_closed(model, N, ingr):
    V = model.V
    model.check_sauer_dimension(V)
    if V == 0:
        return mpmath.mpf(0)
    if N < V:
        raise ValueError(f"Sauer closed form needs N >= V, got N={N} < V={V}")
    return V * mpmath.log(mpmath.e * N / V, 2)


def _mp_sauer_sum(model, N, ingr):
    """Sauer-Shelah as evaluated by approxbounds.capacity.sauer (exact sum or the
    certified ``C(N,V)/(1-r)`` upper bound), recomputed with mpmath."""
    V = int(ingr.get("V", model.V))
    if V != model.V:
        raise ValueError(f"stored Sauer dimension V={V} differs from floor(Pdim bound)="
                         f"{model.V}")
    model.check_sauer_dimension(V)
    if N == 0 or V == 0:
        return mpmath.mpf(0)
    if V >= N:
        return mpmath.mpf(N)
    if min(V, N - V - 1) <= EXACT_TERMS:
        return mpmath.log(mpmath.mpf(sauer_sum_exact(N, V)), 2)
    if 2 * V >= N + 1:
        return mpmath.mpf(N)
    with mpmath.workdps(max(mpmath.mp.dps, len(str(N)) + 30)):
        n, v = mpmath.mpf(N), mpmath.mpf(V)
        ln_binom = mpmath.loggamma(n + 1) - mpmath.loggamma(v + 1) - mpmath.loggamma(n - v + 1)
        val = (ln_binom - mpmath.log1p(-v / (n - v + 1))) / mpmath.log(2)
    return min(val, mpmath.mpf(N))


def _mp_product(model, N, ingr):
    c = model.aug
    if N < c.sum_W_i:
        raise ValueError(f"BHLM product bound needs N >= L'W' = {c.sum_W_i}, got {N}")
    total = mpmath.mpf(0)
    for k, w, f in zip(c.widths, c.W_i, c.factors):
        total += 1 + w * mpmath.log(2 * mpmath.e * N * k * c.p * f / mpmath.mpf(w), 2)
    return total


def _mp_finite(model, N, ingr):
    if not model.finite:
        raise ValueError("finite_class_count used for a class with full-precision scalars")
    return mpmath.mpf(model.b)


def _mp_union(model, N, ingr):
    part = ingr.get("float_part_method")
    if part not in ("sauer_shelah", "sauer_shelah_closed_form", "bhlm2019_product_augmented"):
        raise ValueError(f"unknown float part {part!r} of the finite-union bound")
    return model.b + _MP_METHODS[part](model, N, ingr)


_MP_METHODS = {
    "trivial": _mp_trivial,
    "sauer_shelah_closed_form": _mp_sauer_closed,
    "sauer_shelah": _mp_sauer_sum,
    "bhlm2019_product_augmented": _mp_product,
    "finite_class_count": _mp_finite,
    "finite_union": _mp_union,
}
_SOURCES = {
    "trivial": "at most 2^N label vectors on N points",
    "sauer_shelah_closed_form": _SAUER_SRC,
    "bhlm2019_product_augmented": "Bartlett, Harvey, Liaw, Mehrabian, JMLR 20(63), 2019, "
                                  "Thm 7 + one-more-parameter/layer reduction",
    "finite_class_count": "finite class: |thr(G)| <= |G| <= 2^b",
    "finite_union": "union over 2^b codes of full-precision subclasses",
}


def growth_model(G):
    """Cached capacity model of the network class ``G``.

    A feed-forward :class:`~approxbounds.capacity.Architecture` gets a :class:`GrowthModel`;
    any other network class provides its own through a ``growth_model()`` method returning an
    object with the same interface (``pdim``, ``vcdim``, ``size_bound``, ``fast(N)``,
    ``bound(N)``, ``log2_growth_mp(method, N, ingredients)``, ``vcdim_mp(bound)``,
    ``size_mp()``, ``arch``).
    """
    own = getattr(G, "growth_model", None)
    if callable(own):
        return own()
    return _feedforward_model(G)


@functools.lru_cache(maxsize=4096)
def _feedforward_model(arch) -> GrowthModel:
    return GrowthModel(arch)
