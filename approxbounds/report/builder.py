"""``build_report``: compute everything, draw the figures and write report.md + report.json.

Files are written atomically (:mod:`approxbounds._io`; the figures by the ``figures``
command's own temp-file-and-rename); report.json and report.md are written last, so a
report never points at a figure that is not there. A tqdm progress bar (stderr) follows
the bound families, the slope fits, the checks and the figures.
"""
from __future__ import annotations

import os
from pathlib import Path

from approxbounds._validation import check_bool, check_int

__all__ = ["build_report", "report_data"]


def _slope_cases(cfg):
    from approxbounds.report.sweep import DONE_WHEN

    cases = cfg.slope_cases
    if cases is None:
        cases = tuple((spec, norm) for spec in cfg.classes for norm in cfg.norms)
    cases = list(cases)
    for spec, norm, _ in DONE_WHEN:
        if (spec, norm) not in cases:
            cases.append((spec, norm))
    return tuple(cases)


def report_data(cfg, *, seed: int = 0, progress: bool = True, figures_dir=None) -> dict:
    """Compute the report content (the object written to report.json).

    Parameters
    ----------
    cfg : ReportConfig
        :data:`approxbounds.report.sweep.FULL`, :data:`~approxbounds.report.sweep.SMOKE`
        or a custom configuration.
    seed : int
        Seed of the numeric checks.
    progress : bool
        Show a tqdm progress bar on stderr.
    figures_dir : path, optional
        When given, every figure of ``approxbounds figures`` is drawn there.
    """
    from dataclasses import replace

    from tqdm import tqdm

    import approxbounds
    from approxbounds.checks.registry import CHECKS, results_to_json, run_checks
    from approxbounds.report.sweep import DONE_WHEN, bound_rows, make_class, slope_rows

    seed = check_int("seed", seed, minimum=0)
    cfg = replace(cfg, slope_cases=_slope_cases(cfg))
    n_checks = len(CHECKS) if cfg.checks is None else len(cfg.checks)
    total = (len(cfg.classes) * len(cfg.norms) * len(cfg.depths) + len(cfg.slope_cases)
             + n_checks + (1 if figures_dir is not None else 0))
    bar = tqdm(total=total, desc="report", unit="step", disable=not progress, leave=False)
    try:
        bar.set_postfix_str("certified bounds")
        bounds = bound_rows(cfg, progress=bar.update)
        bar.set_postfix_str("fitted slopes")
        slopes = slope_rows(cfg, progress=bar.update)
        bar.set_postfix_str("numeric checks")
        checks = run_checks(None if cfg.checks is None else list(cfg.checks), seed=seed,
                            progress=lambda name: bar.update(1))
        figures = {}
        if figures_dir is not None:
            from approxbounds.cli.figures import FIGURES, build_figures

            bar.set_postfix_str("figures")
            written = build_figures(str(figures_dir), smoke=cfg.smoke)
            figures = {os.path.basename(p): FIGURES.get(os.path.basename(p), "")
                       for p in written}
            bar.update(1)
    finally:
        bar.close()

    done = []
    for spec, norm, predicted in DONE_WHEN:
        row = next(r for r in slopes if tuple(r["spec"]) == tuple(spec) and r["norm"] == norm)
        done.append({"class": row["class"], "norm": norm, "norm_key": row["norm_key"],
                     "fitted_slope": row["fitted_slope"], "predicted": predicted,
                     "passed": bool(abs(row["fitted_slope"] - predicted) <= 0.05)})
    n_ver = sum(1 for r in bounds if r["verified"])
    check_json = results_to_json(checks, seed)
    return {
        "command": "approxbounds report" + (" --smoke" if cfg.smoke else ""),
        "version": approxbounds.__version__,
        "settings": {"smoke": cfg.smoke, "norm_keys": list(dict.fromkeys(r["norm_key"] for r in bounds)),
                     "norms": list(cfg.norms), "depths": list(cfg.depths), "n_W": cfg.n_W,
                     "W_min": cfg.W_min, "W_max": cfg.W_max, "slope_depth": cfg.slope_depth,
                     "slope_n": cfg.slope_n, "W_fit_min": cfg.W_fit_min, "dps": cfg.dps,
                     "seed": seed, "measure": "Lebesgue on [0,1]^d", "activation": "relu"},
        "class_names": [make_class(s).name for s in cfg.classes],
        "done_when": {"slopes": done, "all_verified": n_ver == len(bounds),
                      "n_verified": n_ver, "n_bounds": len(bounds),
                      "passed": all(d["passed"] for d in done) and n_ver == len(bounds)
                      and check_json["passed"]},
        "slopes": slopes,
        "bounds": bounds,
        "checks": check_json,
        "figures": figures,
    }


def build_report(out="report", *, smoke: bool = False, seed: int = 0, progress: bool = True,
                 config=None) -> dict:
    """Write ``report.md``, ``report.json`` and ``figures/*.png`` into ``out``.

    Parameters
    ----------
    out : path
        Output directory (created if missing; its parent must exist).
    smoke : bool
        Small settings (:data:`approxbounds.report.sweep.SMOKE`) for tests.
    seed : int
        Seed of the numeric checks.
    progress : bool
        tqdm progress bar on stderr.
    config : ReportConfig, optional
        Overrides ``smoke``.

    Returns
    -------
    dict
        ``{"markdown": Path, "json": Path, "figures": [Path, ...], "data": dict}``.
    """
    from approxbounds._io import atomic_write_json, atomic_write_text
    from approxbounds.report.markdown import render_markdown
    from approxbounds.report.sweep import FULL, SMOKE, ReportConfig

    check_bool("smoke", smoke)
    cfg = config if config is not None else (SMOKE if smoke else FULL)
    if not isinstance(cfg, ReportConfig):
        raise TypeError(f"config must be a ReportConfig, got {type(cfg).__name__}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out: {str(out)!r} exists and is not a directory")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"out: parent directory {str(parent)!r} does not exist")
    fig_dir = out / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    data = report_data(cfg, seed=seed, progress=progress, figures_dir=fig_dir)
    json_path = atomic_write_json(out / "report.json", data)
    md_path = atomic_write_text(out / "report.md", render_markdown(data))
    return {"markdown": md_path, "json": json_path,
            "figures": [fig_dir / name for name in data["figures"]], "data": data}
