r"""The :class:`UpperCertificate`: a certified upper bound bound to its claim.

An upper certificate is a :class:`~approxbounds.claims.Claim` with ``statement = "upper"``
(:math:`\sup_{f\in F}\inf_{g\in G}\|f-g\| \le` value) together with its proof: the *route*
(which explicit construction, at which size; :mod:`approxbounds.upper.derive`), every
*ingredient* (realisation counts, the sup and Lebesgue error bounds, the measure rule) and the
provenance *tag* of every statement relied on (all [P], proved in docs/upper_bounds.md).

The JSON form is the certificate file of :mod:`approxbounds.certificate_base` (the same
``format``, ``version`` and top-level fields as lower bounds); :meth:`UpperCertificate.verify`
rebuilds F, G, the norm and the measure from the claim, re-derives the proof and re-checks it
at ``dps`` digits (:mod:`approxbounds.upper.verify`). :meth:`UpperCertificate.network` builds the explicit
network of G that the proof speaks about, for any member ``f`` of F.
"""
from __future__ import annotations

from approxbounds.certificate_base import ClaimedCertificate
from approxbounds.claims import THEOREMS, measure_label

__all__ = ["UpperCertificate"]


def _g(x, digits=6) -> str:
    return f"{float(x):.{digits}g}"


#: the bound each formula of approxbounds.upper.bounds states (docs/upper_bounds.md)
_FORMULAS = {
    "holder_pl": ("interpolation on {1} uniform pieces, alpha = {0}: sup (h/2)^alpha, L^p "
                  "(h/2)^alpha (alpha p + 1)^(-1/p) for alpha <= 1; h^a/(2a), a = min(alpha, 2), "
                  "for alpha > 1 (h = 1/{1}; §2.1-2.2)"),
    "monotone_pl": "interpolation of a monotone f on {0} pieces: sup 1, L^p (h/(p+1))^(1/p), h = 1/{0} (§3.1)",
    "steps_centre": ("cell-centre values on the grid 1/{3}: sup Lambda (h/2)^alpha, L^p "
                     "Lambda (h/2)^alpha (d/(d + alpha p))^(1/p) with alpha = {0}, Lambda = {1}, d = {2} (§2.3)"),
    "steps_midrange": ("midrange values on the grid 1/{3}: min(Lambda h^alpha, 2)/2 with alpha = {0}, "
                       "Lambda = {1} (§2.3)"),
    "monotone_steps": ("midrange steps of a monotone f on the grid 1/{1}, d = {0}: sup 1/2, L^p "
                       "(1 - (1-h)^d)^(1/p)/2 (§3.3)"),
    "kt_holder": ("Kuhn interpolation on the grid 1/{3}: sup Lambda h^alpha (d/(d+1))^alpha, L^p "
                  "Lambda h^alpha E[X^(alpha p)]^(1/p) with alpha = {0}, Lambda = {1}, d = {2} (§2.4)"),
    "monotone_kt": "Kuhn interpolation of a monotone f on the grid 1/{1}, d = {0}: L^p (1 - (1-h)^d)^(1/p) (§3.3)",
    "staircase": "range staircase with K + 1 levels, K = {0} ({1} units): 1/(2(K+1)) (§3.2)",
    "monotone_ri": ("interpolation at the crossings of K = {0} levels: L^p(lebesgue) (K+1)^(-1) "
                    "(p+1)^(-1/p), every probability measure 1/(K+1) (§3.4)"),
}


def _formula_text(i) -> str:
    template = _FORMULAS.get(i["formula"])
    if template is None:
        return f"{i['formula']}{tuple(i['formula_args'])}"
    return template.format(*i["formula_args"])


class UpperCertificate(ClaimedCertificate):
    """A certified upper bound ``sup_{f in F} inf_{g in G} ||f - g|| <= value``.

    Build it with :func:`approxbounds.upper.upper_bound` (or read one with :meth:`from_dict`);
    the constructor does not check the proof, :meth:`verify` does. The claim, the file format
    and the output shared with lower bounds are those of
    :class:`approxbounds.certificate_base.ClaimedCertificate`.

    Parameters
    ----------
    claim : Claim
        ``claim.statement == "upper"``.
    route, ingredients, tags : dict
        As in :class:`approxbounds.lower.certificate.Certificate`.
    alternatives : list of UpperCertificate
        Other constructions that fit ``G`` (weaker or equal), strongest first.
    """

    STATEMENT = "upper"
    _WRONG_STATEMENT = "an UpperCertificate certifies an upper bound (claim.statement = 'upper')"
    _REPR_THEOREM = "construction"

    @property
    def construction(self) -> str:
        """The construction key (``"PL"``, ``"KT"``, ...; the same as :attr:`theorem`)."""
        return self.claim.theorem

    # ------------------------------------------------------------------ checking
    @staticmethod
    def _verify_record(data: dict, dps: int):
        """Re-derive the proof from the claim and re-check it at ``dps`` digits
        (:func:`approxbounds.upper.verify.verify_upper_dict`)."""
        from .verify import verify_upper_dict

        verify_upper_dict(data, dps=dps)

    @classmethod
    def _parse(cls, data):
        """``(claim, proof, alternatives)`` of an upper certificate file (structure only)."""
        from .verify import parse_upper_record

        return parse_upper_record(data)

    # ------------------------------------------------------------------ the network
    def network(self, f, **kwargs):
        """The explicit network of ``G`` that this construction assigns to ``f`` (a member of
        F given as a vectorised callable); see :func:`approxbounds.upper.networks.build_network`."""
        from .networks import build_network

        F, G, _, _ = self.objects()
        return build_network(self.theorem, self.route, F, G, f, **kwargs)

    # ------------------------------------------------------------------ output
    def _summary_detail(self, labels: dict) -> str:
        """The construction and its size."""
        return f"{labels['theorem']}, {self._size_text()}"

    def _size_text(self) -> str:
        r = self.route
        key = self.theorem
        if key == "U0":
            return f"{r['variant']} constant"
        if key == "PL":
            return f"{r['pieces']} pieces"
        if key in ("RQ", "RI"):
            return f"{r['levels']} levels"
        if key == "ST":
            return f"{r['cells']} cells per axis, {r['variant']} values"
        if key == "KT":
            return f"grid 1/{r['cells']}, block after {r['offset']} layers"
        return str(r)

    def explain(self) -> str:
        """The construction, its realisation in G and the error bound, in words and numbers."""
        i = self.ingredients
        lab = self.claim.labels()
        real = i["realisation"]
        lines = [f"Certified upper bound: {self.claim.sentence()}",
                 f"Construction {self.theorem}: {THEOREMS[self.theorem].statement}.",
                 f"1. Size: {self._size_text()}; G has hidden widths {real['hidden_widths']} "
                 f"({lab['network_class']})."]
        if "required_widths" in real:
            lines.append(f"   widths needed by the construction: {real['required_widths']}"
                         + (f" after {real['offset']} pass-through layers" if "offset" in real else ""))
        if "line_units" in real:
            lines.append(f"   line units available: {real['line_units']} (free per layer {real['free_units']})")
        if "jumps_available" in real:
            lines.append(f"   jumps available: {real['jumps_available']}")
        if "ramps_available" in real:
            lines.append(f"   ramps available: {real['ramps_available']}")
        lines.append(f"2. For every f in F, the network of this size built from f has sup error <= "
                     f"{_g(i['sup_bound'], 10)}"
                     + ("" if i["lebesgue_bound"] is None else
                        f" and Lebesgue {self.norm.label} error <= {_g(i['lebesgue_bound'], 10)}")
                     + f": {_formula_text(i)}.")
        rule = i["measure_rule"]
        if rule == "density":
            lines.append(f"3. mu has density >= kappa = {i['kappa']}: mu = kappa lambda + (1 - kappa) nu, so "
                         f"the L^p(mu) error is <= (kappa A^p + (1 - kappa) S^p)^(1/p) = {_g(i['value'], 10)}.")
        elif rule == "empirical":
            lines.append(f"3. {measure_label(self.measure)} is a probability measure: the L^p error is "
                         f"at most the bound for every probability measure, {_g(i['value'], 10)}.")
        if rule != "sup" and i["any_measure_bound"] < i["sup_bound"]:
            lines.append(f"   In L^p of every probability measure the error is <= "
                         f"{_g(i['any_measure_bound'], 10)} (not in sup norm: a continuous network "
                         f"cannot jump).")
        if self.theorem in ("RQ", "RI") and real.get("free_units") is not None and not self.norm.is_sup:
            lines.append("   (ReLU ramps of width eta: the error tends to this bound as eta -> 0, so it "
                         "bounds the infimum over the weights of G.)")
        lines.append(f"Hence sup_f inf_g ||f - g|| <= {_g(self.value, 10)} "
                     f"(statements: {'; '.join(f'[{t}] {s}' for s, t in self.tags.items())}).")
        return "\n".join(lines)
