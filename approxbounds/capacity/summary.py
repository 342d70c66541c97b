"""All capacity bounds of one architecture, in one list."""
from __future__ import annotations

from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound
from approxbounds.capacity.classical import classical_bounds
from approxbounds.capacity.finite import log2_class_size
from approxbounds.capacity.growth import log2_growth_bound
from approxbounds.capacity.pseudodim import pdim_candidates
from approxbounds.capacity.vcdim import vcdim_candidates

__all__ = ["capacity_bounds"]


def capacity_bounds(arch: Architecture, N=None) -> list[Bound]:
    """Every bound for ``arch``: certified VC and Pdim candidates, the finite-class size
    (if finite), the best log2 growth of thr(G) and of sgn(G) at ``N`` points (if ``N`` is
    given), then the [R] classical bounds (rate only)."""
    check_architecture(arch)
    out = list(vcdim_candidates(arch)[0]) + list(pdim_candidates(arch)[0])
    size = log2_class_size(arch)
    if size is not None:
        out.append(size)
    if N is not None:
        out.append(log2_growth_bound(arch, N, thresholded=True))
        out.append(log2_growth_bound(arch, N, thresholded=False))
    out.extend(classical_bounds(arch))
    return out
