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
* ``poly`` (Hölder balls, :math:`\alpha > 1`, d = 1): the all-ones member of the polynomial
  construction, :math:`f^\star_m = \sum_{j<m} c\,h^\alpha \psi((x - jh)/h)` with
  :math:`\psi(u) = (4u(1-u))^{k}`, ``k = r + 1`` and the construction's exact constant ``c``;
  ``n = m``, :math:`H = c\,m^{-\alpha}`. With :math:`v_k = \mathrm{Var}\,\psi(U)` (an exact
  rational, ``U`` uniform): :math:`\kappa_p \ge v_k^{p/2}` for ``p >= 2`` and
  :math:`\kappa_p \ge v_k^{p}` for ``1 <= p < 2`` (certified lower bounds; equality at
  ``p = 2``), :math:`\kappa_\infty = 1/2`, affine and constant pieces alike.
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

SHAPES = ("tent", "poly", "step")
PIECE_KINDS = ("affine", "constant")


@dataclass(frozen=True)
class ToothWitness:
    r"""The tooth witness of a one-dimensional class (module docstring).

    Parameters
    ----------
    shape : {"tent", "poly", "step"}
    alpha : float
        Hölder exponent of the teeth: in ``(0, 1]`` for ``tent``, ``> 1`` for ``poly``
        (ignored for ``step``: use 1).
    r : int
        ``poly`` only: the bump is :math:`(4u(1-u))^{r+1}` (``r = ceil(alpha) - 1``).
    c : float
        ``poly`` only: the construction's amplitude constant (teeth of height
        :math:`c\,m^{-\alpha}`).
    """

    shape: str
    alpha: float = 1.0
    r: int = 0
    c: float = 0.5

    def __post_init__(self):
        check_choice("shape", self.shape, SHAPES)
        a = float(self.alpha)
        if self.shape == "poly":
            if not (a > 1.0 and isinstance(self.r, int) and self.r >= 1 and 0.0 < float(self.c) <= 0.5):
                raise ValueError(f"a poly witness needs alpha > 1, an integer r >= 1 and 0 < c <= 1/2, "
                                 f"got alpha={self.alpha!r}, r={self.r!r}, c={self.c!r}")
        elif not (0.0 < a <= 1.0) or self.r != 0 or self.c != 0.5:
            raise ValueError(f"alpha of a {self.shape} witness must lie in (0, 1] (with r = 0, "
                             f"c = 1/2), got alpha={self.alpha!r}, r={self.r!r}, c={self.c!r}")

    # ------------------------------------------------------------------ scales
    @property
    def m_min(self) -> int:
        """Smallest scale: one tooth (tent) or one interior jump (step)."""
        return 1 if self.shape == "tent" else 2

    def n_teeth(self, m: int) -> int:
        """Number ``n`` of disjoint tooth intervals at scale ``m``."""
        m = check_int("m", m, minimum=self.m_min)
        return m - 1 if self.shape == "step" else m

    def ln_height(self, m: int) -> float:
        """``ln H``: ``ln c - alpha ln m`` (tent: ``c = 1/2``; poly) or ``-ln m`` (step)."""
        if self.shape == "step":
            return -math.log(m)
        return math.log(float(self.c)) - float(self.alpha) * math.log(m)

    def height_mp(self, m: int):
        """``H`` at the current mpmath precision."""
        m = mpmath.mpf(m)
        if self.shape == "step":
            return 1 / m
        return mpmath.mpf(float(self.c)) * mpmath.power(m, -mpmath.mpf(float(self.alpha)))

    def variance_poly(self):
        r"""Exact :math:`\mathrm{Var}\,\psi(U)` for ``psi = (4u(1-u))^k``, ``k = r + 1``:
        :math:`E\psi = 4^k (k!)^2/(2k+1)!`, :math:`E\psi^2 = 4^{2k} ((2k)!)^2/(4k+1)!`
        (Beta integrals)."""
        from fractions import Fraction

        k = self.r + 1
        f = math.factorial
        m1 = Fraction(4**k * f(k) ** 2, f(2 * k + 1))
        m2 = Fraction(4 ** (2 * k) * f(2 * k) ** 2, f(4 * k + 1))
        return m2 - m1 * m1

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
        if self.shape == "poly":                   # Var^(p/2) (p >= 2), Var^p (p < 2)
            v = self.variance_poly()
            ln_v = mpmath.log(mpmath.mpf(v.numerator)) - mpmath.log(mpmath.mpf(v.denominator))
            return (p / 2 if p >= 2 else p) * ln_v
        if pieces == "constant":                   # 2^-p
            return -p * mpmath.log(2)
        return p * mpmath.log((mpmath.sqrt(2) - 1) / 2)   # ((sqrt 2 - 1)/2)^p

    # ------------------------------------------------------------------ the function
    def function(self, m: int):
        """``f*_m`` as a vectorised callable on ``[0, 1]``."""
        m = check_int("m", m, minimum=self.m_min)
        if self.shape in ("tent", "poly"):
            c = float(self.c) * m ** (-float(self.alpha))
            k = self.r + 1
            tent = self.shape == "tent"

            def f(x):
                u = np.asarray(x, dtype=float) * m
                frac = u - np.clip(np.floor(u), 0, m - 1)
                if tent:
                    return c * np.maximum(0.0, 1.0 - np.abs(2.0 * frac - 1.0))
                return c * (4.0 * frac * (1.0 - frac)) ** k
        else:
            def f(x):
                u = np.floor(np.asarray(x, dtype=float) * m)
                return np.clip(u, 0, m - 1) / m
        return f

    def intervals(self, m: int) -> np.ndarray:
        """``(n, 2)`` array of the tooth intervals ``[a_j, a_j + 1/m]``."""
        n = self.n_teeth(m)
        j = np.arange(n, dtype=float)
        left = (j + 0.5) / m if self.shape == "step" else j / m
        return np.stack([left, left + 1.0 / m], axis=1)

    def to_dict(self) -> dict:
        out = {"shape": self.shape, "alpha": float(self.alpha)}
        if self.shape == "poly":
            out.update(r=int(self.r), c=float(self.c))
        return out
