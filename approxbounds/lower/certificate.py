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

from dataclasses import replace

from approxbounds.certificate_base import FORMAT, VERSION, ClaimedCertificate
from approxbounds.claims import THEOREMS, CertificateError, ClaimError, theorem_label
from approxbounds.norms import Norm

from .derive import RESTATED
from .theorems import LEMMA_T_STATEMENT

__all__ = ["Certificate", "CertificateError", "ClaimError", "THEOREMS", "theorem_label", "FORMAT",
           "VERSION"]

_TRANSFER_KEYS = ("certified_norm", "certified_measure")


class Certificate(ClaimedCertificate):
    """A certified lower bound ``sup_{f in F} inf_{g in G} ||f - g|| >= value``.

    Build certificates with :func:`approxbounds.lower.lower_bound` (or read them with
    :meth:`from_dict`); the constructor does not check the proof — :meth:`verify` does.
    The claim, the file format and the output shared with upper bounds are those of
    :class:`approxbounds.certificate_base.ClaimedCertificate`.

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

    STATEMENT = "lower"
    _WRONG_STATEMENT = "a Certificate certifies a lower bound (claim.statement = 'lower')"

    # ------------------------------------------------------------------ checking
    @staticmethod
    def _verify_record(data: dict, dps: int):
        """Re-derive the proof from the claim and re-check the chain with mpmath at ``dps``
        digits (:func:`approxbounds.lower.verify.verify_certificate_dict`)."""
        from .verify import verify_certificate_dict

        verify_certificate_dict(data, dps=dps)

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

    def _summary_detail(self, labels: dict) -> str:
        """The theorem, and the norm of the chain when Lemma T carried it over."""
        how = labels["theorem"]
        if self.transferred:
            how += f" at {self.certified_view().norm_label}, transferred by Lemma T"
        return how
