from fractions import Fraction

import pytest

from approxbounds.report.sweep import FULL, ReportConfig, make_class, predicted_exponent


@pytest.mark.parametrize("spec,norm,expected", [
    (("holder", 2, 1.0), 2, Fraction(-1, 2)),
    (("holder", 3, 0.5), "sup", Fraction(-1, 6)),
    (("holder", 1, 2.0), 4, Fraction(-2)),
    (("monotone", 3), 4, Fraction(-1, 8)),
    (("monotone", 3), 1, Fraction(-1, 3)),
    (("monotone", 2), 2, Fraction(-1, 2)),
    (("monotone", 1), 4, Fraction(-1)),
    (("monotone", 2), "sup", None),
])
def test_predicted_exponent(spec, norm, expected):
    assert predicted_exponent(spec, norm) == expected


def test_predicted_matches_rate_module():
    from approxbounds.rates import rate

    for spec, norm in ((("holder", 2, 0.5), 2), (("monotone", 3), 4), (("monotone", 2), 1)):
        assert float(rate(make_class(spec), "relu", norm).exponent) == float(
            predicted_exponent(spec, norm))


def test_full_config_covers_the_issue():
    assert len(FULL.classes) == 12 and FULL.norms == (1, 2, 4, "sup")
    assert FULL.W_min == 1e2 and FULL.W_max == 1e8 and len(FULL.depths) >= 3


@pytest.mark.parametrize("kw,match", [
    ({"classes": ()}, "classes"),
    ({"classes": (("holder", 0, 1.0),)}, "d"),
    ({"classes": (("holder", 2, -1.0),)}, "alpha"),
    ({"classes": (("spline", 2),)}, "class spec"),
    ({"classes": (("monotone", 2),), "norms": (0.5,)}, "norms"),
    ({"classes": (("monotone", 2),), "depths": (1,)}, "depths"),
    ({"classes": (("monotone", 2),), "n_W": 1}, "n_W"),
    ({"classes": (("monotone", 2),), "W_min": 1e3, "W_max": 1e2}, "W_max"),
])
def test_config_validation(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        ReportConfig(**kw)
