r"""From a claim's objects and a construction route to the upper bound the route gives.

A *route* is the free choice of an upper-bound proof: which explicit construction, at which
size. :func:`derive_upper` rebuilds every ingredient from the function class ``F``, the
network class ``G``, the norm and the measure named by a claim; :func:`approxbounds.upper.api.upper_bound`
issues its certificates through it and :mod:`approxbounds.upper.verify` re-runs it on the
objects rebuilt from a certificate file.

Routes (JSON objects, exactly these keys; proofs in docs/upper_bounds.md):

=====  ===========================================  ==============================================
key    route                                        construction
=====  ===========================================  ==============================================
U0     ``{"variant": "midrange" | "centre"}``       constant network (every class with free biases)
PL     ``{"pieces": n}``                            piecewise-linear interpolation, d = 1, ReLU
RQ     ``{"levels": K}``                            range staircase, monotone, d = 1 (threshold: steps; ReLU: ramps)
RI     ``{"levels": K}``                            interpolation at the crossings of K levels, monotone, d = 1, ReLU
ST     ``{"cells": m, "variant": ...}``             steps on the grid of side 1/m, threshold
KT     ``{"cells": m, "offset": o}``                Kuhn-triangulation interpolation, d >= 2, ReLU
=====  ===========================================  ==============================================

How the :math:`L^p(\mu)` bound follows from the construction's sup bound ``S``, Lebesgue
bound ``A`` and every-measure bound ``M`` (``M = S`` unless the construction gives a better one;
docs/upper_bounds.md §4): sup norm ``S``; Lebesgue ``min(A, M)``; density :math:`\ge\kappa`:
:math:`(\kappa A^p + (1-\kappa) M^p)^{1/p}`; empirical measure ``M``.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath

from approxbounds.claims import CertificateError
from approxbounds.norms import Norm
from approxbounds.rederive import RESTATED, check_route_fields, restated_claim, route_int

from . import bounds as B
from .realise import (constant_problem, grid_step_widths, hidden_widths, kt_fit, kt_widths,
                      network_problem, relu_line_plan, threshold_line_jumps)

__all__ = ["UpperDerivation", "derive_upper", "ROUTE_KEYS", "VARIANTS", "RESTATED", "STATEMENTS",
           "BoundMP", "holder_constants", "target_of", "UPPER_KEYS"]

#: route keys per construction
ROUTE_KEYS = {"U0": ("variant",), "PL": ("pieces",), "RQ": ("levels",), "RI": ("levels",),
              "ST": ("cells", "variant"), "KT": ("cells", "offset")}
UPPER_KEYS = tuple(ROUTE_KEYS)
VARIANTS = ("centre", "midrange")

#: the statements a construction relies on (docs/upper_bounds.md), all proved there [P]
STATEMENTS = {
    "const": "docs/upper_bounds.md §1.5: G contains every constant function on [0,1]^d",
    "line_relu": ("docs/upper_bounds.md §1.1: a ReLU net with these hidden widths realises every "
                  "sum c0 + sum_j c_j relu(w_j x + b_j) with the stated number of line units on [0,1]"),
    "line_threshold": ("docs/upper_bounds.md §1.2: a threshold net with these hidden widths "
                       "realises every step function on [0,1] with min(k_1..k_H) jumps"),
    "kt_net": ("docs/upper_bounds.md §1.3: the Kuhn-triangulation network of grid m fits these "
               "hidden widths and computes the piecewise-linear interpolant"),
    "grid_steps": ("docs/upper_bounds.md §1.4: a threshold net with these hidden widths realises "
                   "every step function on the grid of side 1/m"),
    "pl_holder": ("docs/upper_bounds.md §2.1-2.2: interpolation error of Hölder functions on a "
                  "uniform grid (sup and Lebesgue L^p)"),
    "steps_holder": "docs/upper_bounds.md §2.3: step-function error of Hölder functions on a grid",
    "kt_holder": "docs/upper_bounds.md §2.4: Kuhn-triangulation interpolation error of Hölder functions",
    "holder_embedding": ("docs/upper_bounds.md §2.5: H^alpha, alpha > 1, lies in the Lipschitz ball "
                         "of constant 1 (d = 1) or d (l_inf, d >= 2), and in H^2 for alpha > 2 (d = 1)"),
    "pl_monotone": "docs/upper_bounds.md §3.1: interpolation error of monotone functions on [0,1]",
    "staircase": "docs/upper_bounds.md §3.2: range staircase of a monotone function, every measure",
    "range_interp": ("docs/upper_bounds.md §3.4: interpolation of a monotone function at the "
                     "crossings of K levels (Lebesgue and every probability measure)"),
    "grid_monotone": "docs/upper_bounds.md §3.3: grid steps / Kuhn interpolation of monotone functions",
    "measures": ("docs/upper_bounds.md §4: L^p(mu) from the sup and Lebesgue bounds (density >= "
                 "kappa: mu = kappa lambda + (1 - kappa) nu; any probability measure: sup)"),
}


def _fail(step, detail):
    raise CertificateError(step, detail)


@dataclass
class UpperDerivation:
    """What a construction proves: ``value`` bounds :math:`\\sup_f\\inf_g\\|f-g\\|` from above.

    Attributes
    ----------
    value : float
        The certified upper bound (rounded up).
    theorem : str
        Construction key (:data:`approxbounds.claims.THEOREMS`, kind "upper").
    norm : Norm
    ingredients : dict
        Every number of the proof (JSON data).
    tags : dict
        ``statement -> "P"``.
    recompute : BoundMP
        High-precision re-evaluation of the bounds (never serialised).

    Ingredients ``sup_bound``, ``lebesgue_bound`` and ``any_measure_bound`` are the bounds
    ``S``, ``A`` and ``M`` of the module docstring.
    """

    value: float
    theorem: str
    norm: Norm
    ingredients: dict
    tags: dict
    recompute: "BoundMP"


def target_of(F) -> str:
    """``"holder"`` or ``"monotone"``: the class kinds with constructions."""
    from approxbounds.classes.holder import Holder
    from approxbounds.classes.monotone import Monotone

    if isinstance(F, Holder):
        return "holder"
    if isinstance(F, Monotone):
        return "monotone"
    _fail("function class", f"no construction is proved for {getattr(F, 'name', F)!r}")


def holder_constants(F) -> dict:
    r"""``alpha_eff <= 1`` and ``lip`` with :math:`|f(x)-f(y)| \le \mathrm{lip}\,\|x-y\|_\infty^{\alpha_{eff}}`
    on :math:`H^\alpha([0,1]^d)` (docs §2.5): ``(alpha, 1)`` for ``alpha <= 1``; ``(1, 1)`` for
    ``alpha > 1`` and ``d = 1``; ``(1, d)`` for ``alpha > 1`` and ``d >= 2``."""
    alpha = float(F.alpha)
    if alpha <= 1:
        return {"alpha": alpha, "alpha_eff": alpha, "lip": 1}
    return {"alpha": alpha, "alpha_eff": 1.0, "lip": 1 if F.d == 1 else int(F.d)}


class BoundMP:
    """``dps -> (sup, leb, value)`` of a route at high precision (picklable).

    ``formula`` names a function of :mod:`approxbounds.upper.bounds` returning ``(sup, leb)``
    or ``(sup, leb, any)``, ``args`` its arguments before ``p`` and ``one``; ``rule`` how the
    norm's value follows (module docstring).
    """

    def __init__(self, formula: str, args: tuple, norm: Norm, rule: str, kappa=None):
        self.formula, self.args, self.norm, self.rule, self.kappa = formula, tuple(args), norm, rule, kappa

    def _eval(self, args, p, one):
        out = getattr(B, self.formula)(*args, p, one)
        sup, leb = out[0], out[1]
        anym = out[2] if len(out) > 2 else sup
        return sup, leb, anym, _combine(sup, leb, anym, self.rule, self.kappa, p, one)

    def __call__(self, dps: int):
        """``(sup, leb, any, value)`` at ``dps`` digits (``leb`` is ``None`` for the sup norm)."""
        with mpmath.workdps(dps):
            one = mpmath.mpf(1)
            p = None if self.norm.is_sup else mpmath.mpf(self.norm.p)
            args = [mpmath.mpf(a) if isinstance(a, float) else a for a in self.args]
            sup, leb, anym, value = self._eval(args, p, one)
            return +sup, (None if leb is None else +leb), +anym, +value

    def floats(self):
        """``(sup, leb, any, value)`` in floats, each rounded up."""
        p = None if self.norm.is_sup else self.norm.p
        sup, leb, anym, value = self._eval(self.args, p, 1.0)
        return (B.round_up(sup), None if leb is None else B.round_up(leb), B.round_up(anym),
                B.round_up(value))


def _combine(sup, leb, anym, rule, kappa, p, one):
    if rule == "sup":
        return sup
    if rule == "empirical":
        return anym
    if rule == "lebesgue":
        return leb if leb < anym else anym
    if rule == "density":
        k = kappa if not isinstance(one, mpmath.mpf) else mpmath.mpf(kappa)
        return B.mix_density(anym, leb, k, p, one)
    raise ValueError(f"unknown measure rule {rule!r}")


def _measure_rule(norm: Norm, mu):
    if norm.is_sup:
        return "sup", None
    name = getattr(mu, "name", None)
    if name == "lebesgue":
        return "lebesgue", None
    if name == "density_bounded":
        return "density", float(mu.kappa)
    if name == "empirical":
        return "empirical", None
    _fail("measure", f"no rule for the measure {mu!r}")


# ----------------------------------------------------------------------------- route checks
def _route_variant(route):
    v = route["variant"]
    if v not in VARIANTS:
        _fail("route", f"route.variant must be one of {', '.join(VARIANTS)}, got {v!r}")
    return v


def _check_route(theorem, route):
    if theorem not in ROUTE_KEYS:
        _fail("theorem", f"{theorem!r} is not an upper-bound construction (one of {', '.join(ROUTE_KEYS)})")
    check_route_fields(route, ROUTE_KEYS[theorem], f"construction {theorem}")


def _need_network(G):
    problem = network_problem(G)
    if problem is not None:
        _fail("realisation", problem)


def _need_d(F, want_one: bool, what: str):
    if want_one and F.d != 1:
        _fail("realisation", f"{what} is a construction on [0,1] (d = 1), F lives on [0,1]^{F.d}")
    if not want_one and F.d < 2:
        _fail("realisation", f"{what} is a construction for d >= 2, F lives on [0,1]")


def _need_activation(G, name, what):
    if G.activation.name != name:
        _fail("realisation", f"{what} needs {name} units, G uses {G.activation.name}")


# ----------------------------------------------------------------------------- constructions
def _U0(F, G, target, route):
    variant = _route_variant(route)
    problem = constant_problem(G)
    if problem is not None:
        _fail("realisation", problem)
    real = {"hidden_widths": list(hidden_widths(G)), "units_used": 0}
    return _grid_steps(F, target, variant, 1, real, ["const"],
                       "the constant network of a monotone class uses the midrange 1/2")


def _grid_steps(F, target, variant, m, real, tags, monotone_midrange):
    """The error bound of a step function on the grid of side ``1/m`` (``m = 1``: a constant)
    realised as ``real`` with the statements ``tags``: midrange steps of a monotone class
    (``monotone_midrange`` says why another variant is refused), centre or midrange steps of a
    Hölder class."""
    if target == "monotone":
        if variant != "midrange":
            _fail("route", f"{monotone_midrange} (route.variant = 'midrange')")
        return real, ("monotone_steps", (F.d, m)), tags + ["grid_monotone"], {}
    hc = holder_constants(F)
    formula = "steps_centre" if variant == "centre" else "steps_midrange"
    tags = tags + ["steps_holder"] + (["holder_embedding"] if hc["alpha"] > 1 else [])
    return real, (formula, (hc["alpha_eff"], hc["lip"], F.d, m)), tags, {"smoothness": hc}


def _PL(F, G, target, route):
    n = route_int(route, "pieces", 1)
    _need_d(F, True, "Construction PL")
    _need_network(G)
    _need_activation(G, "relu", "Construction PL")
    plan = relu_line_plan(hidden_widths(G))
    if n > plan.pieces:
        _fail("realisation", f"{n} pieces need {n} line units; G offers {plan.pieces}")
    real = {"hidden_widths": list(hidden_widths(G)), "free_units": list(plan.free),
            "carry_x": list(plan.carry_x), "carry_a": list(plan.carry_a), "line_units": plan.pieces,
            "units_used": n}
    if target == "monotone":
        return real, ("monotone_pl", (n,)), ["line_relu", "pl_monotone"], {}
    alpha = float(F.alpha)
    tags = ["line_relu", "pl_holder"] + (["holder_embedding"] if alpha > 2 else [])
    return real, ("holder_pl", (alpha, n)), tags, {"smoothness": {"alpha": alpha}}


def _monotone_levels(F, G, target, route, key, what) -> int:
    """``route.levels`` of a level construction (``key`` = RQ or RI, ``what`` its name) after
    checking that it applies: a monotone class on [0,1] and a network class it can read."""
    K = route_int(route, "levels", 1)
    if target != "monotone":
        _fail("function class", f"{what} ({key}) is a construction for monotone classes")
    _need_d(F, True, f"Construction {key}")
    _need_network(G)
    return K


def _RQ(F, G, target, route):
    K = _monotone_levels(F, G, target, route, "RQ", "the range staircase")
    act = G.activation.name
    if act == "hard_threshold":
        avail = threshold_line_jumps(hidden_widths(G))
        real = {"hidden_widths": list(hidden_widths(G)), "jumps_available": avail, "units_used": K}
        tags = ["line_threshold", "staircase"]
    else:
        plan = relu_line_plan(hidden_widths(G))
        avail = plan.ramps
        real = {"hidden_widths": list(hidden_widths(G)), "free_units": list(plan.free),
                "ramps_available": avail, "units_used": 2 * K}
        tags = ["line_relu", "staircase"]
    if K > avail:
        _fail("realisation", f"{K} levels need {K} {'jumps' if act == 'hard_threshold' else 'ramps'}; "
                             f"G offers {avail}")
    return real, ("staircase", (K, act)), tags, {}


def _RI(F, G, target, route):
    K = _monotone_levels(F, G, target, route, "RI", "interpolation at level crossings")
    _need_activation(G, "relu", "Construction RI")
    plan = relu_line_plan(hidden_widths(G))
    if K + 1 > plan.pieces:
        _fail("realisation", f"{K} levels need {K + 1} line units; G offers {plan.pieces}")
    real = {"hidden_widths": list(hidden_widths(G)), "free_units": list(plan.free),
            "line_units": plan.pieces, "units_used": K + 1}
    return real, ("monotone_ri", (K,)), ["line_relu", "range_interp"], {}


def _ST(F, G, target, route):
    m = route_int(route, "cells", 2)
    variant = _route_variant(route)
    _need_network(G)
    _need_activation(G, "hard_threshold", "Construction ST")
    hidden = hidden_widths(G)
    try:
        need = grid_step_widths(F.d, m, len(hidden))
    except ValueError as exc:
        _fail("realisation", str(exc))
    for i, (r, k) in enumerate(zip(need, hidden)):
        if r > k:
            _fail("realisation", f"hidden layer {i + 1} has width {k}, the grid m={m} needs {r}")
    real = {"hidden_widths": list(hidden), "required_widths": list(need)}
    return _grid_steps(F, target, variant, m, real, ["line_threshold" if F.d == 1 else "grid_steps"],
                       "grid steps of a monotone class use the midrange")


def _KT(F, G, target, route):
    m = route_int(route, "cells", 1)
    offset = route_int(route, "offset", 0)
    _need_d(F, False, "Construction KT")
    _need_network(G)
    _need_activation(G, "relu", "Construction KT")
    hidden = hidden_widths(G)
    problem = kt_fit(F.d, m, hidden, offset)
    if problem is not None:
        _fail("realisation", problem)
    real = {"hidden_widths": list(hidden), "offset": offset, "required_widths": list(kt_widths(F.d, m))}
    if target == "monotone":
        return real, ("monotone_kt", (F.d, m)), ["kt_net", "grid_monotone"], {}
    hc = holder_constants(F)
    tags = ["kt_net", "kt_holder"] + (["holder_embedding"] if hc["alpha"] > 1 else [])
    return real, ("kt_holder", (hc["alpha_eff"], hc["lip"], F.d, m)), tags, {"smoothness": hc}


_CONSTRUCTIONS = {"U0": _U0, "PL": _PL, "RQ": _RQ, "RI": _RI, "ST": _ST, "KT": _KT}


def derive_upper(theorem: str, F, G, norm, mu, route: dict) -> UpperDerivation:
    """The upper bound construction ``theorem`` gives along ``route`` for the claim's objects.

    Parameters
    ----------
    theorem : {"U0", "PL", "RQ", "ST", "KT"}
    F, G : function class, network class
    norm : Norm
    mu : Measure or None
        ``None`` for the sup norm.
    route : dict
        See the module docstring.

    Raises
    ------
    CertificateError
        The route is malformed or the construction does not fit ``G`` (the step is named).
    """
    norm = Norm.parse(norm)
    _check_route(theorem, route)
    target = target_of(F)
    rule, kappa = _measure_rule(norm, mu)
    real, (formula, args), tag_keys, extra = _CONSTRUCTIONS[theorem](F, G, target, route)
    rec = BoundMP(formula, args, norm, rule, kappa)
    if rule != "sup":
        tag_keys = tag_keys + ["measures"]
    sup, leb, anym, value = rec.floats()
    ingredients = {
        "construction": {"key": theorem, **route},
        "realisation": real,
        "formula": formula,
        "formula_args": list(args),
        "sup_bound": sup,
        "lebesgue_bound": leb,
        "any_measure_bound": anym,
        "measure_rule": rule,
        "value": value,
        RESTATED: restated_claim("upper", F, G, norm, mu, theorem),
    }
    if kappa is not None:
        ingredients["kappa"] = kappa
    for k, v in extra.items():
        ingredients[k] = v
    tags = {STATEMENTS[k]: "P" for k in tag_keys}
    return UpperDerivation(value, theorem, norm, ingredients, tags, rec)
