import pytest

from approxbounds.capacity.activation import ACTIVATION_NAMES, Activation


@pytest.mark.parametrize("name,pieces,degree,bp", [
    ("relu", 2, 1, 1), ("leaky_relu", 2, 1, 1), ("hard_threshold", 2, 0, 1),
    ("identity", 1, 1, 0)])
def test_fixed_names(name, pieces, degree, bp):
    a = Activation.from_name(name)
    assert (a.pieces, a.degree, a.breakpoints) == (pieces, degree, bp)
    assert a.bhlm_p == max(bp, 1)


def test_parametrised_and_tuple():
    assert Activation.from_name("piecewise_linear", pieces=5) == Activation("piecewise_linear", 5, 1)
    a = Activation.from_name("piecewise_polynomial", pieces=3, degree=2)
    assert (a.breakpoints, a.degree) == (2, 2)
    assert Activation.coerce((4, 3)) == Activation("piecewise_polynomial", 4, 3)
    assert Activation.coerce(a) is a


def test_bad_input():
    with pytest.raises(ValueError, match="valid values: relu"):
        Activation.from_name("sigmoid")
    with pytest.raises(ValueError, match="pieces"):
        Activation.from_name("piecewise_linear")
    with pytest.raises(ValueError, match="degree"):
        Activation.from_name("piecewise_polynomial", pieces=3)
    with pytest.raises(ValueError, match="pieces must be >= 1"):
        Activation.from_pieces(0, 1)
    with pytest.raises(ValueError, match="degree must be >= 0"):
        Activation.from_pieces(2, -1)
    with pytest.raises(ValueError, match="relu"):
        Activation.from_name("relu", pieces=3)
    with pytest.raises(TypeError):
        Activation.coerce(3.5)
    assert set(ACTIVATION_NAMES) >= {"relu", "identity"}
