"""The :class:`Certificate`: a certified lower bound together with everything needed to
re-check it.

A certificate states ``sup_{f in F} inf_{g in G} ||f - g|| >= value`` for one norm and one
measure. It records the theorem used (``"L"``, ``"S"``, ``"C"`` or ``"D"``, see
``docs/theory.md``), every raw ingredient of the chain of inequalities (packing scale and
size, sample size, thresholds, growth-function bound and the formula it came from, ...), the
provenance tag of every statement relied on (only ``"V"`` and ``"P"`` are allowed), and the
other applicable certificates (:attr:`Certificate.alternatives`).

:meth:`Certificate.verify` recomputes every inequality of the chain with mpmath from the raw
ingredients (see :mod:`approxbounds.lower.verify`) and raises :class:`CertificateError`
naming the first failing step.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Certificate", "CertificateError", "THEOREMS", "jsonable"]

#: Theorem keys and their one-line statements (docs/theory.md).
THEOREMS = {
    "L": "Theorem L: L^p lower bound from the growth function of thresholded G "
         "(packing + random sample + union bound + Sauer-type counting)",
    "S": "Theorem S: sup-norm lower bound from VCdim(sgn G) and a sign family of bumps",
    "C": "Theorem C: counting bound, a packing larger than the finite class G",
    "D": "Lemma D: a monotone step function is >= 1/2 away in sup norm from every "
         "continuous function",
}


class CertificateError(ValueError):
    """A step of a certificate's chain of inequalities does not hold."""

    def __init__(self, step: str, detail: str):
        self.step = step
        self.detail = detail
        super().__init__(f"certificate step '{step}' fails: {detail}")


def jsonable(obj):
    """Convert ``obj`` to JSON-serialisable data (ints stay exact, even when huge)."""
    from fractions import Fraction

    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return f"{obj.numerator}/{obj.denominator}"
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return jsonable(obj.to_dict())
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return obj.item()
    return obj


@dataclass
class Certificate:
    """A certified lower bound ``sup_f inf_g ||f - g|| >= value``.

    Parameters
    ----------
    value : float
        The certified lower bound (``> 0``).
    theorem : {"L", "S", "C", "D"}
        The statement used, see :data:`THEOREMS` and ``docs/theory.md``.
    norm : float or "sup"
        ``p`` of the ``L^p(mu)`` norm, or ``"sup"``.
    measure : str
        Description of ``mu`` (``"sup norm"`` for the sup norm).
    function_class, network_class : str
        Descriptions of ``F`` and ``G``.
    ingredients : dict
        Every raw number of the chain (exact ints where they are ints).
    tags : dict
        ``statement -> tag`` for every statement relied on; all in ``{"V", "P"}``.
    alternatives : list of Certificate
        The other applicable certificates (weaker or equal), strongest first.
    """

    value: float
    theorem: str
    norm: object
    measure: str
    function_class: str
    network_class: str
    ingredients: dict
    tags: dict
    alternatives: list = field(default_factory=list)
    #: Optional high-precision re-evaluators (not serialised): ``"separation_mp"(dps)``,
    #: ``"log2_size_mp"(dps)``, ``"log2_growth_mp"(N, dps)``, ``"vcdim_mp"(dps)``,
    #: ``"log2_class_size_mp"(dps)``, ``"height_mp"(dps)``. :meth:`verify` uses them when
    #: present and falls back on the formulas named in :attr:`ingredients`.
    recompute: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        if self.theorem not in THEOREMS:
            raise ValueError(f"theorem must be one of {', '.join(THEOREMS)}, got {self.theorem!r}")
        v = float(self.value)
        if not (math.isfinite(v) and v > 0):
            raise ValueError(f"certificate value must be a finite positive number, got {v}")
        bad = {k: t for k, t in self.tags.items() if t not in ("V", "P")}
        if bad:
            raise ValueError(f"a certificate may rely only on [V]/[P] statements; got {bad}")

    # ------------------------------------------------------------------ checking
    def verify(self, dps: int = 50) -> bool:
        """Recompute every inequality of the chain with mpmath at ``dps`` digits.

        Returns ``True``; raises :class:`CertificateError` (a ``ValueError``) naming the
        failing step otherwise. Alternatives are verified too.
        """
        from .verify import verify_certificate

        verify_certificate(self, dps=dps)
        for alt in self.alternatives:
            verify_certificate(alt, dps=dps)
        return True

    # ------------------------------------------------------------------ output
    @property
    def norm_label(self) -> str:
        if self.norm == "sup":
            return "sup norm"
        p = float(self.norm)
        return f"L^{int(p) if p.is_integer() else p}({self.measure})"

    def explain(self) -> str:
        """The chain of inequalities in words and numbers."""
        from .explain import explain_certificate

        return explain_certificate(self)

    def summary(self) -> str:
        """One line: value, theorem, norm."""
        return (f"dist({self.function_class}, {self.network_class}) in {self.norm_label} "
                f">= {self.value:.6g}  [Theorem {self.theorem}]")

    def to_dict(self, *, alternatives: bool = True) -> dict:
        """JSON-serialisable dictionary (huge integers stay exact Python ints)."""
        out = {
            "value": self.value,
            "theorem": self.theorem,
            "statement": THEOREMS[self.theorem],
            "norm": self.norm,
            "measure": self.measure,
            "function_class": self.function_class,
            "network_class": self.network_class,
            "ingredients": jsonable(self.ingredients),
            "tags": dict(self.tags),
        }
        if alternatives:
            out["alternatives"] = [a.to_dict(alternatives=False) for a in self.alternatives]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Certificate":
        """Rebuild a certificate from :meth:`to_dict` output (e.g. a JSON file).

        The high-precision evaluators are not serialised; :meth:`verify` then rebuilds the
        capacity bound from the stored network description and checks the packing against
        its stored separation and size.
        """
        try:
            alts = [cls.from_dict(a) for a in data.get("alternatives", [])]
            return cls(value=float(data["value"]), theorem=data["theorem"], norm=data["norm"],
                       measure=data["measure"], function_class=data["function_class"],
                       network_class=data["network_class"],
                       ingredients=dict(data["ingredients"]), tags=dict(data["tags"]),
                       alternatives=alts)
        except KeyError as exc:
            raise ValueError(f"certificate dictionary lacks the field {exc}") from exc

    def __repr__(self) -> str:
        return (f"Certificate(value={self.value:.6g}, theorem={self.theorem!r}, "
                f"norm={self.norm!r}, F={self.function_class!r}, G={self.network_class!r})")
