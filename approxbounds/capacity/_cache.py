"""Memoisation of per-architecture capacity quantities.

Everything the capacity bounds compute from an :class:`~approxbounds.capacity.Architecture`
alone (BHLM counts, the VC and pseudo-dimension bounds, the growth-inversion search) is
independent of the number of points ``N``. Architectures are immutable and hashable (frozen
dataclasses of ints, tuples and frozen dataclasses), so these quantities are memoised with
:func:`functools.lru_cache` keyed by the architecture; equal architectures share entries.

Cached values are shared: the public functions hand out copies (:meth:`Bound.copy`) so a
caller that edits ``bound.ingredients`` cannot change later results.
"""
from __future__ import annotations

import functools

__all__ = ["per_architecture", "clear_caches", "cache_info", "CACHE_SIZE"]

CACHE_SIZE = 1024
_REGISTRY: list = []


def per_architecture(fn):
    """``functools.lru_cache(maxsize=CACHE_SIZE)`` registered for :func:`clear_caches`."""
    cached = functools.lru_cache(maxsize=CACHE_SIZE)(fn)
    _REGISTRY.append(cached)
    return cached


def clear_caches() -> None:
    """Empty every per-architecture cache of :mod:`approxbounds.capacity`."""
    for fn in _REGISTRY:
        fn.cache_clear()


def cache_info() -> dict:
    """``{"module.function": functools._CacheInfo}`` for every per-architecture cache."""
    return {f"{fn.__module__}.{fn.__qualname__}": fn.cache_info() for fn in _REGISTRY}
