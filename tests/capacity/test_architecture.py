from fractions import Fraction

import pytest

from approxbounds.capacity.architecture import Architecture


@pytest.mark.parametrize("spec,W,U,L,Lbar,R", [
    ("1,2,1", 7, 3, 2, Fraction(11, 7), 4),
    ("1,10,1", 31, 11, 2, Fraction(51, 31), 12),
    ("1,10,10,10,1", 251, 31, 4, Fraction(641, 251), 64),
    ("2,16,16,1", 337, 33, 3, Fraction(705, 337), 51),
])
def test_bhlm_counts(spec, W, U, L, Lbar, R):
    a = Architecture.parse(spec)
    assert (a.W, a.U, a.L, a.Lbar, a.R) == (W, U, L, Lbar, R)
    assert isinstance(a.R, int) and isinstance(a.Lbar, Fraction)


def test_independent_recount():
    # count parameters by enumerating every weight and bias
    a = Architecture.parse("3,4x2,5,1", "piecewise_polynomial", pieces=3, degree=2)
    sizes = [3, 4, 4, 5, 1]
    params = [[("w", i, j, l) for i in range(sizes[l]) for j in range(sizes[l + 1])]
              + [("b", j, l) for j in range(sizes[l + 1])] for l in range(4)]
    assert a.W == sum(len(p) for p in params)
    assert a.W_i == tuple(sum(len(p) for p in params[: i + 1]) for i in range(4))
    assert a.R == sum(k * (1 + i * 2 ** i) for i, k in enumerate(sizes[1:]))
    h = Architecture.parse("3,4x2,5,1", "hard_threshold")
    assert h.W_i == tuple(len(p) for p in params) and h.Lbar == 1 and h.R == h.U


def test_short_form_and_repr():
    a = Architecture.parse("2,35x9,1")
    assert a.widths == (35,) * 9 + (1,)
    assert a.spec() == "2,35x9,1"
    assert "W=10221" in repr(a)
    assert Architecture.mlp(2, [35] * 9) == a
    d = a.to_dict()
    assert d["Lbar_fraction"] == f"{a.Lbar.numerator}/{a.Lbar.denominator}"


def test_quantization_defaults():
    a = Architecture.parse("1,10,1", bits=3)
    assert a.quantization.n_float == a.U and a.n_quantized == a.W - a.U and not a.is_finite
    b = Architecture.parse("1,10,1", bits=3, quantize="all")
    assert b.quantization.n_float == 0 and b.n_quantized == b.W and b.is_finite


@pytest.mark.parametrize("kwargs,exc,msg", [
    (dict(spec="1,0,1"), ValueError, "widths"),
    (dict(spec="1,-3,1"), ValueError, "token"),
    (dict(spec="1,2.5,1"), ValueError, "token"),
    (dict(spec="1"), ValueError, "arch"),
    (dict(spec="2x3,1"), ValueError, "input dimension"),
    (dict(spec="1,10,1", bits=0), ValueError, "bits must be >= 1"),
    (dict(spec="1,10,1", activation="tanh"), ValueError, "valid values"),
    (dict(spec="1,10,1", quantize="half", bits=2), ValueError, "quantize"),
])
def test_bad_input(kwargs, exc, msg):
    spec = kwargs.pop("spec")
    with pytest.raises(exc, match=msg):
        Architecture.parse(spec, **kwargs)


def test_bad_mlp_input():
    with pytest.raises(TypeError, match="widths"):
        Architecture.mlp(1, [2.0])
    with pytest.raises(ValueError, match="d_in"):
        Architecture.mlp(0, [2])
    with pytest.raises(ValueError, match="n_float"):
        Architecture.mlp(1, [2], n_float=3)
