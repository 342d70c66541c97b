"""Capacity asymptotics of network classes, at the level of rates [R].

The symbols ``W`` (parameters) and ``L`` (layers) are shared by every rate expression.

* Piecewise-linear activations (ReLU, leaky ReLU): Pdim ≍ W L log W (Bartlett, Harvey,
  Liaw & Mehrabian 2019, Theorems 3 and 7: c·W L log(W/L) ≤ VCdim ≤ C·W L log W; the
  constants c, C are not explicit, so this is rate only).
* Piecewise-polynomial activations of degree ν ≥ 2: Pdim = O(W L log W + W L²) (same paper).
* Hard threshold (ν = 0): VCdim = O(W log W), no depth dependence (same paper, ν = 0 case).
* Quantized weights (b bits per weight): the class is finite with at most 2^(bW) members
  (docs/capacity.md §5, [P]); the counting theorem C applies and the capacity is ≍ W.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["W", "L", "CapacityModel", "capacity_model"]

W = sp.Symbol("W", positive=True)
L = sp.Symbol("L", positive=True)

BHLM = ("Bartlett, Harvey, Liaw & Mehrabian, Nearly-tight VC-dimension and pseudodimension "
        "bounds for piecewise linear neural networks, JMLR 20(63), 2019")

_PIECEWISE_LINEAR = ("relu", "leaky_relu", "piecewise_linear")


@dataclass(frozen=True)
class CapacityModel:
    """Capacity of a network class as a sympy expression in ``W`` and ``L``.

    ``expression`` is Pdim (or log2 |G| for finite classes) up to constants; ``size`` the
    complexity variable whose power the rate reports (``W*L`` or ``W``); ``finite`` says the
    counting theorem (no sample-size log factor) is the route.
    """

    activation: str
    expression: sp.Expr
    size: sp.Expr
    finite: bool
    tag: str
    source: str


def _activation_of(G) -> tuple[str, int | None, int | None, bool, bool]:
    """(activation name, degree, pieces, quantized?, finite?) of an Architecture or a name."""
    if isinstance(G, str):
        return G.strip().lower(), None, None, False, False
    act = getattr(G, "activation", None)
    if act is None:
        raise TypeError(f"G must be an Architecture or an activation name, got {type(G).__name__}")
    name = act if isinstance(act, str) else getattr(act, "name", str(act))
    degree = getattr(act, "degree", getattr(G, "degree", None))
    pieces = getattr(act, "pieces", None)
    quantized = getattr(G, "quantization", None) is not None
    finite = bool(getattr(G, "is_finite", quantized))
    return str(name).lower(), degree, pieces, quantized, finite


def capacity_model(G) -> CapacityModel:
    """Rate-level capacity of ``G`` (an ``Architecture`` or a name such as ``"relu"``).

    Raises
    ------
    ValueError
        For activations without a polynomial capacity rate (e.g. ``"identity"``: a linear
        network computes only affine maps, so its approximation error does not decay).
    """
    name, degree, pieces, quantized, finite = _activation_of(G)
    if name == "identity" or pieces == 1:
        raise ValueError(
            f"activation {name!r} is affine: the network computes affine maps only, so its "
            "error does not decay with W; valid values: relu, leaky_relu, piecewise_linear, "
            "piecewise_polynomial, hard_threshold (or a quantized Architecture)")
    if quantized:
        if finite:
            return CapacityModel(name, W, W, True, "P",
                                 "docs/capacity.md §5 finite classes: |G| <= 2^(bits*W) "
                                 "(counting, Theorem C)")
        return CapacityModel(name, W, W, False, "R",
                             "docs/capacity.md §5: 2^(bits*W) subclasses times the growth of the "
                             "full-precision scalars (rate: log-growth ~ W)")
    if name in _PIECEWISE_LINEAR or degree == 1:
        return CapacityModel(name, W * L * sp.log(W), W * L, False, "R", BHLM + ", Thms 3 and 7")
    if name == "hard_threshold" or degree == 0:
        return CapacityModel(name, W * sp.log(W), W, False, "R", BHLM + ", Thm 7 (nu = 0)")
    if name == "piecewise_polynomial" or (degree is not None and degree >= 2):
        return CapacityModel(name, W * L * (L + sp.log(W)), W * L, False, "R",
                             BHLM + ", Thm 7 (nu >= 2)")
    raise ValueError(
        f"activation {name!r} has no capacity rate; valid values: relu, leaky_relu, "
        "piecewise_linear, piecewise_polynomial, hard_threshold (or a quantized Architecture)"
    )
