"""Probability measures on the unit cube [0,1]^d used to measure L^p(μ) separations.

Three kinds are supported:

* :class:`Lebesgue` — the uniform (Lebesgue) measure λ on [0,1]^d;
* :class:`DensityBounded` — any μ whose density w.r.t. λ is ≥ κ on [0,1]^d, κ ∈ (0, 1].
  Only the lower bound κ is known, and it is all we need: for every measurable h,
  ∫|h|^p dμ ≥ κ ∫|h|^p dλ, hence ‖h‖_{L^p(μ)} ≥ κ^{1/p} ‖h‖_{L^p(λ)} and
  M(ε, F, L^p(μ)) ≥ M(ε κ^{-1/p}, F, L^p(λ))  ([P]; proof in
  docs/function_classes.md §5);
* :class:`Empirical` — the uniform measure on an n×d sample in [0,1]^d; separations of a
  packing are computed on the sample itself.

Sequences: :class:`IIDSequence` is the law of a sequence (x_1, …, x_T) of i.i.d. steps
x_t ~ μ for one of the cube measures above, the product μ^T on ([0,1]^d)^T (domain
``("sequence", d, T)``). Its push-forward under the selection of j distinct steps is μ^j
(:meth:`IIDSequence.marginal`), which is how packings of the sequence classes are measured
(docs/sequence_classes.md §2).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from approxbounds._canonical import check_fields, from_canonical
from approxbounds._validation import check_int, check_real

__all__ = ["Measure", "Lebesgue", "DensityBounded", "Empirical", "IIDSequence", "check_measure",
           "measure_from_dict", "EMPIRICAL_PRODUCT_MAX"]

#: Largest number of points of the empirical measure :math:`\mu_n^{\otimes j}` that
#: :meth:`IIDSequence.marginal` builds (``n**j``) for an empirical step measure.
EMPIRICAL_PRODUCT_MAX = 100_000


class Measure:
    """Base class of the measures on [0,1]^d (``d`` attribute, ``name``)."""

    d: int
    name: str = "measure"

    def lebesgue_factor(self, p: float) -> float:  # pragma: no cover - overridden
        """Factor ``f`` with ``‖h‖_{L^p(μ)} ≥ f·‖h‖_{L^p(λ)}`` for every h (None if unknown)."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {"name": self.name, "d": self.d}


@dataclass(frozen=True)
class Lebesgue(Measure):
    """Lebesgue (uniform) probability measure λ on [0,1]^d."""

    d: int
    name: str = field(default="lebesgue", init=False)

    def __post_init__(self):
        object.__setattr__(self, "d", check_int("d", self.d, minimum=1))

    def lebesgue_factor(self, p: float) -> float:
        return 1.0

    def ln_lebesgue_factor(self, p: float) -> float:
        return 0.0


@dataclass(frozen=True)
class DensityBounded(Measure):
    """Any probability measure μ on [0,1]^d with density dμ/dλ ≥ ``kappa`` on [0,1]^d.

    Parameters
    ----------
    d : int ≥ 1
    kappa : float in (0, 1]
        Lower bound of the density (a probability density on the unit cube cannot exceed
        1 everywhere-below, so κ ≤ 1).

    Notes
    -----
    ‖h‖_{L^p(μ)}^p = ∫|h|^p (dμ/dλ) dλ ≥ κ ‖h‖_{L^p(λ)}^p, so every L^p(λ) separation s
    becomes the certified L^p(μ) separation κ^{1/p} s ([P]).
    """

    d: int
    kappa: float
    name: str = field(default="density_bounded", init=False)

    def __post_init__(self):
        object.__setattr__(self, "d", check_int("d", self.d, minimum=1))
        object.__setattr__(
            self, "kappa", check_real("kappa", self.kappa, low=0.0, high=1.0, low_open=True)
        )

    def lebesgue_factor(self, p: float) -> float:
        return 1.0 if math.isinf(p) else self.kappa ** (1.0 / p)

    def ln_lebesgue_factor(self, p: float) -> float:
        return 0.0 if math.isinf(p) else math.log(self.kappa) / p

    def to_dict(self) -> dict:
        return {"name": self.name, "d": self.d, "kappa": self.kappa}


class Empirical(Measure):
    """Uniform probability measure on the rows of an ``n × d`` sample in [0,1]^d.

    Parameters
    ----------
    points : array_like, shape (n, d) or (n,) for d = 1
        Finite sample; every coordinate must lie in [0, 1]. Duplicates are allowed (they
        simply carry more mass).
    """

    name = "empirical"

    def __init__(self, points):
        arr = np.asarray(points, dtype=float)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
            raise ValueError(f"points must be an (n, d) array with n >= 1, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("points must be finite")
        if np.any(arr < 0.0) or np.any(arr > 1.0):
            raise ValueError("points must lie in [0, 1]^d")
        arr = arr.copy()
        arr.setflags(write=False)
        self.points = arr
        self.n, self.d = arr.shape

    def lebesgue_factor(self, p: float) -> float | None:
        return None

    def to_dict(self) -> dict:
        """``{"name": "empirical", "d", "n", "points"}``: the sample itself (as nested lists
        of floats, which JSON stores exactly), so that the measure can be rebuilt."""
        return {"name": self.name, "d": self.d, "n": self.n, "points": self.points.tolist()}

    def __repr__(self) -> str:
        return f"Empirical(n={self.n}, d={self.d})"


def _kappa_power_down(kappa: float, j: int) -> float:
    """The largest float ``<= kappa**j`` (exact rational power, rounded down)."""
    from fractions import Fraction

    exact = Fraction(kappa) ** j
    out = float(exact)
    if Fraction(out) > exact:
        out = math.nextafter(out, 0.0)
    return out


class IIDSequence(Measure):
    r"""The law :math:`\mu^{\otimes T}` of a sequence :math:`(x_1, \dots, x_T)` of i.i.d. steps
    :math:`x_t \sim \mu` on :math:`[0,1]^d`.

    Parameters
    ----------
    base : Lebesgue, DensityBounded or Empirical
        The step measure :math:`\mu` on :math:`[0,1]^d`.
    length : int >= 1
        The number of steps ``T``.

    Attributes
    ----------
    d : int
        Dimension of one step (``base.d``).
    length : int
    domain : tuple
        ``("sequence", d, T)``.

    Notes
    -----
    For ``base = DensityBounded(d, kappa)`` the claim is about *every* step law with density
    :math:`\ge\kappa`; then :math:`\mu^{\otimes j}` has density :math:`\ge\kappa^j` on
    :math:`[0,1]^{dj}` (:meth:`marginal`).
    """

    name = "iid_sequence"

    def __init__(self, base, length: int):
        if not isinstance(base, (Lebesgue, DensityBounded, Empirical)):
            raise TypeError(f"base must be a cube measure (Lebesgue, DensityBounded or Empirical), "
                            f"got {type(base).__name__}")
        self.base = base
        self.length = check_int("length", length, minimum=1)
        self.d = base.d

    @property
    def domain(self) -> tuple:
        return ("sequence", self.d, self.length)

    def __eq__(self, other) -> bool:
        return isinstance(other, IIDSequence) and other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash((self.name, self.length, repr(self.base.to_dict())))

    def __repr__(self) -> str:
        return f"IIDSequence({self.base!r}, length={self.length})"

    def lebesgue_factor(self, p: float):
        return None

    def to_dict(self) -> dict:
        """``{"name": "iid_sequence", "d", "length", "base": base.to_dict()}``."""
        return {"name": self.name, "d": self.d, "length": self.length, "base": self.base.to_dict()}

    def marginal(self, j: int) -> Measure:
        r"""The law :math:`\mu^{\otimes j}` on :math:`[0,1]^{dj}` of ``j`` distinct steps
        :math:`(x_{t_1}, \dots, x_{t_j})` (independent, each :math:`\sim\mu`).

        ``Lebesgue(d)`` gives ``Lebesgue(dj)``; ``DensityBounded(d, kappa)`` gives
        ``DensityBounded(dj, kappa**j)`` (rounded down); ``Empirical`` on ``n`` points gives the
        empirical measure on the ``n**j`` concatenated tuples (at most
        :data:`EMPIRICAL_PRODUCT_MAX`), which is the base itself for ``j = 1``.
        """
        j = check_int("j", j, minimum=1, maximum=self.length)
        b = self.base
        if j == 1:
            return b
        if isinstance(b, Lebesgue):
            return Lebesgue(b.d * j)
        if isinstance(b, DensityBounded):
            kappa_j = _kappa_power_down(b.kappa, j)
            if kappa_j <= 0.0:     # below the smallest positive double: no usable density bound
                raise ValueError(f"kappa^j = {b.kappa:g}^{j} underflows the double range (the density "
                                 f"bound of {j} i.i.d. steps); use a larger kappa (or fewer lags)")
            return DensityBounded(b.d * j, kappa_j)
        if b.n ** j > EMPIRICAL_PRODUCT_MAX:
            raise ValueError(f"the product of an empirical step measure on n={b.n} points over j={j} "
                             f"lags has n^j = {b.n ** j} > {EMPIRICAL_PRODUCT_MAX} points; use fewer "
                             f"points or lags")
        idx = np.stack(np.meshgrid(*([np.arange(b.n)] * j), indexing="ij"), axis=-1).reshape(-1, j)
        return Empirical(b.points[idx].reshape(idx.shape[0], b.d * j))

    def sample(self, n: int, rng) -> np.ndarray:
        """``n`` i.i.d. sequences, shape ``(n, T, d)`` (Lebesgue or empirical steps only: a
        density-bounded step law is not one specific measure)."""
        n = check_int("n", n, minimum=1)
        rng = np.random.default_rng(rng)
        if isinstance(self.base, Lebesgue):
            return rng.random((n, self.length, self.d))
        if isinstance(self.base, Empirical):
            return self.base.points[rng.integers(0, self.base.n, size=(n, self.length))]
        raise ValueError("cannot sample from DensityBounded: it stands for every step law with "
                         "density >= kappa, not one measure")


def check_measure(measure, d: int) -> Measure:
    """Return ``measure`` (``None`` → ``Lebesgue(d)``) after checking its dimension."""
    if measure is None:
        return Lebesgue(d)
    if not isinstance(measure, Measure):
        raise TypeError(
            f"measure must be Lebesgue, DensityBounded or Empirical, got {type(measure).__name__}"
        )
    if isinstance(measure, IIDSequence):
        raise ValueError(f"measure must live on [0,1]^{d}, got a sequence measure on {measure.domain}")
    if measure.d != d:
        raise ValueError(f"measure must live on [0,1]^{d} (d={d}), got d={measure.d}")
    return measure


def measure_from_dict(desc, field: str = "measure") -> Measure:
    """Inverse of ``Measure.to_dict()``: ``lebesgue`` (``d``), ``density_bounded``
    (``d``, ``kappa``), ``empirical`` (``d``, ``n``, ``points``) or ``iid_sequence`` (``d``,
    ``length``, ``base``: the description of a cube measure).

    Only the canonical description is accepted: exactly these keys, and
    ``measure_from_dict(desc).to_dict() == desc``; otherwise a ``ValueError`` naming ``field``.
    """
    if not isinstance(desc, dict) or "name" not in desc:
        raise ValueError(f"{field} must be a dict with a 'name' (lebesgue, density_bounded, empirical, "
                         f"iid_sequence), got {desc!r}")
    keys = {"lebesgue": ("name", "d"), "density_bounded": ("name", "d", "kappa"),
            "empirical": ("name", "d", "n", "points"),
            "iid_sequence": ("name", "d", "length", "base")}.get(desc["name"])
    if keys is None:
        raise ValueError(f"{field}.name: unknown measure {desc['name']!r}; known: lebesgue, density_bounded, "
                         f"empirical, iid_sequence")
    check_fields(desc, keys, field)

    def build():
        if desc["name"] == "lebesgue":
            return Lebesgue(desc["d"])
        if desc["name"] == "density_bounded":
            return DensityBounded(desc["d"], desc["kappa"])
        if desc["name"] == "iid_sequence":
            base = desc["base"]
            if isinstance(base, dict) and base.get("name") == "iid_sequence":
                raise ValueError("base: the step measure must be a cube measure, not a sequence measure")
            return IIDSequence(measure_from_dict(base, f"{field}.base"), desc["length"])
        return Empirical(desc["points"])

    return from_canonical(desc, build, field, "a canonical measure description")
