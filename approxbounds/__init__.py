"""approxbounds: certified lower bounds on how well neural-network classes approximate
function classes, capacity bounds for network classes, and a torch-free training backend.

Public names are imported lazily so that ``import approxbounds`` stays fast; ``dir()`` and
``help()`` list them all.

Public API (top level)
----------------------
Capacity of network classes (:mod:`approxbounds.capacity`, docs/capacity.md)
    ``Activation``, ``Architecture``, ``RecurrentArchitecture`` (HadamRNN, Block-HadamRNN,
    QORNN, ORNN, piecewise-polynomial RNN classes), ``StorageClass`` (any network stored in B
    bits), ``Bound``, ``capacity_bounds``,
    ``vcdim_bound``, ``pdim_bound``, ``log2_growth_bound``, ``log2_class_size``.
Function classes and measures (:mod:`approxbounds.classes`, docs/function_classes.md)
    ``Holder``, ``Monotone``, ``DelayedHolder``, ``MultiLagHolder`` (sequence classes,
    docs/sequence_classes.md), ``Lebesgue``, ``DensityBounded``, ``Empirical``, ``IIDSequence``.
Certified lower bounds (:mod:`approxbounds.lower`, docs/theory.md)
    ``lower_bound``, ``storage_lower_bound`` (the storage floor), ``Certificate``.
Certified upper bounds and the band (:mod:`approxbounds.upper`, docs/upper_bounds.md)
    ``upper_bound``, ``band``, ``UpperCertificate``.
Rates, rate only [R] (:mod:`approxbounds.rates`, docs/rates.md)
    ``rate``, ``fitted_slope``.
Experiments (:mod:`approxbounds.experiments`, docs/crosscheck.md)
    ``crosscheck`` (trained networks against certified lower bounds).

Subpackages not re-exported here: :mod:`approxbounds.nn` (training backend),
:mod:`approxbounds.models` (recurrent models), :mod:`approxbounds.tasks` (data sets),
:mod:`approxbounds.checks` (numeric proof checks), :mod:`approxbounds.plots`,
:mod:`approxbounds.report`. Provenance tags [V]/[P]/[R] are explained in docs/theory.md.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    # capacity
    "Activation": "approxbounds.capacity",
    "Architecture": "approxbounds.capacity",
    "RecurrentArchitecture": "approxbounds.capacity",
    "StorageClass": "approxbounds.capacity",
    "Bound": "approxbounds.capacity",
    "capacity_bounds": "approxbounds.capacity",
    "vcdim_bound": "approxbounds.capacity",
    "pdim_bound": "approxbounds.capacity",
    "log2_growth_bound": "approxbounds.capacity",
    "log2_class_size": "approxbounds.capacity",
    # function classes
    "Holder": "approxbounds.classes",
    "Monotone": "approxbounds.classes",
    "DelayedHolder": "approxbounds.classes",
    "MultiLagHolder": "approxbounds.classes",
    "IIDSequence": "approxbounds.classes",
    "Lebesgue": "approxbounds.classes",
    "DensityBounded": "approxbounds.classes",
    "Empirical": "approxbounds.classes",
    # lower bounds
    "lower_bound": "approxbounds.lower",
    "storage_lower_bound": "approxbounds.lower",
    "Certificate": "approxbounds.lower",
    # upper bounds and the band
    "upper_bound": "approxbounds.upper",
    "band": "approxbounds.upper",
    "UpperCertificate": "approxbounds.upper",
    # rates
    "rate": "approxbounds.rates",
    "fitted_slope": "approxbounds.rates",
    # experiments
    "crosscheck": "approxbounds.experiments.crosscheck",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'approxbounds' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
