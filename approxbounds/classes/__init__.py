"""Function classes, measures, bumps, packings and Varshamov–Gilbert codes.

Public API (stable; used by :mod:`approxbounds.lower`)
-----------------------------------------------------
Measures
    ``Lebesgue(d)``, ``DensityBounded(d, kappa)`` (κ ∈ (0,1]), ``Empirical(points)``.
Classes (``FunctionClass`` subclasses)
    ``DelayedHolder(d, alpha, lag, length)`` and ``MultiLagHolder(d, alpha, lags, length)``:
    sequence classes ``x_1..x_T -> f(x_{T-k})`` (docs/sequence_classes.md), with the
    measure ``IIDSequence(base, T)``.
    ``Holder(d, alpha)`` — a = 0, B = ½; constructions ("tent",) for α ≤ 1, ("polynomial",)
    for α > 1.  ``Monotone(d)`` — a = 0, B = 1; constructions ("A",) or ("A", "B") for d ≥ 2.
FunctionClass methods
    ``packing(m, p, measure=None, construction=None, *, delta=1/8) -> Packing``
    ``log2_packing_lower(eps, p, measure=None, *, delta=1/8, m_max=1e14) -> Packing``
        best certified packing with separation > eps (eps ∈ (0, B]).
    ``packing_scales(p, measure=None, construction=None, *, delta=1/8, m_values=None)
        -> PackingScales``: closed forms ``log2_separation(m)``, ``separation(m)``,
        ``log2_size(m)``, ``largest_m_above(eps)``; iterating yields ``ScalePoint(m,
        separation, log2_separation, log2_size, construction)`` for increasing m ≤ 1e14.
    ``constructions`` / ``constructions_for(p)``; ``sign_family(m) -> SignFamily`` (Hölder;
    Monotone raises ValueError); ``Monotone.sup_norm_discontinuity()`` (value ½, tag "P");
    ``entropy_exponent(norm) -> EntropyExponent`` (rate only, tag "R"; no rate for
    monotone classes in sup norm).
    ``p`` / ``norm``: anything :meth:`approxbounds.norms.Norm.parse` accepts.
Packing
    ``construction, m, p, measure, delta, N, D, separation, log2_separation, log2_size, tag
    ("P"), ingredients``; ``separation_mp(dps)``; ``member(code_word)``;
    ``code_words(k, rng)``; ``random_members(k, rng)``; ``verify_membership(points=None,
    n=2000, rng=None)``; ``verify_separation(k=4, rng=None)``; ``to_dict()``.
SignFamily
    ``c, log2_c, N, m, tag ("P"), centres(), member(signs), c_mp(dps), verify_membership()``.
Varshamov–Gilbert (``approxbounds.classes.varshamov_gilbert``)
    ``vg_log2_size(N)`` (= N/8), ``gv_log2_size_exact(N, D)``, ``gv_log2_size_entropy(N, δ)``,
    ``hamming_ball_volume(N, r)``, ``greedy_code(N, D)``, ``code_has_min_distance``.
Bumps (``approxbounds.classes.bumps``)
    ``tent(u)``, ``tent_lp_norm_p(d, p)`` (+ ``_mp``, ``_exact``), ``PolynomialBump(r)``.
"""
from approxbounds.classes.base import EntropyExponent, FunctionClass
from approxbounds.classes.bumps import PolynomialBump, tent, tent_lp_norm_p
from approxbounds.classes.constructions import MembershipCheck
from approxbounds.classes.holder import Holder
from approxbounds.classes.measures import DensityBounded, Empirical, IIDSequence, Lebesgue, Measure
from approxbounds.classes.monotone import Monotone, SupNormObstruction
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder
from approxbounds.classes.packing import M_MAX, Packing, PackingScales, ScalePoint, SeparationCheck, SignFamily
from approxbounds.classes.varshamov_gilbert import vg_log2_size

__all__ = [
    "FunctionClass", "Holder", "Monotone", "DelayedHolder", "MultiLagHolder", "Measure",
    "Lebesgue", "DensityBounded", "Empirical", "IIDSequence",
    "Packing", "PackingScales", "ScalePoint", "SignFamily", "SeparationCheck", "MembershipCheck",
    "EntropyExponent", "SupNormObstruction", "tent", "tent_lp_norm_p", "PolynomialBump",
    "vg_log2_size", "M_MAX",
]
