r"""One look for every figure: colour-blind-safe palette, mathtext titles, legends off the data.

* :data:`OKABE_ITO` -- the Okabe-Ito palette (Okabe & Ito, *Color Universal Design*, 2008;
  recommended by Wong, *Nature Methods* 8:441, 2011), distinguishable under the common forms
  of colour blindness; black is kept for rate-only curves.
* :data:`PAPER_RC` / :func:`paper_style` -- matplotlib rc settings for paper figures (palette,
  font sizes, embedded TrueType fonts in PDF, deterministic SVG ids), used by the figure
  recipes and by ``plot_*`` functions when they create their own axes. Axes given by the
  caller keep the caller's style.
* :func:`class_title` -- the one title style: ``Hölder ball $H^{1}$ on $[0,1]^{2}$, $L^{2}$``,
  ``monotone functions on $[0,1]^{3}$, $L^{4}$``.
* :func:`legend_outside` -- legends to the right of the axes, never over the data.
"""
from __future__ import annotations

import contextlib
import re
import threading

from cycler import cycler

__all__ = ["OKABE_ITO", "PAPER_RC", "paper_style", "class_title", "legend_outside",
           "set_title_if_unset", "new_axes", "SAVE_METADATA"]

#: Okabe-Ito colours (blue, vermillion, bluish green, reddish purple, orange, sky blue,
#: yellow, black), in the order the curves take them
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
             "#000000")


#: rcParams of the paper style (pass to ``matplotlib.rc_context``, or use :func:`paper_style`)
PAPER_RC = {
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 7.5,
    "xtick.labelsize": 8, "ytick.labelsize": 8,
    "axes.grid": True, "grid.alpha": 0.3, "grid.linewidth": 0.6,
    "lines.linewidth": 1.4, "lines.markersize": 3.5,
    "legend.frameon": False,
    "savefig.dpi": 150, "savefig.bbox": "tight",
    "pdf.fonttype": 42, "ps.fonttype": 42,     # TrueType: text stays text in PDF/PS
    "svg.hashsalt": "approxbounds",            # same SVG element ids on every run
}

#: ``savefig(metadata=...)`` per format: no dates, no version strings (reproducible files)
SAVE_METADATA = {"png": {"Software": None}, "pdf": {"CreationDate": None, "Producer": None},
                 "svg": {"Date": None, "Creator": None}}


# rc_context saves and restores the global rcParams: two threads inside it at once would
# restore each other's settings, so the style is entered by one thread at a time
_RC_LOCK = threading.RLock()


@contextlib.contextmanager
def paper_style():
    """``with paper_style(): ...`` -- matplotlib rc settings of :data:`PAPER_RC` (one thread
    at a time: matplotlib's rc settings are global)."""
    import matplotlib

    with _RC_LOCK, matplotlib.rc_context(PAPER_RC):
        yield


def new_axes(figsize=(6.4, 4.4)):
    """A new figure (pyplot, so it shows inline in notebooks) with one axes in the paper
    style; returns the axes."""
    import matplotlib.pyplot as plt

    with paper_style():
        _, ax = plt.subplots(figsize=figsize)
    return ax


def set_title_if_unset(ax, title: str) -> None:
    """Set ``title`` unless the axes already have one (a caller's title is never replaced)."""
    if not ax.get_title():
        ax.set_title(title)


def legend_outside(ax, fontsize: float | None = None, **kwargs):
    """The legend to the right of the axes (outside the data area); returns it (``None``
    when nothing is labelled)."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    opts = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
            "frameon": False}
    if fontsize is not None:
        opts["fontsize"] = fontsize
    opts.update(kwargs)
    return ax.legend(**opts)


_NAME = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*$")


def _params(text: str) -> dict:
    out = {}
    for part in text.split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def class_title(F, norm=None, detail: str = "") -> str:
    r"""The title of a figure about class ``F``: one style per function class.

    Parameters
    ----------
    F : function class or its name (``"Holder(d=2, alpha=1)"``, ``"Monotone(d=3)"``)
    norm : optional
        Anything :meth:`approxbounds.norms.Norm.parse` accepts; appended in mathtext.
    detail : str
        Appended after a comma (e.g. ``"ReLU, $L=4$"``).

    Examples
    --------
    >>> class_title("Holder(d=2, alpha=1)", 2)
    'Hölder ball $H^{1}$ on $[0,1]^{2}$, $L^{2}$'
    >>> class_title("Monotone(d=3)", "sup", "ReLU")
    'monotone functions on $[0,1]^{3}$, $\\|\\cdot\\|_\\infty$, ReLU'
    """
    name = F if isinstance(F, str) else getattr(F, "name", type(F).__name__)
    m = _NAME.match(name)
    kind, params = (m.group(1), _params(m.group(2))) if m else (name, {})
    if kind == "Holder" and "d" in params and "alpha" in params:
        title = rf"Hölder ball $H^{{{params['alpha']}}}$ on $[0,1]^{{{params['d']}}}$"
    elif kind == "Monotone" and "d" in params:
        title = rf"monotone functions on $[0,1]^{{{params['d']}}}$"
    else:
        title = name
    parts = [title]
    if norm is not None:
        from approxbounds.norms import Norm

        parts.append(Norm.parse(norm).latex)
    if detail:
        parts.append(detail)
    return ", ".join(parts)
