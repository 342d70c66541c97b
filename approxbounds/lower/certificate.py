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

__all__ = ["Certificate", "CertificateError", "THEOREMS", "jsonable", "theorem_label"]

#: Theorem keys and their one-line statements (docs/theory.md).
THEOREMS = {
    "L": "Theorem L: L^p lower bound from the growth function of thresholded G "
         "(packing + random sample + union bound + Sauer-type counting)",
    "S": "Theorem S: sup-norm lower bound from VCdim(sgn G) and a sign family of bumps",
    "C": "Theorem C: counting bound, a packing larger than the finite class G",
    "D": "Lemma D: a monotone step function is >= 1/2 away in sup norm from every "
         "continuous function",
}


def theorem_label(key: str) -> str:
    """Printed name of a theorem key: "Theorem L", "Theorem S", "Theorem C", "Lemma D"."""
    return THEOREMS[key].split(":", 1)[0] if key in THEOREMS else f"Theorem {key}"


#: Lemma T is not a theorem key of its own: a transferred certificate keeps the key of the
#: chain it carries over (L or C) and records ``certified_norm`` and ``transfer``.


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


def _norm_label(norm, measure) -> str:
    if norm == "sup":
        return "sup norm"
    try:
        p = float(norm)
    except (TypeError, ValueError):
        return f"norm {norm!r}"
    return f"L^{int(p) if p.is_integer() else p}({measure})"


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

    Notes
    -----
    A certificate *transferred* by Lemma T (docs/theory.md §7) runs its L or C chain at
    ``L^q(mu)`` and states it for ``norm = p >= q`` or the sup norm, using
    ``||h||_{L^q(mu)} <= ||h||_{L^p(mu)} <= ||h||_sup`` for probability measures ``mu``.
    Its ingredients then hold ``certified_norm = q`` and ``transfer`` (``from_norm``,
    ``to_norm``, ``measure``, ``certified_measure``); see :attr:`transferred`,
    :attr:`certified_norm` and :meth:`certified_view`.
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

    # ------------------------------------------------------------------ transfer
    @property
    def transferred(self) -> bool:
        """``True`` when the chain was run at another norm ``q`` and carried over to
        :attr:`norm` by Lemma T (norm monotonicity, docs/theory.md §7)."""
        return "certified_norm" in self.ingredients or "transfer" in self.ingredients

    @property
    def certified_norm(self):
        """The norm at which the chain of inequalities was checked (``q``; equal to
        :attr:`norm` unless :attr:`transferred`)."""
        return self.ingredients.get("certified_norm", self.norm)

    def certified_view(self) -> "Certificate":
        """The certificate as obtained before Lemma T: same chain, at :attr:`certified_norm`
        and the measure recorded in ``ingredients["transfer"]``, without the transfer record
        and the Lemma T tag (``self`` when not transferred). Ingredient values are shared."""
        if not self.transferred:
            return self
        transfer = self.ingredients.get("transfer")
        measure = transfer.get("certified_measure", self.measure) if isinstance(
            transfer, dict) else self.measure
        from .theorems import LEMMA_T_STATEMENT

        ingredients = {k: v for k, v in self.ingredients.items()
                       if k not in ("certified_norm", "transfer")}
        tags = {k: v for k, v in self.tags.items() if k != LEMMA_T_STATEMENT}
        return Certificate(value=self.value, theorem=self.theorem, norm=self.certified_norm,
                           measure=measure, function_class=self.function_class,
                           network_class=self.network_class, ingredients=ingredients,
                           tags=tags, recompute=self.recompute)

    # ------------------------------------------------------------------ output
    @property
    def norm_label(self) -> str:
        return _norm_label(self.norm, self.measure)

    def explain(self) -> str:
        """The chain of inequalities in words and numbers."""
        from .explain import explain_certificate

        return explain_certificate(self)

    def summary(self) -> str:
        """One line: value, theorem, norm."""
        how = theorem_label(self.theorem)
        if self.transferred:
            view = self.certified_view()
            how += f" at {view.norm_label}, transferred by Lemma T"
        return (f"dist({self.function_class}, {self.network_class}) in {self.norm_label} "
                f">= {self.value:.6g}  [{how}]")

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
