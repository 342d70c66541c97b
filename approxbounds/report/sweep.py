r"""The computations of the main report: certified bounds over a grid and fitted slopes.

Every certified value comes from :func:`approxbounds.lower.lower_bound` (Theorems L, S, C
and Lemma D, [V]/[P] statements only) and is re-verified at 50 digits
(:meth:`~approxbounds.lower.Certificate.verify`); the result of that verification is
stored as ``verified``. Rate-only values come from :func:`approxbounds.rates.rate` with
constant 1 and are tagged ``"R"`` (never certified). Slopes are fitted with
:func:`approxbounds.rates.slopes.fitted_slope` (least squares of ln(certified bound) on
ln(certified Pdim bound) over the large-W end of a width family).

Predicted exponents of (W L) (docs/rates.md §1 and the "Rate only [R]" section of
docs/theory.md; Achour, Foucault, Gerchinovitz, Malgouyres, NeurIPS 2022):

* Hölder ball of smoothness alpha on [0,1]^d, any L^p and the sup norm: :math:`-\alpha/d`;
* monotone class on [0,1]^d in L^p: :math:`-1/\max(d, p(d-1))`;
* monotone class in sup norm: no rate (Lemma D: distance >= 1/2 for every continuous net).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from approxbounds._validation import check_int, check_real
from approxbounds.norms import Norm

__all__ = ["ReportConfig", "FULL", "SMOKE", "predicted_exponent", "class_spec_name",
           "make_class", "bound_rows", "slope_rows", "DONE_WHEN", "bound_jobs", "bound_family",
           "slope_jobs", "slope_fit"]


@dataclass(frozen=True)
class ReportConfig:
    """What the report computes.

    ``classes``: tuples ``("holder", d, alpha)`` or ``("monotone", d)``; ``norms``: p values
    and ``"sup"``; ``depths``: numbers of layers L of the width families; ``n_W``: target
    W values per family, log-uniform on [W_min, W_max]; ``slope_n``/``slope_depth``/
    ``W_fit_min``: width family and large-W end of the slope fits; ``slope_cases``: which
    (class, norm) pairs get a fit (``None``: all); ``checks``: names for
    :func:`approxbounds.checks.run_checks` (``None``: all); ``dps``: verification digits.
    """

    classes: tuple
    norms: tuple = (1, 2, 4, "sup")
    depths: tuple = (2, 4, 8)
    n_W: int = 25
    W_min: float = 1e2
    W_max: float = 1e8
    slope_n: int = 30
    slope_depth: int = 2
    W_fit_min: float = 1e5
    slope_cases: tuple | None = None
    checks: tuple | None = None
    dps: int = 50
    smoke: bool = False

    def __post_init__(self):
        check_int("n_W", self.n_W, minimum=2, maximum=1000)
        check_int("slope_n", self.slope_n, minimum=3, maximum=1000)
        check_int("slope_depth", self.slope_depth, minimum=2, maximum=1000)
        check_int("dps", self.dps, minimum=20, maximum=1000)
        check_real("W_min", self.W_min, low=10.0, high=1e12)
        check_real("W_max", self.W_max, low=self.W_min, high=1e12, low_open=True)
        check_real("W_fit_min", self.W_fit_min, low=self.W_min, high=self.W_max)
        if not self.classes:
            raise ValueError("classes must not be empty")
        for spec in self.classes:
            make_class(spec)
        for norm in self.norms:
            if norm != "sup":
                check_real("norms", norm, low=1.0)
        for depth in self.depths:
            check_int("depths", depth, minimum=2, maximum=1000)


def make_class(spec):
    """``("holder", d, alpha)`` -> ``Holder(d, alpha)``; ``("monotone", d)`` -> ``Monotone(d)``."""
    from approxbounds.classes import Holder, Monotone

    if not isinstance(spec, tuple) or not spec:
        raise ValueError(f"class spec must be a tuple like ('holder', 2, 1.0), got {spec!r}")
    if spec[0] == "holder" and len(spec) == 3:
        return Holder(spec[1], spec[2])
    if spec[0] == "monotone" and len(spec) == 2:
        return Monotone(spec[1])
    raise ValueError(f"unknown class spec {spec!r}; valid: ('holder', d, alpha), ('monotone', d)")


_HOLDER = tuple(("holder", d, a) for d in (1, 2, 3) for a in (0.5, 1.0, 2.0))
_MONO = tuple(("monotone", d) for d in (1, 2, 3))

#: the two reference settings whose fitted slope must lie within 0.05 of the prediction
#: (report section "Slope checks against predicted exponents"): (class spec, norm, exponent)
DONE_WHEN = ((("holder", 2, 1.0), 2, -0.5), (("monotone", 3), 4, -0.125))

FULL = ReportConfig(classes=_HOLDER + _MONO)
SMOKE = ReportConfig(classes=(("holder", 2, 1.0), ("monotone", 3), ("monotone", 1)),
                     norms=(2, 4, "sup"), depths=(2, 4), n_W=4, slope_n=16,
                     slope_cases=tuple((c, n) for c, n, _ in DONE_WHEN),
                     checks=("clipping", "sauer", "sample_size", "yarotsky"), smoke=True)


def class_spec_name(spec) -> str:
    return make_class(spec).name


def predicted_exponent(spec, norm):
    """Predicted exponent of (W L) as a ``Fraction`` (rate only [R]), or ``None`` (no rate):
    ``-1/e`` with ``e`` the entropy exponent the class owns (``F.entropy_exponent``)."""
    return make_class(spec).entropy_exponent(norm).wl_exponent()


def _norm_key(norm) -> str:
    return Norm.parse(norm).label


# ------------------------------------------------------------------------------ jobs
# Each job is a module-level pure function of a small JSON configuration (so any executor of
# approxbounds.parallel can run it and its result can be stored under the configuration's hash).

def bound_jobs(cfg: ReportConfig) -> list[dict]:
    """One job per (class, norm, depth) family, in table order (for :func:`bound_family`)."""
    return [{"spec": list(spec), "norm": Norm.parse(norm).to_json(), "depth": depth,
             "W_min": cfg.W_min, "W_max": cfg.W_max, "n_W": cfg.n_W, "dps": cfg.dps}
            for spec in cfg.classes for norm in cfg.norms for depth in cfg.depths]


def bound_family(job: dict) -> list[dict]:
    """Certified bound, theorem, verified flag and rate-only value for every W of one
    (class, norm, depth) width family (``job`` from :func:`bound_jobs`)."""
    from approxbounds.capacity import pdim_bound
    from approxbounds.lower import CertificateError, NoCertificateError, lower_bound
    from approxbounds.rates import rate
    from approxbounds.rates.slopes import width_family

    spec, norm, depth = tuple(job["spec"]), job["norm"], int(job["depth"])
    F = make_class(spec)
    r = rate(F, "relu", norm)
    fam = width_family(F.d, depth, W_min=job["W_min"], W_max=job["W_max"], n=job["n_W"])
    Ws = np.array([float(G.W) for G in fam])
    Ls = np.array([float(G.L) for G in fam])
    rate_vals = r.evaluate(Ws, Ls) if r.has_rate else [None] * len(fam)
    rows = []
    for G, rv in zip(fam, rate_vals):
        row = {"class": F.name, "spec": list(spec), "norm": norm,
               "norm_key": _norm_key(norm), "depth": depth, "arch": G.spec(),
               "W": int(G.W), "L": int(G.L), "pdim_bound": float(pdim_bound(G).value),
               "rate_only": None if rv is None else float(rv),
               "rate_only_tag": "R",
               "rate_only_exponent": None if r.exponent is None else str(r.exponent)}
        try:
            cert = lower_bound(F, G, norm=norm)
        except NoCertificateError as exc:
            row.update(value=None, theorem=None, verified=False, note=str(exc))
            rows.append(row)
            continue
        try:
            verified = bool(cert.verify(dps=job["dps"]))
            note = ""
        except CertificateError as exc:
            verified, note = False, str(exc)
        row.update(value=float(cert.value), theorem=cert.theorem, verified=verified,
                   log10_value=math.log10(cert.value), tags=sorted(set(cert.tags.values())),
                   alternatives=[a.theorem for a in cert.alternatives], note=note)
        rows.append(row)
    return rows


def slope_jobs(cfg: ReportConfig) -> list[dict]:
    """One job per slope case (for :func:`slope_fit`); ``slope_cases=None``: every class and norm."""
    cases = cfg.slope_cases
    if cases is None:
        cases = tuple((spec, norm) for spec in cfg.classes for norm in cfg.norms)
    return [{"spec": list(spec), "norm": Norm.parse(norm).to_json(), "slope_depth": cfg.slope_depth,
             "W_min": cfg.W_min, "W_max": cfg.W_max, "slope_n": cfg.slope_n,
             "W_fit_min": cfg.W_fit_min} for spec, norm in cases]


def slope_fit(job: dict) -> dict:
    """Fitted slope of ln(certified bound) on ln(Pdim bound) next to the predicted exponent
    (``job`` from :func:`slope_jobs`)."""
    from approxbounds.rates.slopes import fitted_slope, width_family

    spec, norm = tuple(job["spec"]), job["norm"]
    F = make_class(spec)
    pred = predicted_exponent(spec, norm)
    fam = width_family(F.d, job["slope_depth"], W_min=job["W_min"], W_max=job["W_max"],
                       n=job["slope_n"])
    fit = fitted_slope(F, fam, norm, W_fit_min=job["W_fit_min"])
    row = {"class": F.name, "spec": list(spec), "norm": norm, "norm_key": _norm_key(norm),
           "depth": job["slope_depth"], "fitted_slope": fit.slope + 0.0,  # no -0.0
           "predicted": None if pred is None else float(pred),
           "predicted_text": "no rate" if pred is None else str(pred),
           "rate_module_exponent": fit.predicted,
           "n_used": fit.n_used, "W_fit_min": float(fit.W[fit.used].min()),
           "W_fit_max": float(fit.W[fit.used].max()),
           "theorems": sorted(set(fit.theorems)),
           "ln_pdim": fit.ln_pdim.tolist(), "ln_bound": fit.ln_bound.tolist(),
           "W": fit.W.tolist()}
    if pred is None:
        row["deviation"] = None
        row["within_0_05"] = None
    else:
        row["deviation"] = fit.slope - float(pred)
        row["within_0_05"] = bool(abs(fit.slope - float(pred)) <= 0.05)
    return row


def bound_rows(cfg: ReportConfig, *, progress=None, executor=None) -> list[dict]:
    """Every row of every :func:`bound_family` of ``cfg``, in table order (class, norm, depth,
    W). ``progress(n)`` per finished family; ``executor`` as in :mod:`approxbounds.parallel`."""
    from approxbounds.parallel import map_ordered

    families = map_ordered(bound_family, bound_jobs(cfg), executor, progress=progress)
    return [row for rows in families for row in rows]


def slope_rows(cfg: ReportConfig, *, progress=None, executor=None) -> list[dict]:
    """:func:`slope_fit` of every slope case of ``cfg``, in order."""
    from approxbounds.parallel import map_ordered

    return map_ordered(slope_fit, slope_jobs(cfg), executor, progress=progress)
