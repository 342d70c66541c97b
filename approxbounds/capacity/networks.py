"""Rebuilding a network class from its canonical description (``G.to_dict()``).

A description carries ``"kind"``: ``"feedforward"`` (:class:`~approxbounds.capacity.Architecture`).
:func:`network_from_dict` dispatches on it and accepts only canonical descriptions
(``network_from_dict(d).to_dict() == d``), which is how a certificate's claim names its network
class (docs/theory.md §8).
"""
from __future__ import annotations

__all__ = ["network_from_dict", "NETWORK_KINDS"]

#: ``kind`` values and the classes that own them
NETWORK_KINDS = ("feedforward",)


def network_from_dict(desc, field: str = "network_class"):
    """The network class described by ``desc``; ``ValueError`` naming ``field`` otherwise."""
    from approxbounds.capacity.architecture import Architecture

    if not isinstance(desc, dict) or "kind" not in desc:
        raise ValueError(f"{field} must be a dict with a 'kind' (one of {', '.join(NETWORK_KINDS)}), "
                         f"got {desc!r}")
    kinds = {"feedforward": Architecture}
    cls = kinds.get(desc["kind"])
    if cls is None:
        raise ValueError(f"{field}.kind: unknown network kind {desc['kind']!r}; known: {', '.join(kinds)}")
    return cls.from_dict(desc, field)
