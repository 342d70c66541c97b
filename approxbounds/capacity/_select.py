"""Pick the smallest certified bound among candidates (shared by vcdim/pdim/growth), and the
candidate lists the VC and pseudo-dimension bounds have in common."""
from __future__ import annotations

from approxbounds.capacity.architecture import Architecture
from approxbounds.capacity.bound import Bound
from approxbounds.capacity.finite import FINITE_SOURCE, quantized_bits


def dimension_candidates(arch: Architecture, quantity: str, closed_form, closed_form_method: str,
                         by_growth) -> tuple[tuple, dict]:
    """Certified candidates for a VC-type dimension (``quantity`` "vcdim" or "pdim").

    ``closed_form(arch)`` (BHLM 2019 Thm 7, or its augmented form for Pdim) may raise
    ``ValueError``; for a single-output class that is recorded under
    ``closed_form_method`` in the returned ``skipped`` dict, otherwise it propagates.
    ``by_growth(arch)`` (growth inversion) always applies; a finite (fully quantized) class
    adds ``dimension <= b`` [P]. Returns ``(candidates, skipped)``.
    """
    cands, skipped = [], {}
    try:
        cands.append(closed_form(arch))
    except ValueError as exc:
        if arch.widths[-1] != 1:
            raise
        skipped[closed_form_method] = str(exc)
    cands.append(by_growth(arch))
    if arch.is_finite:
        b = quantized_bits(arch)
        cands.append(Bound(quantity, "finite_class_count", b, "P", FINITE_SOURCE,
                           {"b": b, "n_quantized": arch.n_quantized}))
    return tuple(cands), skipped


def copied_candidates(cands, skipped) -> tuple[list[Bound], dict]:
    """Copies of cached ``(candidates, skipped)``, safe to hand to callers."""
    return [b.copy() for b in cands], dict(skipped)


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
