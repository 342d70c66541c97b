r"""Yarotsky's square gadget (Yarotsky 2017, Prop. 2) [P].

With the tooth map :math:`g(x) = 2\min(x, 1-x)`, :math:`g_s = g\circ\dots\circ g` (s times) and
:math:`f_m(x) = x - \sum_{s\le m} g_s(x)/4^s`, one has
:math:`\|f_m - x^2\|_{\infty,[0,1]} = 2^{-2m-2}`. Checked three ways with
:mod:`approxbounds.rates.yarotsky`: exactly in rationals at every dyadic point of level m+2
(the maximum sits at the midpoints of the knots k 2^-m), in floating point on a fine grid,
and through the explicit ReLU network (width 3, m hidden layers) against the function form.
Reference values (docs/rates.md, Yarotsky gadget): m = 1 -> 1/16, m = 2 -> 1/64, m = 5 -> 2^-12.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_yarotsky_gadget"]


def check_yarotsky_gadget(seed: int = 0, *, m_max: int = 6) -> list[CheckResult]:
    from approxbounds.rates.yarotsky import (gadget_network, gadget_sup_error,
                                             gadget_sup_error_exact, predicted_sup_error,
                                             square_gadget)

    check_int("seed", seed, minimum=0)
    m_max = check_int("m_max", m_max, minimum=5, maximum=10)
    ok, max_float_rel, max_net = True, 0.0, 0.0
    x = np.linspace(0.0, 1.0, 4097)
    for m in range(1, m_max + 1):
        exact = gadget_sup_error_exact(m)
        ok &= exact == Fraction(1, 2 ** (2 * m + 2)) == predicted_sup_error(m)
        fl = gadget_sup_error(m, n_grid=20_001)
        max_float_rel = max(max_float_rel, abs(fl * 2 ** (2 * m + 2) - 1))
        max_net = max(max_net, float(np.max(np.abs(gadget_network(m)(x) - square_gadget(x, m)))))
    refs = {1: 0.0625, 2: 0.015625, 5: 2.0**-12}
    ok &= all(float(gadget_sup_error_exact(m)) == v for m, v in refs.items())
    return [CheckResult(
        claim=f"Yarotsky gadget: ||f_m - x^2||_inf = 2^(-2m-2) exactly for m = 1..{m_max} "
              "(rationals), in floating point, and the ReLU network equals f_m",
        numbers={"m_max": m_max, "max_rel_float_error": max_float_rel,
                 "max_network_vs_function": max_net,
                 "error_m5": float(gadget_sup_error_exact(5))},
        passed=bool(ok and max_float_rel < 1e-12 and max_net < 1e-12))]
