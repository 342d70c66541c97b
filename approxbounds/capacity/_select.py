"""Pick the smallest certified bound among candidates (shared by vcdim/pdim/growth)."""
from __future__ import annotations

from approxbounds.capacity.bound import Bound


def best_of(candidates: list[Bound], skipped: dict | None = None) -> Bound:
    """The certified candidate with the smallest value; its ingredients list all candidates.

    ``skipped`` maps method names to the reason a candidate did not apply.
    """
    certified = [b for b in candidates if b.certified]
    if not certified:
        raise ValueError("no certified bound applies")
    win = min(certified, key=lambda b: b.value)
    ingr = dict(win.ingredients)
    ingr["candidates"] = {b.method: b.value for b in candidates}
    if skipped:
        ingr["not_applicable"] = dict(skipped)
    return Bound(win.quantity, win.method, win.value, win.tag, win.source, ingr)
