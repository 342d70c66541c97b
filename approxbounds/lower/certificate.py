r"""The :class:`Certificate`: a certified lower bound bound to its claim.

A certificate is a :class:`~approxbounds.claims.Claim` (``sup_f inf_g ||f - g|| >= value`` for
one function class, network class, norm and measure) together with its proof: the *route*
(free choices: construction, grid size, tail bound, Lemma T norm; see
:mod:`approxbounds.lower.derive`), every raw *ingredient* of the chain of inequalities, and
the provenance *tag* of every statement relied on (only ``"V"`` and ``"P"``).

JSON form (:meth:`Certificate.to_dict`; docs/theory.md §8)::

    {"format": "approxbounds.certificate", "version": 2,
     "claim": {...},                                   # approxbounds.claims.Claim.to_dict()
     "proof": {"route": {...}, "ingredients": {...}, "tags": {...}},
     "labels": {...},                                  # for humans; never read back
     "alternatives": [<certificate>, ...]}             # other applicable certificates

:meth:`Certificate.verify` rebuilds F, G, the norm and the measure **from the claim**,
re-derives every ingredient from them and the route, accepts only when the stored proof is
exactly the re-derived one and the claimed value does not exceed the re-derived value, and then
re-checks each inequality of the chain with mpmath (:mod:`approxbounds.lower.verify`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from approxbounds._json import from_json, to_json
from approxbounds.claims import THEOREMS, CertificateError, Claim, ClaimError, theorem_label
from approxbounds.norms import Norm

from .derive import RESTATED
from .record import FORMAT, VERSION, parse_record
from .theorems import LEMMA_T_STATEMENT

__all__ = ["Certificate", "CertificateError", "ClaimError", "THEOREMS", "theorem_label", "FORMAT",
           "VERSION"]

_TRANSFER_KEYS = ("certified_norm", "certified_measure")


@dataclass
class Certificate:
    """A certified lower bound ``sup_{f in F} inf_{g in G} ||f - g|| >= value``.

    Build certificates with :func:`approxbounds.lower.lower_bound` (or read them with
    :meth:`from_dict`); the constructor does not check the proof — :meth:`verify` does.

    Parameters
    ----------
    claim : Claim
        What is certified (``claim.statement == "lower"``).
    route : dict
        The proof's free choices (:mod:`approxbounds.lower.derive`).
    ingredients : dict
        Every raw number of the chain (exact Python ints / Fractions where exact).
    tags : dict
        ``statement -> tag`` for every statement relied on; all in ``{"V", "P"}``.
    alternatives : list of Certificate
        The other applicable certificates (weaker or equal), strongest first.
    """

    claim: Claim
    route: dict
    ingredients: dict
    tags: dict
    alternatives: list = field(default_factory=list)

    def __post_init__(self):
        if not isinstance(self.claim, Claim):
            raise TypeError(f"claim must be a Claim, got {type(self.claim).__name__}")
        if self.claim.statement != "lower":
            raise ValueError("a Certificate certifies a lower bound (claim.statement = 'lower')")
        bad = {k: t for k, t in self.tags.items() if t not in ("V", "P")}
        if bad:
            raise ValueError(f"a certificate may rely only on [V]/[P] statements; got {bad}")

    # ------------------------------------------------------------------ the claim
    @property
    def value(self) -> float:
        return self.claim.value

    @property
    def theorem(self) -> str:
        return self.claim.theorem

    @property
    def norm(self) -> Norm:
        return self.claim.norm

    @property
    def measure(self) -> dict | None:
        """The claim's measure description (``None`` for the sup norm)."""
        return self.claim.measure

    def objects(self):
        """``(F, G, norm, mu)`` rebuilt from the claim."""
        return self.claim.rebuild()

    @property
    def function_class(self) -> str:
        """Label of F (for humans)."""
        return self.claim.labels()["function_class"]

    @property
    def network_class(self) -> str:
        """Label of G (for humans)."""
        return self.claim.labels()["network_class"]

    @property
    def norm_label(self) -> str:
        return self.claim.labels()["norm"]

    # ------------------------------------------------------------------ checking
    def verify(self, dps: int = 50) -> bool:
        """Re-derive the proof from the claim and re-check the chain with mpmath at ``dps``
        digits (module docstring). Returns ``True``; raises :class:`CertificateError` or
        :class:`ClaimError` (both ``ValueError``) naming the failing step or field.
        Alternatives are verified too."""
        from .verify import verify_certificate_dict

        verify_certificate_dict(self.to_dict(alternatives=False), dps=dps)
        for alt in self.alternatives:
            alt.verify(dps=dps)
        return True

    # ------------------------------------------------------------------ transfer
    @property
    def transferred(self) -> bool:
        """``True`` when the chain was run at another norm ``q`` and carried over to
        :attr:`norm` by Lemma T (docs/theory.md §7)."""
        return "certified_norm" in self.route

    @property
    def certified_norm(self) -> Norm:
        """The norm at which the chain of inequalities was checked (``q``; :attr:`norm`
        unless :attr:`transferred`)."""
        if not self.transferred:
            return self.norm
        return Norm.from_json(self.route["certified_norm"])

    def certified_view(self) -> "Certificate":
        """The certificate before Lemma T: same chain at :attr:`certified_norm` and the
        route's measure, without the transfer record and the Lemma T tag (``self`` when not
        transferred)."""
        if not self.transferred:
            return self
        claim = replace(self.claim, norm=self.certified_norm, measure=self.route["certified_measure"])
        route = {k: v for k, v in self.route.items() if k not in _TRANSFER_KEYS}
        ingredients = {k: v for k, v in self.ingredients.items() if k not in ("certified_norm", "transfer")}
        if RESTATED in ingredients:
            ingredients[RESTATED] = {**ingredients[RESTATED], "norm": claim.norm.to_json(),
                                     "measure": claim.measure}
        tags = {k: v for k, v in self.tags.items() if k != LEMMA_T_STATEMENT}
        return Certificate(claim, route, ingredients, tags)

    # ------------------------------------------------------------------ output
    def explain(self, *, ablation: bool = True) -> str:
        """The chain of inequalities in words and numbers; with ``ablation`` also what each
        step costs on this certificate (:mod:`approxbounds.lower.ablation`, not certified)."""
        from .explain import explain_certificate

        return explain_certificate(self, ablation=ablation)

    def summary(self) -> str:
        """One line: value, theorem, norm."""
        lab = self.claim.labels()
        how = lab["theorem"]
        if self.transferred:
            how += f" at {self.certified_view().norm_label}, transferred by Lemma T"
        return (f"dist({lab['function_class']}, {lab['network_class']}) in {lab['norm']} "
                f">= {self.value:.6g}  [{how}]")

    def proof_dict(self) -> dict:
        """``{"route", "ingredients", "tags"}`` in JSON form (the exact-value policy of
        :mod:`approxbounds._json`)."""
        return {"route": to_json(self.route), "ingredients": to_json(self.ingredients),
                "tags": dict(self.tags)}

    def to_dict(self, *, alternatives: bool = True) -> dict:
        """The certificate file (module docstring); ``approxbounds verify`` reads it."""
        out = {"format": FORMAT, "version": VERSION, "claim": self.claim.to_dict(),
               "proof": self.proof_dict(), "labels": {**self.claim.labels(), "summary": self.summary(),
                                                      "statement": THEOREMS[self.theorem].statement}}
        if alternatives:
            out["alternatives"] = [a.to_dict(alternatives=False) for a in self.alternatives]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "Certificate":
        """Read a certificate file (:meth:`to_dict` output). Only the structure is checked
        here (:func:`approxbounds.lower.record.parse_record`); :meth:`verify` checks the content."""
        claim, proof, alts = parse_record(data)
        return cls(claim, from_json(proof["route"]), from_json(proof["ingredients"]), dict(proof["tags"]),
                   [cls.from_dict(a) for a in alts])

    def __repr__(self) -> str:
        return (f"Certificate(value={self.value:.6g}, theorem={self.theorem!r}, norm={self.norm!r}, "
                f"F={self.claim.function_class}, G={self.claim.network_class.get('spec')!r})")
