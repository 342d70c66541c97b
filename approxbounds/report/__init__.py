"""The main report (``approxbounds report``): certified bounds for Hölder and monotone classes
against ReLU networks, fitted slopes next to the predicted exponents, the numeric proof
checks and the figures, written as report.md + report.json + figures/ (docs/report.md).

* :func:`build_report` -- compute and write everything (on any executor; resumable);
* :func:`report_data` -- compute the content only;
* :data:`SECTIONS`, :class:`Section` -- what the report holds, one entry per section
  (:mod:`approxbounds.report.sections`);
* :class:`ReportConfig`, :data:`FULL`, :data:`SMOKE` -- what is computed;
* :func:`predicted_exponent` -- -alpha/d (Hölder), -1/max(d, p(d-1)) (monotone, L^p),
  None (monotone, sup norm); rate only [R].
"""
from approxbounds.report.builder import build_report, report_data
from approxbounds.report.sections import SECTIONS, Section, render_markdown
from approxbounds.report.sweep import (DONE_WHEN, FULL, SMOKE, ReportConfig, bound_rows,
                                       predicted_exponent, slope_rows)

__all__ = ["build_report", "report_data", "render_markdown", "SECTIONS", "Section", "ReportConfig",
           "FULL", "SMOKE", "DONE_WHEN", "predicted_exponent", "bound_rows", "slope_rows"]
