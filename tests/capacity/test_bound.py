import json
import math
from fractions import Fraction

import pytest

from approxbounds.capacity.bound import Bound


def test_roundtrip_json():
    b = Bound("vcdim", "m", 3.5, "V", "src", {"Lbar": Fraction(3, 2), "big": 2**100})
    d = json.loads(json.dumps(b.to_dict()))
    assert d["value"] == 3.5 and d["ingredients"]["Lbar"] == "3/2" and d["certified"]
    assert not Bound("vcdim", "m", 1, "R", "s").certified


@pytest.mark.parametrize("kw", [dict(quantity="size"), dict(tag="D"), dict(value=math.inf),
                                dict(value=math.nan)])
def test_bad(kw):
    args = dict(quantity="vcdim", method="m", value=1.0, tag="V", source="s")
    args.update(kw)
    with pytest.raises(ValueError):
        Bound(**args)
