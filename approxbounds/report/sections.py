"""The sections of the report: what each computes (jobs), keeps (report.json) and shows (markdown).

A :class:`Section` has

* ``key`` -- its key in report.json;
* ``jobs(ctx)`` -- the work, a list of :class:`Job` (a module-level pure function, named
  ``"module:function"``, and a small JSON configuration). The builder runs the jobs of every
  section as one sweep (:func:`approxbounds.parallel.map_ordered`: any executor, results in
  order, stored per configuration hash so an interrupted report resumes);
* ``collect(ctx, results, data)`` -- its report.json value from its jobs' results (in job
  order) and the data of the sections collected before it (``after=True``: collected after
  every other section, e.g. the summary that reads them);
* ``markdown(data)`` -- its lines of report.md (``None``: no markdown).

:data:`SECTIONS` lists them in report.md order. Adding a section (e.g. recurrent networks) is
one :class:`Section` appended to :data:`SECTIONS`; adding a figure is one entry in
:data:`approxbounds.plots.figures.FIGURES` (the figures section draws them all).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from approxbounds.report import markdown as md

__all__ = ["ReportContext", "Job", "Section", "SECTIONS", "run_job", "job_key", "check_job",
           "render_markdown"]


@dataclass(frozen=True)
class ReportContext:
    """What every section sees: the configuration, the seed of the checks, where figures go
    (``None``: no figures) and their formats."""

    cfg: Any
    seed: int = 0
    figures_dir: Path | None = None
    formats: tuple = ("png",)


@dataclass(frozen=True)
class Job:
    """One unit of work: ``fn`` is ``"module:function"`` (module level, pure), ``config`` its
    JSON argument; ``store=False`` for results that are not JSON data (images)."""

    fn: str
    config: Any
    store: bool = True

    def as_dict(self) -> dict:
        return {"fn": self.fn, "config": self.config, "store": self.store}


@dataclass(frozen=True)
class Section:
    key: str
    jobs: Callable = field(default=lambda ctx: [])
    collect: Callable = field(default=lambda ctx, results, data: results)
    markdown: Callable | None = None
    after: bool = False


def run_job(job: dict):
    """Run ``job`` (:meth:`Job.as_dict`): import ``fn`` and call it on ``config``."""
    module, _, name = job["fn"].partition(":")
    if not module.startswith("approxbounds.") or not name:
        raise ValueError(f"job fn must be 'approxbounds.<module>:<function>', got {job['fn']!r}")
    return getattr(importlib.import_module(module), name)(job["config"])


def job_key(job: dict):
    """Result-file name of a job (``None``: not stored)."""
    from approxbounds.parallel import config_hash

    if not job.get("store", True):
        return None
    return config_hash(run_job, {"fn": job["fn"], "config": job["config"]})


# ------------------------------------------------------------------------------ bounds, slopes
def _bound_jobs(ctx):
    from approxbounds.report.sweep import bound_jobs

    return [Job("approxbounds.report.sweep:bound_family", c) for c in bound_jobs(ctx.cfg)]


def _slope_jobs(ctx):
    from approxbounds.report.sweep import slope_jobs

    return [Job("approxbounds.report.sweep:slope_fit", c) for c in slope_jobs(ctx.cfg)]


# ------------------------------------------------------------------------------ checks
def check_job(config: dict) -> list[dict]:
    """One registered check: ``config = {"name", "seed"}`` -> its results as dicts."""
    from approxbounds.checks.registry import run_check

    return [r.to_dict() for r in run_check(config["name"], config["seed"])]


def _check_jobs(ctx):
    from approxbounds.checks.registry import CHECKS

    names = list(CHECKS) if ctx.cfg.checks is None else list(ctx.cfg.checks)
    return [Job("approxbounds.report.sections:check_job", {"name": n, "seed": ctx.seed}) for n in names]


def _collect_checks(ctx, results, data):
    from approxbounds.checks.registry import NamedCheckResult, results_to_json

    flat = [NamedCheckResult(claim=r["claim"], numbers=r["numbers"], passed=r["passed"], name=r["name"])
            for per_check in results for r in per_check]
    return results_to_json(flat, ctx.seed)


# ------------------------------------------------------------------------------ figures
def _figure_jobs(ctx):
    from approxbounds.plots.figures import FIGURES

    if ctx.figures_dir is None:
        return []
    return [Job("approxbounds.plots.figures:render_figure",
                {"name": n, "smoke": bool(ctx.cfg.smoke), "formats": list(ctx.formats)}, store=False)
            for n in FIGURES]


def _collect_figures(ctx, results, data):
    """Write the images (atomically) and return ``{file shown in report.md: description}``."""
    from approxbounds._io import atomic_write_bytes
    from approxbounds.plots.figures import FIGURES

    if ctx.figures_dir is None:
        return {}
    shown = next(f for f in ("png", "svg", "pdf") if f in ctx.formats)
    out = {}
    for name, images in zip(FIGURES, results):
        for fmt, blob in images.items():
            atomic_write_bytes(Path(ctx.figures_dir) / f"{name}.{fmt}", blob)
        out[f"{name}.{shown}"] = FIGURES[name].description
    return out


# ------------------------------------------------------------------------------ band, recurrent
def _band_jobs(ctx):
    return [Job("approxbounds.report.bands:band_job", {"smoke": bool(ctx.cfg.smoke)})]


def _recurrent_jobs(ctx):
    return [Job("approxbounds.report.recurrent:recurrent_job", {"smoke": bool(ctx.cfg.smoke)})]


def _band_markdown(data):
    from approxbounds.report.bands import band_lines

    return band_lines(data)


def _recurrent_markdown(data):
    from approxbounds.report.recurrent import recurrent_lines

    return recurrent_lines(data)


# ------------------------------------------------------------------------------ summary
def _collect_done_when(ctx, results, data):
    from approxbounds.report.sweep import DONE_WHEN

    done = []
    for spec, norm, predicted in DONE_WHEN:
        row = next(r for r in data["slopes"] if tuple(r["spec"]) == tuple(spec) and r["norm"] == norm)
        done.append({"class": row["class"], "norm": norm, "norm_key": row["norm_key"],
                     "fitted_slope": row["fitted_slope"], "predicted": predicted,
                     "passed": bool(abs(row["fitted_slope"] - predicted) <= 0.05)})
    bounds = data["bounds"]
    n_ver = sum(1 for r in bounds if r["verified"])
    band_ok = data.get("bands", {}).get("soundness", True)
    rec_ok = all(r["verified"] for r in data.get("recurrent", {}).get("rows", []))
    return {"slopes": done, "all_verified": n_ver == len(bounds), "n_verified": n_ver,
            "n_bounds": len(bounds), "band_soundness": band_ok, "recurrent_verified": rec_ok,
            "passed": (all(d["passed"] for d in done) and n_ver == len(bounds)
                       and data["checks"]["passed"] and band_ok and rec_ok)}


#: the report's sections, in report.md order
SECTIONS = [
    Section("done_when", collect=_collect_done_when, markdown=md.done_when_lines, after=True),
    Section("slopes", jobs=_slope_jobs, markdown=md.slopes_lines),
    Section("bounds", jobs=_bound_jobs,
            collect=lambda ctx, results, data: [row for rows in results for row in rows],
            markdown=md.bounds_lines),
    Section("bands", jobs=_band_jobs, collect=lambda ctx, results, data: results[0],
            markdown=_band_markdown),
    Section("recurrent", jobs=_recurrent_jobs, collect=lambda ctx, results, data: results[0],
            markdown=_recurrent_markdown),
    Section("checks", jobs=_check_jobs, collect=_collect_checks, markdown=md.checks_lines),
    Section("figures", jobs=_figure_jobs, collect=_collect_figures, markdown=md.figures_lines),
]


def render_markdown(data: dict, sections=None) -> str:
    """The whole report as markdown: the head, then each section present in ``data``."""
    lines = md.head_lines(data)
    for sec in SECTIONS if sections is None else sections:
        if sec.markdown is not None and sec.key in data:
            lines += sec.markdown(data)
    return "\n".join(lines).rstrip() + "\n"
