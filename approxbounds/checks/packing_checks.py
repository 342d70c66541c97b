r"""Packings: membership, separation, and the bump norms they rest on.

* Membership and separation: every packing construction (Hölder tent and polynomial bumps,
  monotone constructions A and B) is checked with the classes' own
  ``Packing.verify_membership`` (Hölder quotients / monotonicity on random points and
  cell-crossing pairs) and ``Packing.verify_separation`` (closed-form pairwise L^p
  distances vs numerical integration, and >= the certified separation), for
  p in {1, 2, 4, sup}, Lebesgue measure, a density-bounded measure and an empirical one.
* Bump norms [P]: :math:`\|\varphi\|_p^p = \Gamma(d+1)\Gamma(p+1)/\Gamma(d+p+1)` for the tent
  :math:`\varphi(u) = \max(0, 1 - 2\|u - \tfrac12\|_\infty)`. Independent paths: the law of
  :math:`t = 2\|u - \tfrac12\|_\infty` has CDF :math:`t^d` on [0,1], so
  :math:`\|\varphi\|_p^p = d\int_0^1 (1-t)^p t^{d-1}\,dt` (mpmath quadrature, 40 digits); and
  a direct midpoint rule in d dimensions (O(h^2)). Reference values (docs/function_classes.md §1):
  (d,p) = (2,2) -> 1/6, (1,1) -> 1/2, (3,1) -> 1/4. The polynomial bump
  :math:`\psi = (4t(1-t))^{r+1}` has :math:`\int_0^1\psi^p = 4^q B(q+1, q+1)`,
  q = (r+1)p, checked by quadrature of its numpy evaluation.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_packings", "check_bump_norms", "PACKING_CASES"]

#: (class factory arguments, construction, m) -- small grids so the checks stay fast
PACKING_CASES = (
    (("holder", 1, 0.5), None, 8),
    (("holder", 2, 1.0), None, 6),
    (("holder", 1, 2.0), None, 6),
    (("holder", 2, 2.0), None, 4),
    (("monotone", 1), "A", 8),
    (("monotone", 2), "A", 5),
    (("monotone", 2), "B", 6),
    (("monotone", 3), "B", 3),
)


def _make_class(spec):
    from approxbounds.classes import Holder, Monotone

    if spec[0] == "holder":
        return Holder(spec[1], spec[2])
    return Monotone(spec[1])


def check_packings(seed: int = 0) -> list[CheckResult]:
    """verify_membership and verify_separation for every construction, norm and measure."""
    from approxbounds.classes import DensityBounded, Empirical

    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    out = []
    for spec, cons, m in PACKING_CASES:
        F = _make_class(spec)
        mem_ok, sep_ok, worst_mem, worst_rel, n_cases, failures = True, True, 0.0, 0.0, 0, []
        measures = [None, DensityBounded(F.d, 0.5), Empirical(rng.uniform(size=(300, F.d)))]
        for p in (1, 2, 4, "sup"):
            for measure in (measures if p != "sup" else [None]):
                try:
                    pk = F.packing(m, p, measure, construction=cons)
                except ValueError as exc:       # construction not usable for this norm
                    failures.append(f"p={p}: {exc}")
                    continue
                mem = pk.verify_membership(rng=rng, n=400)
                sep = pk.verify_separation(rng=rng)
                mem_ok &= bool(mem.passed)
                sep_ok &= bool(sep.passed)
                worst_mem = max(worst_mem, float(mem.worst))
                worst_rel = max(worst_rel, float(sep.max_rel_error))
                n_cases += 1
        out.append(CheckResult(
            claim=(f"packing of {F.name} ({cons or 'default'} construction, m={m}): members lie in "
                   "the class, pairwise distances match the closed form and are >= the "
                   "certified separation (p = 1, 2, 4, sup; Lebesgue, density >= 1/2, empirical)"),
            numbers={"cases": n_cases, "worst_membership_quantity": worst_mem,
                     "max_rel_separation_error": worst_rel, "skipped": len(failures)},
            passed=bool(mem_ok and sep_ok and n_cases >= 4)))
    return out


def _midpoint_tent(d: int, p: float, n: int) -> float:
    from approxbounds.classes.bumps import tent

    g = (np.arange(n) + 0.5) / n
    mesh = np.stack(np.meshgrid(*([g] * d), indexing="ij"), axis=-1).reshape(-1, d)
    return float(np.mean(tent(mesh) ** p))


def check_bump_norms(seed: int = 0) -> list[CheckResult]:
    """Tent and polynomial bump L^p norms: closed form vs two quadratures."""
    from approxbounds.classes.bumps import polynomial_bump, tent_lp_norm_p, tent_lp_norm_p_exact

    check_int("seed", seed, minimum=0)
    ok, max_rel_mp, max_rel_mid, cases = True, 0.0, 0.0, 0
    for d in (1, 2, 3):
        for p in (1.0, 1.5, 2.0, 3.0, 4.0):
            closed = tent_lp_norm_p(d, p)
            with mpmath.workdps(40):
                quad = d * mpmath.quad(lambda t: (1 - t) ** p * t ** (d - 1), [0, 1])
                rel_mp = abs(closed / quad - 1)
            mid = _midpoint_tent(d, p, {1: 20000, 2: 600, 3: 120}[d])
            rel_mid = abs(mid / closed - 1)
            max_rel_mp = max(max_rel_mp, float(rel_mp))
            max_rel_mid = max(max_rel_mid, rel_mid)
            ok &= rel_mp < 1e-13 and rel_mid < 2e-3
            cases += 1
    refs = {(2, 2): Fraction(1, 6), (1, 1): Fraction(1, 2), (3, 1): Fraction(1, 4)}
    for (d, p), val in refs.items():
        ok &= Fraction(str(tent_lp_norm_p_exact(d, p))) == val
    max_rel_poly = 0.0
    for r in (1, 2):
        bump = polynomial_bump(r)
        t = (np.arange(200_000) + 0.5) / 200_000
        for p in (1.0, 2.0, 4.0):
            num = float(np.mean(bump.derivative(t, 0) ** p))
            exact = float(bump.lp_norm_p_1d_mp(p))
            max_rel_poly = max(max_rel_poly, abs(num / exact - 1))
    ok &= max_rel_poly < 1e-8
    return [CheckResult(
        claim="bump norms: ||phi||_p^p = G(d+1)G(p+1)/G(d+p+1) vs mpmath quadrature and a "
              "d-dim midpoint rule (d = 1..3, p in {1, 1.5, 2, 3, 4}); exact 1/6, 1/2, 1/4; "
              "polynomial bump 4^q B(q+1,q+1) vs quadrature",
        numbers={"cases": cases, "max_rel_vs_mpmath": max_rel_mp,
                 "max_rel_vs_midpoint": max_rel_mid, "max_rel_polynomial": max_rel_poly},
        passed=bool(ok))]
