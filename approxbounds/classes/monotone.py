"""The class of coordinate-wise non-decreasing functions [0,1]^d → [0,1] and its packings.

Constructions (proofs in docs/function_classes.md §4), range [0,1] (a = 0, B = 1):

* ``A`` (regime ε^{−d}): f_σ = (1/2d) Σ_j x_j + δ Σ_k σ_k φ_k, δ = 1/(4dm).
* ``B`` (regime ε^{−p(d−1)}, d ≥ 2): f_σ = 1[x_d ≥ τ_σ(x_{<d})], τ_σ non-increasing.

In sup norm no continuous class approximates the monotone class better than ½
(:meth:`Monotone.sup_norm_discontinuity`, [P]).

References
----------
F. Gao, J. A. Wellner, Entropy estimate for high-dimensional monotonic functions, J.
Multivariate Anal. 98 (2007): log M(ε, M_d, L^p) ≍ ε^{−max(d, p(d−1))} (log² at p = d/(d−1)) [R].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from approxbounds.classes.base import (EntropyExponent, FunctionClass, _check_keys, check_dimension,
                                       exact_rational)
from approxbounds.norms import Norm
from approxbounds.classes.constructions import MonotoneA, MonotoneB

__all__ = ["Monotone", "SupNormObstruction"]


@dataclass(frozen=True)
class SupNormObstruction:
    """Certified sup-norm obstruction [P]: ‖1[x_1 ≥ ½] − g‖_∞ ≥ ½ for every continuous g.

    Proof: if g is continuous at a point x with x_1 = ½ then g(x) is the limit from both
    sides, where the step takes the values 0 and 1; max(|g(x) − 0|, |g(x) − 1|) ≥ ½, so the
    sup over a neighbourhood is ≥ ½ − o(1), hence ≥ ½.
    """

    value: float
    tag: str
    statement: str

    @staticmethod
    def witness(x):
        x = np.asarray(x, dtype=float)
        x1 = x if x.ndim == 1 else x[:, 0]
        return (x1 >= 0.5).astype(float)

    def check(self, g, d: int = 1, eta: float = 1e-9, n: int = 64, rng=None) -> float:
        """Largest |step − g| found next to the jump (≥ ½ − (modulus of continuity of g at η))."""
        rng = np.random.default_rng(rng)
        base = rng.uniform(size=(n, d))
        lo, hi = base.copy(), base.copy()
        lo[:, 0], hi[:, 0] = 0.5 - eta, 0.5
        x = np.concatenate([lo, hi])
        gx = np.asarray(g(x if d > 1 else x[:, 0]), dtype=float)
        return float(np.max(np.abs(self.witness(x) - gx)))


class Monotone(FunctionClass):
    """M_d = {f: [0,1]^d → [0,1] non-decreasing in every coordinate}; a = 0, B = 1."""

    a = 0.0
    B = 1.0

    def __init__(self, d: int):
        self.d = check_dimension(d)
        self.name = f"Monotone(d={self.d})"

    def __repr__(self) -> str:
        return self.name

    def to_dict(self) -> dict:
        """Canonical description ``{"name": "Monotone", "d"}``
        (inverse: :func:`approxbounds.classes.registry.class_from_dict`)."""
        return {"name": "Monotone", "d": self.d}

    @classmethod
    def from_dict(cls, desc: dict) -> "Monotone":
        """Inverse of :meth:`to_dict` (exactly the keys ``name``, ``d``)."""
        _check_keys(desc, ("name", "d"))
        return cls(desc["d"])

    @property
    def constructions(self) -> tuple[str, ...]:
        return ("A", "B") if self.d >= 2 else ("A",)

    def constructions_for(self, p) -> tuple[str, ...]:
        """B first when its regime ε^{−p(d−1)} beats A's ε^{−d} (or for the sup norm)."""
        p = Norm.parse(p, "p").p
        if self.d == 1:
            return ("A",)
        return ("B", "A") if p * (self.d - 1) > self.d else ("A", "B")

    def _make_construction(self, name):
        return MonotoneA(self.d) if name == "A" else MonotoneB(self.d)

    def sign_family(self, m: int):
        raise ValueError(
            "Monotone has no sign family f = sum_k s_k c phi_k for all signs s: flipping one "
            "bump downward breaks monotonicity; use sup_norm_discontinuity() (distance >= 1/2 "
            "from any continuous class) instead"
        )

    def sup_norm_discontinuity(self) -> SupNormObstruction:
        """sup_{f∈M_d} inf_{g continuous} ‖f − g‖_∞ ≥ ½ [P] (witness 1[x_1 ≥ ½])."""
        return SupNormObstruction(
            value=0.5,
            tag="P",
            statement="for every continuous g on [0,1]^d, ||1[x_1 >= 1/2] - g||_inf >= 1/2",
        )

    def tooth_witness(self):
        """The staircase witness of Theorem P (d = 1; docs/theory.md).

        Raises
        ------
        ValueError
            For d > 1.
        """
        from approxbounds.classes.witnesses import ToothWitness

        if self.d != 1:
            raise ValueError(f"Theorem P's staircase witness needs d = 1, got d={self.d}")
        return ToothWitness("step")

    def entropy_exponent(self, norm=2) -> EntropyExponent:
        """max(d, p(d−1)) (d ≥ 2), 1 (d = 1) in L^p, with a log² factor at p = d/(d−1)
        (Gao–Wellner 2007) [R]. Sup norm: no rate (``exponent=None``), because the class
        has infinite ε-packings for every ε < 1 and Lemma D [P] keeps every continuous class
        ½ away."""
        norm = Norm.parse(norm)
        if norm.is_sup:
            return EntropyExponent(
                exponent=None, log_power=0, tag="P",
                source="docs/theory.md (Lemma D: monotone class, sup norm)",
                reason=("the monotone class has an infinite eps-packing in sup norm for every "
                        "eps < 1 (1[x_1 >= t], t in (0,1)), and every continuous g is at sup "
                        "distance >= 1/2 from 1[x_1 >= 1/2]: no rate for continuous networks"))
        ps = exact_rational(norm.p)
        d = self.d
        if d == 1:
            e, logp = sp.Integer(1), 0
        else:
            e = sp.Max(sp.Integer(d), ps * (d - 1))
            logp = 2 if ps * (d - 1) == d else 0
        return EntropyExponent(
            exponent=e,
            log_power=logp,
            tag="R",
            source="Gao & Wellner 2007, J. Multivariate Anal. 98",
            note="log M(eps, M_d, L^p) ~ eps^(-max(d, p(d-1))), log^2(1/eps) factor at p = d/(d-1); d=1: eps^-1",
        )
