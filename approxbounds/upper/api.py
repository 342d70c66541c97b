r"""``upper_bound(F, G, norm, measure)`` and ``band(F, G, norm, measure)``.

:func:`upper_bound` tries every explicit construction that fits the network class ``G``
(:mod:`approxbounds.upper.realise`) at the largest size that fits, derives each bound along
its route (:func:`approxbounds.upper.derive.derive_upper`, the same code that verification
re-runs) and returns the smallest as an :class:`~approxbounds.upper.certificate.UpperCertificate`
(the others in its ``alternatives``). The error of every construction decreases with its size,
so the largest size that fits is the best one; uniform grids are minimax-optimal for the
worst case over the class among interpolants (docs/upper_bounds.md §2.1).

When no construction fits (a quantized class whose grid is not specified, a multi-output class,
an activation other than ReLU / hard threshold with quantized weights, ...)
:class:`NoConstructionError` says why: an upper certificate is never invented.

:func:`band` pairs the certified lower bound of :func:`approxbounds.lower.lower_bound` with the
certified upper bound: ``lower.value <= dist(F, G) <= upper.value``.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass

from approxbounds._json import short_int_str
from approxbounds._validation import is_finite_real
from approxbounds.claims import CertificateError, network_label
from approxbounds.display import RichDisplay
from approxbounds.norms import Norm
from approxbounds.rederive import derived_claim

from .certificate import UpperCertificate
from .derive import derive_upper, target_of
from .realise import (
    constant_problem,
    grid_step_best,
    hidden_widths,
    kt_best,
    network_problem,
    relu_line_plan,
    threshold_line_jumps,
)

__all__ = ["upper_bound", "band", "Band", "NoConstructionError", "candidate_routes",
           "upper_certificates", "clear_cache", "SoundnessError"]

CACHE_SIZE = 4096
_CACHE: "OrderedDict[tuple, tuple]" = OrderedDict()


class NoConstructionError(ValueError):
    """No explicit construction is proved for this (F, G, norm); the message says why."""


class SoundnessError(RuntimeError):
    """A certified lower bound exceeds a certified upper bound: one of the proofs is wrong."""


def clear_cache() -> None:
    """Forget the cached upper certificates."""
    _CACHE.clear()


def _coerce(F, G, norm, measure):
    from approxbounds.capacity.networks import as_network_class
    from approxbounds.classes.base import FunctionClass
    from approxbounds.classes.measures import check_measure

    if not isinstance(F, FunctionClass):
        raise TypeError(f"F must be a function class such as approxbounds.Holder(d, alpha) or "
                        f"approxbounds.Monotone(d), got {type(F).__name__} {F!r}")
    G = as_network_class(G)
    norm = Norm.parse(norm)
    if getattr(G, "d_in", F.d) != F.d:
        raise ValueError(f"G has input dimension {G.d_in}, F lives on [0,1]^{F.d}")
    mu = check_measure(measure, F.d)
    return F, G, norm, mu


def candidate_routes(F, G) -> tuple[list, list]:
    """``([(construction, route), ...], notes)``: every construction that fits ``G`` at the
    largest size that fits, and why the others do not."""
    target = target_of(F)
    d = F.d
    out, notes = [], []
    problem = constant_problem(G)
    if problem is None:
        out += [("U0", {"variant": v}) for v in (("centre", "midrange") if target == "holder" else ("midrange",))]
    else:
        notes.append(f"constant network: {problem}")
    problem = network_problem(G)
    if problem is not None:
        notes.append(problem)
        return out, notes
    hidden = hidden_widths(G)
    act = G.activation.name
    if d == 1:
        if act == "relu":
            plan = relu_line_plan(hidden)
            if plan.pieces >= 1:
                out.append(("PL", {"pieces": plan.pieces}))
            if target == "monotone":
                if plan.pieces >= 2:
                    out.append(("RI", {"levels": plan.pieces - 1}))
                if plan.ramps >= 1:
                    out.append(("RQ", {"levels": plan.ramps}))
                else:
                    notes.append("range staircase: a ramp needs two free ReLU units")
        else:
            J = threshold_line_jumps(hidden)
            if target == "monotone":
                out.append(("RQ", {"levels": J}))
            else:
                out += [("ST", {"cells": J + 1, "variant": v}) for v in ("centre", "midrange")]
        return out, notes
    if act == "relu":
        best = kt_best(d, hidden)
        if best is None:
            notes.append(f"Kuhn triangulation: needs {(d - 1).bit_length() + 2} hidden layers with "
                         f"widths at least those of grid m = 1 ({list(_kt_min(d))})")
        else:
            out.append(("KT", {"cells": best[0], "offset": best[1]}))
    else:
        m = grid_step_best(d, hidden)
        if m is None:
            notes.append(f"grid steps: need two hidden layers of widths >= ({d}, {2 ** d - 1}) for m = 2")
        else:
            variants = ("centre", "midrange") if target == "holder" else ("midrange",)
            out += [("ST", {"cells": m, "variant": v}) for v in variants]
    return out, notes


def _kt_min(d):
    from .realise import kt_widths

    return kt_widths(d, 1)


def _key(F, G, norm, mu):
    try:
        key = (json.dumps(F.to_dict(), sort_keys=True), G, norm,
               None if norm.is_sup else json.dumps(mu.to_dict(), sort_keys=True))
        hash(key)
        return key
    except (TypeError, ValueError, AttributeError):
        return None


def _issue(F, G, norm, mu, theorem, route) -> UpperCertificate:
    der = derive_upper(theorem, F, G, norm, mu, route)
    return UpperCertificate(derived_claim("upper", F, G, mu, der), dict(route), der.ingredients, der.tags)


def upper_certificates(F, G, norm=2, measure=None):
    """``(certificates, notes)``: one certificate per fitting construction (unsorted) and why
    the other constructions do not fit."""
    F, G, norm, mu = _coerce(F, G, norm, measure)
    key = _key(F, G, norm, mu)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        certs, notes = _CACHE[key]
    else:
        routes, notes = candidate_routes(F, G)
        certs = []
        for theorem, route in routes:
            try:
                certs.append(_issue(F, G, norm, mu, theorem, route))
            except CertificateError as exc:
                notes.append(f"construction {theorem} at {route}: {exc.detail}")
        certs, notes = tuple(certs), tuple(notes)
        if key is not None:
            _CACHE[key] = (certs, notes)
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
    return [UpperCertificate(c.claim, dict(c.route), c.ingredients, dict(c.tags)) for c in certs], list(notes)


def upper_bound(F, G, norm=2, measure=None) -> UpperCertificate:
    r"""Smallest certified upper bound on :math:`\sup_{f\in F}\inf_{g\in G}\|f-g\|` by an
    explicit network of ``G``.

    Parameters
    ----------
    F : FunctionClass
        ``Holder(d, alpha)`` or ``Monotone(d)``.
    G : Architecture or str
        Network class (a spec string such as ``"1,16,1"`` means a ReLU MLP).
    norm : float >= 1, "sup" or Norm
    measure : Measure, optional
        :math:`\mu` for :math:`L^p(\mu)` (default Lebesgue).

    Returns
    -------
    UpperCertificate
        ``alternatives`` holds the other constructions that fit (weaker or equal).

    Raises
    ------
    NoConstructionError
        (a ``ValueError``) when no construction fits ``G``; the message says why.
    """
    certs, notes = upper_certificates(F, G, norm, measure)
    if not certs:
        F, G, _, _ = _coerce(F, G, norm, measure)
        why = "; ".join(notes) or "no construction applies"
        raise NoConstructionError(f"no certified upper bound for F = {F.name}, G = {network_label(G)}: {why}")
    certs.sort(key=lambda c: c.value)
    best = certs[0]
    best.alternatives = certs[1:]
    return best


@dataclass
class Band(RichDisplay):
    """``lower.value <= sup_f inf_g ||f - g|| <= upper.value``, both certified.

    Attributes
    ----------
    lower : approxbounds.lower.Certificate
    upper : UpperCertificate
    """

    lower: object
    upper: UpperCertificate

    def __post_init__(self):
        same = ("function_class", "network_class", "norm", "measure")
        lo, up = self.lower.claim.to_dict(), self.upper.claim.to_dict()
        if any(lo[k] != up[k] for k in same):
            raise ValueError("the two certificates of a band must be about the same F, G, norm and measure")
        if not self.lower.value <= self.upper.value:
            raise SoundnessError(f"certified lower bound {self.lower.value!r} exceeds the certified upper "
                                 f"bound {self.upper.value!r}: {self.lower.summary()} vs {self.upper.summary()}")

    @property
    def gap(self) -> float:
        """``upper / lower`` (>= 1)."""
        return self.upper.value / self.lower.value


    def verify(self, dps: int = 50) -> bool:
        """Verify both certificates (each on its own)."""
        self.lower.verify(dps=dps)
        self.upper.verify(dps=dps)
        return True

    def summary(self) -> str:
        lab = self.upper.claim.labels()
        return (f"{self.lower.value:.6g} <= dist({lab['function_class']}, {lab['network_class']}) "
                f"<= {self.upper.value:.6g} in {lab['norm']}  (gap {self.gap:.4g})")

    def to_dict(self) -> dict:
        """``{"lower": <certificate>, "upper": <certificate>, "gap": u/l}``."""
        return {"lower": self.lower.to_dict(), "upper": self.upper.to_dict(), "gap": self.gap}

    @classmethod
    def from_dict(cls, data) -> "Band":
        """Read a band file (structure only)."""
        from approxbounds.lower.certificate import Certificate

        if not isinstance(data, dict) or set(data) != {"lower", "upper", "gap"}:
            raise ValueError("a band file is a JSON object with exactly the fields lower, upper, gap")
        gap = data["gap"]
        if not (isinstance(gap, (int, float)) and is_finite_real(gap)):
            raise ValueError(f"band gap must be a finite number, got "
                             f"{short_int_str(gap) if isinstance(gap, int) else repr(gap)}")
        out = cls(Certificate.from_dict(data["lower"]), UpperCertificate.from_dict(data["upper"]))
        if abs(out.gap - gap) > 1e-12 * out.gap:
            raise ValueError(f"band gap {gap!r} is not upper/lower = {out.gap!r}")
        return out


def band(F, G, norm=2, measure=None, **lower_options) -> Band:
    r"""Certified two-sided band on :math:`\sup_{f\in F}\inf_{g\in G}\|f-g\|`.

    Parameters
    ----------
    F, G, norm, measure
        As in :func:`upper_bound` and :func:`approxbounds.lower.lower_bound`.
    **lower_options
        Passed to :func:`approxbounds.lower.lower_bound` (``tail``, ``search``, ...).

    Returns
    -------
    Band
        ``.lower`` (lower certificate), ``.upper`` (UpperCertificate), ``.gap = upper/lower``.

    Raises
    ------
    NoCertificateError, NoConstructionError
        When one side has no certificate.
    SoundnessError
        If the lower bound exceeded the upper bound (a bug in a proof; never expected).
    """
    from approxbounds.lower import lower_bound

    F, G, norm, mu = _coerce(F, G, norm, measure)
    lower = lower_bound(F, G, norm=norm, measure=measure, **lower_options)
    upper = upper_bound(F, G, norm=norm, measure=measure)
    return Band(lower, upper)
