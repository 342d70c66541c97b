"""The report's band section: certified lower and upper bounds side by side, and the gaps.

Jobs are module-level pure functions of a JSON configuration (see
:mod:`approxbounds.report.sections`). The sweep is that of issue 11 (one-dimensional Hölder
and monotone classes against ``1,k,1`` ReLU and hard-threshold networks, L^1, L^2, L^4 and
sup; the smoke report uses three widths), computed by :mod:`approxbounds.upper.sweep`.
"""
from __future__ import annotations

__all__ = ["band_job", "band_lines", "SMOKE_WIDTHS"]

#: widths k of the 1,k,1 nets in the smoke report (the full report uses the sweep's own)
SMOKE_WIDTHS = (1, 16, 256)


def band_job(config: dict) -> dict:
    """``config = {"smoke": bool}`` -> ``{"rows": [...], "summary": {...}, "headers": [...]}``
    (every band verified on both sides; ``soundness`` false if any lower exceeds its upper)."""
    from approxbounds.upper.sweep import (BAND_HEADERS, SWEEP_WIDTHS, band_rows, band_table,
                                          gap_summary, sweep_cases)

    widths = SMOKE_WIDTHS if config["smoke"] else SWEEP_WIDTHS
    rows = band_rows(sweep_cases(widths=widths, d2=not config["smoke"]))
    sound = all(r.lower is None or r.upper is None or r.lower <= r.upper for r in rows)
    one_d = [r for r in rows if "d=1" in r.function_class]
    return {"headers": list(BAND_HEADERS), "rows": [list(t) for t in band_table(rows)],
            "summary": {"one_dimensional": gap_summary(one_d), "all": gap_summary(rows)},
            "soundness": sound}


def band_lines(data: dict) -> list[str]:
    """Markdown of the band section."""
    b = data["bands"]
    s = b["summary"]
    out = ["## The certified band: lower <= dist(F, G) <= upper", "",
           "Every lower bound is a verified certificate (docs/theory.md; Theorem P is the piece "
           "count of one-dimensional networks), every upper bound an explicit network of the same "
           "architecture with a proved error (docs/upper_bounds.md); both re-verify at 50 digits "
           "with `approxbounds verify`. `approxbounds band ...` prints one band as JSON.", ""]
    for key, label in (("one_dimensional", "one-dimensional"), ("all", "all")):
        for norm in ("Lp", "sup"):
            g = s.get(key, {}).get(norm)
            if g and g.get("n"):
                w = g["worst_row"]
                out.append(f"- {label} classes, {'L^p' if norm == 'Lp' else 'sup norm'}: median gap "
                           f"u/l = {g['median']:.3g} over {g['n']} bands (worst {g['worst']:.3g}: "
                           f"{w['function_class']}, {w['network_class']} {w['activation']}, {w['norm']})")
    out.append(f"- soundness (no lower bound above its upper bound): "
               f"{'PASS' if b['soundness'] else 'FAIL'}")
    out += ["", "| " + " | ".join(b["headers"]) + " |", "|" + "---|" * len(b["headers"])]
    out += ["| " + " | ".join(row) + " |" for row in b["rows"]]
    return out + [""]
