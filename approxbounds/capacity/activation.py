"""Piecewise-polynomial activation functions, described by what the capacity bounds need.

An activation is summarised by two integers:

* ``pieces`` -- the number of polynomial pieces (ReLU: 2, identity: 1);
* ``degree`` -- the maximal degree ν of a piece (ReLU: 1, hard threshold: 0).

Bartlett, Harvey, Liaw and Mehrabian (BHLM, JMLR 20(63), 2019) write ``p`` for the number of
*breakpoints*, ``p = pieces - 1``. Their formulas need ``p >= 1``. An activation with a single
piece (identity, or any polynomial) is also a polynomial with two pieces that happen to agree,
so every bound valid for ``p = 1`` is valid for it: we use ``bhlm_p = max(pieces - 1, 1)``.
This can only enlarge the upper bounds, so they stay valid.
"""
from __future__ import annotations

from dataclasses import dataclass

from approxbounds._validation import check_choice, check_int

__all__ = ["Activation", "ACTIVATION_NAMES"]

# name -> (pieces, degree); None = supplied by the caller
_FIXED = {
    "relu": (2, 1),
    "leaky_relu": (2, 1),
    "hard_threshold": (2, 0),
    "identity": (1, 1),
}
ACTIVATION_NAMES = ("relu", "leaky_relu", "hard_threshold", "identity",
                    "piecewise_linear", "piecewise_polynomial")

#: Activations whose networks are continuous functions of the input (the one list:
#: :attr:`Activation.continuous`, used by Lemma D).
CONTINUOUS_ACTIVATIONS = ("relu", "leaky_relu", "identity")

# Sanity caps: larger values are almost certainly a bug upstream and would only make the
# bounds meaningless (they stay finite regardless, see bhlm.py).
MAX_PIECES = 10**9
MAX_DEGREE = 64


@dataclass(frozen=True)
class Activation:
    """A piecewise-polynomial activation.

    Parameters
    ----------
    name : str
        One of :data:`ACTIVATION_NAMES`.
    pieces : int
        Number of polynomial pieces, ``1 <= pieces <= 10**9``.
    degree : int
        Maximal degree ν of a piece, ``0 <= degree <= 64``.

    Notes
    -----
    ``breakpoints = pieces - 1`` is BHLM's ``p``; ``bhlm_p = max(breakpoints, 1)`` is the value
    plugged into the BHLM 2019 Thm 7 formulas (a one-piece activation is a two-piece one whose
    pieces coincide, so the bound for ``p = 1`` covers it).
    """

    name: str
    pieces: int
    degree: int

    def __post_init__(self):
        check_choice("activation", self.name, ACTIVATION_NAMES)
        pieces = check_int("pieces", self.pieces, minimum=1, maximum=MAX_PIECES)
        degree = check_int("degree", self.degree, minimum=0, maximum=MAX_DEGREE)
        object.__setattr__(self, "pieces", pieces)
        object.__setattr__(self, "degree", degree)
        if self.name in _FIXED and (pieces, degree) != _FIXED[self.name]:
            want = _FIXED[self.name]
            raise ValueError(
                f"activation {self.name!r} has pieces={want[0]}, degree={want[1]}; "
                f"got pieces={pieces}, degree={degree}")
        if self.name == "piecewise_linear" and degree != 1:
            raise ValueError(f"degree of 'piecewise_linear' must be 1, got {degree}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_name(cls, name, pieces=None, degree=None) -> "Activation":
        """Build an activation from its name.

        ``relu``, ``leaky_relu``, ``hard_threshold`` and ``identity`` have fixed
        ``(pieces, degree)``: (2,1), (2,1), (2,0), (1,1); passing other values raises
        ``ValueError``. ``piecewise_linear`` needs ``pieces`` (degree 1);
        ``piecewise_polynomial`` needs ``pieces`` and ``degree``.
        """
        if isinstance(name, tuple):
            if pieces is not None or degree is not None:
                raise ValueError("give pieces/degree either in the tuple or as keywords, not both")
            return cls.from_pieces(*name)
        if isinstance(name, str):
            name = name.strip().lower()   # "ReLU" and "relu" name the same activation
        name = check_choice("activation", name, ACTIVATION_NAMES)
        if name in _FIXED:
            fixed_p, fixed_d = _FIXED[name]
            return cls(name, fixed_p if pieces is None else pieces,
                       fixed_d if degree is None else degree)
        if pieces is None:
            raise ValueError(f"activation {name!r} needs pieces (an integer >= 1)")
        if name == "piecewise_linear":
            return cls(name, pieces, 1 if degree is None else degree)
        if degree is None:
            raise ValueError("activation 'piecewise_polynomial' needs degree (an integer >= 0)")
        return cls(name, pieces, degree)

    @classmethod
    def from_pieces(cls, pieces, degree) -> "Activation":
        """A generic activation given by ``(pieces, degree)``."""
        return cls("piecewise_polynomial", pieces, degree)

    @classmethod
    def coerce(cls, spec, pieces=None, degree=None) -> "Activation":
        """Accept an :class:`Activation`, a name, or a ``(pieces, degree)`` tuple."""
        if isinstance(spec, Activation):
            if pieces is not None or degree is not None:
                raise ValueError("pieces/degree cannot override an Activation instance")
            return spec
        if isinstance(spec, (tuple, list)):
            if len(spec) != 2:
                raise ValueError(f"activation tuple must be (pieces, degree), got {spec!r}")
            return cls.from_name(tuple(spec), pieces, degree)
        if not isinstance(spec, str):
            raise TypeError(f"activation must be a name, a (pieces, degree) tuple or an "
                            f"Activation, got {type(spec).__name__}")
        return cls.from_name(spec, pieces, degree)

    # ------------------------------------------------------------------ derived
    @property
    def continuous(self) -> bool:
        """``True`` when every network with this activation is a continuous function of its
        input (ReLU, leaky ReLU, identity: continuous pieces that agree at the breakpoints).
        Generic piecewise-polynomial activations may jump, hard thresholds do: ``False``."""
        return self.name in CONTINUOUS_ACTIVATIONS

    @property
    def breakpoints(self) -> int:
        """BHLM's ``p``: number of breakpoints, ``pieces - 1``."""
        return self.pieces - 1

    @property
    def bhlm_p(self) -> int:
        """``max(pieces - 1, 1)``, the ``p`` used in the BHLM formulas (see module notes)."""
        return max(self.pieces - 1, 1)

    def to_dict(self) -> dict:
        return {"name": self.name, "pieces": self.pieces, "degree": self.degree,
                "breakpoints": self.breakpoints}

    def __repr__(self) -> str:
        return f"Activation({self.name!r}, pieces={self.pieces}, degree={self.degree})"
