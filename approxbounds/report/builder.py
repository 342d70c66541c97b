"""``build_report``: compute every section, draw the figures and write report.md + report.json.

The jobs of all sections (:mod:`approxbounds.report.sections`) run as one sweep
(:func:`approxbounds.parallel.map_ordered`) on the given executor -- serially by default, on
local processes (``--workers N``) or a dask cluster (``--scheduler``) -- with results identical
to the serial run. Every JSON result is written to ``DIR/.partial/<hash>.json`` as it arrives,
so an interrupted report, started again with the same settings, resumes from the results
already computed; the directory is removed once report.json and report.md are written.

Files are written atomically (:mod:`approxbounds._io`); report.json and report.md are written
last, so a report never points at a figure that is not there. A tqdm bar (stderr) follows the
jobs.
"""
from __future__ import annotations

import logging
from pathlib import Path

from approxbounds._validation import check_bool, check_int

__all__ = ["build_report", "report_data", "PARTIAL_DIR"]

logger = logging.getLogger(__name__)

#: sub-directory of the report holding the results of an unfinished run
PARTIAL_DIR = ".partial"


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


def _settings(cfg, seed, bounds) -> dict:
    return {"smoke": cfg.smoke, "norm_keys": list(dict.fromkeys(r["norm_key"] for r in bounds)),
            "norms": list(cfg.norms), "depths": list(cfg.depths), "n_W": cfg.n_W,
            "W_min": cfg.W_min, "W_max": cfg.W_max, "slope_depth": cfg.slope_depth,
            "slope_n": cfg.slope_n, "W_fit_min": cfg.W_fit_min, "dps": cfg.dps,
            "seed": seed, "measure": "Lebesgue on [0,1]^d", "activation": "relu"}


def report_data(cfg, *, seed: int = 0, progress: bool = True, figures_dir=None,
                formats=("png",), executor=None, store=None, sections=None) -> dict:
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
        When given, every figure of :data:`approxbounds.plots.figures.FIGURES` is drawn there
        (in ``formats``).
    formats : iterable of {"png", "pdf", "svg"}
    executor : None, concurrent.futures.Executor or distributed.Client
        Where the jobs run (:mod:`approxbounds.parallel`); the result does not depend on it.
    store : approxbounds.parallel.ResultStore, optional
        Resume from / write to these per-job result files.
    sections : list of Section, optional
        Default :data:`approxbounds.report.sections.SECTIONS`.
    """
    from dataclasses import replace

    from tqdm import tqdm

    import approxbounds
    from approxbounds.parallel import map_ordered
    from approxbounds.plots.figures import check_formats
    from approxbounds.report.sections import SECTIONS, ReportContext, job_key, run_job
    from approxbounds.report.sweep import make_class

    seed = check_int("seed", seed, minimum=0)
    check_bool("progress", progress)
    formats = check_formats(formats)
    sections = SECTIONS if sections is None else list(sections)
    cfg = replace(cfg, slope_cases=_slope_cases(cfg))
    ctx = ReportContext(cfg, seed, None if figures_dir is None else Path(figures_dir), formats)
    plan = [(sec, sec.jobs(ctx)) for sec in sections]
    jobs = [job.as_dict() for _, section_jobs in plan for job in section_jobs]
    logger.info("report: %d jobs in %d sections", len(jobs), len(sections))
    bar = tqdm(total=len(jobs), desc="report", unit="job", disable=not progress, leave=False)
    try:
        results = map_ordered(run_job, jobs, executor, store=store, key=job_key,
                              progress=bar.update)
    finally:
        bar.close()
    per_section, start = {}, 0
    for sec, section_jobs in plan:
        per_section[sec.key] = results[start:start + len(section_jobs)]
        start += len(section_jobs)
    data = {"command": "approxbounds report" + (" --smoke" if cfg.smoke else ""),
            "version": approxbounds.__version__,
            "class_names": [make_class(s).name for s in cfg.classes]}
    for sec in sorted(sections, key=lambda s: s.after):       # stable: "after" ones last
        data[sec.key] = sec.collect(ctx, per_section[sec.key], data)
    data["settings"] = _settings(cfg, seed, data.get("bounds", []))
    return data


def build_report(out="report", *, smoke: bool = False, seed: int = 0, progress: bool = True,
                 config=None, executor=None, formats=("png",)) -> dict:
    """Write ``report.md``, ``report.json`` and ``figures/*`` into ``out``.

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
    executor : None, concurrent.futures.Executor or distributed.Client
        Runs the jobs (:mod:`approxbounds.parallel`); the report does not depend on it.
    formats : iterable of {"png", "pdf", "svg"}
        Figure formats (report.md shows the PNG, else the SVG, else links the PDF).

    Returns
    -------
    dict
        ``{"markdown": Path, "json": Path, "figures": [Path, ...], "data": dict}``.
    """
    from approxbounds._io import atomic_write_json, atomic_write_text
    from approxbounds._outdir import prepare_output_dir
    from approxbounds.parallel import ResultStore
    from approxbounds.plots.figures import check_formats
    from approxbounds.report.sections import render_markdown
    from approxbounds.report.sweep import FULL, SMOKE, ReportConfig

    check_bool("smoke", smoke)
    check_bool("progress", progress)
    seed = check_int("seed", seed, minimum=0)
    formats = check_formats(formats)
    cfg = config if config is not None else (SMOKE if smoke else FULL)
    if not isinstance(cfg, ReportConfig):
        raise TypeError(f"config must be a ReportConfig, got {type(cfg).__name__}")
    out = prepare_output_dir(out, name="out")
    fig_dir = prepare_output_dir(out / "figures", name="out/figures")
    store = ResultStore(out / PARTIAL_DIR)
    data = report_data(cfg, seed=seed, progress=progress, figures_dir=fig_dir, formats=formats,
                       executor=executor, store=store)
    json_path = atomic_write_json(out / "report.json", data)
    md_path = atomic_write_text(out / "report.md", render_markdown(data))
    store.clear()
    figures = [fig_dir / f"{Path(name).stem}.{fmt}" for name in data["figures"] for fmt in formats]
    return {"markdown": md_path, "json": json_path, "figures": figures, "data": data}
