"""Tests for approxbounds.display: markdown / LaTeX / HTML of certificates, bounds and rates."""
import re

import pytest

import approxbounds as ab
from approxbounds.display import (bound_html, bound_latex, bound_markdown, certificate_html,
                                  certificate_latex, certificate_markdown, fmt_sci, rate_latex,
                                  rate_markdown, rich)


@pytest.fixture(scope="module")
def cert():
    G = ab.Architecture.mlp(d_in=2, hidden=[35] * 9, activation="relu")
    return ab.lower_bound(ab.Holder(d=2, alpha=1.0), G, norm=2)


def _mantissa_exponent(text):
    m = re.search(r"([0-9]\.[0-9]{3}) \\times 10\^\{(-?[0-9]+)\}", text)
    return float(m.group(1)) * 10.0 ** int(m.group(2))


def test_certificate_formats_carry_value_theorem_and_tags(cert):
    md, tex, html = certificate_markdown(cert), certificate_latex(cert), certificate_html(cert)
    assert cert.value < 1e-4                                  # a value that "%.3f" would print as 0.000
    assert fmt_sci(cert.value) in md and fmt_sci(cert.value) in html
    assert _mantissa_exponent(tex) == pytest.approx(cert.value, rel=1e-3)
    assert _mantissa_exponent(md) == pytest.approx(cert.value, rel=1e-3)
    for text in (md, tex, html):
        assert "Theorem L" in text and "[P]" in text
    assert tex.startswith("$$") and tex.endswith("$$") and r"\|f-g\|_{2}" in tex
    assert "<table>" in html and "Holder(d=2, alpha=1)" in html


def test_sup_norm_and_lemma_d():
    G = ab.Architecture.mlp(3, [20] * 2)
    c = ab.lower_bound(ab.Monotone(3), G, norm="sup")
    assert "Lemma D" in certificate_markdown(c) and r"\|f-g\|_{\infty}" in certificate_latex(c)
    assert "5.000e-01" in certificate_html(c)


def test_bound_and_rate(cert):
    G = ab.Architecture.mlp(2, [35] * 9)
    b = ab.pdim_bound(G)
    assert r"\mathrm{Pdim} \le" in bound_latex(b) and f"[{b.tag}]" in bound_markdown(b)
    assert "certified" in bound_html(b) and b.method in bound_markdown(b)
    r = ab.rate(ab.Holder(2, 1.0), G)
    md = rate_markdown(r)
    assert "Rate only [R]" in md and "not certified" in md and "Achour" in md
    assert r"(L W)^{- \frac{1}{2}}" in rate_latex(r)


def test_rich_wrapper_dispatches_and_rejects(cert):
    w = rich(cert)
    assert w._repr_markdown_() == certificate_markdown(cert)
    assert w._repr_latex_() == certificate_latex(cert)
    assert w._repr_html_() == certificate_html(cert)
    assert repr(w) == repr(cert)
    with pytest.raises(TypeError, match="Certificate, UpperCertificate, Band, Bound or Rate"):
        rich(3.0)


def test_latex_escapes_text():
    from approxbounds.display import _tex_text

    assert _tex_text("a_b%c&d#e$f{g}") == r"a\_b\%c\&d\#e\$f\{g\}"


def test_upper_certificate_and_band():
    from approxbounds.display import band_html, band_latex, band_markdown

    G = ab.Architecture.mlp(2, [35] * 9)
    b = ab.band(ab.Holder(2, 1.0), G, norm=2)
    up = certificate_markdown(b.upper)
    assert up.startswith("**Certified upper bound**") and r"\le" in up and fmt_sci(b.upper.value) in up
    assert r"\;\le\;" in certificate_latex(b.upper) and "≤" in certificate_html(b.upper)
    md, tex, html = band_markdown(b), band_latex(b), band_html(b)
    for text in (md, html):
        assert fmt_sci(b.lower.value) in text and fmt_sci(b.upper.value) in text
    assert f"{b.gap:.4g}" in md and f"{b.gap:.4g}" in tex and f"{b.gap:.4g}" in html
    assert _mantissa_exponent(tex) == pytest.approx(b.lower.value, rel=1e-3)
    assert rich(b)._repr_markdown_() == md and rich(b.upper)._repr_latex_() == certificate_latex(b.upper)


def test_displayed_classes_can_delegate_without_an_import_cycle():
    """Certificate, UpperCertificate, Band, Bound and Rate may import approxbounds.display in
    their ``_repr_*_`` methods: adding those edges to the package's import graph keeps it acyclic."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent / "test_import_cycles.py"
    spec = importlib.util.spec_from_file_location("_import_cycles_for_display", path)
    cycles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cycles)
    graph = cycles.import_graph()
    for mod in ("approxbounds.lower.certificate", "approxbounds.upper.certificate", "approxbounds.upper.api",
                "approxbounds.capacity.bound", "approxbounds.rates.exponents"):
        graph[mod].add("approxbounds.display")
    assert cycles.find_cycle(graph) is None


def test_bound_and_rate_show_themselves_in_notebooks():
    """Bound and Rate carry the rich-display hooks (IPython calls _repr_*_)."""
    import approxbounds as ab
    from approxbounds.display import bound_html, bound_latex, bound_markdown, rate_latex, rate_markdown

    b = ab.vcdim_bound(ab.Architecture.parse("1,10,1"))
    r = ab.rate(ab.Holder(2, 1.0), "relu", 2)
    assert b._repr_markdown_() == bound_markdown(b) and b._repr_latex_() == bound_latex(b)
    assert b._repr_html_() == bound_html(b) and "VC dimension" in b._repr_html_()
    assert r._repr_markdown_() == rate_markdown(r) and r._repr_latex_() == rate_latex(r)
    assert "[R]" in r._repr_markdown_()


def test_certificates_and_bands_show_themselves_in_notebooks():
    import approxbounds as ab
    from approxbounds.display import band_html, certificate_latex, certificate_markdown

    lo = ab.lower_bound(ab.Holder(1, 1.0), "1,8,1", norm=2)
    up = ab.upper_bound(ab.Holder(1, 1.0), "1,8,1", norm=2)
    b = ab.band(ab.Holder(1, 1.0), "1,8,1", norm=2)
    for c in (lo, up):
        assert c._repr_markdown_() == certificate_markdown(c) and c._repr_latex_() == certificate_latex(c)
        assert "<table" in c._repr_html_()
    assert b._repr_html_() == band_html(b) and "gap" in b._repr_markdown_().lower()
