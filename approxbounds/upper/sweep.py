r"""Bands over families of network classes: rows for reports, gap statistics, curves for plots.

* :func:`band_row` / :func:`band_rows` -- one :class:`BandRow` per ``(F, G, norm)``: the certified
  lower and upper bounds, their theorem / construction and the gap ``u / l``;
* :func:`soundness_sweep` -- the one-dimensional sweep of issue 11 (Hölder α ∈ {1, 0.5} and
  monotone; ``1,k,1`` ReLU and hard-threshold nets; ``p`` ∈ {1, 2, 4} and sup) plus a few
  ``d = 2`` cases, and :func:`gap_summary` (median and worst gaps in :math:`L^p` and sup norm);
* :func:`band_curve` -- the band against the number of parameters ``W`` for a width family
  (data only; :func:`approxbounds.plots.band.band_plot_data` adds the [R] literature rates and
  :func:`approxbounds.plots.band.plot_band` draws).

Nothing here draws or writes files.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass

import numpy as np

from approxbounds.norms import Norm

__all__ = ["BandRow", "band_row", "band_rows", "soundness_sweep", "gap_summary", "BandCurve",
           "band_curve", "band_table", "SWEEP_WIDTHS", "SWEEP_NORMS", "sweep_cases", "BAND_HEADERS"]

#: column headers of :func:`band_table`
BAND_HEADERS = ("F", "G", "activation", "W", "norm", "lower (certified)", "lower by",
                "upper (certified)", "upper by", "gap u/l")

#: widths k of the 1,k,1 nets of the sweep (log-spaced from 1 to 1000)
SWEEP_WIDTHS = (1, 3, 10, 32, 100, 316, 1000)
SWEEP_NORMS = (1, 2, 4, "sup")


@dataclass
class BandRow:
    """One band: ``lower <= dist(F, G) <= upper`` in ``norm`` (``lower = None`` when no lower
    certificate exists, ``upper = None`` when no construction fits; ``note`` says why)."""

    function_class: str
    network_class: str
    activation: str
    W: int
    norm: str
    lower: float | None
    lower_theorem: str | None
    upper: float | None
    upper_construction: str | None
    gap: float | None
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def band_row(F, G, norm, measure=None) -> BandRow:
    """The band of one ``(F, G, norm)`` as a :class:`BandRow` (never raises for a missing side)."""
    from approxbounds.capacity.networks import as_network_class
    from approxbounds.claims import theorem_label
    from approxbounds.lower import NoCertificateError, lower_bound

    from .api import Band, NoConstructionError, upper_bound

    G = as_network_class(G)
    norm = Norm.parse(norm)
    notes = []
    try:
        lo = lower_bound(F, G, norm=norm, measure=measure)
    except NoCertificateError as exc:
        lo = None
        notes.append(f"lower: {exc}")
    try:
        up = upper_bound(F, G, norm=norm, measure=measure)
    except NoConstructionError as exc:
        up = None
        notes.append(f"upper: {exc}")
    # Band owns the soundness check (SoundnessError if lower > upper) and the gap
    gap = None if lo is None or up is None else Band(lo, up).gap
    lab_lo = None
    if lo is not None:
        lab_lo = theorem_label(lo.theorem) + (" (Lemma T)" if getattr(lo, "transferred", False) else "")
    return BandRow(F.name, G.spec(), G.activation.name, G.W, norm.label,
                   None if lo is None else lo.value, lab_lo,
                   None if up is None else up.value, None if up is None else up.theorem, gap,
                   "; ".join(notes))


def band_rows(cases, measure=None) -> list[BandRow]:
    """:func:`band_row` for every ``(F, G, norm)`` in ``cases``."""
    return [band_row(F, G, norm, measure) for F, G, norm in cases]


def sweep_cases(widths=SWEEP_WIDTHS, norms=SWEEP_NORMS, d2: bool = True) -> list:
    """The ``(F, G, norm)`` cases of the soundness sweep (module docstring)."""
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone

    out = []
    classes = (Holder(1, 1.0), Holder(1, 0.5), Monotone(1))
    for F in classes:
        for act in ("relu", "hard_threshold"):
            for k in widths:
                G = Architecture.parse(f"1,{k},1", activation=act)
                out += [(F, G, n) for n in norms]
    if d2:
        for F in (Holder(2, 1.0), Monotone(2)):
            for spec, act in (("2,40,60,30,1", "relu"), ("2,64,200,100,1", "relu"),
                              ("2,12,30,1", "hard_threshold"), ("2,30,300,1", "hard_threshold")):
                G = Architecture.parse(spec, activation=act)
                out += [(F, G, n) for n in (1, 2, "sup")]
    return out


def soundness_sweep(widths=SWEEP_WIDTHS, norms=SWEEP_NORMS, d2: bool = True) -> list[BandRow]:
    """Bands over :func:`sweep_cases`; raises :class:`~approxbounds.upper.api.SoundnessError`
    if any certified lower bound exceeds the certified upper bound."""
    return band_rows(sweep_cases(widths, norms, d2))


def band_table(rows) -> list[tuple]:
    """Rows of strings under :data:`BAND_HEADERS` (values to 4 significant digits, ``-`` for a
    missing side), ready for a Markdown or text table."""
    def num(x):
        return "-" if x is None else f"{x:.4g}"

    return [(r.function_class, r.network_class, r.activation, str(r.W), r.norm, num(r.lower),
             r.lower_theorem or "-", num(r.upper),
             "-" if r.upper_construction is None else f"Construction {r.upper_construction}",
             num(r.gap)) for r in rows]


def gap_summary(rows) -> dict:
    """Median and worst gap ``u/l`` over rows with both sides, split into :math:`L^p` and sup
    norm: ``{"Lp": {"n", "median", "worst", "worst_row"}, "sup": {...}, "missing": [...]}``."""
    out = {"missing": [r.to_dict() for r in rows if r.gap is None]}
    for key, pick in (("Lp", lambda r: r.norm != "sup norm"), ("sup", lambda r: r.norm == "sup norm")):
        sel = [r for r in rows if r.gap is not None and pick(r)]
        if not sel:
            out[key] = {"n": 0, "median": None, "worst": None, "worst_row": None}
            continue
        worst = max(sel, key=lambda r: r.gap)
        out[key] = {"n": len(sel), "median": statistics.median(r.gap for r in sel),
                    "worst": worst.gap, "worst_row": worst.to_dict()}
    return out


@dataclass
class BandCurve:
    """Certified band against ``W`` for a width family.

    ``lower[i]``/``upper[i]`` are NaN where that side has no certificate.
    """

    function_class: str
    norm: Norm
    family: str
    widths: np.ndarray
    W: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    constructions: list
    theorems: list

    @property
    def gap(self) -> np.ndarray:
        return self.upper / self.lower


def band_curve(F, norm=2, *, widths=(2, 4, 8, 16, 32, 64, 128, 256), depth: int = 1,
               activation: str = "relu", measure=None) -> BandCurve:
    """The band for the family ``d,k,1`` (``d,k×depth,1`` when deeper) (``k`` in ``widths``) against ``W``.

    Parameters
    ----------
    F : FunctionClass
    norm : p >= 1 or "sup"
    widths : sequence of int
        Hidden widths ``k``.
    depth : int
        Number of hidden layers.
    activation : str
    measure : Measure, optional
    """
    from approxbounds._validation import check_int
    from approxbounds.capacity import Architecture

    norm = Norm.parse(norm)
    depth = check_int("depth", depth, minimum=1)
    widths = [check_int("widths[i]", k, minimum=1) for k in widths]
    if not widths:
        raise ValueError("widths must contain at least one width")
    Ws, lo, up, cons, ths = [], [], [], [], []
    for k in widths:
        G = Architecture.mlp(F.d, [k] * depth, activation)
        row = band_row(F, G, norm, measure)
        Ws.append(G.W)
        lo.append(math.nan if row.lower is None else row.lower)
        up.append(math.nan if row.upper is None else row.upper)
        cons.append(row.upper_construction)
        ths.append(row.lower_theorem)
    hidden = "k" if depth == 1 else f"k\u00d7{depth}"  # spec notation: width k, `depth` layers
    return BandCurve(F.name, norm, f"{F.d},{hidden},1 ({activation})", np.asarray(widths),
                     np.asarray(Ws, float), np.asarray(lo, float), np.asarray(up, float), cons, ths)


def main(argv=None) -> int:
    """``python -m approxbounds.upper.sweep [--json]``: the soundness sweep, its gaps and the
    worst cases (one line per band, then the summary)."""
    import argparse
    import json

    ap = argparse.ArgumentParser(description="Certified bands over the sweep of issue 11.")
    ap.add_argument("--json", action="store_true", help="print rows and summary as JSON")
    ap.add_argument("--no-d2", action="store_true", help="one-dimensional cases only")
    args = ap.parse_args(argv)
    rows = soundness_sweep(d2=not args.no_d2)
    one_d = [r for r in rows if r.network_class.startswith("1,")]
    summary = {"all": gap_summary(rows), "one_dimensional": gap_summary(one_d)}
    if args.json:
        print(json.dumps({"rows": [r.to_dict() for r in rows], "summary": summary}, default=str))
        return 0
    for r in rows:
        lo = "-" if r.lower is None else f"{r.lower:.4g}"
        up = "-" if r.upper is None else f"{r.upper:.4g}"
        gap = "-" if r.gap is None else f"{r.gap:.3g}"
        print(f"{r.function_class:24s} {r.network_class:16s} {r.activation:15s} {r.norm:9s} "
              f"{lo:>11s} ({r.lower_theorem or '-'}) <= dist <= {up:>11s} ({r.upper_construction or '-'})  gap {gap}")
    for name, s in summary.items():
        for key in ("Lp", "sup"):
            t = s[key]
            if t["n"]:
                w = t["worst_row"]
                print(f"{name} {key}: median gap {t['median']:.4g} over {t['n']} bands; worst {t['worst']:.4g} "
                      f"({w['function_class']}, {w['network_class']} {w['activation']}, {w['norm']})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
