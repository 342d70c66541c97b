import pytest

from approxbounds.checks.gadget_check import check_yarotsky_gadget


def test_gadget(by_name):
    (r,) = by_name["yarotsky"]
    assert r.passed and r.numbers["error_m5"] == 2.0 ** -12
    assert r.numbers["max_network_vs_function"] < 1e-12


def test_bad_m_max():
    with pytest.raises(ValueError, match="m_max"):
        check_yarotsky_gadget(m_max=3)
