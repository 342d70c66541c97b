"""Rebuilding a network class from its canonical description (``G.to_dict()``).

A description carries ``"kind"``: ``"feedforward"`` (:class:`~approxbounds.capacity.Architecture`),
``"storage"`` (:class:`~approxbounds.capacity.storage.StorageClass`, any network stored in B bits).
:func:`network_from_dict` dispatches on it and accepts only canonical descriptions
(``network_from_dict(d).to_dict() == d``), which is how a certificate's claim names its network
class (docs/theory.md §8).
"""
from __future__ import annotations

__all__ = ["network_from_dict", "NETWORK_KINDS", "as_network_class", "network_classes"]

#: ``kind`` values and the classes that own them
NETWORK_KINDS = ("feedforward", "storage", "recurrent")


def network_classes() -> dict:
    """``kind -> class`` of every network class the package knows."""
    from approxbounds.capacity.architecture import Architecture
    from approxbounds.capacity.recurrent import RecurrentArchitecture
    from approxbounds.capacity.storage import StorageClass

    return {"feedforward": Architecture, "storage": StorageClass, "recurrent": RecurrentArchitecture}


def as_network_class(G, name: str = "G"):
    """The public edge for a network class argument: an instance of a registered network
    class is returned as is; a string is read by :meth:`Architecture.parse` (``"2,35x9,1"``,
    ReLU); anything else is a ``TypeError`` that says what is expected."""
    from approxbounds.capacity.architecture import Architecture

    if isinstance(G, str):
        return Architecture.parse(G)
    if isinstance(G, tuple(network_classes().values())):
        return G
    raise TypeError(f"{name} must be a network class (approxbounds.Architecture, e.g. "
                    f"Architecture.mlp(2, [35] * 9), or a spec string like '2,35x9,1'), got "
                    f"{type(G).__name__} {G!r}")


def network_from_dict(desc, field: str = "network_class"):
    """The network class described by ``desc``; ``ValueError`` naming ``field`` otherwise."""
    if not isinstance(desc, dict) or "kind" not in desc:
        raise ValueError(f"{field} must be a dict with a 'kind' (one of {', '.join(NETWORK_KINDS)}), "
                         f"got {desc!r}")
    kinds = network_classes()
    cls = kinds.get(desc["kind"])
    if cls is None:
        raise ValueError(f"{field}.kind: unknown network kind {desc['kind']!r}; known: {', '.join(kinds)}")
    return cls.from_dict(desc, field)
