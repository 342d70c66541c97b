"""Yarotsky's square gadget: x² on [0,1] by a deep ReLU network [P].

The tooth map g : [0,1] → [0,1], g(x) = 2x for x < ½ and 2(1 − x) for x ≥ ½, and its
s-fold composition g_s = g ∘ … ∘ g (a sawtooth with 2^(s−1) teeth) give

.. math:: f_m(x) = x - \\sum_{s=1}^{m} \\frac{g_s(x)}{4^s},

the piecewise-linear interpolant of x² at the 2^m + 1 points k 2^(−m), so that

.. math:: \\|f_m - x^2\\|_{\\infty,[0,1]} = 2^{-2m-2},

attained at the midpoints (2k+1) 2^(−m−1) (Yarotsky, Error bounds for approximations with
deep ReLU networks, Neural Networks 94, 2017, Prop. 2; docs/rates.md §3, [P]: the error of
linear interpolation of x² on an interval of length h is h²/4 at its midpoint).

As a ReLU network (our layout): each hidden layer s = 1..m has three units
σ(g_{s−1}), σ(g_{s−1} − ½), σ(f_{s−1}) with g_0 = f_0 = x; on [0,1], g = 2σ(y) − 4σ(y − ½)
and f_s = f_{s−1} − g_s/4^s ≥ x² ≥ 0 passes through σ unchanged. So width 3, L = m + 1
layers with weights (m hidden + the linear output), W = 12m − 2 parameters (weights and
biases), U = 3m + 1 units.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from approxbounds._validation import check_int

__all__ = [
    "tooth", "sawtooth", "square_gadget", "square_gadget_exact", "gadget_network",
    "GadgetNetwork", "gadget_size", "gadget_sup_error", "gadget_sup_error_exact",
    "predicted_sup_error",
]

_M_MAX = 40  # 4^(-40) ~ 1e-24: beyond double precision in any case


def _check_x(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x > 1):
        raise ValueError("x must lie in [0, 1]")
    return x


def tooth(x):
    """The tooth map g(x) = 2 min(x, 1 − x) on [0, 1] (vectorised)."""
    x = _check_x(x)
    return 2.0 * np.minimum(x, 1.0 - x)


def sawtooth(x, s: int):
    """g_s = g ∘ … ∘ g (s times); g_0 is the identity."""
    s = check_int("s", s, minimum=0, maximum=_M_MAX)
    y = _check_x(x)
    for _ in range(s):
        y = 2.0 * np.minimum(y, 1.0 - y)
    return y


def square_gadget(x, m: int):
    """f_m(x) = x − Σ_{s=1}^{m} g_s(x)/4^s (vectorised float evaluation)."""
    m = check_int("m", m, minimum=0, maximum=_M_MAX)
    x = _check_x(x)
    y = x.copy()
    out = x.copy()
    for s in range(1, m + 1):
        y = 2.0 * np.minimum(y, 1.0 - y)
        out = out - y / 4.0**s
    return out


def square_gadget_exact(x: Fraction, m: int) -> Fraction:
    """f_m(x) in exact rational arithmetic (``x`` a ``Fraction`` or int in [0, 1])."""
    m = check_int("m", m, minimum=0, maximum=_M_MAX)
    x = Fraction(x)
    if not 0 <= x <= 1:
        raise ValueError(f"x must lie in [0, 1], got {x}")
    y, out = x, x
    for s in range(1, m + 1):
        y = 2 * min(y, 1 - y)
        out -= y / Fraction(4) ** s
    return out


def predicted_sup_error(m: int) -> Fraction:
    """2^(−2m−2), exactly."""
    m = check_int("m", m, minimum=0, maximum=_M_MAX)
    return Fraction(1, 2 ** (2 * m + 2))


def gadget_sup_error_exact(m: int, level: int | None = None) -> Fraction:
    """max |f_m(x) − x²| over the dyadic points k 2^(−level), exactly (default level m + 2).

    f_m − x² is piecewise quadratic between the knots k 2^(−m), so its maximum over [0,1]
    sits at a midpoint (2k+1) 2^(−m−1), which every level ≥ m + 1 contains.
    """
    m = check_int("m", m, minimum=0, maximum=12)
    level = m + 2 if level is None else check_int("level", level, minimum=0, maximum=16)
    n = 2**level
    return max(abs(square_gadget_exact(Fraction(k, n), m) - Fraction(k, n) ** 2)
               for k in range(n + 1))


def gadget_sup_error(m: int, n_grid: int = 100_001) -> float:
    """max |f_m(x) − x²| on a uniform grid of [0,1] joined with every dyadic point of level
    m + 1 (where the maximum is attained), in floating point."""
    m = check_int("m", m, minimum=0, maximum=20)
    n_grid = check_int("n_grid", n_grid, minimum=2, maximum=10**7)
    x = np.union1d(np.linspace(0.0, 1.0, n_grid), np.arange(2 ** (m + 1) + 1) / 2.0 ** (m + 1))
    return float(np.max(np.abs(square_gadget(x, m) - x * x)))


@dataclass(frozen=True)
class GadgetNetwork:
    """Explicit ReLU network: ``layers`` is a list of (weight matrix, bias) pairs; ReLU after
    every layer except the last (linear output)."""

    m: int
    layers: tuple

    @property
    def widths(self) -> tuple:
        return tuple(b.shape[0] for _, b in self.layers)

    @property
    def W(self) -> int:
        return int(sum(w.size + b.size for w, b in self.layers))

    @property
    def L(self) -> int:
        return len(self.layers)

    @property
    def U(self) -> int:
        return int(sum(self.widths))

    def __call__(self, x):
        x = _check_x(x)
        h = x.reshape(-1, 1)
        for i, (w, b) in enumerate(self.layers):
            h = h @ w.T + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        return h[:, 0].reshape(x.shape)


def gadget_network(m: int) -> GadgetNetwork:
    """The ReLU network computing f_m (width 3, m hidden layers, linear output)."""
    m = check_int("m", m, minimum=1, maximum=_M_MAX)
    layers = [(np.array([[1.0], [1.0], [1.0]]), np.array([0.0, -0.5, 0.0]))]
    for s in range(2, m + 1):
        # previous units (a, b, c): g_{s-1} = 2a − 4b, f_{s-1} = c − g_{s-1}/4^(s−1)
        q = 4.0 ** -(s - 1)
        w = np.array([[2.0, -4.0, 0.0], [2.0, -4.0, 0.0], [-2.0 * q, 4.0 * q, 1.0]])
        layers.append((w, np.array([0.0, -0.5, 0.0])))
    q = 4.0**-m
    layers.append((np.array([[-2.0 * q, 4.0 * q, 1.0]]), np.array([0.0])))
    return GadgetNetwork(m, tuple(layers))


def gadget_size(m: int) -> dict:
    """Size of :func:`gadget_network`: {"W": 12m − 2, "L": m + 1, "U": 3m + 1, "width": 3}."""
    m = check_int("m", m, minimum=1, maximum=_M_MAX)
    return {"W": 12 * m - 2, "L": m + 1, "U": 3 * m + 1, "width": 3}
