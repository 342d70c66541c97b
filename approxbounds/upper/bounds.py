r"""Error bounds of the explicit constructions (docs/upper_bounds.md §2-§4), one formula each.

Every formula is written once and evaluated on Python floats (then rounded *up* by
:func:`round_up`, for the certificate) or on mpmath numbers (for the re-check at ``dps``
digits): the arguments ``one`` (``1.0`` or ``mpf(1)``) and the exponents given as floats or
``mpf`` select the arithmetic.

Notation: ``h = 1/n`` the grid step, ``alpha`` the Hölder exponent, ``lip`` the Hölder
constant (:math:`|f(x)-f(y)| \le \mathrm{lip}\,\|x-y\|_\infty^{\alpha}`), ``p`` the
:math:`L^p` exponent. ``sup`` is a bound on :math:`\|f - g\|_\infty`, ``leb`` on
:math:`\|f - g\|_{L^p(\lambda)}` (Lebesgue), for every ``f`` of the class.

=====================  ==========================================  ===================================================
construction           sup                                          :math:`L^p(\lambda)`
=====================  ==========================================  ===================================================
PL, Hölder α ≤ 1       :math:`(h/2)^\alpha`                         :math:`(h/2)^\alpha (\alpha p+1)^{-1/p}`
PL, Hölder α > 1       :math:`h^a/(2a)`, ``a = min(α, 2)``          :math:`\min(h^a/(2a),\ h^a/(2(p+1)^{1/p}))`
PL, monotone           1                                            :math:`(h/(p+1))^{1/p}`
steps, centre values   :math:`\Lambda (h/2)^\alpha`                 :math:`\Lambda (h/2)^\alpha (d/(d+\alpha p))^{1/p}`
steps, midrange        :math:`\min(\Lambda h^\alpha, 2)/2`          same
steps, monotone        1/2                                          :math:`\tfrac12 (1-(1-h)^d)^{1/p}`
Kuhn, Hölder           :math:`\Lambda h^\alpha (d/(d+1))^\alpha`     :math:`\Lambda h^\alpha M^{1/p}` (:func:`kt_moment`)
Kuhn, monotone         1                                            :math:`(1-(1-h)^d)^{1/p}`
range staircase        :math:`1/(2(K+1))` (threshold), 1 (ramps)     :math:`1/(2(K+1))` for every probability measure
level interpolation    1                                            :math:`(K+1)^{-1}(p+1)^{-1/p}` (:math:`1/(K+1)` for every μ)
=====================  ==========================================  ===================================================

Formulas return ``(sup, leb)`` or ``(sup, leb, any)``; ``any`` bounds :math:`\|f-g\|_{L^p(\mu)}`
for every probability measure μ (``sup`` when not given): it is what density and empirical
measures combine with (docs §4).
"""
from __future__ import annotations

import math

__all__ = ["round_up", "SAFETY", "holder_pl", "monotone_pl", "steps_centre", "steps_midrange",
           "monotone_steps", "kt_moment", "kt_holder", "monotone_kt", "staircase", "monotone_ri",
           "mix_density"]

#: relative margin added to every float bound (float rounding is ~1e-16 per operation)
SAFETY = 1e-12


def round_up(x: float) -> float:
    """``x`` enlarged by the relative :data:`SAFETY` margin and one ulp (an upper bound stays one)."""
    x = float(x)
    if not math.isfinite(x) or x < 0:
        raise ValueError(f"bound must be finite and >= 0, got {x!r}")
    return math.nextafter(x * (1.0 + SAFETY), math.inf)


def _lp_power(p, one):
    return one / p


def holder_pl(alpha, n, p, one):
    """``(sup, leb)`` of piecewise-linear interpolation with ``n`` uniform pieces on [0,1]
    (Hölder ball, unit constants; ``p=None`` gives ``leb=None``). docs §2.1-§2.2."""
    h = one / n
    if alpha <= 1:
        sup = (h / 2) ** alpha
        leb = None if p is None else sup * (alpha * p + 1) ** (-_lp_power(p, one))
        return sup, leb
    a = alpha if alpha <= 2 else 2 * one
    sup = h ** a / (2 * a)
    if p is None:
        return sup, None
    leb = h ** a / (2 * (p + 1) ** _lp_power(p, one))
    return sup, (sup if sup < leb else leb)


def monotone_pl(n, p, one):
    """``(sup, leb)`` of piecewise-linear interpolation of a monotone function (values in
    [0,1]) with ``n`` uniform pieces. docs §3.1."""
    h = one / n
    return one, None if p is None else (h / (p + 1)) ** _lp_power(p, one)


def steps_centre(alpha, lip, d, m, p, one):
    """``(sup, leb)`` of the step function with the value at each cell centre, ``m`` cells per
    axis. docs §2.3."""
    h = one / m
    sup = lip * (h / 2) ** alpha
    leb = None if p is None else sup * (d * one / (d + alpha * p)) ** _lp_power(p, one)
    return sup, leb


def steps_midrange(alpha, lip, d, m, p, one):
    """``(sup, leb)`` of the step function with the midrange value on each cell (oscillation
    at most ``min(lip h^alpha, 2)``; values in [-1, 1]). docs §2.3."""
    h = one / m
    osc = lip * h ** alpha
    sup = (osc if osc < 2 else 2 * one) / 2
    return sup, None if p is None else sup


def monotone_steps(d, m, p, one):
    """``(sup, leb)`` of the midrange step function of a monotone function. docs §3.3."""
    h = one / m
    crossed = 1 - (1 - h) ** d
    return one / 2, None if p is None else crossed ** _lp_power(p, one) / 2


def kt_moment(alpha, d, p, one):
    r"""Bound on :math:`E[(1-\sum_j\lambda_j^2)^{q}]`, ``q = alpha p``, for :math:`\lambda`
    uniform on the d-simplex (Dirichlet(1,...,1)): :math:`E[X] = d/(d+2)`,
    :math:`X \le d/(d+1)`; Jensen for ``q <= 1``, :math:`X^q \le X (d/(d+1))^{q-1}` else."""
    q = alpha * p
    mean = d * one / (d + 2)
    if q <= 1:
        return mean ** q
    return mean * (d * one / (d + 1)) ** (q - 1)


def kt_holder(alpha, lip, d, m, p, one):
    """``(sup, leb)`` of interpolation on the Kuhn triangulation of the grid ``1/m``. docs §2.4."""
    h = one / m
    sup = lip * h ** alpha * (d * one / (d + 1)) ** alpha
    if p is None:
        return sup, None
    leb = lip * h ** alpha * kt_moment(alpha, d, p, one) ** _lp_power(p, one)
    return sup, (sup if sup < leb else leb)


def monotone_kt(d, m, p, one):
    """``(sup, leb)`` of Kuhn interpolation of a monotone function. docs §3.3."""
    h = one / m
    crossed = 1 - (1 - h) ** d
    return one, None if p is None else crossed ** _lp_power(p, one)


def staircase(K, activation, p, one):
    r"""``(sup, leb, any)`` of the range staircase with ``K`` jumps (docs §3.2): ``1/(2(K+1))``
    in every :math:`L^p(\mu)` (``any``), and in sup norm for threshold nets; a ReLU net (ramps)
    is only ``<= 1`` in sup norm."""
    v = one / (2 * (K + 1))
    sup = v if activation == "hard_threshold" else one
    return sup, (None if p is None else v), v


def monotone_ri(K, p, one):
    r"""``(sup, leb, any)`` of the interpolation at the crossings of ``K`` levels (docs §3.4):
    ``Delta = 1/(K+1)`` in every :math:`L^p(\mu)`, ``Delta (p+1)^{-1/p}`` in :math:`L^p(\lambda)`,
    1 in sup norm."""
    delta = one / (K + 1)
    return one, (None if p is None else delta * (p + 1) ** (-_lp_power(p, one))), delta


def mix_density(sup, leb, kappa, p, one):
    r""":math:`(\kappa\,\mathrm{leb}^p + (1-\kappa)\,\mathrm{sup}^p)^{1/p}`: the :math:`L^p(\mu)`
    bound for :math:`\mu = \kappa\lambda + (1-\kappa)\nu` (density :math:`\ge\kappa`). docs §4."""
    if kappa >= 1:
        return leb
    # factor out sup to stay in range for large p: sup (kappa (leb/sup)^p + 1 - kappa)^{1/p}
    if sup == 0:
        return leb
    r = leb / sup
    return sup * (kappa * r ** p + (1 - kappa)) ** _lp_power(p, one)
