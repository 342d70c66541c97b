"""The value object every capacity bound returns."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from approxbounds._validation import check_choice

__all__ = ["Bound", "QUANTITIES", "TAGS"]

QUANTITIES = ("vcdim", "pdim", "log2_growth", "log2_size")
TAGS = ("V", "P", "R")


@dataclass(frozen=True)
class Bound:
    """An upper bound on a capacity quantity, with its provenance.

    Parameters
    ----------
    quantity : {"vcdim", "pdim", "log2_growth", "log2_size"}
        What is bounded. Growth functions and class sizes are given in log2.
    method : str
        Name of the formula (e.g. ``"bhlm2019_thm7"``).
    value : float
        The bound (finite).
    tag : {"V", "P", "R"}
        Provenance as in ``shared/reference/theory.md``: only V and P are certified;
        R is "rate only".
    source : str
        Citation.
    ingredients : dict
        Every input of the formula (JSON-serialisable).
    """

    quantity: str
    method: str
    value: float
    tag: str
    source: str
    ingredients: dict = field(default_factory=dict)

    def __post_init__(self):
        check_choice("quantity", self.quantity, QUANTITIES)
        check_choice("tag", self.tag, TAGS)
        v = float(self.value)
        if not math.isfinite(v):
            raise ValueError(f"bound value must be finite, got {v} for {self.method}")
        object.__setattr__(self, "value", v)

    @property
    def certified(self) -> bool:
        return self.tag in ("V", "P")

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "method": self.method, "value": self.value,
                "tag": self.tag, "certified": self.certified, "source": self.source,
                "ingredients": _jsonable(self.ingredients)}


def _jsonable(obj):
    from fractions import Fraction
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return f"{obj.numerator}/{obj.denominator}"
    if isinstance(obj, Bound):
        return obj.to_dict()
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, int) and not isinstance(obj, bool) and abs(obj) > 2**63:
        return str(obj)
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return obj.item()
    return obj
