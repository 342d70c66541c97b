r"""Rich display of the package's results in Jupyter: markdown, LaTeX and HTML.

One function per (kind of result, format), each returning a string built only from the
public attributes of the object:

========================  ==============================  =================================
object                    what is shown                   functions
========================  ==============================  =================================
``Certificate``           the inequality, its value, the  :func:`certificate_markdown`,
(:mod:`approxbounds.      theorem, verified-by tags       :func:`certificate_latex`,
lower`)                   [V]/[P]                         :func:`certificate_html`
``Bound``                 the capacity bound, method,     :func:`bound_markdown`, ...
(:mod:`approxbounds.      tag (certified or rate only)
capacity`)
``Rate``                  the rate-only statement [R]     :func:`rate_markdown`, ...
(:mod:`approxbounds.
rates`)
========================  ==============================  =================================

:func:`rich` wraps any of them in an object with ``_repr_markdown_``, ``_repr_latex_`` and
``_repr_html_`` (``display(rich(cert))`` in a notebook); the classes themselves can delegate
their ``_repr_*_`` methods here (this module imports none of them, nor anything that imports
them -- only :mod:`approxbounds.norms` -- and reads public attributes, so there is no import
cycle). Values are printed to 4 significant digits in scientific notation,
so a certified value of 1e-9 never shows as ``0.0``.
"""
from __future__ import annotations

import html
import math

__all__ = ["rich", "Rich", "fmt_sci", "certificate_markdown", "certificate_latex",
           "certificate_html", "band_markdown", "band_latex", "band_html", "bound_markdown", "bound_latex", "bound_html", "rate_markdown",
           "rate_latex", "rate_html"]

_TAG_WORDS = {"V": "checked against the cited source", "P": "proved in docs/ and checked numerically",
              "R": "rate only, not certified"}


def fmt_sci(x, digits: int = 4) -> str:
    """``x`` in scientific notation with ``digits`` significant digits (``1.234e-05``)."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return f"{x:.{digits - 1}e}"


def _latex_sci(x, digits: int = 4) -> str:
    text = fmt_sci(x, digits)
    if "e" not in text:
        return text
    mant, exp = text.split("e")
    return rf"{mant} \times 10^{{{int(exp)}}}"


def _tex_text(s: str) -> str:
    """Escape plain text for ``\\text{...}``."""
    out = str(s)
    for a, b in (("\\", r"\textbackslash "), ("_", r"\_"), ("%", r"\%"), ("&", r"\&"),
                 ("#", r"\#"), ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}")):
        out = out.replace(a, b)
    return out


def _norm_tex(norm) -> str:
    from approxbounds.norms import Norm

    return Norm.parse(norm).subscript


def _norm_label(norm) -> str:
    from approxbounds.norms import Norm

    return Norm.parse(norm).label


# ------------------------------------------------------------------------------ certificates
def _cert_parts(cert) -> dict:
    """Lower (``Certificate``) or upper (``UpperCertificate``) certificate, from its claim."""
    lab = cert.to_dict(alternatives=False)["labels"]      # the file's labels: names, statement
    upper = cert.claim.statement == "upper"
    how = lab["theorem"]
    if getattr(cert, "transferred", False):
        how += f" at {cert.certified_view().norm_label}, carried over by Lemma T"
    return {"F": lab["function_class"], "G": lab["network_class"], "norm": lab["norm"],
            "value": cert.value, "how": how, "statement": lab.get("statement", ""),
            "tags": sorted(set(cert.tags.values())), "n_statements": len(cert.tags),
            "p": _norm_tex(cert.norm), "upper": upper,
            "rel": r"\le" if upper else r"\ge", "rel_html": "≤" if upper else "≥",
            "kind": "Certified upper bound" if upper else "Certified lower bound"}


def certificate_markdown(cert) -> str:
    """Markdown: the inequality with its value, theorem (or construction) and tags."""
    c = _cert_parts(cert)
    tags = ", ".join(f"[{t}]" for t in c["tags"])
    return (f"**{c['kind']}** ({c['how']}): "
            f"$\\sup_{{f\\in F}}\\inf_{{g\\in G}}\\|f-g\\|_{{{c['p']}}} {c['rel']} {_latex_sci(c['value'])}$  \n"
            f"F = {c['F']}; G = {c['G']}; norm {c['norm']}.  \n"
            f"Value **{fmt_sci(c['value'])}**; {c['n_statements']} statements relied on, tagged {tags}"
            f" (certified: [V]/[P] only). {c['statement']}")


def certificate_latex(cert) -> str:
    """LaTeX (display math): the inequality, the value and the theorem."""
    c = _cert_parts(cert)
    return (r"$$\sup_{f\in F}\ \inf_{g\in G}\ \|f-g\|_{" + c["p"] + r"} \;" + c["rel"] + r"\; "
            + _latex_sci(c["value"]) + r"\qquad\text{(" + _tex_text(c["how"]) + "; "
            + _tex_text(", ".join(f"[{t}]" for t in c["tags"])) + r")}$$")


def certificate_html(cert) -> str:
    """HTML table: F, G, norm, value, theorem, tags."""
    c = _cert_parts(cert)
    rows = [(c["kind"].lower(), fmt_sci(c["value"])), ("function class F", c["F"]),
            ("network class G", c["G"]), ("norm", c["norm"]), ("theorem", c["how"]),
            ("statement", c["statement"]),
            ("tags", ", ".join(f"[{t}] {_TAG_WORDS.get(t, '')}" for t in c["tags"]))]
    return _html_table(f"sup<sub>f∈F</sub> inf<sub>g∈G</sub> ‖f − g‖ {c['rel_html']} "
                       + html.escape(fmt_sci(c["value"])), rows)


# ------------------------------------------------------------------------------ band
def band_markdown(band) -> str:
    """Markdown: ``lower <= dist <= upper`` with both theorems and the gap."""
    lo, up = _cert_parts(band.lower), _cert_parts(band.upper)
    return (f"**Certified band**: ${_latex_sci(lo['value'])} \\le \\sup_{{f\\in F}}\\inf_{{g\\in G}}"
            f"\\|f-g\\|_{{{lo['p']}}} \\le {_latex_sci(up['value'])}$ (gap {band.gap:.4g}).  \n"
            f"Lower **{fmt_sci(lo['value'])}** ({lo['how']}), upper **{fmt_sci(up['value'])}** "
            f"({up['how']}); F = {lo['F']}; G = {lo['G']}; norm {lo['norm']}.")


def band_latex(band) -> str:
    lo, up = _cert_parts(band.lower), _cert_parts(band.upper)
    return (f"$${_latex_sci(lo['value'])} \\;\\le\\; \\sup_{{f\\in F}}\\ \\inf_{{g\\in G}}\\ "
            f"\\|f-g\\|_{{{lo['p']}}} \\;\\le\\; {_latex_sci(up['value'])}\\qquad\\text{{(gap "
            f"{band.gap:.4g})}}$$")


def band_html(band) -> str:
    lo, up = _cert_parts(band.lower), _cert_parts(band.upper)
    rows = [("certified lower bound", f"{fmt_sci(lo['value'])} ({lo['how']})"),
            ("certified upper bound", f"{fmt_sci(up['value'])} ({up['how']})"),
            ("gap upper/lower", f"{band.gap:.4g}"), ("function class F", lo["F"]),
            ("network class G", lo["G"]), ("norm", lo["norm"])]
    return _html_table(html.escape(f"{fmt_sci(lo['value'])} ≤ dist ≤ {fmt_sci(up['value'])}"), rows)


# ------------------------------------------------------------------------------ capacity bound
_QUANTITY_TEX = {"vcdim": r"\mathrm{VCdim}", "pdim": r"\mathrm{Pdim}",
                 "log2_growth": r"\log_2 \Pi", "log2_size": r"\log_2 |G|"}
_QUANTITY_TEXT = {"vcdim": "VC dimension", "pdim": "pseudo-dimension",
                  "log2_growth": "log2 of the growth function", "log2_size": "log2 of the class size"}


def _bound_kind(bound) -> str:
    return "certified" if bound.certified else "rate only, not certified"


def bound_markdown(bound) -> str:
    """Markdown: ``quantity <= value`` with method, tag and source."""
    q = _QUANTITY_TEX.get(bound.quantity, _tex_text(bound.quantity))
    return (f"**{_QUANTITY_TEXT.get(bound.quantity, bound.quantity)}** "
            f"$ {q} \\le {_latex_sci(bound.value)}$ "
            f"([{bound.tag}], {_bound_kind(bound)}); method `{bound.method}`; {bound.source}")


def bound_latex(bound) -> str:
    """LaTeX: ``quantity <= value`` and the tag."""
    q = _QUANTITY_TEX.get(bound.quantity, _tex_text(bound.quantity))
    return (f"$${q} \\le {_latex_sci(bound.value)}\\qquad\\text{{([{bound.tag}] "
            f"{_tex_text(bound.method)})}}$$")


def bound_html(bound) -> str:
    rows = [("bound", fmt_sci(bound.value)), ("quantity", _QUANTITY_TEXT.get(bound.quantity, bound.quantity)),
            ("method", bound.method), ("tag", f"[{bound.tag}] {_bound_kind(bound)}"),
            ("source", bound.source)]
    return _html_table(html.escape(f"{_QUANTITY_TEXT.get(bound.quantity, bound.quantity)} ≤ "
                                   f"{fmt_sci(bound.value)}"), rows)


# ------------------------------------------------------------------------------ rate
def _rate_sources(rate) -> str:
    return "; ".join(f"{stmt} [{tag}]" + (f" ({src})" if src else "")
                     for stmt, tag, src in rate.provenance)


def _rate_tex(rate) -> str:
    import sympy as sp

    if not rate.has_rate:
        return r"\text{no rate}"
    return (r"\operatorname{dist}(F, G) \gtrsim " + sp.latex(rate.expression)
            + r" \asymp (" + sp.latex(rate.size) + r")^{" + sp.latex(rate.exponent) + r"}\times\text{logs}")


def rate_markdown(rate) -> str:
    """Markdown: the rate-only statement [R], its exponent and sources."""
    head = f"**Rate only [R]** (not certified): {rate.F_name} by {rate.G_name} in {_norm_label(rate.norm)}"
    if not rate.has_rate:
        return f"{head}: no rate ({rate.reason})."
    return f"{head}: ${_rate_tex(rate)}$ (Theorem {rate.theorem}'s log factor).  \nSources: {_rate_sources(rate)}"


def rate_latex(rate) -> str:
    return f"$${_rate_tex(rate)}\\qquad\\text{{(rate only [R])}}$$"


def rate_html(rate) -> str:
    rows = [("F", rate.F_name), ("G", rate.G_name), ("norm", _norm_label(rate.norm)),
            ("exponent of size", "none" if not rate.has_rate else str(rate.exponent)),
            ("size", str(rate.size)), ("tag", "[R] rate only, not certified"),
            ("sources", _rate_sources(rate) or rate.reason)]
    title = "rate only [R]: " + ("no rate" if not rate.has_rate else f"dist ≳ ({rate.size})^({rate.exponent}) × logs")
    return _html_table(html.escape(title), rows)


# ------------------------------------------------------------------------------ helpers
def _html_table(title_html: str, rows) -> str:
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return f"<div><strong>{title_html}</strong><table>{body}</table></div>"


def _kind(obj) -> str:
    """Which display an object gets, by its public attributes (this module imports none of
    the classes, so they can delegate their ``_repr_*_`` methods here without an import cycle)."""
    claim = getattr(obj, "claim", None)
    if getattr(claim, "statement", None) in ("lower", "upper") and hasattr(obj, "tags"):
        return "certificate"                      # Certificate, UpperCertificate
    if hasattr(obj, "lower") and hasattr(obj, "upper") and hasattr(obj, "gap"):
        return "band"                             # Band
    if all(hasattr(obj, a) for a in ("quantity", "method", "value", "tag", "source")):
        return "bound"                            # capacity Bound
    if all(hasattr(obj, a) for a in ("exponent", "provenance", "has_rate", "F_name")):
        return "rate"                             # rates Rate
    raise TypeError(f"no rich display for {type(obj).__name__}; expected a Certificate, "
                    "UpperCertificate, Band, Bound or Rate")


_FUNCS = {
    "certificate": (certificate_markdown, certificate_latex, certificate_html),
    "band": (band_markdown, band_latex, band_html),
    "bound": (bound_markdown, bound_latex, bound_html),
    "rate": (rate_markdown, rate_latex, rate_html),
}


class Rich:
    """Jupyter display of a Certificate, UpperCertificate, Band, Bound or Rate (see :func:`rich`)."""

    def __init__(self, obj):
        self.obj = obj
        self._funcs = _FUNCS[_kind(obj)]

    def _repr_markdown_(self) -> str:
        return self._funcs[0](self.obj)

    def _repr_latex_(self) -> str:
        return self._funcs[1](self.obj)

    def _repr_html_(self) -> str:
        return self._funcs[2](self.obj)

    def __repr__(self) -> str:
        return repr(self.obj)


class RichDisplay:
    """Mixin: Jupyter shows instances as formatted statements (``_repr_markdown_``,
    ``_repr_latex_``, ``_repr_html_``) through :class:`Rich`. Certificates, bands, capacity
    bounds and rates inherit it; this module imports none of them (no import cycle)."""

    def _repr_markdown_(self) -> str:
        return Rich(self)._repr_markdown_()

    def _repr_latex_(self) -> str:
        return Rich(self)._repr_latex_()

    def _repr_html_(self) -> str:
        return Rich(self)._repr_html_()


def rich(obj) -> Rich:
    """Wrap a ``Certificate``, ``UpperCertificate``, ``Band``, ``Bound`` or ``Rate`` for rich
    display (``display(rich(x))``)."""
    return Rich(obj)
