"""Soundness: no certified lower bound exceeds a certified upper bound anywhere in the sweep of
issue 11 (1-D Hölder alpha in {1, 0.5} and monotone; 1,k,1 ReLU and threshold nets,
k = 1..1000 log-spaced; p in {1, 2, 4} and sup; plus d = 2 cases)."""
import math

import numpy as np
import pytest

from approxbounds.classes import Holder, Monotone
from approxbounds.upper.sweep import (BAND_HEADERS, SWEEP_WIDTHS, band_curve, band_row, band_table,
                                      gap_summary, soundness_sweep, sweep_cases)

ROWS = soundness_sweep()


def test_sweep_covers_the_issue_grid():
    assert SWEEP_WIDTHS[0] == 1 and SWEEP_WIDTHS[-1] == 1000 and len(SWEEP_WIDTHS) >= 5
    one_d = [r for r in ROWS if r.network_class.startswith("1,")]
    assert len(one_d) == 3 * 2 * len(SWEEP_WIDTHS) * 4
    assert len(ROWS) == len(sweep_cases())


def test_no_lower_bound_exceeds_an_upper_bound():
    both = [r for r in ROWS if r.lower is not None and r.upper is not None]
    assert len(both) >= 0.95 * len(ROWS)
    for r in both:
        assert r.lower <= r.upper, r
        assert r.gap >= 1.0


def test_every_one_dimensional_case_has_an_upper_bound():
    for r in ROWS:
        if r.network_class.startswith("1,"):
            assert r.upper is not None and r.upper_construction in ("PL", "RQ", "RI", "ST", "U0"), r


def test_upper_side_closed_forms_in_the_sweep():
    for r in ROWS:
        if r.network_class == "1,1000,1" and r.activation == "relu" and r.function_class.startswith("Holder(d=1, alpha=1)"):
            p = math.inf if r.norm == "sup norm" else float(r.norm[2:])
            want = (1 / 2000) * (1.0 if p == math.inf else (p + 1) ** (-1 / p))
            assert r.upper == pytest.approx(want, rel=1e-10)


def test_gap_summary():
    s = gap_summary(ROWS)
    assert s["Lp"]["n"] > 0 and s["sup"]["n"] > 0
    assert 1.0 <= s["Lp"]["median"] <= s["Lp"]["worst"]
    assert 1.0 <= s["sup"]["median"] <= s["sup"]["worst"]
    assert s["Lp"]["worst_row"]["gap"] == s["Lp"]["worst"]


def test_band_row_reports_a_missing_side():
    from approxbounds.capacity import Architecture

    row = band_row(Holder(1, 1.0), Architecture.parse("1,4,1", bits=2, quantize="all"), 2)
    assert row.upper is None and "upper" in row.note and row.gap is None


def test_band_curve():
    c = band_curve(Holder(1, 1.0), 2, widths=(2, 8, 32))
    assert list(c.W) == [7, 25, 97]
    assert np.all(c.lower <= c.upper) and np.all(np.diff(c.upper) < 0)
    assert c.constructions == ["PL", "PL", "PL"]
    m = band_curve(Monotone(1), "sup", widths=(2, 8), activation="hard_threshold")
    assert np.all(m.gap >= 1)
    with pytest.raises(ValueError):
        band_curve(Holder(1, 1.0), 2, widths=())


def test_band_table():
    table = band_table(ROWS[:5])
    assert len(table) == 5 and all(len(r) == len(BAND_HEADERS) for r in table)
    assert table[0][0] == ROWS[0].function_class and table[0][-1] == f"{ROWS[0].gap:.4g}"
