"""Plot of a cross-check: trained-network errors per member against the certified value.

Works on :class:`approxbounds.experiments.crosscheck.CrosscheckResult` or its ``to_dict()``
(this module imports nothing from the experiments, so plots stay downstream of them).
"""
from __future__ import annotations

import math

from approxbounds.plots.style import OKABE_ITO, class_title, legend_outside, new_axes, set_title_if_unset

__all__ = ["plot_crosscheck"]

_COLORS = {"smooth": OKABE_ITO[2], "fit": OKABE_ITO[0], "certificate": OKABE_ITO[1]}


def _as_dict(result) -> dict:
    if isinstance(result, dict):
        return result
    if hasattr(result, "to_dict"):
        return result.to_dict()
    raise TypeError(f"result must be a CrosscheckResult or its to_dict(), got {type(result).__name__}")


def plot_crosscheck(result, ax=None, *, show_constant: bool = True, legend: bool = True, **kwargs):
    """Errors ``||f - g_f||_p`` of the trained nets (CLT intervals) per member, log scale.

    The horizontal line is the certified lower bound on the *worst case* ``sup_F inf_G``; a
    member's point may lie below it without contradiction, except for "certificate" members
    (random words at the certificate's scale), which must lie above it (docs/crosscheck.md).
    Hollow markers: error of the best constant (also a network of the class). ``kwargs`` go
    to ``Axes.errorbar`` (e.g. ``capsize``, ``markersize``); a caller's title is kept.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        ax = new_axes((6.4, 4.0))
    data = _as_dict(result)
    members = data["members"]
    if not members:
        raise ValueError("result has no members to plot")
    seen = set()
    for i, r in enumerate(members):
        kind = r["kind"]
        err = r["error"]
        est = err["estimate"]
        lo, hi = err["ci_clt"] if err.get("ci_clt") else (est, est)
        floor = 1e-300
        yerr = [[max(est - max(lo, floor), 0.0)], [max(hi - est, 0.0)]]
        label = None if kind in seen else f"{kind} ($m={r['m']}$)"
        seen.add(kind)
        opts = {"fmt": "o", "color": _COLORS.get(kind, "k"), "capsize": 3, "label": label, **kwargs}
        ax.errorbar([i], [max(est, floor)], yerr=yerr, **opts)
        if show_constant:
            ax.plot([i], [max(r["constant_error"]["estimate"], floor)], "o", mfc="none",
                    color=_COLORS.get(kind, "k"), alpha=0.6)
    c = data["certified"]
    ax.axhline(c, color="k", ls="--", lw=1,
               label=rf"certified: $\sup_F \inf_G \geq$ {c:.3g} (Thm {data['theorem']})")
    ax.set_yscale("log")
    ax.set_xticks(range(len(members)))
    ax.set_xticklabels([f"{r['kind'][0]}{r['index']}" for r in members], fontsize=8)
    ax.set_xlabel("member (s: smooth, f: fit scale, c: certificate scale)")
    p = data["p"]
    ax.set_ylabel(rf"$L^{{{p:g}}}$ error of the trained net" if math.isfinite(p) else "error")
    set_title_if_unset(ax, class_title(data["function_class"], None,
                                       f"{data['architecture']['spec']} ($W={data['architecture']['W']}$)"))
    if legend:
        legend_outside(ax)
    return ax
