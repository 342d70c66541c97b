"""Best certified upper bound on VCdim(sgn G)."""
from __future__ import annotations

from approxbounds.capacity import bhlm
from approxbounds.capacity._cache import per_architecture
from approxbounds.capacity._select import best_of
from approxbounds.capacity.architecture import Architecture
from approxbounds.capacity.bound import Bound
from approxbounds.capacity.finite import FINITE_SOURCE, quantized_bits

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
    _check(arch)
    cands, skipped = _candidates(arch)
    return [b.copy() for b in cands], dict(skipped)


def vcdim_bound(arch: Architecture) -> Bound:
    """Smallest certified upper bound on VCdim(sgn G) for the class ``arch``.

    Returns
    -------
    Bound
        ``quantity="vcdim"``; ``method`` names the winning formula; ``ingredients`` carry
        its inputs plus ``candidates`` (every bound tried) and ``not_applicable``. Cached
        per architecture; a copy is returned.
    """
    _check(arch)
    return cached_vcdim_bound(arch).copy()


def _check(arch):
    if not isinstance(arch, Architecture):
        raise TypeError(f"arch must be an Architecture, got {type(arch).__name__}")


@per_architecture
def _candidates(arch: Architecture) -> tuple[tuple, dict]:
    cands, skipped = [], {}
    try:
        cands.append(bhlm.bhlm_vcdim(arch))
    except ValueError as exc:
        if arch.widths[-1] != 1:
            raise
        skipped["bhlm2019_thm7"] = str(exc)
    cands.append(bhlm.bhlm_vcdim_by_growth(arch))
    if arch.is_finite:
        b = quantized_bits(arch)
        cands.append(Bound("vcdim", "finite_class_count", b, "P", FINITE_SOURCE,
                           {"b": b, "n_quantized": arch.n_quantized}))
    return tuple(cands), skipped


@per_architecture
def cached_vcdim_bound(arch: Architecture) -> Bound:
    """The shared (not copied) cached result of :func:`vcdim_bound` (read-only use)."""
    cands, skipped = _candidates(arch)
    return best_of(list(cands), skipped)
