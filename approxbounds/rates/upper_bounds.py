"""Literature upper bounds on ReLU approximation, as labelled rate curves [R].

Each entry is a function of (W, L) or (N, L) giving the *shape* of a known upper bound with
every constant set to 1: **constants are not certified** (rate only [R]; abstract-level
statements of the cited papers, docs/rates.md §2). They are plotted next to the certified lower
bounds for comparison only.

Entries (s = smoothness, α for Hölder, d = input dimension):

* ``shen_yang_zhang_2022``: width O(max{d⌊N^{1/d}⌋, N+2}), depth O(L), Hölder error
  O(λ√d (N² L² ln N)^{−α/d}) (Shen, Yang & Zhang, arXiv 2103.00502, J. Math. Pures Appl. 2022).
* ``lu_shen_yang_zhang_2021``: C^s functions, width O(N ln N), depth O(L ln L), error
  O(N^{−2s/d} L^{−2s/d}) (Lu, Shen, Yang & Zhang, arXiv 2001.03040, SIAM J. Math. Anal. 2021).
* ``yarotsky_2017``: Sobolev W^{s,∞}, depth O(ln 1/ε), error O(W^{−s/d}) up to logs
  (Yarotsky, Neural Networks 94, 2017).
* ``yarotsky_2018``: very deep (L ≍ W) networks, error O(W^{−2s/d}) for s ≤ 1 up to logs
  (Yarotsky, COLT 2018, "Optimal approximation of continuous functions by very deep ReLU
  networks").
* ``siegel_2023``: Sobolev/Besov, fixed width, depth L, error O(L^{−2s/d})
  (Siegel, arXiv 2211.14400, JMLR 2023).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from approxbounds._validation import check_int, check_real

__all__ = ["UpperBound", "UPPER_BOUNDS", "upper_bound_curve", "list_upper_bounds"]

NOT_CERTIFIED = "rate only [R]: constants set to 1, not certified"


@dataclass(frozen=True)
class UpperBound:
    """A literature upper bound as a rate curve.

    ``variables`` is ``("W", "L")`` or ``("N", "L")``; ``error(x, L, d, s)`` returns the
    rate curve with unit constants; ``params(N, L, d)`` (N-parametrised bounds) the order of
    the parameter count of the networks used, so the curve can be drawn against W;
    ``exponent(d, s)`` the exponent of the main variable.
    """

    key: str
    label: str
    source: str
    variables: tuple
    statement: str
    error: Callable
    exponent: Callable
    params: Callable | None = None
    tag: str = "R"
    note: str = NOT_CERTIFIED


def _arr(x, name):
    x = np.asarray(x, dtype=float)
    if np.any(~np.isfinite(x)) or np.any(x < 2):
        raise ValueError(f"{name} must be finite and >= 2")
    return x


def _syz_error(N, L, d, s):
    N, L = _arr(N, "N"), _arr(L, "L")
    return np.sqrt(d) * np.exp(-(s / d) * (2 * np.log(N) + 2 * np.log(L) + np.log(np.log(N))))


def _syz_params(N, L, d):
    width = np.maximum(d * np.floor(np.asarray(N, float) ** (1.0 / d)), np.asarray(N, float) + 2)
    return width**2 * np.asarray(L, float)


def _lsyz_error(N, L, d, s):
    N, L = _arr(N, "N"), _arr(L, "L")
    return np.exp(-(2 * s / d) * (np.log(N) + np.log(L)))


def _lsyz_params(N, L, d):
    N, L = np.asarray(N, float), np.asarray(L, float)
    return (N * np.log(N)) ** 2 * L * np.log(L)


def _yarotsky17(W, L, d, s):
    W = _arr(W, "W")
    return W ** (-s / d) * np.ones(np.broadcast(W, np.asarray(L, float)).shape)


def _yarotsky18(W, L, d, s):
    W = _arr(W, "W")
    return W ** (-2 * s / d) * np.ones(np.broadcast(W, np.asarray(L, float)).shape)


def _siegel(W, L, d, s):
    # fixed width: W ≍ L, so the depth rate L^(-2s/d) reads W^(-2s/d)
    W = _arr(W, "W")
    return W ** (-2 * s / d) * np.ones(np.broadcast(W, np.asarray(L, float)).shape)


UPPER_BOUNDS: dict[str, UpperBound] = {
    b.key: b
    for b in (
        UpperBound(
            "shen_yang_zhang_2022", "Shen–Yang–Zhang 2022",
            "Shen, Yang & Zhang, Optimal approximation rate of ReLU networks in terms of width "
            "and depth, J. Math. Pures Appl. 157, 2022 (arXiv 2103.00502)",
            ("N", "L"), "Hölder: O(lambda sqrt(d) (N^2 L^2 ln N)^(-alpha/d)), width "
            "O(max(d floor(N^(1/d)), N+2)), depth O(L)",
            _syz_error, lambda d, s: -2 * s / d, _syz_params),
        UpperBound(
            "lu_shen_yang_zhang_2021", "Lu–Shen–Yang–Zhang 2021",
            "Lu, Shen, Yang & Zhang, Deep network approximation for smooth functions, SIAM J. "
            "Math. Anal. 53(5), 2021 (arXiv 2001.03040)",
            ("N", "L"), "C^s: O(N^(-2s/d) L^(-2s/d)), width O(N ln N), depth O(L ln L)",
            _lsyz_error, lambda d, s: -2 * s / d, _lsyz_params),
        UpperBound(
            "yarotsky_2017", "Yarotsky 2017",
            "Yarotsky, Error bounds for approximations with deep ReLU networks, Neural "
            "Networks 94, 2017", ("W", "L"),
            "Sobolev W^(s,inf): O(W^(-s/d)) up to logs, depth O(log(1/eps))",
            _yarotsky17, lambda d, s: -s / d),
        UpperBound(
            "yarotsky_2018", "Yarotsky 2018 (very deep, L~W)",
            "Yarotsky, Optimal approximation of continuous functions by very deep ReLU "
            "networks, COLT 2018", ("W", "L"),
            "Hölder s <= 1: O(W^(-2s/d)) up to logs, depth L ~ W",
            _yarotsky18, lambda d, s: -2 * s / d),
        UpperBound(
            "siegel_2023", "Siegel 2023 (fixed width, L~W)",
            "Siegel, Optimal approximation rates for deep ReLU neural networks on Sobolev and "
            "Besov spaces, JMLR 24, 2023 (arXiv 2211.14400)", ("W", "L"),
            "Sobolev/Besov: O(L^(-2s/d)) at fixed width, so O(W^(-2s/d))",
            _siegel, lambda d, s: -2 * s / d),
    )
}


def list_upper_bounds() -> list[dict]:
    """Registry listing: key, label, source, variables, statement, tag, note."""
    return [
        {"key": b.key, "label": b.label, "source": b.source, "variables": list(b.variables),
         "statement": b.statement, "tag": b.tag, "note": b.note}
        for b in UPPER_BOUNDS.values()
    ]


def upper_bound_curve(key: str, W_values, *, d: int, s: float, depth: int = 10):
    """Curve of upper bound ``key`` against W (rate only [R], unit constants).

    For (N, L)-parametrised bounds, N runs over a grid at fixed depth ``depth`` and the
    parameter count ``params(N, L, d)`` gives W; the curve is interpolated (log–log) at
    ``W_values``. Returns an array of the same shape as ``W_values``.
    """
    if key not in UPPER_BOUNDS:
        raise ValueError(f"unknown upper bound {key!r}; valid values: {', '.join(UPPER_BOUNDS)}")
    d = check_int("d", d, minimum=1)
    s = check_real("s", s, low=0.0, low_open=True)
    depth = check_int("depth", depth, minimum=2)
    bound = UPPER_BOUNDS[key]
    W_values = _arr(W_values, "W_values")
    if bound.variables[0] == "W":
        return bound.error(W_values, depth, d, s)
    N_grid = np.logspace(np.log10(3), 12, 400)
    W_grid = bound.params(N_grid, depth, d)
    err = bound.error(N_grid, depth, d, s)
    return np.exp(np.interp(np.log(W_values), np.log(W_grid), np.log(err)))
