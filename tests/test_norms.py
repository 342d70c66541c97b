"""Norm: the one parser of norm exponents."""
import math
import pickle

import pytest
from hypothesis import given, strategies as st

from approxbounds.norms import SUP, Norm


@pytest.mark.parametrize("value", [math.inf, "sup", "inf", "SUP", " max ", "Infinity", "+inf", SUP])
def test_sup_words(value):
    n = Norm.parse(value)
    assert n.is_sup and n == SUP and n.p == math.inf
    assert n.label == "sup norm" and n.to_json() == "sup" and n.short == "sup"


@pytest.mark.parametrize("value, p, label, js", [(1, 1.0, "L^1", 1), (2, 2.0, "L^2", 2), (2.0, 2.0, "L^2", 2),
                                                 (1.5, 1.5, "L^1.5", 1.5), ("4", 4.0, "L^4", 4),
                                                 (1e300, 1e300, "L^1e+300", 1e300)])
def test_finite(value, p, label, js):
    n = Norm.parse(value)
    assert not n.is_sup and n.p == p and n.label == label and n.to_json() == js
    assert Norm.from_json(n.to_json()) == n


@pytest.mark.parametrize("bad", [0.999, 0, -1, -math.inf, math.nan, "nan", "-inf", "L2", "", "p"])
def test_value_errors_name_norm(bad):
    with pytest.raises(ValueError, match="norm"):
        Norm.parse(bad)


@pytest.mark.parametrize("bad", [None, True, False, [2], {"p": 2}, 2j])
def test_type_errors_name_norm(bad):
    with pytest.raises(TypeError, match="norm"):
        Norm.parse(bad)


def test_custom_parameter_name():
    with pytest.raises(ValueError, match="^q must"):
        Norm.parse(0.5, name="q")


def test_from_json_is_strict():
    with pytest.raises(ValueError):
        Norm.from_json("inf")
    with pytest.raises(ValueError):
        Norm.from_json(math.inf)
    assert Norm.from_json("sup") is SUP


def test_latex_and_label_with():
    assert Norm.parse(2).latex == "$L^{2}$"
    assert "infty" in SUP.latex
    assert Norm.parse(2).label_with("lebesgue") == "L^2(lebesgue)"
    assert SUP.label_with("lebesgue") == "sup norm"


def test_order_hash_pickle():
    assert Norm.parse(1) < Norm.parse(2) <= Norm.parse(2) < SUP
    assert Norm.parse(4) > 2 and Norm.parse(4) >= "4"
    assert len({Norm.parse(2), Norm.parse(2.0), Norm.parse("2")}) == 1
    assert pickle.loads(pickle.dumps(Norm.parse(3))) == Norm.parse(3)
    with pytest.raises(AttributeError):
        Norm.parse(2).p = 3


@given(st.floats(min_value=1.0, max_value=1e308, allow_nan=False, allow_infinity=False))
def test_round_trip(p):
    n = Norm.parse(p)
    assert Norm.from_json(n.to_json()) == n
    assert Norm.parse(n.label[2:]) == n if n.label.startswith("L^") else True


def test_integers_beyond_the_double_range_are_value_errors():
    from approxbounds._validation import check_real

    with pytest.raises(ValueError, match="norm must be .* double range"):
        Norm.parse(10**400)
    with pytest.raises(ValueError, match="alpha must be finite"):
        check_real("alpha", 10**400, low=0.0)
