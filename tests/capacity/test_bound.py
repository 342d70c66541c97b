import json
import math
from fractions import Fraction

import numpy as np
import pytest

from approxbounds.capacity.bound import JSON_EXACT_INT, Bound, float_up


def _json(b):
    """Strict JSON (no NaN/Infinity tokens) round trip."""
    return json.loads(json.dumps(b.to_dict(), allow_nan=False))


def test_roundtrip_json_numbers_stay_numbers():
    b = Bound("vcdim", "m", 3.5, "V", "src", {"Lbar": Fraction(3, 2), "big": 2**100,
                                              "small": 7, "edge": 2**53, "flag": True})
    d = _json(b)
    assert d["value"] == 3.5 and d["certified"]
    ing = d["ingredients"]
    assert ing["Lbar"] == 1.5 and ing["Lbar_exact"] == "3/2"
    assert ing["big"] == float(2**100) and isinstance(ing["big"], float)
    assert int(ing["big_exact"]) == 2**100
    assert ing["small"] == 7 and "small_exact" not in ing
    assert ing["edge"] == 2**53 and "edge_exact" not in ing  # still exact as a double
    assert ing["flag"] is True and "flag_exact" not in ing
    assert not Bound("vcdim", "m", 1, "R", "s").certified


def test_json_beyond_double_precision_and_range():
    ing = {"N": 2**53 + 1, "neg": -(10**30), "huge": 10**400, "inf": math.inf,
           "nan": math.nan, "W_i": [3, 2**70, Fraction(1, 3)], "np": np.int64(5),
           "nested": {"deep": [[10**20]]}}
    d = _json(Bound("log2_growth", "m", 1.0, "P", "s", ing))["ingredients"]
    assert d["N"] == float(2**53) and int(d["N_exact"]) == 2**53 + 1
    assert d["neg"] == -1e30 and int(d["neg_exact"]) == -(10**30)
    assert d["huge"] is None and int(d["huge_exact"]) == 10**400
    assert d["inf"] is None and d["inf_exact"] == "inf"
    assert d["nan"] is None and d["nan_exact"] == "nan"
    assert d["W_i"] == [3, float(2**70), 1 / 3]
    assert d["W_i_exact"] == [3, str(2**70), "1/3"]
    assert d["np"] == 5 and isinstance(d["np"], int)
    assert d["nested"]["deep"] == [[1e20]] and d["nested"]["deep_exact"] == [[str(10**20)]]


def test_json_exact_name_clash_is_an_error():
    b = Bound("vcdim", "m", 1.0, "V", "s", {"N": 10**30, "N_exact": "x"})
    with pytest.raises(ValueError, match="N_exact"):
        b.to_dict()


def test_float_up_never_below_the_exact_number():
    n = 2**53 + 1
    assert float(n) < n and float_up(n) >= n and float_up(n) == 2.0**53 + 2
    assert float_up(2**60) == 2.0**60
    third = Fraction(1, 3)
    assert float_up(third) >= third and float_up(third) - third < 1e-16
    # Bound rounds exact ints/fractions upward (a bound must not move down)
    assert Bound("vcdim", "m", n, "P", "s").value >= n
    assert Bound("vcdim", "m", np.int64(n), "P", "s").value >= n
    assert Bound("vcdim", "m", 7, "P", "s").value == 7.0


def test_copy_is_independent():
    b = Bound("vcdim", "m", 1.0, "V", "s", {"candidates": {"a": 1.0}})
    c = b.copy()
    c.ingredients["candidates"]["b"] = 2.0
    assert b.ingredients == {"candidates": {"a": 1.0}} and c == Bound(
        "vcdim", "m", 1.0, "V", "s", {"candidates": {"a": 1.0, "b": 2.0}})


@pytest.mark.parametrize("kw,exc,name", [
    (dict(quantity="size"), ValueError, "quantity"), (dict(tag="D"), ValueError, "tag"),
    (dict(value=math.inf), ValueError, "finite"), (dict(value=math.nan), ValueError, "finite"),
    (dict(value=10**400), ValueError, "value"), (dict(value="3"), TypeError, "value"),
    (dict(value=True), TypeError, "value"), (dict(value=None), TypeError, "value"),
    (dict(method=3), TypeError, "method"), (dict(source=None), TypeError, "source"),
    (dict(ingredients=[1]), TypeError, "ingredients")])
def test_bad(kw, exc, name):
    args = dict(quantity="vcdim", method="m", value=1.0, tag="V", source="s")
    args.update(kw)
    with pytest.raises(exc, match=name):
        Bound(**args)


def test_threshold_constant():
    assert JSON_EXACT_INT == 2**53 and float(JSON_EXACT_INT) == JSON_EXACT_INT
    assert float(JSON_EXACT_INT + 1) != JSON_EXACT_INT + 1


def test_exact_text_of_ints_of_any_size():
    from approxbounds.capacity.bound import decimal_digits, exact_int_str, short_int_str

    for n in (0, 9, 10, 99, 10**20, 10**20 - 1, 2**200, 10**4000):
        assert decimal_digits(n) in (len(str(n)), len(str(n)) + 1)
    assert exact_int_str(10**30) == str(10**30)
    huge = 10**5000 + 7  # beyond Python's default 4300-digit decimal conversion limit
    assert int(exact_int_str(huge), 16) == huge and int(exact_int_str(-huge), 16) == -huge
    assert short_int_str(12345) == "12345" and short_int_str(-huge) == "-~10^5000"
    d = Bound("log2_growth", "m", 1.0, "P", "s", {"N": huge, "q": Fraction(huge, 3)}).to_dict()
    assert d["ingredients"]["N"] is None and int(d["ingredients"]["N_exact"], 0) == huge
    num, den = d["ingredients"]["q_exact"].split("/")
    assert Fraction(int(num, 0), int(den, 0)) == Fraction(huge, 3)


def test_read_exact_inverts_to_dict():
    from approxbounds.capacity.bound import read_exact

    huge = 10**5000 + 3
    ing = {"a": 2**80 + 1, "b": Fraction(2**70 + 1, 3), "c": math.inf, "d": [1, 2**64],
           "e": 5, "f": huge, "g": "text"}
    d = json.loads(json.dumps(Bound("vcdim", "m", 1.0, "V", "s", ing).to_dict(),
                              allow_nan=False))["ingredients"]
    for k, v in ing.items():
        assert read_exact(d, k) == v and type(read_exact(d, k)) is type(v)
    with pytest.raises(KeyError):
        read_exact(d, "missing")
    with pytest.raises(TypeError, match="d must be a dict"):
        read_exact([1], "a")
