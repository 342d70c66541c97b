r"""Theorems L, S, C and Lemma D of ``docs/theory.md``, each turning concrete ingredients
into a :class:`Derivation` (value, ingredients, tags and high-precision re-evaluators); the
claim it proves is attached by :mod:`approxbounds.lower.derive`.

The functions here know nothing about *how* packings or capacity bounds are obtained: they
take a packing-like object (attributes ``separation``, ``log2_size``, ``m``,
``construction``, ``tag``, ``ingredients``), capacity bounds (objects with ``value``,
``tag``, ``method``, ``source``, ``to_dict()``) and callables, so that they can be tested on
small hand-made inputs. :mod:`approxbounds.lower.api` wires them to
:mod:`approxbounds.classes` and :mod:`approxbounds.capacity`.

Theorem L [P] (Achour, Foucault, Gerchinovitz, Malgouyres, NeurIPS 2022 / arXiv 2206.04360,
certified form proved in docs/theory.md). F maps into ``[a, a+B]``; ``f_1..f_M`` pairwise at
``L^p(mu)`` distance ``>= eps``; ``K = ceil(4B/eps)``; ``n`` with
``C(M,2) exp(-n r) < 1`` (``r`` the Chernoff-KL or Hoeffding rate of
:mod:`~approxbounds.lower.tails`); ``N = n (K-1)``. If ``M > Pi_{thr G}(N)`` then
``dist_p(F, G) >= eps/4``.

Theorem S [P]. If ``F`` contains ``sum_k sigma_k c phi_k`` for all signs and
``N > VCdim(sgn G)`` then ``dist_inf(F, G) >= c``.

Theorem C [P]. If ``F`` has ``M > |G|`` members pairwise ``>= eps`` apart in some norm, then
``dist(F, G) >= eps/2`` in that norm.

Lemma D [P]. A monotone step function is at sup distance ``>= 1/2`` from every continuous
function, so ``dist_inf(M_d, G) >= 1/2`` for continuous ``G``.

Theorem P [P] (piece counting, docs/theory.md). If every ``g`` in ``G`` is, on ``[0,1]``,
affine (or constant) on each of at most ``P`` intervals, and ``f*`` in ``F`` equals
``affine + H psi((x - a_j)/h)`` on ``n`` disjoint intervals of width ``h``, then
``||f* - g||_{L^p(mu)} >= H (kappa_mu kappa_p h (n - P + 1))^{1/p}`` for ``mu`` with density
``>= kappa_mu`` and ``||f* - g||_sup >= H kappa_inf`` when ``n >= P``: the ``P - 1``
breakpoints of ``g`` split at most ``P - 1`` of the teeth.

Lemma T [P] (norm-monotonicity transfer, docs/theory.md §7). For a probability measure
``mu`` and ``1 <= q <= p``: ``||h||_{L^q(mu)} <= ||h||_{L^p(mu)} <= ||h||_sup`` (Hölder's
inequality with exponents ``p/q`` and ``p/(p-q)``; ``mu(X) = 1``), hence
``dist_q(F, G) <= dist_p(F, G) <= dist_sup(F, G)``: a certificate at ``L^q(mu)`` is one at
``L^p(mu)`` and in the sup norm.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral

from approxbounds.norms import Norm

from .._validation import check_choice, check_real
from .tails import TAILS, _sample_size, ln_mean_floor

__all__ = [
    "Derivation",
    "LCondition",
    "theorem_L_condition",
    "theorem_L",
    "theorem_S",
    "theorem_C",
    "lemma_D",
    "theorem_P",
    "theorem_P_ln_value",
    "norm_transfer",
    "probability_measure_problem",
    "LEMMA_T_STATEMENT",
    "TRANSFER_NORMS",
    "threshold_count",
    "counting_margin",
    "TAIL_SOURCES",
    "CONTINUOUS_ACTIVATIONS",
]

TAIL_SOURCES = {
    "chernoff": "Chernoff-KL tail bound for [0,1] variables (Hoeffding 1963, Thm 1)",
    "hoeffding": "Hoeffding tail bound exp(-2nt^2) (Hoeffding 1963, Thm 2)",
}
THEOREM_L_STATEMENT = "Theorem L: L^p lower bound via clipping, sampling and thr(G) growth"
THEOREM_S_STATEMENT = "Theorem S: sup-norm lower bound via sign families and VCdim"
THEOREM_C_STATEMENT = "Theorem C: counting bound for finite classes"
LEMMA_D_STATEMENT = "Lemma D: step functions vs continuous functions in sup norm"
THEOREM_P_STATEMENT = ("Theorem P: piece counting, a network with at most P affine pieces on "
                       "[0,1] leaves at least n - P + 1 of n teeth of a witness unsplit")
LEMMA_T_STATEMENT = ("Lemma T: norm monotonicity on a probability measure, "
                     "||h||_{L^q(mu)} <= ||h||_{L^p(mu)} <= ||h||_sup for 1 <= q <= p")
#: Norms ``q`` whose certificates ``lower_bound(norm=p)`` also transfers (those ``< p``;
#: all of them for the sup norm).
TRANSFER_NORMS = (1.0, 2.0, 4.0)
#: Activations whose networks are continuous functions of the input (owned by
#: :mod:`approxbounds.capacity.activation`).
from approxbounds.capacity.activation import CONTINUOUS_ACTIVATIONS  # noqa: E402


@dataclass
class Derivation:
    """What a theorem derives from concrete ingredients.

    Attributes
    ----------
    value : float
        The bound the theorem gives (``eps/4``, ``c``, ``eps/2``, ``1/2``).
    theorem : str
        Key of :data:`approxbounds.claims.THEOREMS`.
    norm : Norm
        The norm of the statement.
    ingredients : dict
        Every raw number of the chain (exact ints where they are ints).
    tags : dict
        ``statement -> tag`` of every statement relied on (all "V"/"P").
    recompute : dict
        High-precision re-evaluators (``separation_mp(dps)``, ``log2_size_mp(dps)``,
        ``value_range()``, ``log2_growth_mp(N, dps)``, ``vcdim_mp(dps)``, ``height_mp(dps)``,
        ``n_points()``, ``log2_class_size_mp(dps)``) used by the high-precision check of the
        chain; never serialised.
    """

    value: float
    theorem: str
    norm: Norm
    ingredients: dict
    tags: dict
    recompute: dict


def threshold_count(eps: float, B: float) -> int:
    """``K = ceil(4B/eps)`` computed exactly (``Fraction`` when the float quotient is
    near an integer, huge or not finite)."""
    q = 4.0 * B / eps
    if math.isfinite(q) and q < 2.0**50:
        k = math.ceil(q)
        if abs(q - round(q)) > 1e-6:
            return k
    return math.ceil(Fraction(4) * Fraction(B) / Fraction(eps))


def counting_margin(log2_m: float, log2_pi: float) -> float:
    r"""``log2 M - log2(2^{log2 Pi} + 1)``: positive iff ``2^{log2 M} >= 2^{log2 Pi} + 1``.

    Taking ``floor(2^{log2 Pi}) + 1`` members (at most ``2^{log2 M}``, so available) gives a
    family strictly larger than any growth-function value ``<= 2^{log2 Pi}``.
    """
    return log2_m - log2_pi - math.log1p(2.0 ** (-log2_pi)) / math.log(2.0)


@dataclass(frozen=True)
class LCondition:
    """Outcome of checking Theorem L's hypotheses at one packing scale."""

    holds: bool
    n: int
    K: int
    N: int
    log2_pi: float
    bound: object  # the capacity Bound used for log2 Pi(N)
    margin: float  # counting_margin(log2 M, log2 Pi)
    log2_m: float = 0.0

    @property
    def score(self) -> float:
        """Positive iff the hypotheses hold (used by the scale search)."""
        if self.bound is None or self.bound.tag not in ("V", "P"):
            return -math.inf
        if not math.isfinite(self.margin):
            return -math.inf
        # sign of margin - tol, written as ln(log2 M) - ln(log2 M - margin + tol): nearly
        # linear in ln m (log2 M is a power of m, log2 Pi grows like a log), which lets the
        # search interpolate accurately.
        tol = 1e-9 * max(1.0, self.log2_m)
        return math.log(self.log2_m) - math.log(self.log2_m - self.margin + tol)


def theorem_L_condition(log2_m: float, eps: float, B: float, p: float, growth,
                        tail: str = "chernoff", *, exact: bool = True) -> LCondition:
    """Check the hypotheses of Theorem L for one packing (cheap; used by the search).

    Parameters
    ----------
    log2_m : float
        ``log2`` of the packing size (certified lower bound).
    eps : float
        Pairwise separation of the packing, ``0 < eps <= B``.
    B : float
        Width of the range of ``F``.
    p : float
        Norm exponent, ``p >= 1``.
    growth : callable
        ``growth(N: int) -> Bound`` with ``Bound.value = log2 Pi_{thr G}(N)`` (certified).
    tail : {"chernoff", "hoeffding"}
    exact : bool
        Minimal sample size (``True``) or the cheap, slightly larger one used by searches.
    """
    if not (log2_m >= 1.0 and 0.0 < eps <= B and p >= 1.0) or tail not in TAILS:
        if tail not in TAILS:
            check_choice("tail", tail, TAILS)
        return LCondition(False, 0, 0, 0, math.inf, None, -math.inf)
    n = _sample_size(float(log2_m), float(eps), float(B), float(p), tail, exact)
    K = threshold_count(eps, B)
    N = n * (K - 1)
    bound = growth(N)
    log2_pi = float(bound.value)
    margin = counting_margin(log2_m, log2_pi)
    # A relative safety margin keeps the float decision on the right side of the
    # high-precision re-check in verify().
    holds = margin > 1e-9 * max(1.0, log2_m) and bound.tag in ("V", "P")
    return LCondition(holds, n, K, N, log2_pi, bound, margin, log2_m)


def _float_down(x) -> float:
    """Largest float <= the mpmath number ``x``."""
    import mpmath

    f = float(x)
    if mpmath.mpf(f) > x:
        f = math.nextafter(f, -math.inf)
    return f


def _packing_dict(packing) -> dict:
    return {
        "construction": getattr(packing, "construction", None),
        "m": getattr(packing, "m", None),
        "separation": float(packing.separation),
        "log2_size": float(packing.log2_size),
        "tag": packing.tag,
        "ingredients": dict(getattr(packing, "ingredients", {}) or {}),
    }


def _packing_recompute(packing) -> dict:
    out = {}
    if callable(getattr(packing, "separation_mp", None)):
        out["separation_mp"] = packing.separation_mp
    if callable(getattr(packing, "log2_size_mp", None)):
        out["log2_size_mp"] = packing.log2_size_mp
    if callable(getattr(packing, "value_range", None)):
        out["value_range"] = packing.value_range
    return out


def _bound_dict(bound) -> dict:
    return bound.to_dict() if hasattr(bound, "to_dict") else dict(bound)


def theorem_L(packing, *, a: float, B: float, p: float, growth, tail: str = "chernoff",
              growth_mp=None, condition: LCondition | None = None):
    """Theorem L for one packing: a :class:`Derivation`, or ``None`` if the hypotheses fail.

    Parameters
    ----------
    packing : Packing-like
        ``separation`` (pairwise ``L^p(mu)`` distance ``>=`` it), ``log2_size``, ``tag``.
    a, B : float
        ``F`` maps into ``[a, a + B]``.
    p : float
        Norm exponent ``>= 1``.
    growth : callable
        ``N -> Bound`` of ``log2 Pi_{thr G}(N)``.
    tail : {"chernoff", "hoeffding"}
    growth_mp : callable, optional
        ``(N, dps) -> mpmath.mpf``: high-precision re-evaluation of the same growth bound,
        stored for :meth:`Certificate.verify`.
    condition : LCondition, optional
        Result of :func:`theorem_L_condition` already computed by a search.

    Returns
    -------
    Derivation or None
        Value ``eps/4``.
    """
    check_choice("tail", tail, TAILS)
    B = check_real("B", B, low=0.0, low_open=True)
    p = check_real("p", p, low=1.0)
    eps = float(packing.separation)
    if not (0.0 < eps <= B):
        raise ValueError(f"packing separation must lie in (0, B={B}], got {eps}")
    log2_m = float(packing.log2_size)
    cond = condition or theorem_L_condition(log2_m, eps, B, p, growth, tail)
    if not cond.holds:
        return None
    bound = cond.bound
    ingredients = {
        "a": float(a), "B": B, "p": p, "eps": eps, "log2_M": log2_m,
        "packing": _packing_dict(packing),
        "tail": tail, "ln_s": ln_mean_floor(eps, B, p),
        "n": cond.n, "K": cond.K, "N": cond.N,
        "log2_Pi": cond.log2_pi, "margin_bits": cond.margin,
        "capacity": _bound_dict(bound),
    }
    tags = {
        THEOREM_L_STATEMENT: "P",
        TAIL_SOURCES[tail]: "P",
        f"packing ({ingredients['packing']['construction']})": packing.tag,
        f"growth bound ({bound.method}: {bound.source})": bound.tag,
    }
    recompute = _packing_recompute(packing)
    if growth_mp is not None:
        recompute["log2_growth_mp"] = growth_mp
    return Derivation(eps / 4.0, "L", Norm.parse(p), ingredients, tags, recompute)


def theorem_S(family, vc_bound, *, vcdim_mp=None):
    """Theorem S (sup norm): a :class:`Derivation`, or ``None`` when ``N <= VCdim`` bound.

    Parameters
    ----------
    family : SignFamily-like
        ``c`` (height), ``N`` (number of disjoint bumps), ``tag``, optionally ``m``,
        ``ingredients`` and ``c_mp(dps)``.
    vc_bound : Bound-like
        Certified upper bound on ``VCdim(sgn G)`` (``value``, ``tag``, ``method``, ``source``).
    vcdim_mp : callable, optional
        ``dps -> mpf`` high-precision re-evaluation of ``vc_bound``.
    """
    c = float(family.c)
    if callable(getattr(family, "c_mp", None)):
        # never claim more than the exact height: round its high-precision value down
        c = min(c, _float_down(family.c_mp(30)))
    n_points = int(family.N)
    if not (c > 0 and math.isfinite(c)):
        raise ValueError(f"sign family height c must be positive and finite, got {c}")
    if vc_bound.tag not in ("V", "P") or not n_points > float(vc_bound.value):
        return None
    ingredients = {
        "c": c, "N_points": n_points, "m": getattr(family, "m", None),
        "family": dict(getattr(family, "ingredients", {}) or {}),
        "family_tag": family.tag,
        "VCdim_bound": float(vc_bound.value), "capacity": _bound_dict(vc_bound),
    }
    tags = {
        THEOREM_S_STATEMENT: "P",
        "sign family of disjoint bumps in F": family.tag,
        f"VC bound ({vc_bound.method}: {vc_bound.source})": vc_bound.tag,
    }
    recompute = {}
    if vcdim_mp is not None:
        recompute["vcdim_mp"] = vcdim_mp
    if callable(getattr(family, "c_mp", None)):
        recompute["height_mp"] = family.c_mp
    if callable(getattr(family, "n_points_exact", None)):
        recompute["n_points"] = family.n_points_exact
    return Derivation(c, "S", Norm.parse("sup"), ingredients, tags, recompute)


def theorem_C(packing, size_bound, *, norm, size_mp=None):
    """Theorem C: a :class:`Derivation`, or ``None`` when the packing is not larger than ``|G|``.

    Parameters
    ----------
    packing : Packing-like
        Pairwise distance ``>= separation`` in the chosen norm, ``>= 2^log2_size`` members.
    size_bound : Bound-like
        ``value = log2 |G|`` (certified).
    norm : Norm (or anything :meth:`Norm.parse` takes)
    size_mp : callable, optional
        ``dps -> mpf`` exact re-evaluation of ``log2 |G|``.

    Returns
    -------
    Derivation or None
        Value ``separation / 2``.
    """
    norm = Norm.parse(norm)
    eps = float(packing.separation)
    log2_m = float(packing.log2_size)
    b = float(size_bound.value)
    if not (eps > 0 and math.isfinite(eps)):
        raise ValueError(f"packing separation must be positive and finite, got {eps}")
    if size_bound.tag not in ("V", "P") or not log2_m > b + 1e-9 * max(1.0, b):
        return None
    ingredients = {
        "eps": eps, "log2_M": log2_m, "log2_G": b, "norm": norm.to_json(),
        "packing": _packing_dict(packing), "capacity": _bound_dict(size_bound),
    }
    tags = {
        THEOREM_C_STATEMENT: "P",
        f"packing ({ingredients['packing']['construction']})": packing.tag,
        f"class size ({size_bound.method}: {size_bound.source})": size_bound.tag,
    }
    recompute = _packing_recompute(packing)
    if size_mp is not None:
        recompute["log2_class_size_mp"] = size_mp
    return Derivation(eps / 2.0, "C", norm, ingredients, tags, recompute)


def lemma_D(activation_name: str, *, value: float = 0.5, tag: str = "P",
            witness: str = "f(x) = 1[x_1 >= 1/2]"):
    """Lemma D (``1/2`` in sup norm against continuous networks): a :class:`Derivation`, or
    ``None`` when the activation is not continuous."""
    if activation_name not in CONTINUOUS_ACTIVATIONS:
        return None
    ingredients = {"activation": activation_name, "continuous": True, "witness": witness,
                   "value_claimed": float(value)}
    tags = {LEMMA_D_STATEMENT: tag,
            "networks with continuous activations are continuous": "P"}
    return Derivation(float(value), "D", Norm.parse("sup"), ingredients, tags, {})


def theorem_P_ln_value(ln_height: float, n: int, P: int, m: int, ln_kappa: float,
                       ln_kappa_mu: float, p: float) -> float:
    """``ln`` of Theorem P's value in float (the search's objective; ``-inf`` when fewer than
    one tooth is left unsplit): ``ln H + (ln kappa_mu + ln kappa + ln(n - P + 1) - ln m)/p``,
    or ``ln H + ln kappa_inf`` in sup norm (``p = inf``)."""
    unsplit = n - P + 1
    if unsplit < 1:
        return -math.inf
    if math.isinf(p):
        return ln_height + ln_kappa
    return ln_height + (ln_kappa_mu + ln_kappa + math.log(unsplit) - math.log(m)) / p


def theorem_P(witness, m: int, pieces, *, norm, ln_kappa_mu_mp=None, kappa_mu: float = 1.0):
    r"""Theorem P (piece counting) at scale ``m``: a :class:`Derivation`, or ``None`` when
    no tooth is left unsplit (``n < P``).

    Parameters
    ----------
    witness : ToothWitness
        :mod:`approxbounds.classes.witnesses` (``n_teeth``, ``height_mp``, ``ln_kappa_mp``).
    m : int
        Scale: teeth of width ``h = 1/m``.
    pieces : Bound
        :func:`approxbounds.capacity.pieces.pieces_bound` (``ingredients["P"]`` exact,
        ``ingredients["kind"]`` "affine" or "constant").
    norm : Norm
    kappa_mu : float
        Lower bound on the density of the measure on ``[0,1]`` (1 for Lebesgue).

    Notes
    -----
    The value is evaluated with mpmath at 50 digits from exact closed forms, lowered by a
    relative ``1e-12`` and rounded down,

    .. math:: H\,igl(\kappa_\mu\,\kappa_p\,(n - P + 1)/migr)^{1/p}
              \quad	ext{or}\quad H\,\kappa_\infty .
    """
    import mpmath

    norm = Norm.parse(norm)
    P = int(pieces.ingredients["P"])
    kind = pieces.ingredients["kind"]
    n = int(witness.n_teeth(m))
    unsplit = n - P + 1
    if unsplit < 1 or pieces.tag not in ("V", "P"):
        return None
    with mpmath.workdps(50):
        ln_val = mpmath.log(witness.height_mp(m))
        ln_k = witness.ln_kappa_mp(norm, kind)
        if norm.is_sup:
            ln_val += ln_k
        else:
            ln_val += (mpmath.log(mpmath.mpf(kappa_mu)) + ln_k + mpmath.log(unsplit)
                       - mpmath.log(m)) / mpmath.mpf(norm.p)
        # a relative margin of 1e-12 keeps the value below re-checks at any dps >= 20
        value = _float_down(mpmath.exp(ln_val) * (1 - mpmath.mpf("1e-12")))
    if not value > 0:
        return None
    ingredients = {"m": int(m), "n_teeth": n, "P": P, "pieces_kind": kind, "unsplit": unsplit,
                   "kappa_mu": float(kappa_mu), "witness": witness.to_dict(),
                   "pieces": _bound_dict(pieces)}
    tags = {THEOREM_P_STATEMENT: "P",
            f"tooth witness ({witness.shape}) in F": "P",
            f"shape constant kappa of the {witness.shape} against {kind} pieces": "P",
            f"pieces bound ({pieces.method}: {pieces.source})": pieces.tag}
    return Derivation(value, "P", norm, ingredients, tags, {})


def probability_measure_problem(desc) -> str | None:
    """``None`` when the measure description ``desc`` (``Measure.to_dict()``) is a
    probability measure on ``[0,1]^d``, else the reason it is not (or cannot be told).

    * ``lebesgue``: ``lambda([0,1]^d) = 1`` for every integer ``d >= 1``;
    * ``density_bounded``: a probability density ``>= kappa`` on the unit cube, which needs
      ``0 < kappa <= 1`` (``kappa > 1`` would give total mass ``> 1``);
    * ``empirical``: weights ``1/n`` on ``n >= 1`` points, total mass ``n * (1/n) = 1``
      (checked in exact rational arithmetic);
    * ``iid_sequence``: the product of ``length >= 1`` copies of a probability measure on
      ``[0,1]^d`` (checked recursively) is a probability measure on sequences (the product of
      masses 1 is 1).
    """
    if not isinstance(desc, dict) or "name" not in desc:
        return f"the measure is not described (got {desc!r})"
    name, d = desc.get("name"), desc.get("d")
    if isinstance(d, bool) or not isinstance(d, Integral) or d < 1:
        return f"measure dimension d must be an integer >= 1, got {d!r}"
    if name == "lebesgue":
        return None
    if name == "density_bounded":
        kappa = desc.get("kappa")
        if isinstance(kappa, bool) or not isinstance(kappa, (int, float)):
            return f"density bound kappa must be a number, got {kappa!r}"
        if not 0.0 < float(kappa) <= 1.0:
            return (f"a probability density on [0,1]^d cannot be >= kappa={kappa!r} "
                    "everywhere (need 0 < kappa <= 1)")
        return None
    if name == "empirical":
        n = desc.get("n")
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 1:
            return f"empirical measure needs n >= 1 points, got {n!r}"
        if Fraction(1, int(n)) * int(n) != 1:  # pragma: no cover - exact arithmetic
            return "empirical weights do not sum to 1"
        return None
    if name == "iid_sequence":
        T = desc.get("length")
        if isinstance(T, bool) or not isinstance(T, Integral) or T < 1:
            return f"sequence length must be an integer >= 1, got {T!r}"
        base = desc.get("base")
        if not isinstance(base, dict) or base.get("d") != d or base.get("name") == "iid_sequence":
            return f"the base of an i.i.d. sequence measure must be a measure on [0,1]^{d}, got {base!r}"
        inner = probability_measure_problem(base)
        return None if inner is None else f"base measure: {inner}"
    return f"measure {name!r} is not known to be a probability measure"


def _tree_copy(obj):
    if isinstance(obj, dict):
        return {k: _tree_copy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_tree_copy(v) for v in obj]
    return obj


def norm_transfer(inner: Derivation, norm, measure_desc: dict) -> Derivation:
    """Lemma T: the derivation ``inner`` at ``L^q(mu)`` restated for ``L^p(mu)``
    (``q <= p``) or the sup norm.

    Parameters
    ----------
    inner : Derivation
        Theorem L or C at a finite norm ``q = inner.norm``.
    norm : Norm (or anything :meth:`Norm.parse` takes)
        Target norm ``p >= q`` or the sup norm.
    measure_desc : dict
        ``mu.to_dict()`` of the measure the inner chain was obtained for; must be a
        probability measure (:func:`probability_measure_problem`).

    Returns
    -------
    Derivation
        Same theorem, value and chain as ``inner``; ``norm`` is the target, the ingredient
        ``certified_norm`` is ``q`` and ``transfer`` records the lemma's hypotheses.
    """
    norm = Norm.parse(norm)
    if inner.theorem not in ("L", "C") or inner.norm.is_sup:
        raise ValueError(f"norm transfer needs a Theorem L or C derivation at a finite norm, "
                         f"got Theorem {inner.theorem} at {inner.norm.label}")
    if "certified_norm" in inner.ingredients:
        raise ValueError("the derivation is already a transferred one")
    q = inner.norm
    if not q <= norm:
        raise ValueError(f"norm transfer needs q <= p, got q={q.p:g} > p={norm.p:g}")
    problem = probability_measure_problem(measure_desc)
    if problem is not None:
        raise ValueError(f"norm transfer needs a probability measure: {problem}")
    ingredients = _tree_copy(inner.ingredients)
    ingredients["certified_norm"] = q.to_json()
    ingredients["transfer"] = {"lemma": "T", "from_norm": q.to_json(), "to_norm": norm.to_json(),
                               "measure": dict(measure_desc)}
    tags = dict(inner.tags)
    tags[LEMMA_T_STATEMENT] = "P"
    return Derivation(inner.value, inner.theorem, norm, ingredients, tags, dict(inner.recompute))
