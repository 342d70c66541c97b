"""Search over an integer scale parameter: the smallest ``m`` at which a condition holds.

Packings get finer as the grid parameter ``m`` grows (separation decreases, size
increases), so the best certified value comes from the *smallest* admissible ``m``. The
conditions of Theorems L, S and C fail for small ``m`` and hold for large ``m``;
:func:`smallest_true` gallops (``m, 2m, 4m, ...``) to the first success and bisects the last
gap, ``O(log m)`` evaluations for ``m`` up to ``1e14``. The result is re-checked by the
theorem (a certificate is issued only where the condition holds), so a non-monotone
condition can only cost optimality, never validity.
"""
from __future__ import annotations

import math

__all__ = ["smallest_true", "smallest_positive", "first_power_of_two", "M_MAX"]

M_MAX = 10**14


def smallest_true(pred, m_lo: int = 1, m_hi: int = M_MAX):
    """Smallest ``m`` in ``[m_lo, m_hi]`` with ``pred(m)`` true, assuming ``pred`` is
    monotone (false then true); ``None`` if ``pred(m_hi)`` is false.

    ``pred`` may raise ``ValueError`` for a scale it cannot handle; that counts as false.
    """

    def ok(m):
        try:
            return bool(pred(m))
        except ValueError:
            return False

    if ok(m_lo):
        return m_lo
    bad, m = m_lo, m_lo
    while True:
        m = min(2 * m, m_hi)
        if ok(m):
            good = m
            break
        if m >= m_hi:
            return None
        bad = m
    while good - bad > 1:
        mid = (good + bad) // 2
        if ok(mid):
            good = mid
        else:
            bad = mid
    return good


def first_power_of_two(pred, m_lo: int = 1, m_hi: int = M_MAX):
    """First ``m`` of ``m_lo, 2 m_lo, 4 m_lo, ... <= m_hi`` with ``pred(m)`` (no bisection)."""
    m = m_lo
    while m <= m_hi:
        try:
            if pred(m):
                return m
        except ValueError:
            pass
        m *= 2
    return None


def smallest_positive(score, m_lo: int = 1, m_hi: int = M_MAX, *, factor: int = 64):
    """Smallest ``m`` in ``[m_lo, m_hi]`` with ``score(m) > 0`` for a score that is
    increasing and smooth in ``log m`` (``-inf`` allowed where undefined); ``None`` if
    ``score(m_hi) <= 0``.

    Gallops (by ``factor``, or by secant extrapolation once two finite scores are
    known) to a bracket ``bad < good``, then narrows it by regula falsi on
    ``(log m, score)`` with a check of ``ceil(root) - 1`` (so an accurate interpolation ends
    the search in two evaluations), falling back to bisection whenever interpolation does
    not shrink the bracket enough. Same answer as :func:`smallest_true` on ``score > 0``
    for monotone scores, in typically 2-3 times fewer evaluations.
    """
    cache = {}

    def sc(m):
        if m not in cache:
            try:
                v = float(score(m))
            except ValueError:
                v = -math.inf
            cache[m] = v if v == v else -math.inf  # NaN counts as failure
        return cache[m]

    if sc(m_lo) > 0:
        return m_lo
    bad, m, prev = m_lo, m_lo, None
    while True:
        step = factor * m
        if prev is not None and math.isfinite(sc(prev)) and math.isfinite(sc(m)) \
                and sc(m) > sc(prev):
            # secant extrapolation in ln m, overshooting slightly, within [2m, factor m]
            lp, lm = math.log(prev), math.log(m)
            ln_guess = lm + (lm - lp) * (-sc(m)) / (sc(m) - sc(prev)) + math.log(1.02)
            if ln_guess < math.log(step):
                step = max(math.ceil(math.exp(ln_guess)), 2 * m)
        prev, m = m, min(step, m_hi)
        if sc(m) > 0:
            good = m
            break
        if m >= m_hi:
            return None
        bad = m
    interpolate = True
    while good - bad > 1:
        width = good - bad
        s_b, s_g = sc(bad), sc(good)
        if interpolate and math.isfinite(s_b) and math.isfinite(s_g) and s_g > s_b:
            lb, lg = math.log(bad), math.log(good)
            root = math.exp(lb + (lg - lb) * (-s_b) / (s_g - s_b))
            c = min(max(math.ceil(root), bad + 1), good - 1)
            if sc(c) > 0:
                good = c
                if c - 1 > bad:
                    if sc(c - 1) > 0:
                        good = c - 1
                    else:
                        bad = c - 1
            else:
                bad = c
            # regula falsi can creep along one side: bisect after a poor step
            interpolate = 2 * (good - bad) <= width
            continue
        mid = (bad + good) // 2
        if sc(mid) > 0:
            good = mid
        else:
            bad = mid
        interpolate = True
    return good
