"""Capacity of network classes: VC dimension, pseudo-dimension, growth functions, finite counts.

Every number is a :class:`Bound` carrying its formula, provenance tag ([V]/[P] certified,
[R] rate only), citation and ingredients. See ``docs/capacity.md`` for statements and proofs.
"""
from approxbounds.capacity._cache import cache_info, clear_caches
from approxbounds.capacity.activation import ACTIVATION_NAMES, Activation
from approxbounds.capacity.architecture import Architecture, Quantization
from approxbounds.capacity.bhlm import (bhlm_growth_bound, bhlm_pdim, bhlm_vcdim,
                                        bhlm_vcdim_by_growth)
from approxbounds.capacity.bound import Bound
from approxbounds.capacity.classical import (bartlett_maiorov_meir, goldberg_jerrum_formula,
                                             goldberg_jerrum_network)
from approxbounds.capacity.finite import log2_class_size
from approxbounds.capacity.grid import bhlm_vcdim_grid, evaluate
from approxbounds.capacity.growth import log2_growth_bound
from approxbounds.capacity.pseudodim import pdim_bound
from approxbounds.capacity.recurrent import RecurrentArchitecture
from approxbounds.capacity.storage import StorageClass
from approxbounds.capacity.sauer import (ln_sauer_closed, ln_sauer_sum, log2_sauer_closed,
                                         log2_sauer_sum, sauer_sum_exact)
from approxbounds.capacity.summary import capacity_bounds
from approxbounds.capacity.vcdim import vcdim_bound

__all__ = [
    "RecurrentArchitecture",
    "StorageClass",
    "ACTIVATION_NAMES", "Activation", "Architecture", "Quantization", "Bound",
    "vcdim_bound", "pdim_bound", "log2_growth_bound", "log2_class_size", "capacity_bounds",
    "bhlm_vcdim", "bhlm_pdim", "bhlm_vcdim_by_growth", "bhlm_growth_bound",
    "bhlm_vcdim_grid", "evaluate",
    "ln_sauer_sum", "log2_sauer_sum", "sauer_sum_exact", "ln_sauer_closed", "log2_sauer_closed",
    "goldberg_jerrum_formula", "goldberg_jerrum_network", "bartlett_maiorov_meir",
    "clear_caches", "cache_info",
]
