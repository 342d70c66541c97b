r"""From a claim's objects and a proof route to the derivation the route gives.

A *route* is the part of a proof that is a free choice: which packing construction, at which
grid size ``m``, which tail bound, and — for Lemma T — at which norm ``q`` (and measure) the
chain is run. Given the function class ``F``, the network class ``G``, the norm and the measure
named by a claim, :func:`derive` rebuilds every ingredient of the chain from the route alone.
:func:`approxbounds.lower.lower_bound` issues its certificates through this function after
its searches have chosen the routes, and :mod:`approxbounds.lower.verify` re-runs it on the
objects rebuilt from a certificate's claim: a certificate verifies only when its stored
ingredients are exactly what its claim and route re-derive.

Routes (JSON objects, exactly these keys):

=========  ==========================================================================
theorem    route
=========  ==========================================================================
L          ``{"construction": str, "m": int, "tail": "chernoff" | "hoeffding", "delta": float}``
C          ``{"construction": str, "m": int, "delta": float}``
S          ``{"m": int}``
P          ``{"m": int}``
D          ``{}``
=========  ==========================================================================

Lemma T adds ``"certified_norm"`` (``q`` as written by :meth:`Norm.to_json`, finite) and
``"certified_measure"`` (the probability measure of the chain at :math:`L^q`; for a target
:math:`L^p(\mu)` it must be :math:`\mu` itself) to an L or C route.
"""
from __future__ import annotations

import mpmath

from approxbounds.claims import CertificateError, domain_problem
from approxbounds.norms import Norm
from approxbounds.rederive import RESTATED, check_route_fields, restated_claim, route_int

from .tails import TAILS
from .theorems import (CONTINUOUS_ACTIVATIONS, Derivation, lemma_D, norm_transfer, theorem_C,
                       theorem_L, theorem_L_condition, theorem_P, theorem_S)

__all__ = ["derive", "route_keys", "restate", "transfer", "RESTATED", "GrowthMP", "VCdimMP", "SizeMP"]

_ROUTE_KEYS = {"L": ("construction", "m", "tail", "delta"), "C": ("construction", "m", "delta"),
               "S": ("m",), "D": (),
               "P": ("m",)}
_TRANSFER_KEYS = ("certified_norm", "certified_measure")


def route_keys(theorem: str, transferred: bool = False) -> tuple:
    """The keys a route of ``theorem`` has (with the Lemma T keys when ``transferred``)."""
    keys = _ROUTE_KEYS[theorem]
    return keys + _TRANSFER_KEYS if transferred else keys


class GrowthMP:
    """``(N, dps) -> log2 Pi(N)`` of growth method ``method`` at high precision (picklable)."""

    def __init__(self, model, method, ingredients):
        self.model, self.method, self.ingredients = model, method, dict(ingredients)

    def __call__(self, N, dps):
        with mpmath.workdps(dps):
            return self.model.log2_growth_mp(self.method, N, self.ingredients)


class VCdimMP:
    """``dps -> VC bound`` at high precision (picklable)."""

    def __init__(self, model, bound):
        self.model, self.bound = model, bound

    def __call__(self, dps):
        with mpmath.workdps(dps):
            return self.model.vcdim_mp(self.bound)


class SizeMP:
    """``dps -> log2 |G|`` at high precision (picklable)."""

    def __init__(self, model):
        self.model = model

    def __call__(self, dps):
        with mpmath.workdps(dps):
            return self.model.size_mp()


def _fail(step, detail):
    raise CertificateError(step, detail)


def _route_str(route, key, choices=None):
    v = route[key]
    if not isinstance(v, str) or (choices is not None and v not in choices):
        extra = f" (one of {', '.join(choices)})" if choices else ""
        _fail("route", f"route.{key} must be a string{extra}, got {v!r}")
    return v


def _check_route(theorem, route):
    transferred = isinstance(route, dict) and any(k in route for k in _TRANSFER_KEYS)
    if transferred and theorem not in ("L", "C"):
        _fail("route", f"only Theorem L/C chains are transferred by Lemma T, got Theorem {theorem}")
    check_route_fields(route, route_keys(theorem, transferred), f"Theorem {theorem}")
    return transferred


def _growth_model(G):
    from approxbounds.capacity.growth import growth_model

    return growth_model(G)


def _route_delta(route) -> float:
    """The relative code distance of the packing, a number in ``(0, 1/2]``."""
    v = route["delta"]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 < float(v) <= 0.5:
        _fail("route", f"route.delta must be a number in (0, 1/2], got {v!r}")
    return float(v)


def _packing(F, m, norm: Norm, mu, construction, delta: float):
    try:
        return F.packing(m, "sup" if norm.is_sup else norm.p, mu, construction, delta=delta)
    except (TypeError, ValueError) as exc:
        _fail("packing", f"construction {construction!r} at m={m}: {exc}")


def _derive_L(F, G, norm: Norm, mu, route) -> Derivation:
    m = route_int(route, "m")
    tail = _route_str(route, "tail", TAILS)
    construction = _route_str(route, "construction")
    if norm.is_sup:
        _fail("norm", "Theorem L is an L^p statement, not a sup-norm one")
    pk = _packing(F, m, norm, mu, construction, _route_delta(route))
    model = _growth_model(G)
    B = float(F.B)
    eps = float(pk.separation)
    if not 0.0 < eps <= B:
        _fail("range", f"the packing separation {eps!r} is not in (0, B={B}]")
    cond = theorem_L_condition(float(pk.log2_size), eps, B, norm.p, model.bound, tail)
    if not cond.holds:
        _fail("counting", f"the hypotheses of Theorem L fail for this route: log2 M = {pk.log2_size:.10g} "
                          f"does not exceed log2 Pi(N) = {cond.log2_pi:.10g} (N = {cond.N})")
    return theorem_L(pk, a=float(F.a), B=B, p=norm.p, growth=model.bound, tail=tail,
                     growth_mp=GrowthMP(model, cond.bound.method, cond.bound.ingredients),
                     condition=cond)


def _derive_C(F, G, norm: Norm, mu, route) -> Derivation:
    m = route_int(route, "m")
    construction = _route_str(route, "construction")
    model = _growth_model(G)
    if model.size_bound is None:
        _fail("class size", "G is not a finite class (full-precision parameters remain)")
    pk = _packing(F, m, norm, mu, construction, _route_delta(route))
    out = theorem_C(pk, model.size_bound, norm=norm, size_mp=SizeMP(model))
    if out is None:
        _fail("counting", f"the packing (2^{pk.log2_size:.10g} members) is not larger than "
                          f"|G| <= 2^{float(model.size_bound.value):.10g}")
    return out


def _derive_S(F, G, norm: Norm, mu, route) -> Derivation:
    m = route_int(route, "m")
    if not norm.is_sup:
        _fail("norm", "Theorem S is a sup-norm statement")
    try:
        family = F.sign_family(m)
    except (AttributeError, NotImplementedError, ValueError) as exc:
        _fail("sign family", f"the function class has no sign family at m={m}: {exc}")
    model = _growth_model(G)
    vc = model.vcdim
    out = theorem_S(family, vc, vcdim_mp=VCdimMP(model, vc))
    if out is None:
        _fail("shattering", f"N = {family.N} bumps do not exceed the VC bound {float(vc.value):.10g}")
    return out


def _derive_D(F, G, norm: Norm, mu, route) -> Derivation:
    if not norm.is_sup:
        _fail("norm", "Lemma D is a sup-norm statement")
    obstruction = getattr(F, "sup_norm_discontinuity", None)
    if obstruction is None:
        _fail("witness", f"{getattr(F, 'name', F)} has no step-function witness (Lemma D applies to "
                         "monotone classes)")
    info = obstruction()
    activation = getattr(getattr(G, "activation", None), "name", None)
    if activation not in CONTINUOUS_ACTIVATIONS:
        _fail("continuity", f"activation {activation!r} is not known to give continuous networks")
    return lemma_D(activation, value=min(float(info.value), 0.5), tag=info.tag,
                   witness="f(x) = 1[x_1 >= 1/2]")


def piece_route_parts(F, G, norm: Norm, mu):
    """``(witness, pieces, kappa_mu)`` of Theorem P for the claim's objects, or a
    :class:`CertificateError` naming why the theorem does not apply."""
    from approxbounds.capacity.architecture import Architecture
    from approxbounds.capacity.pieces import pieces_bound

    get = getattr(F, "tooth_witness", None)
    if get is None:
        _fail("witness", f"{getattr(F, 'name', F)} has no tooth witness (Theorem P)")
    try:
        witness = get()
    except ValueError as exc:
        _fail("witness", str(exc))
    if not isinstance(G, Architecture):
        _fail("pieces", "Theorem P needs a feed-forward network class on [0,1]")
    pieces = pieces_bound(G)
    if pieces is None:
        _fail("pieces", f"no piece count for {G.spec()} with activation {G.activation.name!r} "
                        "(input dimension 1 and affine or constant pieces needed)")
    kappa_mu = 1.0
    if not norm.is_sup:
        desc = mu.to_dict()
        if desc.get("name") == "density_bounded":
            kappa_mu = float(desc["kappa"])
        elif desc.get("name") != "lebesgue":
            _fail("measure", f"Theorem P needs a measure with a density bound on [0,1] "
                             f"(lebesgue or density_bounded), got {desc.get('name')!r}")
    return witness, pieces, kappa_mu


def _derive_P(F, G, norm: Norm, mu, route) -> Derivation:
    m = route_int(route, "m")
    witness, pieces, kappa_mu = piece_route_parts(F, G, norm, mu)
    if m < witness.m_min:
        _fail("route", f"route.m must be >= {witness.m_min} for the {witness.shape} witness")
    out = theorem_P(witness, m, pieces, norm=norm, kappa_mu=kappa_mu)
    if out is None:
        _fail("counting", f"the witness has {witness.n_teeth(m)} teeth at m={m}, not more than "
                          f"P - 1 = {pieces.ingredients['P'] - 1} breakpoints can split")
    return out


_DERIVE = {"L": _derive_L, "C": _derive_C, "S": _derive_S, "D": _derive_D, "P": _derive_P}


def restate(der: Derivation, F, G, mu) -> Derivation:
    """``der`` with :data:`RESTATED` set to the claim it proves (minus the value): statement,
    the canonical descriptions of F and G, the norm, the measure (``None`` for sup), theorem."""
    ingredients = {k: v for k, v in der.ingredients.items() if k != RESTATED}
    ingredients[RESTATED] = restated_claim("lower", F, G, der.norm, mu, der.theorem)
    return Derivation(der.value, der.theorem, der.norm, ingredients, der.tags, der.recompute)


def transfer(inner: Derivation, F, G, norm, mu_q, mu) -> Derivation:
    """Lemma T on a derivation at ``L^q(mu_q)``, restated for the claim's ``norm`` and ``mu``."""
    try:
        stripped = Derivation(inner.value, inner.theorem, inner.norm,
                              {k: v for k, v in inner.ingredients.items() if k != RESTATED},
                              inner.tags, inner.recompute)
        return restate(norm_transfer(stripped, norm, mu_q.to_dict()), F, G, mu)
    except ValueError as exc:
        _fail("norm transfer", str(exc))


def derive(theorem: str, F, G, norm, mu, route: dict) -> Derivation:
    """The derivation of ``theorem`` along ``route`` for the claim's objects.

    Parameters
    ----------
    theorem : {"L", "C", "S", "D"}
    F, G : function class, network class
    norm : Norm
        The claim's norm (the target norm of a Lemma T route).
    mu : Measure or None
        The claim's measure (``None`` for the sup norm).
    route : dict
        See the module docstring.

    Raises
    ------
    CertificateError
        The route is malformed, or its hypotheses fail (the step is named).
    """
    norm = Norm.parse(norm)
    if theorem not in _DERIVE:
        _fail("theorem", f"unknown theorem {theorem!r}")
    if not _check_route(theorem, route):
        return restate(_DERIVE[theorem](F, G, norm, mu, route), F, G, mu)
    # Lemma T: the chain runs at L^q(mu_q) and is carried over to the claim's norm.
    from approxbounds.classes.measures import measure_from_dict

    try:
        q = Norm.from_json(route["certified_norm"], "route.certified_norm")
    except (TypeError, ValueError) as exc:
        _fail("norm transfer", str(exc))
    if q.is_sup:
        _fail("norm transfer", "the certified norm q of Lemma T must be finite")
    if not q <= norm:
        _fail("norm transfer", f"norm monotonicity needs q <= p, got q={q.p:g} > p={norm.p:g}")
    try:
        mu_q = measure_from_dict(route["certified_measure"], "route.certified_measure")
    except ValueError as exc:
        _fail("probability measure", str(exc))
    problem = domain_problem(F, G, mu_q)
    if problem is not None:
        _fail("probability measure", problem[1])
    if not norm.is_sup and mu_q.to_dict() != mu.to_dict():
        _fail("probability measure", "Lemma T from L^q(mu) to L^p(nu) needs nu = mu; the route's "
                                     "certified_measure differs from the claim's measure")
    inner_route = {k: v for k, v in route.items() if k not in _TRANSFER_KEYS}
    inner = _DERIVE[theorem](F, G, q, mu_q, inner_route)
    return transfer(inner, F, G, norm, mu_q, mu)

