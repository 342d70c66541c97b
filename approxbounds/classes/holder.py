"""Hölder balls H^α([0,1]^d) and their packings.

H^α, α = r + β with r ≥ 0 an integer and β ∈ (0, 1]: functions f on [0,1]^d with
‖∂^k f‖_∞ ≤ 1 for |k| ≤ r and |∂^k f(x) − ∂^k f(y)| ≤ ‖x − y‖_∞^β for |k| = r.
We use the max-norm ‖·‖_∞ on R^d: it is the smallest ℓ_q norm, so membership for ‖·‖_∞ implies
membership for the Euclidean (or any ℓ_q) version of the ball.

Packings (proofs in docs/function_classes.md §3): α ≤ 1 tent bumps of height
½ h^α; α > 1 tensor polynomial bumps c h^α Ψ with c computed from exact sympy constants. All
members take values in [0, ½], so a = 0, B = ½.

References
----------
A. N. Kolmogorov, V. M. Tikhomirov, ε-entropy and ε-capacity of sets in function spaces,
Uspekhi Mat. Nauk 14 (1959): log M(ε, H^α) ≍ ε^{−d/α} [R].
A. B. Tsybakov, Introduction to Nonparametric Estimation (2009), §2.6 and Lemma 2.9.
"""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from approxbounds._validation import check_int, check_real
from approxbounds.classes.base import (EntropyExponent, FunctionClass, _check_keys, check_dimension,
                                       exact_rational)
from approxbounds.norms import Norm
from approxbounds.classes.constructions import PolynomialHolder, TentHolder
from approxbounds.classes.packing import SignFamily

__all__ = ["Holder"]

ALPHA_MAX = 10.0


class Holder(FunctionClass):
    """Hölder ball H^α on [0,1]^d (unit constants, ‖·‖_∞ on R^d).

    Parameters
    ----------
    d : int ≥ 1
    alpha : float in (0, 10] (the bump's exact constants get costly beyond)

    Attributes
    ----------
    r, beta : α = r + β, β ∈ (0, 1] (``beta`` an exact ``Fraction`` of the float α)
    a, B : 0 and ½, the range of every packing member
    """

    a = 0.0
    B = 0.5

    def __init__(self, d: int, alpha: float):
        self.d = check_dimension(d)
        self.alpha = check_real("alpha", alpha, low=0.0, high=ALPHA_MAX, low_open=True)
        fa = Fraction(self.alpha)
        self.r = math.ceil(fa) - 1
        self.beta = fa - self.r
        self.name = f"Holder(d={self.d}, alpha={self.alpha:g})"

    def __repr__(self) -> str:
        return self.name

    def to_dict(self) -> dict:
        """Canonical description ``{"name": "Holder", "d", "alpha"}``
        (inverse: :func:`approxbounds.classes.registry.class_from_dict`)."""
        return {"name": "Holder", "d": self.d, "alpha": self.alpha}

    @classmethod
    def from_dict(cls, desc: dict) -> "Holder":
        """Inverse of :meth:`to_dict` (exactly the keys ``name``, ``d``, ``alpha``)."""
        _check_keys(desc, ("name", "d", "alpha"))
        return cls(desc["d"], desc["alpha"])

    @property
    def constructions(self) -> tuple[str, ...]:
        return ("tent",) if self.alpha <= 1 else ("polynomial",)

    def constructions_for(self, p) -> tuple[str, ...]:
        return self.constructions

    def _make_construction(self, name):
        if name == "tent":
            return TentHolder(self.d, self.alpha)
        return PolynomialHolder(self.d, self.alpha, self.r, self.beta)

    def sign_family(self, m: int) -> SignFamily:
        """f_σ = Σ σ_k c φ_k, σ ∈ {−1,+1}^{m^d}, c = ½ m^{−α} (α ≤ 1) or c_α m^{−α} (α > 1)."""
        m = check_int("m", m, minimum=1, maximum=10**15)
        return SignFamily(self, self._construction(None, math.inf), m)

    def tooth_witness(self):
        """The witness of Theorem P (d = 1; docs/theory.md): tent teeth for alpha <= 1, the
        polynomial bumps of the alpha > 1 construction otherwise.

        Raises
        ------
        ValueError
            For d > 1 (no witness: a piece boundary can cut many cells).
        """
        from approxbounds.classes.witnesses import ToothWitness

        if self.d != 1:
            raise ValueError(f"Theorem P's witnesses need d = 1, got d={self.d}")
        if self.alpha <= 1:
            return ToothWitness("tent", self.alpha)
        con = self._construction(None, math.inf)
        return ToothWitness("poly", self.alpha, r=int(self.r), c=float(con.c))

    def entropy_exponent(self, norm=2) -> EntropyExponent:
        """d/α, the same for every L^p and the sup norm (Kolmogorov–Tikhomirov 1959) [R]."""
        Norm.parse(norm)
        return EntropyExponent(
            exponent=sp.Integer(self.d) / exact_rational(self.alpha),
            log_power=0,
            tag="R",
            source="Kolmogorov & Tikhomirov 1959 (epsilon-entropy of Holder classes)",
            note="log M(eps, H^alpha, L^p) ~ eps^(-d/alpha) for every p in [1, inf]",
        )
