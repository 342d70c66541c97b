"""The :class:`FunctionClass` protocol shared by every function class.

A function class knows its domain dimension ``d``, the range [a, a+B] of the packing members
it builds (the sub-class every certificate works with), its packing constructions, and the
rate-only entropy exponent. It knows nothing of network classes or theorems.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.classes.measures import check_measure
from approxbounds.classes.packing import M_MAX, Packing, PackingScales, SignFamily
from approxbounds.norms import Norm

__all__ = ["FunctionClass", "EntropyExponent", "check_delta", "exact_rational", "check_dimension", "D_MAX"]

#: Largest input dimension ``d`` of a function class: the certified arithmetic carries ``d`` in
#: doubles (``d ln m``, exponents ``alpha/d``), exact up to 2^53. Far below it every packing
#: already exceeds 2^1000 cells, so no certificate is lost.
D_MAX = 2**53


def check_dimension(d) -> int:
    """``d`` as an ``int`` in ``[1, D_MAX]`` (``TypeError``/``ValueError`` naming ``d``)."""
    return check_int("d", d, minimum=1, maximum=D_MAX)


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
    r"""Rate-level entropy of a class in one norm (owned by the class: ``F.entropy_exponent``).

    .. math:: \log M(\varepsilon, F, \|\cdot\|) \asymp \varepsilon^{-e}\,
              \log(1/\varepsilon)^{k},

    with ``e = exponent`` and ``k = log_power``. ``exponent`` is ``None`` when the class has
    no finite packing at small scales in this norm (``reason`` says why; e.g. monotone
    functions in sup norm). Rate only: ``tag`` is "R" for recalled asymptotics — never use
    them inside a certified number.

    Attributes
    ----------
    exponent : sympy Rational or None
    log_power : int
    tag : str
    source : str
    reason : str
        Why there is no rate (``exponent is None``).
    note : str
    """

    exponent: object = None
    log_power: int = 0
    tag: str = "R"
    source: str = ""
    reason: str = ""
    note: str = ""

    @property
    def has_rate(self) -> bool:
        return self.exponent is not None

    @property
    def value(self) -> float:
        """``exponent`` as a float (``ValueError`` when there is no rate)."""
        if self.exponent is None:
            raise ValueError(f"no entropy rate: {self.reason}")
        return float(self.exponent)

    def wl_exponent(self) -> Fraction | None:
        r"""Exponent of :math:`WL` in the rate-only lower bound, :math:`-1/e` (``None``
        without a rate): balancing :math:`\varepsilon^{-e} \asymp WL` up to logs
        (Achour et al. 2022; docs/rates.md) [R]."""
        if self.exponent is None:
            return None
        e = sp.nsimplify(self.exponent)
        return -1 / Fraction(int(sp.fraction(e)[0]), int(sp.fraction(e)[1]))


def exact_rational(x) -> sp.Rational:
    """The decimal a user typed for a float (``0.1 -> 1/10``) as a sympy Rational."""
    f = Fraction(repr(float(x))) if not isinstance(x, Fraction) else x
    return sp.Rational(f.numerator, f.denominator)


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
    def entropy_exponent(self, norm) -> EntropyExponent:
        """Exponent e with log M(ε) ≍ ε^{−e} in ``norm`` (anything :meth:`Norm.parse`
        accepts); tag "R", or ``exponent=None`` with a reason when there is no rate."""

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
        p = Norm.parse(p, "p").p
        con = self._construction(construction, p)
        m = check_int("m", m, minimum=con.m_min, maximum=10**15)
        measure = check_measure(measure, self.d)
        return Packing(self, con, m, p, measure, check_delta(delta))

    def packing_scales(self, p, measure=None, construction: str | None = None, *, delta: float = 0.125,
                       m_values=None) -> PackingScales:
        """Scale family of one construction: closed forms m ↦ (separation, log2_size)."""
        p = Norm.parse(p, "p").p
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
        p = Norm.parse(p, "p").p
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
