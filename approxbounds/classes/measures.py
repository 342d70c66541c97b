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
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from approxbounds._json import first_difference
from approxbounds._validation import check_int, check_real

__all__ = ["Measure", "Lebesgue", "DensityBounded", "Empirical", "check_measure", "measure_from_dict"]


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


def check_measure(measure, d: int) -> Measure:
    """Return ``measure`` (``None`` → ``Lebesgue(d)``) after checking its dimension."""
    if measure is None:
        return Lebesgue(d)
    if not isinstance(measure, Measure):
        raise TypeError(
            f"measure must be Lebesgue, DensityBounded or Empirical, got {type(measure).__name__}"
        )
    if measure.d != d:
        raise ValueError(f"measure must live on [0,1]^{d} (d={d}), got d={measure.d}")
    return measure


def measure_from_dict(desc, field: str = "measure") -> Measure:
    """Inverse of ``Measure.to_dict()``: ``lebesgue`` (``d``), ``density_bounded``
    (``d``, ``kappa``) or ``empirical`` (``d``, ``n``, ``points``).

    Only the canonical description is accepted: exactly these keys, and
    ``measure_from_dict(desc).to_dict() == desc``; otherwise a ``ValueError`` naming ``field``.
    """
    if not isinstance(desc, dict) or "name" not in desc:
        raise ValueError(f"{field} must be a dict with a 'name' (lebesgue, density_bounded, empirical), got {desc!r}")
    keys = {"lebesgue": ("name", "d"), "density_bounded": ("name", "d", "kappa"),
            "empirical": ("name", "d", "n", "points")}.get(desc["name"])
    if keys is None:
        raise ValueError(f"{field}.name: unknown measure {desc['name']!r}; known: lebesgue, density_bounded, empirical")
    extra = sorted(set(desc) - set(keys))
    missing = [k for k in keys if k not in desc]
    if missing or extra:
        raise ValueError(f"{field}: " + (f"missing field(s) {', '.join(missing)}" if missing
                                         else f"unexpected field(s) {', '.join(map(str, extra))}"))
    try:
        if desc["name"] == "lebesgue":
            mu = Lebesgue(desc["d"])
        elif desc["name"] == "density_bounded":
            mu = DensityBounded(desc["d"], desc["kappa"])
        else:
            mu = Empirical(desc["points"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field}: {exc}") from None
    diff = first_difference(desc, mu.to_dict(), field)
    if diff:
        raise ValueError(f"{field} is not a canonical measure description: {diff}")
    return mu
