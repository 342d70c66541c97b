r"""Where a Theorem L certificate loses: an ablation measured on the certificate at hand.

Theorem L (docs/theory.md §3) chains five steps, each of which costs a factor:

* **clipping / eps-4**: the value is ``eps/4`` of the packing separation ``eps`` (the proof
  needs ``eps/4`` after clipping and ``eps/2`` between clipped members);
* **code distance delta**: the Gilbert-Varshamov code trades separation (``delta^{1/p}``)
  against size; the route's ``delta`` is the best of
  :data:`approxbounds.lower.api.DELTAS`;
* **tail bound and sample size**: ``N = n (K - 1)`` counts ``n`` sample points, ``n`` chosen
  by the union bound over ``C(M, 2)`` pairs and the tail bound;
* **thresholds K**: ``K = ceil(4B/eps)`` threshold levels multiply ``N``;
* **capacity slack**: the growth bound ``log2 Pi(N)`` is an upper bound, not the truth.

For each step the scale search is re-run with that step made *ideal* — ``n = 1``; ``K = 2``;
the growth bound halved; ``eps`` instead of ``eps/4``; every ``delta`` of the grid — and the
value that would then follow is reported with its ratio to the certified one. These values
are *not* certified (they drop a proof step): they say how much each step costs here, so a
researcher sees which part of the chain to attack. Other theorems have fewer steps and get a
one-line note.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["AblationRow", "ablation", "format_ablation"]


@dataclass(frozen=True)
class AblationRow:
    """One step: ``value`` is what the chain would give if that step cost nothing (not
    certified), ``factor = value / certified``."""

    step: str
    change: str
    value: float | None
    factor: float | None


def _scale_search(F, G, norm, mu, route, *, n_one=False, k_two=False, capacity_scale=1.0,
                  delta=None):
    """Best value ``eps/4`` over ``m`` with Theorem L's condition modified as asked (float)."""
    from approxbounds.capacity.growth import growth_model

    from .search import smallest_positive
    from .tails import _sample_size
    from .theorems import counting_margin, threshold_count

    fam = F.packing_scales(norm.p, mu, route["construction"],
                           delta=route["delta"] if delta is None else delta)
    model = growth_model(G)
    B = float(F.B)

    def score(m):
        eps, log2_m = fam.separation(m), fam.log2_size(m)
        if not (0.0 < eps <= B) or not log2_m >= 1.0:
            return -math.inf
        if log2_m == math.inf:
            return 1.0
        n = 1 if n_one else _sample_size(log2_m, eps, B, norm.p, route["tail"], False)
        K = 2 if k_two else threshold_count(eps, B)
        log2_pi = capacity_scale * float(model.fast(n * (K - 1)).value)
        margin = counting_margin(log2_m, log2_pi)
        tol = 1e-9 * max(1.0, log2_m)
        return math.log(log2_m) - math.log(max(log2_m - margin + tol, 1e-300))

    m = smallest_positive(score, 1, 10**14)
    return None if m is None else fam.separation(m) / 4.0


def ablation(cert) -> list[AblationRow]:
    """Rows of the ablation of ``cert`` (module docstring); ``[]`` for theorems without a
    scale search (Lemma D)."""
    value = float(cert.value)
    view = cert.certified_view()
    F, G, norm, mu = view.objects()
    if view.theorem != "L":
        note = {"S": "Theorem S loses only the VC bound's slack (N bumps must exceed it)",
                "C": "Theorem C loses the factor 2 of eps/2 and the counting slack of log2 |G|",
                "P": "Theorem P is within the shape constant kappa of an explicit fit: the "
                     "best few-piece fits attain it in sup norm (docs/theory.md §7b)",
                "D": "Lemma D is attained (the constant 1/2 is at distance exactly 1/2)"}
        return [AblationRow(view.theorem, note.get(view.theorem, ""), None, None)]

    def row(step, change, v):
        return AblationRow(step, change, v, None if v is None else v / value)

    r = view.route
    rows = [row("clipping / eps/4", "value = eps instead of eps/4", 4 * value)]
    best_delta = max((_scale_search(F, G, norm, mu, r, delta=d) or 0.0, d)
                     for d in (1 / 32, 1 / 16, 1 / 8, 3 / 16, 1 / 4, 5 / 16, 3 / 8, 7 / 16))
    rows.append(row("code distance delta", f"best delta on a finer grid: {best_delta[1]:g} "
                    f"(route: {r['delta']:g})", best_delta[0] or None))
    rows.append(row("tail bound and sample size", "n = 1 sample point",
                    _scale_search(F, G, norm, mu, r, n_one=True)))
    rows.append(row("thresholds K", "K = 2 (one threshold)",
                    _scale_search(F, G, norm, mu, r, k_two=True)))
    rows.append(row("capacity slack", "growth bound halved",
                    _scale_search(F, G, norm, mu, r, capacity_scale=0.5)))
    return rows


def format_ablation(rows) -> list[str]:
    """Text lines for :meth:`Certificate.explain`."""
    if not rows:
        return []
    out = ["Where the bound loses (ablation; the values are NOT certified: each drops a step):"]
    for a in rows:
        if a.value is None:
            out.append(f"  {a.step}: {a.change}")
        else:
            out.append(f"  {a.step:<28} {a.change:<52} -> {a.value:.3g} (x{a.factor:.3g})")
    return out
