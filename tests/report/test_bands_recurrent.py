"""The report's band and recurrent sections (approxbounds.report.bands / .recurrent)."""
from approxbounds.report.bands import band_job, band_lines
from approxbounds.report.recurrent import recurrent_job, recurrent_lines


def test_band_section_smoke():
    data = {"bands": band_job({"smoke": True})}
    b = data["bands"]
    assert b["soundness"] is True and len(b["rows"]) == 3 * 3 * 2 * 4   # classes x widths x acts x norms
    g = b["summary"]["one_dimensional"]
    assert g["Lp"]["median"] <= 1e2 and g["sup"]["median"] <= 2 + 1e-9   # issue 11's stretch targets
    for row in b["rows"]:
        lower, upper = float(row[5]), float(row[7])
        assert 0 < lower <= upper
    text = "\n".join(band_lines(data))
    assert "median gap" in text and "soundness (no lower bound above its upper bound): PASS" in text
    assert text.count("| Holder(d=1, alpha=1) |") == 2 * 3 * 4


def test_recurrent_section_smoke():
    data = {"recurrent": recurrent_job({"smoke": True})}
    rows = data["recurrent"]["rows"]
    assert {r["model"].split()[0] for r in rows} >= {"HadamRNN", "Block-HadamRNN", "QORNN-bjorck"}
    assert all(r["verified"] and r["recurrent_certified"] > 0 and r["storage_certified"] > 0 for r in rows)
    # the floor decreases with storage: more bits, more functions, a lower floor
    by_bits = sorted((r["storage_bits"], r["storage_certified"]) for r in rows)
    assert all(a[1] >= b[1] for a, b in zip(by_bits, by_bits[1:]))
    text = "\n".join(recurrent_lines(data))
    assert "## Recurrent and quantized networks" in text and text.count("| yes |") == len(rows)
