"""Numeric checks of the upper side and of the band (docs/upper_bounds.md).

* ``upper_constructions``: for upper certificates of several constructions (interpolation,
  staircases, grid steps, Kuhn triangulation), the explicit network built from the weights of
  the proof is evaluated on hard members of ``F`` (packing members, sawtooths, random Hölder
  functions; :func:`approxbounds.upper.checks.hard_members`): its measured error never exceeds
  the certified upper value.
* ``band_soundness``: on a small sweep of classes, networks and norms, no certified lower
  bound exceeds the certified upper bound, and both verify at 50 digits.
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_upper_constructions", "check_band_soundness"]

_CASES = (("holder", 1, 1.0, "1,12,1", "relu", 2), ("holder", 1, 0.5, "1,9,1", "relu", "sup"),
          ("holder", 1, 1.0, "1,7,1", "hard_threshold", 1), ("monotone", 1, None, "1,8,1", "relu", 2),
          ("monotone", 1, None, "1,6,1", "hard_threshold", "sup"),
          ("holder", 2, 1.0, "2,60,60,1", "relu", 2))


def _objects(spec):
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone

    kind, d, alpha, arch, act, norm = spec
    F = Holder(d, alpha) if kind == "holder" else Monotone(d)
    return F, Architecture.parse(arch, activation=act), norm


def check_upper_constructions(seed: int = 0) -> list[CheckResult]:
    """Measured errors of the explicit networks stay below the certified upper values."""
    from approxbounds.upper import upper_bound
    from approxbounds.upper.checks import check_certificate

    check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    rows, worst = [], 0.0
    for spec in _CASES:
        F, G, norm = _objects(spec)
        cert = upper_bound(F, G, norm=norm)
        res = check_certificate(cert, k=2, rng=rng)
        worst = max(worst, res.ratio)
        rows.append([F.name, G.spec(), G.activation.name, str(norm), cert.theorem, res.value,
                     res.worst, res.ratio])
    return [CheckResult(
        claim="upper certificates: the network built by each construction errs by at most the "
              "certified value on hard members (measured / certified <= 1)",
        numbers={"cases": rows, "max_measured_over_certified": worst},
        passed=bool(worst <= 1.0 + 1e-6))]


def check_band_soundness(seed: int = 0) -> list[CheckResult]:
    """lower <= upper on a small sweep, both sides verified."""
    from approxbounds.upper import band

    check_int("seed", seed, minimum=0)
    bad, gaps = [], []
    for spec in _CASES:
        F, G, norm = _objects(spec)
        b = band(F, G, norm=norm)
        b.lower.verify(dps=30)
        b.upper.verify(dps=30)
        gaps.append(b.gap)
        if not b.lower.value <= b.upper.value:
            bad.append(f"{F.name} {G.spec()} {norm}")
    return [CheckResult(
        claim="band: every certified lower bound is <= its certified upper bound (both verified)",
        numbers={"bands": len(gaps), "gaps": gaps, "violations": bad},
        passed=not bad)]
