"""The :class:`FunctionClass` protocol shared by every function class.

A function class knows its domain dimension ``d``, the range [a, a+B] of the packing members
it builds (the sub-class every certificate works with), its packing constructions, and the
rate-only entropy exponent. It knows nothing of network classes or theorems.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.classes.measures import check_measure
from approxbounds.classes.packing import M_MAX, Packing, PackingScales, SignFamily

__all__ = ["FunctionClass", "EntropyExponent", "check_p", "check_delta"]


def check_p(p) -> float:
    """Norm exponent: a real p ≥ 1, or ``"sup"`` / ``math.inf`` for the sup norm."""
    if isinstance(p, str):
        if p in ("sup", "inf"):
            return math.inf
        raise ValueError(f"p must be a real number >= 1 or 'sup', got {p!r}")
    return check_real("p", p, low=1.0, high=math.inf)


def _check_keys(desc, keys) -> None:
    """``desc`` is a dict with exactly ``keys`` (a class description, see ``to_dict``)."""
    if not isinstance(desc, dict):
        raise TypeError(f"a class description must be a dict, got {type(desc).__name__}")
    missing = [k for k in keys if k not in desc]
    extra = sorted(set(desc) - set(keys))
    if missing:
        raise ValueError(f"missing field(s) {', '.join(missing)}")
    if extra:
        raise ValueError(f"unexpected field(s) {', '.join(map(str, extra))}")


def check_delta(delta) -> float:
    return check_real("delta", delta, low=0.0, high=0.5, low_open=True)


@dataclass(frozen=True)
class EntropyExponent:
    """Rate-only information: log M(ε, F, L^p) ≍ ε^{−exponent} · log(1/ε)^{log_power}.

    ``tag`` is always "R" (recalled, not checked verbatim): never use it inside a certified
    number.
    """

    exponent: object  # sympy Rational / number
    log_power: int
    tag: str
    source: str
    note: str = ""

    @property
    def value(self) -> float:
        return float(self.exponent)


class FunctionClass(ABC):
    """Abstract function class on [0,1]^d with explicit, certified packings.

    Subclasses define ``d``, ``a``, ``B``, ``name``, :meth:`constructions_for` and
    :meth:`_make_construction`; everything else is shared.
    """

    d: int
    a: float
    B: float
    name: str

    # --- to implement -------------------------------------------------------------------
    @property
    @abstractmethod
    def constructions(self) -> tuple[str, ...]:
        """Names of all packing constructions of this class."""

    @abstractmethod
    def constructions_for(self, p: float) -> tuple[str, ...]:
        """Constructions usable for the norm exponent p (best small-ε regime first)."""

    @abstractmethod
    def _make_construction(self, name: str):
        """The cell construction object called ``name``."""

    @abstractmethod
    def entropy_exponent(self, p) -> EntropyExponent:
        """Exponent e with log M(ε) ≍ ε^{−e} (tag "R")."""

    def sign_family(self, m: int) -> SignFamily:  # pragma: no cover - overridden
        raise ValueError(f"{self.name} has no sign family for the sup-norm theorem")

    # --- shared -------------------------------------------------------------------------
    def _construction(self, name, p: float):
        valid = self.constructions_for(p)
        if name is None:
            name = valid[0]
        check_choice("construction", name, valid)
        cache = self.__dict__.setdefault("_con_cache", {})
        if name not in cache:
            cache[name] = self._make_construction(name)
        return cache[name]

    def packing(self, m: int, p, measure=None, construction: str | None = None, *, delta: float = 0.125) -> Packing:
        """The certified packing on the grid of side 1/m.

        Parameters
        ----------
        m : int in [1, 1e15]
        p : float ≥ 1 or "sup"
        measure : Lebesgue (default), DensityBounded or Empirical on [0,1]^d
        construction : one of :meth:`constructions_for` (default: the first)
        delta : relative Hamming distance of the code, in (0, ½] (default 1/8)
        """
        p = check_p(p)
        con = self._construction(construction, p)
        m = check_int("m", m, minimum=con.m_min, maximum=10**15)
        measure = check_measure(measure, self.d)
        return Packing(self, con, m, p, measure, check_delta(delta))

    def packing_scales(self, p, measure=None, construction: str | None = None, *, delta: float = 0.125,
                       m_values=None) -> PackingScales:
        """Scale family of one construction: closed forms m ↦ (separation, log2_size)."""
        p = check_p(p)
        con = self._construction(construction, p)
        return PackingScales(self, con, p, check_measure(measure, self.d), check_delta(delta), m_values)

    def log2_packing_lower(self, eps, p, measure=None, *, delta: float = 0.125, m_max: int = M_MAX) -> Packing:
        """Best certified packing with separation > eps: log M(eps, F, L^p(μ)) ≥ result.log2_size.

        Every construction usable for p is tried at the largest grid size m ≤ ``m_max`` whose
        certified separation exceeds eps (separation is decreasing and log2_size increasing
        in m); the packing with the largest log2_size wins. If no construction separates by
        more than eps, a one-member packing is returned (log2_size = 0, M ≥ 1 trivially).
        """
        eps = check_real("eps", eps, low=0.0, high=self.B, low_open=True)
        p = check_p(p)
        measure = check_measure(measure, self.d)
        delta = check_delta(delta)
        m_max = check_int("m_max", m_max, minimum=1, maximum=10**15)
        best = None
        for name in self.constructions_for(p):
            fam = self.packing_scales(p, measure, name, delta=delta)
            if fam.closed_form:
                m = fam.largest_m_above(eps, m_max)
                cand = None if m is None else fam.packing(m)
            else:
                cand = None
                for m in fam.default_m_values():
                    pk = fam.packing(m)
                    if pk.separation > eps and pk.log2_size > 0 and (cand is None or pk.log2_size > cand.log2_size):
                        cand = pk
            if cand is not None and cand.separation > eps and (best is None or cand.log2_size > best.log2_size):
                best = cand
        if best is None:
            best = _trivial_packing(self, p, measure, delta)
        return best


def _trivial_packing(F, p, measure, delta):
    """One member (the first construction's base function): log2_size = 0, vacuous separation."""
    pk = F.packing(1, p, measure, F.constructions_for(p)[0], delta=delta)
    pk.log2_size = 0.0
    pk.construction = "single"
    pk.ln_separation = math.log(F.B)
    pk.log2_separation = pk.ln_separation / math.log(2.0)
    pk.separation = F.B
    pk.ingredients.update({"size_method": "single_member", "log2_size": 0.0, "construction": "single"})
    return pk
