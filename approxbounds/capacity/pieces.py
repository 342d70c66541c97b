r"""Number of pieces of a one-dimensional network: how often its output can change form.

For a feed-forward network with input dimension 1, every function of the class is, on
:math:`[0,1]`, *piecewise affine* (activations of degree 1: ReLU, leaky ReLU, piecewise
linear) or *piecewise constant* (degree 0: hard threshold) with at most ``P`` pieces, where
``P`` is computed exactly here (docs/theory.md, Lemma P) [P]:

* degree 1, activation with ``t`` pieces (``t - 1`` breakpoints): layer by layer
  :math:`R_0 = 1`, :math:`R_i \le R_{i-1}\,(1 + k_i (t-1))`, so
  :math:`P = \prod_{i=1}^{L-1} (1 + k_i (t-1))` (``1 + k`` for a ``1,k,1`` ReLU net).
  Proof: on each of the :math:`R_{i-1}` intervals where the outputs of layer ``i-1`` are
  affine, a unit of layer ``i`` applies :math:`\sigma` to an affine function, which crosses
  each breakpoint of :math:`\sigma` at most once: at most :math:`t-1` new breakpoints per
  unit and interval. The linear output layer adds none.
* degree 0, activation with ``t`` pieces: the first hidden layer has at most
  :math:`k_1 (t-1)` jumps in all and is constant between them; later layers apply functions
  to piecewise-constant inputs and stay constant there, so :math:`P = 1 + k_1 (t-1)` for
  every depth.
* identity activation: one piece (the network is affine).

Quantizing weights only restricts the class, so the same ``P`` holds. Piecewise-polynomial
activations of degree >= 2 give curved pieces: no bound here (``None``).
"""
from __future__ import annotations

import math

from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound

__all__ = ["piece_kind", "pieces_bound", "PIECES_SOURCE"]

#: Largest piece count returned (beyond it the bound is useless and not a float).
PIECES_MAX = 2**1000
PIECES_SOURCE = "docs/theory.md, Lemma P (layer-wise refinement of breakpoints in one dimension)"


def piece_kind(arch: Architecture) -> str | None:
    """``"affine"`` (degree-1 activations), ``"constant"`` (degree 0) or ``None``."""
    check_architecture(arch)
    if arch.activation.name == "identity":
        return "affine"
    return {0: "constant", 1: "affine"}.get(arch.activation.degree)


def pieces_bound(arch: Architecture) -> Bound | None:
    """Exact upper bound ``P`` on the number of affine (or constant) pieces on ``[0,1]`` of
    every network of ``arch`` (input dimension 1), as a :class:`Bound` of quantity
    ``"pieces"`` (the exact integer is ``ingredients["P"]``); ``None`` when the module does
    not apply (input dimension > 1, curved pieces, or ``P > 2**1000``, beyond any use).

    Examples
    --------
    >>> pieces_bound(Architecture.parse("1,10,1")).ingredients["P"]
    11
    >>> pieces_bound(Architecture.parse("1,4,3,1")).ingredients["P"]
    20
    >>> pieces_bound(Architecture.parse("1,4,3,1", activation="hard_threshold")).ingredients["P"]
    5
    """
    kind = piece_kind(arch)
    if arch.d_in != 1 or kind is None:
        return None
    hidden = arch.widths[:-1]
    breaks = arch.activation.pieces - 1
    if arch.activation.name == "identity" or breaks == 0:
        P, rule = 1, "affine network"
    elif kind == "constant":
        P, rule = 1 + hidden[0] * breaks, "1 + k_1 (t - 1)"
    else:
        P, rule = math.prod(1 + k * breaks for k in hidden), "prod_i (1 + k_i (t - 1))"
    if P > PIECES_MAX:
        return None
    return Bound("pieces", "layerwise_refinement", P, "P", PIECES_SOURCE,
                 {"P": P, "kind": kind, "hidden_widths": list(hidden),
                  "activation_breakpoints": breaks, "rule": rule})
