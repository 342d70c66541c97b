r"""Certified upper bound on the pseudo-dimension Pdim(G) = VCdim(thr(G)).

thr(G) = {(x, t) -> 1[g(x) - t > 0]}. The map (x, t) -> g(x) - t is computed by the network
of ``g`` with one extra input ``t`` wired to the output unit through one extra weight (set
to -1); counting that wiring as one more parameter *and* one more layer (conservative, see
``docs/capacity.md``) gives Pdim(G) <= VCdim of the augmented network (Anthony & Bartlett
1999, Thm 14.1; BHLM 2019 Sec. 1). We evaluate BHLM 2019 Thm 7 on the augmented counts
(:func:`approxbounds.capacity.bhlm.augmented_counts`) [P], and for a finite class use
Pdim <= b [P].
"""
from __future__ import annotations

from approxbounds.capacity import bhlm
from approxbounds.capacity._cache import per_architecture
from approxbounds.capacity._select import best_of, copied_candidates, dimension_candidates
from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound

__all__ = ["pdim_bound", "pdim_candidates"]


def pdim_candidates(arch: Architecture) -> tuple[list[Bound], dict]:
    """Certified Pdim bounds: augmented Thm 7 closed form, augmented growth inversion, 2^b.

    Cached per architecture; the returned bounds are copies.
    """
    check_architecture(arch)
    return copied_candidates(*_candidates(arch))


def pdim_bound(arch: Architecture) -> Bound:
    """Smallest certified upper bound on Pdim(G) (``quantity="pdim"``, tag "P").

    Cached per architecture (equal architectures share the entry); a copy is returned.
    """
    check_architecture(arch)
    return cached_pdim_bound(arch).copy()


@per_architecture
def _candidates(arch: Architecture) -> tuple[tuple, dict]:
    return dimension_candidates(arch, "pdim", bhlm.bhlm_pdim, "bhlm2019_thm7_augmented",
                                lambda a: bhlm.bhlm_vcdim_by_growth(a, thresholded=True))


@per_architecture
def cached_pdim_bound(arch: Architecture) -> Bound:
    """The shared (not copied) cached result of :func:`pdim_bound`: read it, do not edit its
    ``ingredients``. For callers inside :mod:`approxbounds.capacity` that only read."""
    cands, skipped = _candidates(arch)
    return best_of(list(cands), skipped)
