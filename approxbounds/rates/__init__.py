"""Rates (sympy exponents, rate only [R]), literature upper bounds [R], Yarotsky's gadget.

``rate(F, G, norm)`` derives the exponent of (W L) of the lower bound; ``UPPER_BOUNDS``
lists the literature upper bounds as labelled rate curves; ``approxbounds.rates.yarotsky``
holds the square gadget as a function and as an explicit ReLU network; ``fitted_slope``
fits log(certified bound) against log(pseudo-dimension bound).
"""
from approxbounds.rates.capacity_models import L, W, CapacityModel, capacity_model  # noqa: F401
from approxbounds.classes.base import EntropyExponent  # noqa: F401  (owned by the classes)
from approxbounds.rates.exponents import Rate, derive_epsilon, rate  # noqa: F401
from approxbounds.rates.slopes import SlopeFit, fitted_slope, width_family  # noqa: F401
from approxbounds.rates.upper_bounds import (  # noqa: F401
    UPPER_BOUNDS, UpperBound, list_upper_bounds, upper_bound_curve,
)
from approxbounds.rates.yarotsky import (  # noqa: F401
    gadget_network, gadget_size, gadget_sup_error, gadget_sup_error_exact, square_gadget,
)
