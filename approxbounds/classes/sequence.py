r"""Sequence function classes: Hölder functions of delayed inputs.

Inputs are sequences :math:`x = (x_1, \dots, x_T)` of steps :math:`x_t \in [0,1]^d` (arrays of
shape ``(batch, T, d)``), drawn i.i.d. from a step measure :math:`\mu`
(:class:`~approxbounds.classes.measures.IIDSequence`; uniform by default). Domain
``("sequence", d, T)``.

* :class:`DelayedHolder` ``(d, alpha, lag, length)``:
  :math:`F = \{x \mapsto f(x_{T-k}) : f \in H^\alpha([0,1]^d)\}` — the target a recurrent network
  must remember for ``k`` steps.
* :class:`MultiLagHolder` ``(d, alpha, lags, length)``:
  :math:`F = \{x \mapsto f(x_{T-k_1}, \dots, x_{T-k_j}) : f \in H^\alpha([0,1]^{dj})\}` with
  distinct lags :math:`0 \le k_1 < \dots < k_j < T`.

Packings are carried over from the Hölder constructions of
:class:`~approxbounds.classes.holder.Holder` on :math:`[0,1]^{dj}` (docs/sequence_classes.md §2,
[P]): the selection :math:`\pi(x) = (x_{T-k_1}, \dots, x_{T-k_j})` pushes
:math:`\mu^{\otimes T}` forward to :math:`\mu^{\otimes j}` (the steps are independent and the lags
distinct), so for all :math:`f, g`

.. math:: \|f\circ\pi - g\circ\pi\|_{L^p(\mu^{\otimes T})} = \|f - g\|_{L^p(\mu^{\otimes j})},
          \qquad \|f\circ\pi - g\circ\pi\|_\infty = \|f - g\|_\infty

(``π`` is onto). Every packing (separation, size, range) and every sign family (points
:math:`X_k` with :math:`\pi(X_k)` the cell centres) of :math:`H^\alpha([0,1]^{dj})` under
:math:`\mu^{\otimes j}` is therefore one of ``F`` under :math:`\mu^{\otimes T}`, with the same
numbers. Members are real callables on sequences.
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_int
from approxbounds.classes.base import (EntropyExponent, FunctionClass, _check_keys, check_delta,
                                       check_dimension)
from approxbounds.classes.holder import Holder
from approxbounds.classes.measures import IIDSequence, Lebesgue, Measure
from approxbounds.classes.packing import M_MAX
from approxbounds.norms import Norm

__all__ = ["DelayedHolder", "MultiLagHolder", "SequencePacking", "SequenceScales",
           "SequenceSignFamily", "as_sequences", "LENGTH_MAX"]

#: Largest sequence length T accepted (members only read ``j`` steps, so T costs nothing).
LENGTH_MAX = 10**12
_CARRY_OVER = ("push-forward of mu^T under x -> (x_{T-k_1}, ..., x_{T-k_j}) (distinct lags) is "
               "mu^j; the selection is onto ([0,1]^d)^j (docs/sequence_classes.md §2)")


def as_sequences(x, length: int, d: int) -> np.ndarray:
    """``x`` as a float array of shape ``(n, T, d)`` (``(n, T)`` accepted when ``d = 1``)."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 2 and d == 1:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[1] != length or arr.shape[2] != d:
        extra = f" or (n, {length})" if d == 1 else ""
        raise ValueError(f"x must be an array of sequences of shape (n, {length}, {d}){extra}, got shape "
                         f"{arr.shape}")
    return arr


class _LagHolder(FunctionClass):
    """Shared code: ``f(x_{T-k_1}, ..., x_{T-k_j})`` with ``f`` in the Hölder ball on [0,1]^{dj}."""

    a = 0.0
    B = 0.5

    def _setup(self, d, alpha, lags, length):
        self.length = check_int("length", length, minimum=1, maximum=LENGTH_MAX)
        self.d = check_dimension(d)
        for k in lags:
            if k >= self.length:
                raise ValueError(f"lag must be < length T={self.length} (x_(T-k) must be a step of the "
                                 f"sequence), got lag {k}")
        self.lags = tuple(lags)
        self.inner = Holder(self.d * len(self.lags), alpha)
        self.alpha = self.inner.alpha
        # 0-based positions of x_{T-k_1}, ..., x_{T-k_j} in an array of T steps
        self.positions = tuple(self.length - 1 - k for k in self.lags)

    # ------------------------------------------------------------------ domain and measure
    @property
    def domain(self) -> tuple:
        return ("sequence", self.d, self.length)

    def default_measure(self) -> IIDSequence:
        """I.i.d. uniform steps: ``IIDSequence(Lebesgue(d), T)``."""
        return IIDSequence(Lebesgue(self.d), self.length)

    def check_measure(self, measure) -> IIDSequence:
        """``measure`` (``None``: :meth:`default_measure`) checked to be a sequence measure on
        this class's domain."""
        if measure is None:
            return self.default_measure()
        if not isinstance(measure, IIDSequence):
            what = type(measure).__name__
            if isinstance(measure, Measure):
                what += f" on [0,1]^{measure.d}"
            raise TypeError(f"measure must be an IIDSequence (i.i.d. steps) on {self.domain}, got {what}")
        if measure.domain != self.domain:
            raise ValueError(f"measure lives on {measure.domain}, the class on {self.domain}")
        return measure

    def _inner_measure(self, measure):
        return self.check_measure(measure).marginal(len(self.lags))

    # ------------------------------------------------------------------ constructions
    @property
    def constructions(self) -> tuple[str, ...]:
        return self.inner.constructions

    def constructions_for(self, p) -> tuple[str, ...]:
        return self.inner.constructions_for(p)

    def _make_construction(self, name):
        return self.inner._make_construction(name)

    def select(self, x) -> np.ndarray:
        """``(x_{T-k_1}, ..., x_{T-k_j})`` of each sequence, shape ``(n, d j)``."""
        arr = as_sequences(x, self.length, self.d)
        return arr[:, list(self.positions), :].reshape(arr.shape[0], self.d * len(self.lags))

    def lift(self, f):
        """The member ``x -> f(select(x))`` of this class for a function ``f`` on [0,1]^{dj}."""
        select = self.select

        def member(x):
            return f(select(x))

        member.code_word = getattr(f, "code_word", None)
        return member

    # ------------------------------------------------------------------ packings
    def packing(self, m: int, p, measure=None, construction: str | None = None, *,
                delta: float = 0.125) -> "SequencePacking":
        """The Hölder packing of :math:`H^\\alpha([0,1]^{dj})` under :math:`\\mu^{\\otimes j}`,
        read on sequences (same separation in :math:`L^p(\\mu^{\\otimes T})`, same size)."""
        mu = self.check_measure(None if Norm.parse(p, "p").is_sup else measure)
        inner = self.inner.packing(m, p, mu.marginal(len(self.lags)), construction, delta=delta)
        return SequencePacking(self, inner, mu)

    def packing_scales(self, p, measure=None, construction: str | None = None, *, delta: float = 0.125,
                       m_values=None) -> "SequenceScales":
        mu = self.check_measure(None if Norm.parse(p, "p").is_sup else measure)
        fam = self.inner.packing_scales(p, mu.marginal(len(self.lags)), construction, delta=delta,
                                        m_values=m_values)
        return SequenceScales(self, fam, mu)

    def log2_packing_lower(self, eps, p, measure=None, *, delta: float = 0.125, m_max: int = M_MAX):
        mu = self.check_measure(None if Norm.parse(p, "p").is_sup else measure)
        inner = self.inner.log2_packing_lower(eps, p, mu.marginal(len(self.lags)), delta=check_delta(delta),
                                              m_max=m_max)
        return SequencePacking(self, inner, mu)

    def sign_family(self, m: int) -> "SequenceSignFamily":
        """The Hölder sign family on [0,1]^{dj}, at sequences whose selected steps are its centres."""
        return SequenceSignFamily(self, self.inner.sign_family(m))

    def entropy_exponent(self, norm=2) -> EntropyExponent:
        """:math:`dj/\\alpha` [R]: ``f -> f∘π`` is an isometry from :math:`L^p(\\mu^{\\otimes j})`
        into :math:`L^p(\\mu^{\\otimes T})` (and in sup norm), so the class has the entropy of
        :math:`H^\\alpha([0,1]^{dj})` (Kolmogorov–Tikhomirov 1959)."""
        e = self.inner.entropy_exponent(norm)
        return EntropyExponent(exponent=e.exponent, log_power=e.log_power, tag="R",
                               source=e.source + "; carried to sequences by the isometry f -> f o pi",
                               note=f"the entropy of H^alpha([0,1]^{self.d * len(self.lags)}), "
                                    f"independent of T and of the lags")

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.d, self.alpha, self.lags, self.length))


class DelayedHolder(_LagHolder):
    r"""Hölder functions of one delayed step: :math:`\{x \mapsto f(x_{T-k}) : f \in H^\alpha([0,1]^d)\}`.

    Parameters
    ----------
    d : int >= 1
        Dimension of one step.
    alpha : float in (0, 10]
        Hölder smoothness (as :class:`~approxbounds.classes.holder.Holder`).
    lag : int, 0 <= lag < length
        ``k``: the target reads the step :math:`x_{T-k}` (``0``: the last step).
    length : int >= 1
        ``T``, the number of steps.

    Attributes
    ----------
    a, B : 0 and ½ (range of every packing member)
    domain : ``("sequence", d, T)``
    inner : the Hölder ball :math:`H^\alpha([0,1]^d)` whose packings are carried over
    """

    def __init__(self, d: int, alpha: float, lag: int, length: int):
        lag = check_int("lag", lag, minimum=0)
        self._setup(d, alpha, (lag,), length)
        self.lag = lag
        self.name = f"DelayedHolder(d={self.d}, alpha={self.alpha:g}, lag={self.lag}, T={self.length})"

    def to_dict(self) -> dict:
        """``{"name": "DelayedHolder", "d", "alpha", "lag", "length"}``."""
        return {"name": "DelayedHolder", "d": self.d, "alpha": self.alpha, "lag": self.lag,
                "length": self.length}

    @classmethod
    def from_dict(cls, desc: dict) -> "DelayedHolder":
        _check_keys(desc, ("name", "d", "alpha", "lag", "length"))
        return cls(desc["d"], desc["alpha"], desc["lag"], desc["length"])


class MultiLagHolder(_LagHolder):
    r"""Hölder functions of several delayed steps:
    :math:`\{x \mapsto f(x_{T-k_1}, \dots, x_{T-k_j}) : f \in H^\alpha([0,1]^{dj})\}`.

    Parameters
    ----------
    d : int >= 1
    alpha : float in (0, 10]
    lags : sequence of distinct ints in [0, length)
        Stored sorted (the class does not depend on their order: permuting the blocks of
        arguments maps the Hölder ball, defined with the max-norm, onto itself).
    length : int >= 1
    """

    def __init__(self, d: int, alpha: float, lags, length: int):
        if isinstance(lags, (str, bytes)) or not hasattr(lags, "__iter__"):
            raise TypeError(f"lags must be a sequence of integers, got {lags!r}")
        lags = [check_int(f"lags[{i}]", k, minimum=0) for i, k in enumerate(lags)]
        if not lags:
            raise ValueError("lags must hold at least one lag")
        if len(set(lags)) != len(lags):
            raise ValueError(f"lags must be distinct (a repeated step is not an independent input), got {lags}")
        self._setup(d, alpha, tuple(sorted(lags)), length)
        self.name = (f"MultiLagHolder(d={self.d}, alpha={self.alpha:g}, lags={list(self.lags)}, "
                     f"T={self.length})")

    def to_dict(self) -> dict:
        """``{"name": "MultiLagHolder", "d", "alpha", "lags" (sorted list), "length"}``."""
        return {"name": "MultiLagHolder", "d": self.d, "alpha": self.alpha, "lags": list(self.lags),
                "length": self.length}

    @classmethod
    def from_dict(cls, desc: dict) -> "MultiLagHolder":
        _check_keys(desc, ("name", "d", "alpha", "lags", "length"))
        if not isinstance(desc["lags"], list):
            raise TypeError(f"lags must be a list, got {desc['lags']!r}")
        return cls(desc["d"], desc["alpha"], desc["lags"], desc["length"])


# ---------------------------------------------------------------------------------- packings
class SequencePacking:
    """A certified packing of a sequence class: the Hölder packing ``inner`` of
    :math:`H^\\alpha([0,1]^{dj})` under :math:`\\mu^{\\otimes j}`, read on sequences.

    Every certified number (``separation``, ``log2_size``, ``N``, ``D``, their ``_mp``
    recomputations and the value range) is the inner packing's (module docstring); members
    are callables on arrays of shape ``(n, T, d)``.
    """

    tag = "P"

    def __init__(self, function_class, inner, measure: IIDSequence):
        self.function_class = function_class
        self.inner = inner
        self.measure = measure
        for name in ("construction", "m", "p", "delta", "N", "N_grid", "D", "separation",
                     "log2_separation", "ln_separation", "log2_size"):
            setattr(self, name, getattr(inner, name))
        self.d = function_class.d
        ing = dict(inner.ingredients)
        ing.update({"class": function_class.name, "class_params": function_class.to_dict(),
                    "measure": measure.to_dict(), "step_class_params": inner.function_class.to_dict(),
                    "step_measure": inner.measure.to_dict(), "lags": list(function_class.lags),
                    "length": function_class.length, "carry_over": _CARRY_OVER})
        self.ingredients = ing

    def __repr__(self) -> str:
        return (f"SequencePacking({self.function_class.name}, construction={self.construction!r}, "
                f"m={self.m}, p={self.p}, separation={self.separation:.6g}, "
                f"log2_size={self.log2_size:.6g}, tag='P')")

    def to_dict(self) -> dict:
        out = self.inner.to_dict()
        out["ingredients"] = dict(self.ingredients)
        return out

    def separation_mp(self, dps: int = 50):
        return self.inner.separation_mp(dps)

    def log2_size_mp(self, dps: int = 50):
        return self.inner.log2_size_mp(dps)

    def value_range(self) -> tuple:
        return self.inner.value_range()

    def code_words(self, k: int, rng=None) -> np.ndarray:
        return self.inner.code_words(k, rng)

    def member(self, code_word):
        """Vectorised callable ``x -> f_σ(x_{T-k_1}, ..., x_{T-k_j})`` on ``(n, T, d)`` arrays."""
        return self.function_class.lift(self.inner.member(code_word))

    def random_members(self, k: int, rng=None) -> list:
        return [self.member(w) for w in self.code_words(k, rng)]

    def verify_membership(self, points=None, n: int = 2000, rng=None, k: int = 3):
        """Membership of ``f_σ∘π`` in the class is membership of ``f_σ`` in the Hölder ball."""
        return self.inner.verify_membership(points, n, rng, k)

    def verify_separation(self, k: int = 4, rng=None, n: int = 20_000, z: float = 5.0) -> dict:
        r"""Monte Carlo check of the carry-over on i.i.d. uniform sequences.

        For ``k`` random members and every pair, :math:`\frac1n\sum_i |f_\sigma(X_i) -
        f_\tau(X_i)|^p` over ``n`` sequences :math:`X_i \sim U([0,1]^d)^{\otimes T}` is compared
        with the closed form :math:`\mathrm{Ham}(\sigma,\tau)\, w(m)` of the inner packing under
        Lebesgue measure (sup norm: the maximum over the sign family's sequences against the
        cell sup). ``passed`` when every pair lies within ``z`` standard errors and its exact
        distance is ``>=`` the separation.
        """
        if not isinstance(self.measure.base, Lebesgue):
            raise ValueError("verify_separation samples uniform steps: the packing's step measure "
                             "must be Lebesgue")
        rng = np.random.default_rng(rng)
        words = self.code_words(k, rng)
        members = [self.member(w) for w in words]
        p = self.p
        con = self.inner._con
        if math.isinf(p):
            X = self.function_class.sign_family(self.m).sequences(rng)
        else:
            X = self.measure.sample(n, rng)
        vals = [f(X) for f in members]
        rows, ok = [], True
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                ham = int(np.count_nonzero(words[i] != words[j]))
                diff = np.abs(vals[i] - vals[j])
                if math.isinf(p):
                    exact = math.exp(con.ln_cell_sup(self.m))
                    est, se = float(diff.max()), 0.0
                    good = abs(est - exact) <= 1e-12 * exact
                    dist = exact
                else:
                    zi = diff ** p
                    exact = ham * math.exp(con.ln_cell_weight(self.m, p))
                    est = float(zi.mean())
                    se = float(zi.std(ddof=1)) / math.sqrt(zi.size)
                    good = abs(est - exact) <= z * se + 1e-15
                    dist = exact ** (1.0 / p)
                good = bool(good and dist >= self.separation * (1 - 1e-9))
                ok = ok and good
                rows.append({"hamming": ham, "exact": exact, "estimate": est, "stderr": se, "ok": good})
        return {"passed": ok, "pairs": rows, "n": int(X.shape[0]), "p": p}


class SequenceScales:
    """The scale family of one construction (closed forms in ``m``) of a sequence class:
    the inner Hölder family's numbers; :meth:`packing` returns :class:`SequencePacking`."""

    def __init__(self, function_class, inner, measure: IIDSequence):
        self.function_class, self.inner, self.measure = function_class, inner, measure
        self.construction = inner.construction
        self.closed_form = inner.closed_form
        self.p, self.delta = inner.p, inner.delta

    def ln_separation(self, m: int) -> float:
        return self.inner.ln_separation(m)

    def log2_separation(self, m: int) -> float:
        return self.inner.log2_separation(m)

    def separation(self, m: int) -> float:
        return self.inner.separation(m)

    def log2_size(self, m: int) -> float:
        return self.inner.log2_size(m)

    def point(self, m: int):
        return self.inner.point(m)

    def default_m_values(self) -> list:
        return self.inner.default_m_values()

    def __iter__(self):
        return iter(self.inner)

    def largest_m_above(self, eps: float, m_max: int = M_MAX):
        return self.inner.largest_m_above(eps, m_max)

    def packing(self, m: int) -> SequencePacking:
        return SequencePacking(self.function_class, self.inner.packing(m), self.measure)


class SequenceSignFamily:
    r"""Sign family of Theorem S on sequences: :math:`f_s\circ\pi` for the Hölder sign family
    :math:`f_s = \sum_k s_k c\,\phi_k` of :math:`H^\alpha([0,1]^{dj})`; at any sequence
    :math:`X_k` with :math:`\pi(X_k) = ` centre of cell ``k``, :math:`f_s(\pi(X_k)) = s_k c`."""

    tag = "P"

    def __init__(self, function_class, inner):
        self.function_class, self.inner = function_class, inner
        for name in ("construction", "m", "N", "ln_c", "log2_c", "c"):
            setattr(self, name, getattr(inner, name))
        self.d = function_class.d
        ing = dict(inner.ingredients)
        ing.update({"class": function_class.name, "class_params": function_class.to_dict(),
                    "step_class_params": inner.function_class.to_dict(),
                    "lags": list(function_class.lags), "length": function_class.length,
                    "points": "sequences X_k with (x_{T-k_1}, ..., x_{T-k_j}) = centre of cell k"})
        self.ingredients = ing

    def __repr__(self) -> str:
        return (f"SequenceSignFamily({self.function_class.name}, m={self.m}, N={self.N}, c={self.c:.6g}, "
                f"tag='P')")

    def c_mp(self, dps: int = 50):
        return self.inner.c_mp(dps)

    def n_points_exact(self) -> int:
        return self.inner.n_points_exact()

    def sequences(self, rng=None, fill: float | None = None) -> np.ndarray:
        """The shattered points: ``N`` sequences ``(N, T, d)`` whose selected steps are the cell
        centres; the other steps uniform (``fill=None``) or the constant ``fill``."""
        F = self.function_class
        centres = self.inner.centres().reshape(self.N, len(F.lags), F.d)
        if self.N * F.length * F.d > 50_000_000:
            raise ValueError(f"N*T*d = {self.N * F.length * F.d} entries are too many to materialise")
        if fill is None:
            X = np.random.default_rng(rng).random((self.N, F.length, F.d))
        else:
            X = np.full((self.N, F.length, F.d), float(fill))
        X[:, list(F.positions), :] = centres
        return X

    def member(self, signs):
        return self.function_class.lift(self.inner.member(signs))

    def verify_membership(self, signs=None, points=None, n: int = 2000, rng=None):
        return self.inner.verify_membership(signs, points, n, rng)
