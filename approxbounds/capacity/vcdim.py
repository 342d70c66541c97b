"""Best certified upper bound on VCdim(sgn G)."""
from __future__ import annotations

from approxbounds.capacity import bhlm
from approxbounds.capacity._cache import per_architecture
from approxbounds.capacity._select import best_of, copied_candidates, dimension_candidates
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound

__all__ = ["vcdim_bound", "vcdim_candidates"]


def vcdim_candidates(arch: Architecture) -> tuple[list[Bound], dict]:
    """All certified VC bounds that apply to ``arch`` and the reasons for those that do not.

    * BHLM 2019 Thm 7 closed form [V] (needs U > 2);
    * growth inversion of the Thm 7 product bound [P] (every U);
    * finite class: VCdim <= b for a fully quantized class [P].

    A quantized class is a subclass of the full-precision one (same architecture, real
    parameters), so the BHLM bounds apply to it as well. Cached per architecture; the
    returned bounds are copies.
    """
    check_architecture(arch)
    return copied_candidates(*_candidates(arch))


def vcdim_bound(arch: Architecture) -> Bound:
    """Smallest certified upper bound on VCdim(sgn G) for the class ``arch``.

    Returns
    -------
    Bound
        ``quantity="vcdim"``; ``method`` names the winning formula; ``ingredients`` carry
        its inputs plus ``candidates`` (every bound tried) and ``not_applicable``. Cached
        per architecture; a copy is returned.
    """
    check_architecture(arch)
    return cached_vcdim_bound(arch).copy()


@per_architecture
def _candidates(arch: Architecture) -> tuple[tuple, dict]:
    return dimension_candidates(arch, "vcdim", bhlm.bhlm_vcdim, "bhlm2019_thm7",
                                bhlm.bhlm_vcdim_by_growth)


@per_architecture
def cached_vcdim_bound(arch: Architecture) -> Bound:
    """The shared (not copied) cached result of :func:`vcdim_bound` (read-only use)."""
    cands, skipped = _candidates(arch)
    return best_of(list(cands), skipped)
