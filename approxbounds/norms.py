r"""The norm of a statement: :math:`L^p(\mu)` with :math:`1 \le p < \infty`, or the sup norm.

:class:`Norm` is the one owner of this concept. :meth:`Norm.parse` is the only parser of user
input (numbers, ``math.inf``, the strings ``"sup"``, ``"inf"``, ``"max"``, numeric strings such
as ``"2"``); every public entry point parses once and passes the frozen object down.
Anything else — ``p < 1``, NaN, :math:`-\infty`, booleans, ``None`` — raises naming the
parameter (``norm`` unless the caller says otherwise).

This module is on the ground floor: from the rest of the package it imports only
:mod:`approxbounds._json` (itself on the ground floor), for messages about huge integers.

Examples
--------
>>> Norm.parse(2).label, Norm.parse("sup").label
('L^2', 'sup norm')
>>> Norm.parse(2.5).to_json(), Norm.parse(float("inf")).to_json()
(2.5, 'sup')
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

from approxbounds._json import short_int_str

__all__ = ["Norm", "SUP"]

_SUP_WORDS = ("sup", "inf", "infinity", "max")


def _fmt(p: float) -> str:
    """Shortest text of ``p``: ``2`` for 2.0, ``2.5``, ``1e+300``."""
    return str(int(p)) if p.is_integer() and abs(p) < 1e16 else repr(p)


@dataclass(frozen=True, order=False)
class Norm:
    r"""A norm exponent: ``p`` in :math:`[1, \infty)` for :math:`L^p(\mu)`, or ``inf`` (sup norm).

    Build it with :meth:`parse`; the constructor takes an already valid float ``p``.

    Attributes
    ----------
    p : float
        The exponent; ``math.inf`` for the sup norm.
    """

    p: float

    def __post_init__(self):
        p = self.p
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"Norm.p must be a real number, got {p!r}")
        p = float(p)
        if math.isnan(p) or p < 1.0:
            raise ValueError(f"norm must be a real p >= 1 or 'sup', got {p!r}")
        object.__setattr__(self, "p", p)

    # ------------------------------------------------------------------ parsing
    @classmethod
    def parse(cls, value, name: str = "norm") -> "Norm":
        """The norm described by ``value``.

        Parameters
        ----------
        value : Norm, real, or str
            A real ``p`` with ``1 <= p < inf``; ``math.inf``, ``"sup"``, ``"inf"``, ``"max"``
            for the sup norm; a numeric string (``"2"``, ``"1.5"``, ``"inf"``).
        name : str
            The parameter named in error messages.

        Raises
        ------
        ValueError
            ``p < 1``, NaN, :math:`-\\infty`, or a string that is neither a number nor a
            sup-norm word.
        TypeError
            Anything that is not a number, a string or a :class:`Norm` (``None``, booleans, ...).
        """
        if isinstance(value, Norm):
            return value
        allowed = "a real p with 1 <= p < inf, or 'sup' (also inf, 'inf', 'max')"
        if isinstance(value, str):
            text = value.strip().lower()
            if text in _SUP_WORDS or text in ("+inf", "+infinity"):
                return SUP
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{name} must be {allowed}, got {value!r}") from None
            return cls.parse(number, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
        try:
            p = float(value)
        except OverflowError:     # an int beyond the double range: no double p represents it
            raise ValueError(f"{name} must be {allowed} and within the double range (~1.8e308), got "
                             f"{short_int_str(value)}") from None
        if math.isnan(p):
            raise ValueError(f"{name} must be {allowed}, got NaN")
        if p == math.inf:
            return SUP
        if not p >= 1.0:          # also -inf
            raise ValueError(f"{name} must be {allowed}, got {value!r}")
        return cls(p)

    @classmethod
    def from_json(cls, value, name: str = "norm") -> "Norm":
        """Inverse of :meth:`to_json`; accepts exactly what :meth:`to_json` writes
        (a finite number ``>= 1`` or the string ``"sup"``)."""
        if isinstance(value, str) and value != "sup":
            raise ValueError(f"{name} must be a number p >= 1 or 'sup' in JSON, got {value!r}")
        if isinstance(value, float) and math.isinf(value):
            raise ValueError(f"{name} must be written 'sup' in JSON, got {value!r}")
        return cls.parse(value, name)

    # ------------------------------------------------------------------ properties
    @property
    def is_sup(self) -> bool:
        """``True`` for the sup norm."""
        return self.p == math.inf

    @property
    def fraction(self) -> Fraction | None:
        """``p`` as an exact fraction (the float's exact value); ``None`` for the sup norm."""
        return None if self.is_sup else Fraction(self.p)

    @property
    def label(self) -> str:
        """Plain-text name: ``"L^2"``, ``"L^1.5"``, ``"sup norm"``."""
        return "sup norm" if self.is_sup else f"L^{_fmt(self.p)}"

    def label_with(self, measure_label: str | None) -> str:
        """``"L^2(lebesgue)"`` (the sup norm ignores the measure)."""
        if self.is_sup or not measure_label:
            return self.label
        return f"{self.label}({measure_label})"

    @property
    def latex(self) -> str:
        r"""Mathtext/LaTeX form: ``$L^{2}$``, ``$\|\cdot\|_\infty$``."""
        return r"$\|\cdot\|_\infty$" if self.is_sup else f"$L^{{{_fmt(self.p)}}}$"

    @property
    def subscript(self) -> str:
        r"""LaTeX subscript of the norm symbol: ``"2"``, ``"1.5"``, ``"\infty"`` (for
        :math:`\|\cdot\|_{p}`)."""
        return r"\infty" if self.is_sup else _fmt(self.p)

    @property
    def short(self) -> str:
        """Compact text for file names and table headers: ``"p2"``, ``"p1.5"``, ``"sup"``."""
        return "sup" if self.is_sup else f"p{_fmt(self.p)}"

    def to_json(self):
        """``"sup"``, an ``int`` for integral ``p`` (``2``), else the float (``2.5``)."""
        if self.is_sup:
            return "sup"
        return int(self.p) if self.p.is_integer() and self.p < 2**53 else self.p

    # ------------------------------------------------------------------ comparisons
    def __le__(self, other: "Norm") -> bool:
        """``q <= p``: the order of Lemma T (``||h||_q <= ||h||_p`` on probability measures)."""
        return self.p <= Norm.parse(other).p

    def __lt__(self, other: "Norm") -> bool:
        return self.p < Norm.parse(other).p

    def __ge__(self, other: "Norm") -> bool:
        return self.p >= Norm.parse(other).p

    def __gt__(self, other: "Norm") -> bool:
        return self.p > Norm.parse(other).p

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return "Norm('sup')" if self.is_sup else f"Norm({_fmt(self.p)})"


#: The sup norm.
SUP = Norm(math.inf)
