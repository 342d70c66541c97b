r"""The certificate file, and what lower and upper certificates share.

A *claimed certificate* is a :class:`~approxbounds.claims.Claim` (what is certified: a lower
or an upper bound on :math:`\sup_{f\in F}\inf_{g\in G}\|f-g\|`) together with its proof: the
*route* (the proof's free choices), every raw *ingredient* of the argument, and the provenance
*tag* of every statement relied on (only ``"V"`` and ``"P"``). Lower bounds
(:class:`approxbounds.lower.certificate.Certificate`) and upper bounds
(:class:`approxbounds.upper.certificate.UpperCertificate`) are both :class:`ClaimedCertificate`
and share one file format (format ``approxbounds.certificate``, version 2)::

    {"format": "approxbounds.certificate", "version": 2,
     "claim": {...},                                   # approxbounds.claims.Claim.to_dict()
     "proof": {"route": {...}, "ingredients": {...}, "tags": {...}},
     "labels": {...},                                  # for humans; never read back
     "alternatives": [<certificate>, ...]}             # other applicable certificates

(plus an informational ``"verification"`` member written by ``approxbounds bound --json``).
:func:`parse_record` checks the structure only; each kind's ``verify`` module checks the
content (:mod:`approxbounds.lower.verify`, :mod:`approxbounds.upper.verify`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from approxbounds._json import first_difference, from_json, to_json
from approxbounds.claims import THEOREMS, Claim
from approxbounds.display import RichDisplay
from approxbounds.norms import Norm

__all__ = ["FORMAT", "VERSION", "TOP_KEYS", "PROOF_KEYS", "parse_record", "ClaimedCertificate"]

FORMAT = "approxbounds.certificate"
VERSION = 2
#: top-level fields; ``labels`` and ``verification`` are for humans and never read
TOP_KEYS = ("format", "version", "claim", "proof", "labels", "alternatives", "verification")
PROOF_KEYS = ("route", "ingredients", "tags")


def parse_record(data, format_: str = FORMAT, statement: str | None = None):
    """``(claim, proof, alternatives)`` of a certificate dict; ``ValueError`` on bad structure.

    Parameters
    ----------
    data : dict
        A certificate file (:meth:`ClaimedCertificate.to_dict`).
    format_ : str
        The expected ``"format"`` member.
    statement : {"lower", "upper"} or None
        When given, the claim must state this kind of bound.
    """
    if not isinstance(data, dict):
        raise ValueError(f"a certificate must be a JSON object, got {type(data).__name__}")
    if data.get("format") != format_ or data.get("version") != VERSION:
        raise ValueError(f"not an approxbounds certificate (format {format_!r} version {VERSION}); "
                         f"got format {data.get('format')!r} version {data.get('version')!r}")
    extra = sorted(set(data) - set(TOP_KEYS))
    if extra:
        raise ValueError(f"unexpected top-level certificate field(s) {', '.join(map(str, extra))}")
    for key in ("claim", "proof"):
        if key not in data:
            raise ValueError(f"certificate lacks the field {key!r}")
    claim = Claim.from_dict(data["claim"])
    proof = data["proof"]
    if not isinstance(proof, dict) or sorted(proof) != sorted(PROOF_KEYS):
        raise ValueError(f"certificate proof must have exactly the fields {', '.join(PROOF_KEYS)}")
    for key in PROOF_KEYS:
        if not isinstance(proof[key], dict):
            raise ValueError(f"certificate proof.{key} must be a JSON object")
    # Readers keep the exact companions (``key_exact``) and drop their doubles, so the stored
    # proof must be exactly what writing its values back gives: then no stored field escapes
    # the comparison with the re-derived proof (a double and its ``_exact`` agree), and no
    # bare integer beyond 2^53 -- which to_json never writes -- reaches any arithmetic.
    canonical = {"route": to_json(from_json(proof["route"])),
                 "ingredients": to_json(from_json(proof["ingredients"])), "tags": proof["tags"]}
    diff = first_difference(proof, canonical, "proof")
    if diff:
        raise ValueError(f"the stored proof is not in canonical JSON form (a number and its '_exact' "
                         f"companion must agree): {diff}")
    alts = data.get("alternatives", [])
    if not isinstance(alts, list):
        raise ValueError("certificate alternatives must be a list")
    if statement is not None and claim.statement != statement:
        raise ValueError(f"not an {statement}-bound certificate (claim.statement = {claim.statement!r})")
    return claim, proof, alts


@dataclass
class ClaimedCertificate(RichDisplay):
    """A claim and its proof (module docstring); the base of lower and upper certificates.

    The constructor checks the kind of claim and the tags only; ``verify`` checks the proof.
    A subclass sets :attr:`STATEMENT` and the message :attr:`_WRONG_STATEMENT`, and provides
    :meth:`_verify_record` (its ``verify`` module) and :meth:`_summary_detail`.

    Parameters
    ----------
    claim : Claim
        What is certified (``claim.statement == STATEMENT``).
    route : dict
        The proof's free choices.
    ingredients : dict
        Every raw number of the proof (exact Python ints / Fractions where exact).
    tags : dict
        ``statement -> tag`` for every statement relied on; all in ``{"V", "P"}``.
    alternatives : list
        The other applicable certificates of the same kind (weaker or equal), strongest first.
    """

    claim: Claim
    route: dict
    ingredients: dict
    tags: dict
    alternatives: list = field(default_factory=list)

    #: the claim's statement this kind certifies ("lower" or "upper")
    STATEMENT: ClassVar[str] = ""
    #: the ValueError message when the claim states the other kind of bound
    _WRONG_STATEMENT: ClassVar[str] = ""
    #: the name under which ``__repr__`` shows :attr:`theorem`
    _REPR_THEOREM: ClassVar[str] = "theorem"

    def __post_init__(self):
        if not isinstance(self.claim, Claim):
            raise TypeError(f"claim must be a Claim, got {type(self.claim).__name__}")
        if self.claim.statement != self.STATEMENT:
            raise ValueError(self._WRONG_STATEMENT)
        bad = {k: t for k, t in self.tags.items() if t not in ("V", "P")}
        if bad:
            raise ValueError(f"a certificate may rely only on [V]/[P] statements; got {bad}")

    # ------------------------------------------------------------------ the claim
    @property
    def value(self) -> float:
        """The certified value (the claim's)."""
        return self.claim.value

    @property
    def theorem(self) -> str:
        """The key of :data:`approxbounds.claims.THEOREMS` the claim rests on."""
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
        """Re-derive the proof from the claim and re-check it at ``dps`` digits. Returns
        ``True``; raises :class:`~approxbounds.claims.CertificateError` or
        :class:`~approxbounds.claims.ClaimError` (both ``ValueError``) naming the failing step
        or field. Alternatives are verified too."""
        self._verify_record(self.to_dict(alternatives=False), dps)
        for alt in self.alternatives:
            alt.verify(dps=dps)
        return True

    @staticmethod
    def _verify_record(data: dict, dps: int):
        """Verify one certificate file of this kind (the kind's ``verify`` module)."""
        raise NotImplementedError

    @classmethod
    def _parse(cls, data):
        """``(claim, proof, alternatives)`` of a file of this kind (structure only)."""
        return parse_record(data)

    # ------------------------------------------------------------------ output
    def _summary_detail(self, labels: dict) -> str:
        """What :meth:`summary` shows in brackets after the value."""
        return labels["theorem"]

    def summary(self) -> str:
        """One line: the two classes, the norm, the value and how it is proved."""
        lab = self.claim.labels()
        rel = ">=" if self.STATEMENT == "lower" else "<="
        return (f"dist({lab['function_class']}, {lab['network_class']}) in {lab['norm']} "
                f"{rel} {self.value:.6g}  [{self._summary_detail(lab)}]")

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
    def from_dict(cls, data: dict):
        """Read a certificate file (:meth:`to_dict` output). Only the structure is checked
        here (:func:`parse_record`); ``verify`` checks the content."""
        claim, proof, alts = cls._parse(data)      # checks that the proof is canonical
        return cls(claim, from_json(proof["route"]), from_json(proof["ingredients"]), dict(proof["tags"]),
                   [cls.from_dict(a) for a in alts])


    def __repr__(self) -> str:
        return (f"{type(self).__name__}(value={self.value:.6g}, {self._REPR_THEOREM}={self.theorem!r}, "
                f"norm={self.norm!r}, F={self.claim.function_class}, "
                f"G={self.claim.network_class.get('spec')!r})")
