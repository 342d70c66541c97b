"""Markdown of the report data (the content of report.json): the head and one renderer per
section (``*_lines(data) -> list of lines``); :mod:`approxbounds.report.sections` puts them
in order (:func:`approxbounds.report.render_markdown`)."""
from __future__ import annotations

import math

from approxbounds.claims import THEOREMS

__all__ = ["fmt_value", "theorem_name", "THEOREM_NAMES", "head_lines", "done_when_lines",
           "slopes_lines", "bounds_lines", "checks_lines", "figures_lines"]

#: certificate key (``Certificate.theorem``) -> short name (the table of approxbounds.claims)
THEOREM_NAMES = {key: th.short for key, th in THEOREMS.items()}


def theorem_name(key) -> str:
    """Short name of a certificate's theorem key ("D" -> "Lemma D", "L" -> "Thm L")."""
    return THEOREM_NAMES.get(key, f"Thm {key}")


def fmt_value(x, digits: int = 3) -> str:
    """Scientific notation with ``digits`` significant digits ("–" for None)."""
    if x is None:
        return "–"
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return f"{x:.{digits - 1}e}"


def _pick_W_rows(rows, n_show: int = 5):
    """At most ``n_show`` W values per depth, spread over the family (first and last kept)."""
    Ws = sorted({r["W"] for r in rows})
    if len(Ws) <= n_show:
        return set(Ws)
    idx = {round(i * (len(Ws) - 1) / (n_show - 1)) for i in range(n_show)}
    return {Ws[i] for i in idx}


def bounds_lines(data) -> list[str]:
    rows = data["bounds"]
    out = ["## Certified lower bounds", "",
           "Each cell: certified value of sup_f inf_g ||f - g||, the theorem that gives it and ✓ "
           "when `Certificate.verify(dps=50)` re-checked every inequality; below it, in "
           "italics, the **rate-only [R]** value (the bare rate of `approxbounds.rates.rate`, "
           "docs/rates.md §1, with constant 1, *not* certified). All W values of every family "
           "are in report.json.", ""]
    classes = list(dict.fromkeys(r["class"] for r in rows))
    for cls in classes:
        crow = [r for r in rows if r["class"] == cls]
        norms = list(dict.fromkeys(r["norm_key"] for r in crow))
        out += [f"### {cls}", "",
                "| L | W | arch | Pdim bound | " + " | ".join(n for n in norms) + " |",
                "|---|---|---|---|" + "---|" * len(norms)]
        for depth in sorted({r["depth"] for r in crow}):
            drow = [r for r in crow if r["depth"] == depth]
            keep = _pick_W_rows(drow)
            for W in sorted(keep):
                cells = []
                for n in norms:
                    hit = [r for r in drow if r["W"] == W and r["norm_key"] == n]
                    if not hit:
                        cells.append("–")
                        continue
                    r = hit[0]
                    if r["value"] is None:
                        cells.append("no certificate")
                        continue
                    mark = "✓" if r["verified"] else "✗ NOT VERIFIED"
                    rate = ("*[R] no rate*" if r["rate_only"] is None
                            else f"*[R] {fmt_value(r['rate_only'])}*")
                    cells.append(f"{fmt_value(r['value'])} ({theorem_name(r['theorem'])} {mark})"
                                 f"<br>{rate}")
                arch = next(r["arch"] for r in drow if r["W"] == W)
                pdim = next(r["pdim_bound"] for r in drow if r["W"] == W)
                out.append(f"| {depth} | {W:,} | `{arch}` | {fmt_value(pdim)} | "
                           + " | ".join(cells) + " |")
        out.append("")
    return out


def slopes_lines(data) -> list[str]:
    rows = data["slopes"]
    out = ["## Fitted slopes", "",
           "Least-squares slope of ln(certified bound) against ln(certified Pdim bound) over "
           f"the width family of depth {rows[0]['depth'] if rows else '–'} with W >= "
           f"{fmt_value(rows[0]['W_fit_min'] if rows else None, 2)} (large-W end), next to the "
           "predicted exponent of (W L) (rate only [R]): -alpha/d for Hölder balls (every norm), "
           "-1/max(d, p(d-1)) for monotone classes in L^p, no rate for monotone classes in sup "
           "norm (Lemma D keeps the bound at 1/2).", "",
           "| class | norm | fitted slope | predicted | deviation | within 0.05 | theorems | points |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        dev = "–" if r["deviation"] is None else f"{r['deviation']:+.4f}"
        within = "–" if r["within_0_05"] is None else ("yes" if r["within_0_05"] else "**no**")
        out.append(f"| {r['class']} | {r['norm_key']} | {r['fitted_slope']:.4f} | "
                   f"{r['predicted_text']} | {dev} | {within} | "
                   f"{', '.join(theorem_name(t) for t in r['theorems'])} | "
                   f"{r['n_used']} |")
    out.append("")
    return out


def done_when_lines(data) -> list[str]:
    dw = data["done_when"]
    out = ["## Slope checks against predicted exponents", "",
           "Pass/fail summary: the fitted slopes of the two reference settings must lie within "
           "0.05 of the predicted exponent (rate only [R]), every numeric proof check must "
           "pass and every certified value must re-verify.", ""]
    for item in dw["slopes"]:
        status = "PASS" if item["passed"] else "FAIL"
        out.append(f"- **{status}** slope for {item['class']} in {item['norm_key']}: "
                   f"fitted {item['fitted_slope']:.4f}, predicted {item['predicted']:.4f}, "
                   f"|difference| = {abs(item['fitted_slope'] - item['predicted']):.4f} <= 0.05")
    c = data["checks"]
    out.append(f"- **{'PASS' if c['passed'] else 'FAIL'}** numeric proof checks: "
               f"{c['n_checks'] - c['n_failed']}/{c['n_checks']} passed")
    out.append(f"- **{'PASS' if dw['all_verified'] else 'FAIL'}** every certified value in "
               f"this report verified at {data['settings']['dps']} digits "
               f"({dw['n_verified']}/{dw['n_bounds']})")
    out.append("")
    return out


def checks_lines(data) -> list[str]:
    from approxbounds.checks.registry import format_numbers

    c = data["checks"]
    out = ["## Numeric proof checks", "",
           f"{c['n_checks'] - c['n_failed']}/{c['n_checks']} passed (seed {c['seed']}; "
           "`approxbounds check` runs them alone).", "",
           "| status | check | claim | numbers |", "|---|---|---|---|"]
    for r in c["results"]:
        nums = format_numbers(r["numbers"]).replace("|", "\\|")
        out.append(f"| {'PASS' if r['passed'] else '**FAIL**'} | {r['name']} | "
                   f"{r['claim'].replace('|', chr(92) + '|')} | {nums} |")
    out.append("")
    return out


def figures_lines(data) -> list[str]:
    out = ["## Figures", ""]
    for name, desc in data["figures"].items():
        out += [f"**{desc}**", "", f"![{desc}](figures/{name})", ""]
    return out


def head_lines(data: dict) -> list[str]:
    """Title, provenance and settings (``data`` as written to report.json)."""
    s = data["settings"]
    return [
        "# approxbounds report: certified approximation lower bounds", "",
        f"Generated by `{data['command']}` (approxbounds {data['version']}"
        f"{', SMOKE settings' if s['smoke'] else ''}).", "",
        "Every *certified* number is a proven lower bound on sup_{f in F} inf_{g in G} "
        "||f - g|| for ReLU networks G (Theorems L, S, C and Lemma D of docs/theory.md, built "
        "only from [V]/[P] statements) and was re-verified with mpmath. Numbers marked "
        "**[R]** are *rate only*: literature asymptotics with constants set to 1, for "
        "comparison, never certified.", "",
        f"Settings: classes {', '.join(data['class_names'])}; norms "
        f"{', '.join(k for k in s['norm_keys'])}; depths {s['depths']}; "
        f"W from {fmt_value(s['W_min'], 2)} to {fmt_value(s['W_max'], 2)}; the bound tables use "
        f"{s['n_W']} log-spaced target W per (class, norm, depth) family; each slope fit uses "
        f"its own depth-{s.get('slope_depth', '–')} width family of {s.get('slope_n', '–')} "
        f"networks over the same W range, fitted on W >= "
        f"{fmt_value(s.get('W_fit_min'), 2)}; Lebesgue measure on [0,1]^d.", "",
        "Theorem names (docs/theory.md): Thm L (L^p, growth function), Thm S (sup norm, VC "
        "dimension), Thm C (counting, finite classes), Lemma D (monotone classes, sup norm).",
        ""]
