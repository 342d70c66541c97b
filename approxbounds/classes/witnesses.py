r"""Tooth witnesses: one member of a one-dimensional class that is hard for few-piece networks.

A *tooth witness* at scale ``m`` is a function :math:`f^\star_m \in F` on :math:`[0,1]` and
``n`` disjoint intervals :math:`I_1, \dots, I_n` of width :math:`h = 1/m` on each of which

.. math:: f^\star_m(x) = \ell_j(x) + H\,\psi\bigl((x - a_j)/h\bigr), \qquad x \in I_j = [a_j, a_j + h],

with :math:`\ell_j` affine, :math:`H > 0` the tooth height and :math:`\psi` a fixed shape on
:math:`[0,1]`. Theorem P (docs/theory.md) bounds the distance of :math:`f^\star_m` from every
function with at most ``P`` affine (or constant) pieces through the *shape constants*

.. math:: \kappa_p = \inf_{\ell}\int_0^1 |\psi - \ell|^p, \qquad
          \kappa_\infty = \inf_{\ell} \sup_{[0,1]} |\psi - \ell|,

the infimum over affine (or constant) :math:`\ell`. Both witnesses and all their constants
are proved in docs/theory.md §"Theorem P" [P]:

* ``tent`` (Hölder balls, :math:`\alpha \le 1`, d = 1): the packing member of the tent
  construction with every bump present, :math:`f^\star_m = \sum_{j<m} \tfrac12 h^\alpha
  \varphi((x - j h)/h)`; ``n = m``, :math:`H = \tfrac12 m^{-\alpha}`,
  :math:`\psi(u) = 1 - |2u - 1|`. Affine and constant pieces alike:
  :math:`\kappa_p = 2^{-p}/(p+1)`, :math:`\kappa_\infty = 1/2`.
* ``step`` (monotone functions, d = 1): the staircase :math:`f^\star_m(x) = \lfloor m x
  \rfloor / m` (clipped to ``[0, 1 - 1/m]``), intervals centred on its ``n = m - 1`` interior
  jumps, :math:`H = 1/m`, :math:`\psi(u) = 1[u \ge 1/2]`. Constant pieces:
  :math:`\kappa_p = 2^{-p}`; affine pieces: :math:`\kappa_p \ge ((\sqrt2 - 1)/2)^p` (a
  certified lower bound, not the exact infimum); :math:`\kappa_\infty = 1/2` in both cases.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import numpy as np

from approxbounds._validation import check_choice, check_int
from approxbounds.norms import Norm

__all__ = ["ToothWitness", "SHAPES", "PIECE_KINDS"]

SHAPES = ("tent", "step")
PIECE_KINDS = ("affine", "constant")


@dataclass(frozen=True)
class ToothWitness:
    """The tooth witness of a one-dimensional class (module docstring).

    Parameters
    ----------
    shape : {"tent", "step"}
    alpha : float
        Hölder exponent of the tent teeth, in ``(0, 1]`` (ignored for ``step``: use 1).
    """

    shape: str
    alpha: float = 1.0

    def __post_init__(self):
        check_choice("shape", self.shape, SHAPES)
        if not (0.0 < float(self.alpha) <= 1.0):
            raise ValueError(f"alpha of a tooth witness must lie in (0, 1], got {self.alpha!r}")

    # ------------------------------------------------------------------ scales
    @property
    def m_min(self) -> int:
        """Smallest scale: one tooth (tent) or one interior jump (step)."""
        return 1 if self.shape == "tent" else 2

    def n_teeth(self, m: int) -> int:
        """Number ``n`` of disjoint tooth intervals at scale ``m``."""
        m = check_int("m", m, minimum=self.m_min)
        return m if self.shape == "tent" else m - 1

    def ln_height(self, m: int) -> float:
        """``ln H``: ``ln(1/2) - alpha ln m`` (tent) or ``-ln m`` (step)."""
        if self.shape == "tent":
            return -math.log(2.0) - float(self.alpha) * math.log(m)
        return -math.log(m)

    def height_mp(self, m: int):
        """``H`` at the current mpmath precision."""
        m = mpmath.mpf(m)
        if self.shape == "tent":
            return mpmath.power(m, -mpmath.mpf(float(self.alpha))) / 2
        return 1 / m

    # ------------------------------------------------------------------ shape constants
    def ln_kappa(self, norm, pieces: str) -> float:
        """``ln kappa_p`` (finite ``p``) or ``ln kappa_inf`` for pieces of kind ``pieces``
        (a certified lower bound on the infimum; module docstring)."""
        with mpmath.workdps(30):
            return float(self.ln_kappa_mp(norm, pieces))

    def ln_kappa_mp(self, norm, pieces: str):
        """:meth:`ln_kappa` at the current mpmath precision (exact closed forms)."""
        norm = Norm.parse(norm)
        check_choice("pieces", pieces, PIECE_KINDS)
        if norm.is_sup:
            return -mpmath.log(2)
        p = mpmath.mpf(norm.p)
        if self.shape == "tent":                   # 2^-p / (p + 1)
            return -p * mpmath.log(2) - mpmath.log(p + 1)
        if pieces == "constant":                   # 2^-p
            return -p * mpmath.log(2)
        return p * mpmath.log((mpmath.sqrt(2) - 1) / 2)   # ((sqrt 2 - 1)/2)^p

    # ------------------------------------------------------------------ the function
    def function(self, m: int):
        """``f*_m`` as a vectorised callable on ``[0, 1]``."""
        m = check_int("m", m, minimum=self.m_min)
        if self.shape == "tent":
            c = 0.5 * m ** (-float(self.alpha))

            def f(x):
                u = np.asarray(x, dtype=float) * m
                frac = u - np.clip(np.floor(u), 0, m - 1)
                return c * np.maximum(0.0, 1.0 - np.abs(2.0 * frac - 1.0))
        else:
            def f(x):
                u = np.floor(np.asarray(x, dtype=float) * m)
                return np.clip(u, 0, m - 1) / m
        return f

    def intervals(self, m: int) -> np.ndarray:
        """``(n, 2)`` array of the tooth intervals ``[a_j, a_j + 1/m]``."""
        n = self.n_teeth(m)
        j = np.arange(n, dtype=float)
        left = j / m if self.shape == "tent" else (j + 0.5) / m
        return np.stack([left, left + 1.0 / m], axis=1)

    def to_dict(self) -> dict:
        return {"shape": self.shape, "alpha": float(self.alpha)}
