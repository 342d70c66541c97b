r"""The storage floor in the (storage bits, error) plane, with trained models placed on it.

The HadamRNN paper's efficiency picture puts each model at (size in bits, performance); here a
*certified floor* lies under it: for every ``B``, no network stored in ``B`` bits — whatever its
architecture, quantizers or float format — approximates every member of ``F`` better than
:math:`\varepsilon(B)` (Theorem C, :func:`approxbounds.lower.storage.storage_lower_bound`).
A trained model sits at ``x =`` its exact storage account (:mod:`approxbounds.models.storage`)
and ``y =`` its error on random members of the storage certificate's own packing at that ``B``,
which must lie above the floor (docs/crosscheck.md, Corollary R-C).

* :func:`storage_floor_curve` computes the floor (certificates, one per ``B``);
* :func:`storage_points` reads the trained models off a recurrent cross-check
  (:class:`approxbounds.experiments.crosscheck_rnn.RNNCrosscheckResult` or its ``to_dict()``;
  this module imports nothing from the experiments);
* :func:`plot_storage_floor` draws both and returns the axes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from approxbounds.plots.style import OKABE_ITO, legend_outside, new_axes, set_title_if_unset

__all__ = ["FloorCurve", "StoragePoint", "storage_floor_curve", "storage_points", "plot_storage_floor"]


@dataclass
class FloorCurve:
    """The certified floor :math:`\\varepsilon(B)` at the storage sizes ``bits``."""

    function_class: str
    norm_latex: str
    bits: list
    values: list
    theorems: list
    certificates: list = field(default_factory=list, repr=False)


@dataclass
class StoragePoint:
    """A trained model: ``bits`` (exact storage), ``error`` (estimate) with ``low``/``high``
    (the range of the members' confidence intervals) and the floor value its check used."""

    label: str
    bits: int
    error: float
    low: float
    high: float
    certified: float | None = None


def storage_floor_curve(F, bits_lo: int, bits_hi: int, n: int = 25, norm=2, measure=None) -> FloorCurve:
    """Certified floor at ``n`` storage sizes log-spaced in ``[bits_lo, bits_hi]``."""
    from approxbounds.lower.storage import log_spaced_bits, storage_floor
    from approxbounds.norms import Norm

    rows = storage_floor(F, log_spaced_bits(bits_lo, bits_hi, n), norm=norm, measure=measure)
    return FloorCurve(F.name, Norm.parse(norm).latex, [r["bits"] for r in rows], [r["value"] for r in rows],
                      [r["theorem"] for r in rows], [r["certificate"] for r in rows])


def storage_points(result, certificate: str = "storage") -> list:
    """One :class:`StoragePoint` per model of a recurrent cross-check: the mean clipped error of
    its members of ``certificate``'s packing (default the storage certificate, whose floor the
    plot draws), the range of their CLT intervals, and the value they were checked against."""
    data = result if isinstance(result, dict) else result.to_dict()
    out = []
    for m in data["models"]:
        rows = [r for r in m["members"] if r["certificate"] == certificate]
        if not rows:
            continue
        est = [r["error_clipped"]["estimate"] for r in rows]
        cis = [r["error_clipped"]["ci_clt"] or [r["error_clipped"]["estimate"]] * 2 for r in rows]
        out.append(StoragePoint(m["label"], int(m["storage_bits"]), sum(est) / len(est),
                                min(c[0] for c in cis), max(c[1] for c in cis),
                                m["certified_members"][certificate]))
    return out


def plot_storage_floor(curve: FloorCurve, points=(), ax=None, *, legend: bool = True, shade: bool = True,
                       **kwargs):
    r"""Draw the certified floor :math:`\varepsilon(B)` (log-log) and the trained models.

    Parameters
    ----------
    curve : FloorCurve
        From :func:`storage_floor_curve`.
    points : iterable of StoragePoint
        Trained models (:func:`storage_points`); each drawn with the range of its members'
        confidence intervals, and a short tick at the floor value its check used.
    ax : matplotlib Axes, optional
    legend, shade : bool
        Legend outside the axes; shade the region below the floor (unreachable in the worst case).
    **kwargs
        Passed to the floor's ``Axes.plot`` (e.g. ``color``, ``lw``).

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not curve.bits:
        raise ValueError("curve has no points")
    if ax is None:
        ax = new_axes((6.4, 4.0))
    theorems = "/".join(sorted(set(curve.theorems)))
    opts = {"color": "k", "lw": 1.6, "label": rf"certified floor $\varepsilon(B)$ (Thm {theorems}): "
                                               r"any network stored in $B$ bits", **kwargs}
    ax.plot(curve.bits, curve.values, **opts)
    if shade:
        ax.fill_between(curve.bits, [v * 1e-3 for v in curve.values], curve.values, color="0.85",
                        alpha=0.6, lw=0, label="unreachable for the worst member of $F$")
    points = list(points)
    markers = "osD^vP*X"
    for i, pt in enumerate(points):
        color = OKABE_ITO[i % (len(OKABE_ITO) - 1)]
        yerr = [[max(pt.error - pt.low, 0.0)], [max(pt.high - pt.error, 0.0)]]
        ax.errorbar([pt.bits], [pt.error], yerr=yerr, fmt=markers[i % len(markers)], color=color, capsize=3,
                    mfc="none" if i % 2 else color, label=f"{pt.label} ({pt.bits} bits)")
        if pt.certified is not None:
            ax.plot([pt.bits / 1.15, pt.bits * 1.15], [pt.certified] * 2, color=color, lw=2,
                    label="value each model's members are checked against" if i == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo = min(curve.values + [p.low for p in points if p.low > 0])
    hi = max(curve.values + [p.high for p in points])
    ax.set_ylim(lo / 3, hi * 3)
    ax.set_xlabel(r"storage $B$ (bits; float32 parameters count 32)")
    p = curve.norm_latex
    ax.set_ylabel(rf"error in {p}" if p else "error")
    set_title_if_unset(ax, f"{curve.function_class}: storage floor")
    if legend:
        legend_outside(ax, fontsize=7)
    if not math.isfinite(lo):  # pragma: no cover - guarded by the checks above
        raise ValueError("non-finite values in the floor")
    return ax
