import math

import pytest

from approxbounds.capacity import Architecture
from approxbounds.capacity.classical import classical_bounds, goldberg_jerrum_formula


def test_tags_are_rate_only():
    for b in classical_bounds(Architecture.parse("1,10,1")):
        assert b.tag == "R" and not b.certified and math.isfinite(b.value)


def test_gj_formula():
    assert math.isclose(goldberg_jerrum_formula(3, 2, 5), 6 * math.log2(8 * math.e * 10))
    with pytest.raises(ValueError, match="degree"):
        goldberg_jerrum_formula(3, 0, 5)
