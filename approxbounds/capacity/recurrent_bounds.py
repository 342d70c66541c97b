r"""Certified growth functions of recurrent network classes: stage-wise sign-pattern counting.

The statements and their proofs are in ``docs/capacity.md`` §9 ("Recurrent classes"); this
module evaluates them. Notation: ``N`` points :math:`(x^{(j)}, \tau_j)` of the thresholded
class :math:`\mathrm{thr}(G) = \{(x, \tau) \mapsto 1[g(x) > \tau]\}`, parameters
:math:`a \in \mathbb R^P`.

A :class:`CapacityPlan` describes the class as

* a finite union over the *discrete* parts (sign vectors, integer levels of quantized
  matrices): ``discrete`` is a tuple of ``(count, levels)`` pairs, i.e. at most
  :math:`\prod \mathrm{levels}^{\mathrm{count}}` members; ``union`` extra members for the
  every-step read-out (the union over the ``T`` time steps);
* for one fixed discrete part, a computation in *stages* (:class:`StageRun`): at stage
  ``s``, on every cell of the partition built so far, the ``M_s = N k_s q_s`` test
  polynomials (``k_s`` units, ``q_s`` tests per unit and point) are fixed polynomials of degree
  ``<= D_s`` in ``V_s`` of the *distinct* continuous parameters; the last stage is the output
  ``g(x^{(j)}) - \tau_j``. Refining every cell by the sign vectors of the stage's
  polynomials gives (Theorem R, docs/capacity.md §9.2)

  .. math:: \log_2 \Pi_{\mathrm{thr}(G)}(N) \le \log_2(\#\text{discrete parts})
            + \log_2(\text{union}) + \sum_s \log_2 K_s,

  with :math:`K_s` any bound on the number of sign vectors of the stage's polynomials:

  - ``trivial``: :math:`c_s^{N k_s}` (``c_s`` sign vectors of one unit's tests);
  - Lemma A [P] (polynomials affine in the ``V`` variables, :math:`M \ge V`):
    :math:`\Phi(M, V) \le (eM/V)^V`;
  - BHLM 2019 Lemma 17 [V] (:math:`M \ge V`): :math:`2(2eMD/V)^V`.

  A weight shared over time steps is *one* variable of every stage it enters: ``V_s`` counts
  distinct parameters, never ``T`` copies; sharing only raises the degree ``D_s``.

Degrees (:class:`Degree`): ``fixed`` (an integer ``D``), ``time`` (:math:`D_t = t` at time step
``t``) or ``geom`` (:math:`D_t \le c\,\nu^{t-1}`). A run of ``count`` stages at time steps
``first .. first+count-1`` is summed in closed form (log-gamma for ``time``, an arithmetic
series for ``geom``), with the exact crossover between the trivial and the lemma bound, so
``T = 10^{12}`` costs the same as ``T = 2``: nothing is unrolled.

Every evaluation exists twice, in floats (search) and in mpmath at the current precision
(verification), through the *same* code (``mp=False/True``).

The pseudo-dimension (and the VC dimension of sgn G, whose growth is at most that of
thr G) is bounded by *growth inversion*: on ``m >= m_0`` every stage's lemma bound is
:math:`c_s + V_s \log_2 m`, so :math:`\log_2 \Pi(m) \le C + S\log_2 m`; the first ``m`` with
:math:`C + S \log_2 m < m` gives ``Pdim <= m - 1`` (docs/capacity.md §9.5).

References
----------
P. L. Bartlett, N. Harvey, C. Liaw, A. Mehrabian, *Nearly-tight VC-dimension and
pseudodimension bounds for piecewise linear neural networks*, JMLR 20(63), 2019: Lemma 17
(checked verbatim, [V]) and the proof of Theorem 7, which Theorem R follows.
N. Sauer (1972), S. Shelah (1972) for :math:`\Phi(M, V) = \sum_{i \le V}\binom{M}{i}`.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import cached_property

import mpmath

from approxbounds._validation import check_choice, check_int
from approxbounds.capacity.bhlm import log_linear_inversion
from approxbounds.capacity.bound import Bound, LightBound, float_up

__all__ = ["Degree", "StageRun", "CapacityPlan", "RecurrentGrowthModel", "GROWTH_METHOD",
           "INVERSION_METHOD", "LEMMA17_SOURCE", "THEOREM_R_SOURCE", "log2_phi_closed"]

GROWTH_METHOD = "recurrent_stages"
INVERSION_METHOD = "recurrent_growth_inversion"
LEMMA17_SOURCE = ("Bartlett, Harvey, Liaw, Mehrabian, JMLR 20(63), 2019, Lemma 17 "
                  "(Warren 1968; Anthony & Bartlett 1999, Thm 8.3)")
THEOREM_R_SOURCE = ("docs/capacity.md §9: union over discrete parts x stage-wise sign-pattern "
                    "count with shared parameters (Theorem R, after BHLM 2019 Thm 7), "
                    "BHLM 2019 Lemma 17 [V], Lemma A [P]")
TRIVIAL_SOURCE = "at most 2^N label vectors on N points"

_LOG2E = math.log2(math.e)
_DEGREE_KINDS = ("fixed", "time", "geom")


# ============================================================ numeric backends
def _log2(x, mp: bool):
    """log2 of a positive int (any size) or real, in float or at mpmath's precision."""
    if mp:
        return mpmath.log(mpmath.mpf(x), 2)
    return math.log2(x)


def _mp_log2(x):
    return mpmath.log(mpmath.mpf(x), 2)


def _const(mp: bool):
    """``(log2 e, ln 2)`` in the backend."""
    if mp:
        return 1 / mpmath.log(2), mpmath.log(2)
    return _LOG2E, math.log(2.0)


def _lgamma(x: int, mp: bool):
    if mp:
        return mpmath.loggamma(mpmath.mpf(x))
    return math.lgamma(float(x))


def _ceil_int(x, mp: bool) -> int:
    return int(mpmath.ceil(x)) if mp else math.ceil(x)


def _times(k: int, x, mp: bool):
    """``k * x`` for an exact int ``k`` of any size: ``inf`` in floats beyond the float range
    (a trivial bound that large never wins)."""
    if mp:
        return mpmath.mpf(k) * x
    try:
        return float(k) * x
    except OverflowError:
        return math.inf


def log2_phi_closed(M: int, V: int, mp: bool = False):
    r""":math:`V \log_2(eM/V)`, the closed form of Sauer's :math:`\Phi(M, V) \le (eM/V)^V`
    (``M >= V >= 1``; docs/capacity.md §4)."""
    log2e, _ = _const(mp)
    return V * (log2e + _log2(M, mp) - _log2(V, mp))


# ============================================================ stage description
@dataclass(frozen=True)
class Degree:
    r"""Degree bound of a stage's polynomials at time step ``t``.

    ``fixed``: :math:`D = \mathrm{value}` (an integer); ``time``: :math:`D_t = t`;
    ``geom``: :math:`D_t \le \mathrm{value}\cdot\nu^{t-1}` (``value`` >= 1, ``nu`` >= 2).
    """

    kind: str
    value: int = 1
    nu: int = 1

    def __post_init__(self):
        check_choice("degree kind", self.kind, _DEGREE_KINDS)
        check_int("degree value", self.value, minimum=1)
        check_int("degree nu", self.nu, minimum=1)
        if self.kind == "geom" and self.nu < 2:
            raise ValueError("a geometric degree law needs nu >= 2")

    def log2_at(self, t: int, mp: bool = False):
        """:math:`\\log_2 D_t`."""
        if self.kind == "fixed":
            return _log2(self.value, mp)
        if self.kind == "time":
            return _log2(t, mp)
        return _log2(self.value, mp) + (t - 1) * _log2(self.nu, mp)

    def sum_log2(self, t0: int, t1: int, mp: bool = False):
        r""":math:`\sum_{t=t_0}^{t_1} \log_2 D_t` in closed form (0 for an empty range)."""
        u = t1 - t0 + 1
        if u <= 0:
            return mpmath.mpf(0) if mp else 0.0
        if self.kind == "fixed":
            return u * _log2(self.value, mp)
        if self.kind == "time":
            _, ln2 = _const(mp)
            return (_lgamma(t1 + 1, mp) - _lgamma(t0, mp)) / ln2
        # sum_{t=t0}^{t1} (t - 1) = u (t0 - 1) + u (u - 1) / 2   (exact integer)
        arith = u * (t0 - 1) + u * (u - 1) // 2
        return u * _log2(self.value, mp) + arith * _log2(self.nu, mp)

    def first_at_least(self, level, t0: int, t1: int, mp: bool = False) -> int:
        """Smallest ``t`` in ``[t0, t1 + 1]`` with ``log2 D_t >= level`` (``t1 + 1``: none)."""
        if self.log2_at(t0, mp) >= level:
            return t0
        if self.kind == "fixed":
            return t1 + 1
        if self.kind == "time":
            if level > _log2(t1, mp):
                return t1 + 1
            t = _ceil_int(mpmath.power(2, level) if mp else 2.0 ** level, mp)
        else:
            x = (level - _log2(self.value, mp)) / _log2(self.nu, mp)
            if x > t1 - 1:
                return t1 + 1
            t = 1 + _ceil_int(x, mp)
        # rounding of 2**level or of the division may move t by one: step to the exact point
        while t > t0 and self.log2_at(t - 1, mp) >= level:
            t -= 1
        while t <= t1 and self.log2_at(t, mp) < level:
            t += 1
        return max(t0, min(t, t1 + 1))

    def to_dict(self) -> dict:
        return {"kind": self.kind, "value": self.value, "nu": self.nu}


@dataclass(frozen=True)
class StageRun:
    r"""``count`` consecutive stages (time steps ``first .. first + count - 1``) with the same
    structure.

    Parameters
    ----------
    name : str
        For reports (``"hidden t=1"``, ``"read-out ReLU"``, ``"output"``).
    first, count : int
        First time step (enters the degree law) and number of stages, ``count >= 1``.
    units : int
        ``k``: polynomial groups per point (hidden units; 1 for the output).
    tests : int
        ``q >= 1``: test polynomials per unit and point (breakpoint comparisons).
    patterns : int
        ``c``: at most ``c`` sign vectors of one unit's ``q`` tests at one point
        (``2 <= c <= 2^q``), so a stage has at most :math:`c^{Nk}` sign vectors.
    variables : int
        ``V``: distinct continuous parameters the stage's polynomials depend on.
    degree : Degree
    affine : bool
        The polynomials are affine in the ``V`` variables (Lemma A applies); needs degree 1.
    """

    name: str
    first: int
    count: int
    units: int
    tests: int
    patterns: int
    variables: int
    degree: Degree
    affine: bool = False

    def __post_init__(self):
        check_int("first", self.first, minimum=1)
        check_int("count", self.count, minimum=1)
        check_int("units", self.units, minimum=1)
        check_int("tests", self.tests, minimum=1)
        check_int("patterns", self.patterns, minimum=2, maximum=2 ** self.tests)
        check_int("variables", self.variables, minimum=1)
        if not isinstance(self.degree, Degree):
            raise TypeError("degree must be a Degree")
        if self.affine and not (self.degree.kind == "fixed" and self.degree.value == 1):
            raise ValueError("an affine stage has degree 1")

    @property
    def last(self) -> int:
        return self.first + self.count - 1

    @property
    def m0(self) -> int:
        """Smallest number of points from which the lemma bounds apply (``M = N k q >= V``)."""
        kq = self.units * self.tests
        return -(-self.variables // kq)

    # ------------------------------------------------------------------ growth at N points
    def log2_count(self, N: int, mp: bool = False):
        r"""``(value, detail)``: :math:`\sum_{\text{stages}} \log_2 K_s` at ``N`` points, each
        stage taking the smaller of the trivial and the lemma bound."""
        if mp:
            log2e, log2 = 1 / mpmath.log(2), _mp_log2
        else:
            log2e, log2 = _LOG2E, math.log2
        V, first, count = self.variables, self.first, self.count
        last = first + count - 1
        M = N * self.units * self.tests
        trivial = _times(N * self.units, log2(self.patterns), mp)
        if M < V:           # neither lemma applies: c^{N k} per stage
            return count * trivial, {"trivial_stages": count, "lemma": None}
        if self.affine:     # Lemma A: Phi(M, V) <= (eM/V)^V
            lemma = V * (log2e + log2(M) - log2(V))
            if lemma <= trivial:
                return count * lemma, {"trivial_stages": 0, "lemma": "A"}
            return count * trivial, {"trivial_stages": count, "lemma": "A"}
        # BHLM Lemma 17 at stage t: A + V log2 D_t, A = 1 + V log2(2 e M / V)
        A = 1 + V * (1 + log2e + log2(M) - log2(V))
        if not mp and A + V * self._log2_degree_last < trivial:    # no crossover (usual case)
            return count * A + V * self._sum_log2_degree, {"trivial_stages": 0, "lemma": "17"}
        # stages t >= t* use the trivial bound (there lemma_t >= trivial; lemma_t increases in t)
        t_star = self.degree.first_at_least((trivial - A) / V, first, last, mp)
        value = (t_star - first) * A + V * self.degree.sum_log2(first, t_star - 1, mp)
        if t_star <= last:
            value = value + (last - t_star + 1) * trivial
        return value, {"trivial_stages": last - t_star + 1, "lemma": "17"}

    @cached_property
    def _log2_degree_last(self) -> float:
        return self.degree.log2_at(self.last)

    @cached_property
    def _sum_log2_degree(self) -> float:
        return self.degree.sum_log2(self.first, self.last)

    # ------------------------------------------------------------------ inversion constants
    def closed_form(self, mp: bool = False):
        r"""``(C_s, S_s)`` with :math:`\sum_{\text{stages}} \log_2 K_s \le C_s + S_s\log_2 m`
        for every ``m >= m0`` (lemma bounds only)."""
        log2e, _ = _const(mp)
        V = self.variables
        kq = _log2(self.units * self.tests, mp)
        if self.affine:
            const = self.count * V * (log2e + kq - _log2(V, mp))
        else:
            const = (self.count * (1 + V * (1 + log2e + kq - _log2(V, mp)))
                     + V * self.degree.sum_log2(self.first, self.last, mp))
        return const, self.count * V

    def to_dict(self) -> dict:
        return {"name": self.name, "first": self.first, "count": self.count, "units": self.units,
                "tests": self.tests, "patterns": self.patterns, "variables": self.variables,
                "degree": self.degree.to_dict(), "affine": self.affine}


@dataclass(frozen=True)
class CapacityPlan:
    r"""The counting structure of one recurrent class (module docstring).

    Parameters
    ----------
    runs : tuple of StageRun
        The stages, the output stage last.
    discrete : tuple of (count, levels)
        The class is a union over at most :math:`\prod \mathrm{levels}^{\mathrm{count}}`
        discrete parts.
    union : int
        Further union factor (the ``T`` time steps of the every-step read-out; 1 otherwise).
    """

    runs: tuple
    discrete: tuple
    union: int = 1

    def __post_init__(self):
        if not self.runs or not all(isinstance(r, StageRun) for r in self.runs):
            raise TypeError("runs must be a non-empty tuple of StageRun")
        for count, levels in self.discrete:
            check_int("discrete count", count, minimum=0)
            check_int("discrete levels", levels, minimum=1)
        check_int("union", self.union, minimum=1)

    def log2_discrete(self, mp: bool = False):
        """:math:`\\log_2` of the number of discrete parts (exact integers inside)."""
        total = mpmath.mpf(0) if mp else 0.0
        for count, levels in self.discrete:
            if count:
                total += count * _log2(levels, mp)
        return total

    def log2_union(self, mp: bool = False):
        return _log2(self.union, mp)

    @property
    def m0(self) -> int:
        return max(r.m0 for r in self.runs)

    def log2_growth(self, N: int, mp: bool = False):
        r"""``(value, per-run values)``: Theorem R's bound on :math:`\log_2\Pi_{\mathrm{thr}(G)}(N)`."""
        parts = []
        total = self.log2_discrete(mp) + self.log2_union(mp)
        for run in self.runs:
            v, detail = run.log2_count(N, mp)
            total += v
            parts.append((run, v, detail))
        return total, parts

    def closed_form(self, mp: bool = False):
        """``(C, S)``: :math:`\\log_2 \\Pi(m) \\le C + S \\log_2 m` for ``m >= m0``."""
        C = self.log2_discrete(mp) + self.log2_union(mp)
        S = 0
        for run in self.runs:
            c, s = run.closed_form(mp)
            C += c
            S += s
        return C, S

    def inversion_m(self) -> int:
        """Smallest integer ``m >= m0`` with ``m > (C + S log2 m)(1 + 1e-12) + 1e-9``."""
        C, S = self.closed_form()
        return log_linear_inversion(C, S, self.m0)

    def check_inversion_mp(self, m: int):
        """``m - 1`` after re-checking ``C + S log2 m < m`` at the current mpmath precision."""
        m = int(m)
        if m < self.m0:
            raise ValueError(f"growth inversion at m={m} < m0={self.m0} (the lemmas need M >= V)")
        C, S = self.closed_form(mp=True)
        value = C + S * mpmath.log(m, 2)
        if not value < m:
            raise ValueError(f"growth inversion: log2 Pi(m) <= {mpmath.nstr(value, 15)} is not < m={m}")
        return mpmath.mpf(m - 1)

    def to_dict(self) -> dict:
        return {"runs": [r.to_dict() for r in self.runs],
                "discrete": [list(p) for p in self.discrete], "union": self.union}


# ============================================================ the model Theorem L uses
class RecurrentGrowthModel:
    """Capacity model of a recurrent class for :mod:`approxbounds.lower` (the interface of
    :class:`approxbounds.capacity.growth.GrowthModel`).

    Attributes
    ----------
    arch : RecurrentArchitecture
    plan : CapacityPlan
    pdim, vcdim : Bound
        Growth inversion of Theorem R ([P]); ``vcdim`` bounds VCdim(sgn G) (same value: the
        growth of sgn G is at most that of thr G).
    V : int
        ``floor(pdim.value)``.
    size_bound : None
        A recurrent class keeps full-precision biases, so it is never finite.
    """

    size_bound = None

    def __init__(self, arch, plan: CapacityPlan):
        if not isinstance(plan, CapacityPlan):
            raise TypeError("plan must be a CapacityPlan")
        self.arch = arch
        self.plan = plan
        self._m = plan.inversion_m()
        C, S = plan.closed_form()
        ingr = {"m": self._m, "m0": plan.m0, "C": C, "S": S,
                "log2_discrete": plan.log2_discrete(), "log2_union": plan.log2_union()}
        self.pdim = Bound("pdim", INVERSION_METHOD, float_up(self._m - 1), "P",
                          THEOREM_R_SOURCE + " + definition of Pdim",
                          {**ingr, "class": "thr(G)"})
        self.vcdim = Bound("vcdim", INVERSION_METHOD, float_up(self._m - 1), "P",
                           THEOREM_R_SOURCE + " + definition of VCdim (sgn G <= thr G)",
                           {**ingr, "class": "sgn(G)"})
        self.V = self._m - 1
        self._log2_parts = plan.log2_discrete() + plan.log2_union()

    # ---------------------------------------------------------------- float
    def _stages_bound(self, N: int, cls: str) -> Bound:
        value, parts = self.plan.log2_growth(N)
        stages = [{"name": r.name, "count": r.count, "log2": v, "trivial_stages": d["trivial_stages"],
                   "lemma": d["lemma"]} for r, v, d in parts]
        return Bound("log2_growth", GROWTH_METHOD, value, "P", THEOREM_R_SOURCE,
                     {"N": N, "class": cls, "log2_discrete": self.plan.log2_discrete(),
                      "log2_union": self.plan.log2_union(), "stages": stages})

    def growth_bound(self, N, *, thresholded: bool = True) -> Bound:
        """Smallest certified bound on :math:`\\log_2\\Pi(N)` of thr(G) (or sgn(G)): Theorem R
        or the trivial ``N``. ``N`` is an exact int ``>= 1`` (any size)."""
        N = _check_points(N)
        cls = "thr(G)" if thresholded else "sgn(G)"
        cands = [self._stages_bound(N, cls)]
        if N < 2**1000:
            cands.append(Bound("log2_growth", "trivial", float_up(N), "P", TRIVIAL_SOURCE,
                               {"N": N, "class": cls}))
        best = min(cands, key=lambda b: b.value)
        ingr = dict(best.ingredients)
        ingr["candidates"] = {b.method: b.value for b in cands}
        return Bound(best.quantity, best.method, best.value, best.tag, best.source, ingr)

    def fast(self, N: int) -> LightBound:
        """Certified ``log2 Pi_thr(G)(N)`` for the search: the value and method of
        :meth:`bound` in a light object (no validation, ingredients ``{"N": N}``)."""
        total = self._log2_parts
        for run in self.plan.runs:
            total += run.log2_count(N)[0]
        if N < 2**1000 and N < total:
            return LightBound("trivial", float(N), TRIVIAL_SOURCE, {"N": N})
        return LightBound(GROWTH_METHOD, total, THEOREM_R_SOURCE, {"N": N})

    def bound(self, N: int) -> Bound:
        """Certified ``log2 Pi_thr(G)(N)`` recorded in a certificate."""
        return self.growth_bound(N)

    # ---------------------------------------------------------------- mpmath (verify)
    def log2_growth_mp(self, method: str, N: int, ingredients: dict | None = None):
        """High-precision value of growth method ``method`` at ``N`` (current mpmath precision)."""
        N = _check_points(N)
        if method == GROWTH_METHOD:
            return self.plan.log2_growth(N, mp=True)[0]
        if method == "trivial":
            return mpmath.mpf(N)
        raise ValueError(f"no high-precision evaluator for growth method {method!r} of a recurrent class")

    def pdim_mp(self):
        """Pdim bound re-derived at the current precision (growth inversion re-checked)."""
        return self.plan.check_inversion_mp(self._m)

    def vcdim_mp(self, bound=None):
        """VC bound re-derived at the current precision (growth inversion re-checked)."""
        bound = bound or self.vcdim
        if bound.method != INVERSION_METHOD:
            raise ValueError(f"no high-precision evaluator for VC method {bound.method!r} of a recurrent class")
        return self.plan.check_inversion_mp(int(bound.ingredients["m"]))

    def check_sauer_dimension(self, V: int) -> None:
        """Raise ``ValueError`` unless ``V >= floor(Pdim bound)`` at the current precision."""
        if V < int(mpmath.floor(self.pdim_mp())):
            raise ValueError(f"Sauer dimension V={V} is below the Pdim bound")

    def size_mp(self):
        raise ValueError("a recurrent class is not finite (full-precision biases and scales)")


def _check_points(N) -> int:
    """``N`` as an int ``>= 1`` (an int of any size, or an integral float)."""
    if isinstance(N, bool) or not isinstance(N, numbers.Integral):
        if isinstance(N, float) and N.is_integer() and N >= 1:
            return int(N)
        raise TypeError(f"N must be an integer >= 1, got {N!r}")
    N = int(N)
    if N < 1:
        raise ValueError(f"N must be >= 1, got {N}")
    return N
