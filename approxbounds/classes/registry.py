"""Rebuilding function classes, packings and sign families from their JSON descriptions.

A function class describes itself by ``F.to_dict()`` = ``{"name": <registered name>,
<parameters>}``; :func:`class_from_dict` is its inverse and accepts only such a description:
every parameter present, no unknown key, and ``class_from_dict(desc).to_dict() == desc``
exactly (so a description that is not the canonical one of any class is rejected, naming the
field). This is how a certificate's claim names its function class (docs/theory.md §8).

This module sits above the class modules (it imports them); they never import it.
"""
from __future__ import annotations

import math

from approxbounds._canonical import from_canonical

__all__ = ["class_from_dict", "packing_from_dict", "sign_family_from_dict", "CLASS_NAMES"]


def _classes() -> dict:
    from approxbounds.classes.holder import Holder
    from approxbounds.classes.monotone import Monotone
    from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder

    return {"Holder": Holder, "Monotone": Monotone, "DelayedHolder": DelayedHolder,
            "MultiLagHolder": MultiLagHolder}


#: Names a description's ``"name"`` may take.
CLASS_NAMES = ("Holder", "Monotone", "DelayedHolder", "MultiLagHolder")


def class_from_dict(desc, field: str = "function_class"):
    """The function class described by ``desc`` (``F.to_dict()``), checked to be canonical.

    Raises
    ------
    ValueError
        Unknown name, missing or extra parameters, invalid values, or a description that is
        not exactly ``to_dict()`` of the class it builds; the message names ``field``.
    """
    if not isinstance(desc, dict) or "name" not in desc:
        raise ValueError(f"{field} must be a dict with a 'name' (one of {', '.join(CLASS_NAMES)}), got {desc!r}")
    table = _classes()
    cls = table.get(desc["name"])
    if cls is None:
        raise ValueError(f"{field}.name: unknown function class {desc['name']!r}; known: {', '.join(table)}")
    return from_canonical(desc, lambda: cls.from_dict(desc), field,
                          lambda F: f"the canonical description of {F.name}")


def packing_from_dict(ingredients: dict):
    """Rebuild a :class:`~approxbounds.classes.packing.Packing` from its ``ingredients``
    (class, construction, m, p, δ, measure)."""
    from approxbounds.classes.measures import measure_from_dict

    try:
        F = class_from_dict(ingredients.get("class_params"), "class_params")
        p = ingredients["p"]
        p = "sup" if (isinstance(p, str) or math.isinf(float(p))) else float(p)
        measure = measure_from_dict(ingredients.get("measure"), "measure")
        return F.packing(int(ingredients["m"]), p, measure, ingredients["construction"],
                         delta=float(ingredients["delta"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"packing description is incomplete: {exc!r}") from exc


def sign_family_from_dict(ingredients: dict):
    """Rebuild a :class:`~approxbounds.classes.packing.SignFamily` from its ``ingredients``."""
    try:
        F = class_from_dict(ingredients.get("class_params"), "class_params")
        return F.sign_family(int(ingredients["m"]))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"sign family description is incomplete: {exc!r}") from exc
