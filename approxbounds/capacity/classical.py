r"""Classical VC bounds for piecewise-polynomial networks, tag [R] (rate only).

Constants here are *recalled* from the literature, not checked verbatim: use them for
comparisons and plots, never inside a certified number.

* Goldberg & Jerrum, "Bounding the Vapnik-Chervonenkis dimension of concept classes
  parameterized by real numbers", Machine Learning 18 (1995): if membership is decided by a
  Boolean formula of ``s`` polynomial predicates of degree ``<= d`` in ``k`` real
  parameters, :math:`\mathrm{VCdim} \le 2k\log_2(8eds)`. For piecewise-polynomial networks
  this yields :math:`O(W^2 + W U)` (constant not explicit; shown with constant 1).
* Bartlett, Maiorov & Meir, "Almost linear VC-dimension bounds for piecewise polynomial
  networks", Neural Computation 10 (1998) (also Anthony & Bartlett 1999, Thm 8.8):
  :math:`\mathrm{VCdim} \le 2WL\log_2(4eWLpU) + 2WL^2\log_2(\nu+1) + 2L`, i.e.
  :math:`O(WL\log W + WL^2)` (constants as recalled).
"""
from __future__ import annotations

import math

from approxbounds._validation import check_int
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound

__all__ = ["goldberg_jerrum_formula", "goldberg_jerrum_network", "bartlett_maiorov_meir",
           "classical_bounds"]

GJ_SOURCE = "Goldberg & Jerrum, Machine Learning 18:131-148, 1995 (recalled, rate only)"
BMM_SOURCE = ("Bartlett, Maiorov & Meir, Neural Computation 10(8), 1998; Anthony & Bartlett "
              "1999 Thm 8.8 (constants recalled, rate only)")


def goldberg_jerrum_formula(k, degree, s) -> float:
    """:math:`2k\\log_2(8 e d s)` for ``k`` parameters, ``s`` predicates of degree ``d`` [R]."""
    k = check_int("k", k, minimum=1)
    degree = check_int("degree", degree, minimum=1)
    s = check_int("s", s, minimum=1)
    return 2.0 * k * (3.0 + math.log2(math.e) + math.log2(degree) + math.log2(s))


def goldberg_jerrum_network(arch: Architecture) -> Bound:
    """Goldberg–Jerrum rate for networks, :math:`W^2 + WU` (constant 1 shown) [R]."""
    check_architecture(arch)
    W, U = arch.W, arch.U
    return Bound("vcdim", "goldberg_jerrum1995_rate", float(W) * (W + U), "R", GJ_SOURCE,
                 {"W": W, "U": U, "form": "C (W^2 + W U), C not explicit, shown with C=1"})


def bartlett_maiorov_meir(arch: Architecture) -> Bound:
    """BMM 1998 bound :math:`2WL\\log_2(4eWLpU) + 2WL^2\\log_2(\\nu+1) + 2L` [R]."""
    check_architecture(arch)
    W, L, U = arch.W, arch.L, arch.U
    p, nu = arch.activation.bhlm_p, arch.degree
    value = (2.0 * W * L * (2.0 + math.log2(math.e) + math.log2(W) + math.log2(L)
                            + math.log2(p) + math.log2(U))
             + 2.0 * W * L * L * math.log2(nu + 1) + 2.0 * L)
    return Bound("vcdim", "bartlett_maiorov_meir1998", value, "R", BMM_SOURCE,
                 {"W": W, "L": L, "U": U, "p": p, "nu": nu})


def classical_bounds(arch: Architecture) -> list[Bound]:
    """All [R] classical bounds for ``arch``."""
    check_architecture(arch)
    return [goldberg_jerrum_network(arch), bartlett_maiorov_meir(arch)]
