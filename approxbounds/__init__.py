"""approxbounds: certified lower bounds on how well neural-network classes approximate
function classes, capacity bounds for network classes, and a torch-free training backend.

Public names are imported lazily so that ``import approxbounds`` stays fast.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    # capacity
    "Activation": "approxbounds.capacity",
    "Architecture": "approxbounds.capacity",
    "Bound": "approxbounds.capacity",
    "capacity_bounds": "approxbounds.capacity",
    "vcdim_bound": "approxbounds.capacity",
    "pdim_bound": "approxbounds.capacity",
    "log2_growth_bound": "approxbounds.capacity",
    "log2_class_size": "approxbounds.capacity",
    # function classes
    "Holder": "approxbounds.classes",
    "Monotone": "approxbounds.classes",
    "Lebesgue": "approxbounds.classes",
    "DensityBounded": "approxbounds.classes",
    "Empirical": "approxbounds.classes",
    # lower bounds
    "lower_bound": "approxbounds.lower",
    "Certificate": "approxbounds.lower",
    # rates
    "rate": "approxbounds.rates",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'approxbounds' has no attribute {name!r}")
