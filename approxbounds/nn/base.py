"""The layer protocol of the training backend, and ``Sequential``.

A layer holds only its hyper-parameters; its parameters live in a tree passed explicitly::

    params = layer.init(rng, dtype)            # tree of arrays
    y, cache = layer.forward(params, x)       # cache: whatever backward needs
    dx, grads = layer.backward(params, cache, dy)

``grads`` has the structure of ``params``. ``config()`` returns a JSON-serialisable dict from
which :func:`layer_from_config` rebuilds an equal layer (checkpoints store it to refuse a
mismatched model). Layers with no parameters return ``{}`` from ``init``.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from approxbounds._validation import check_choice

__all__ = ["Layer", "Sequential", "register_layer", "layer_from_config", "LAYER_REGISTRY", "check_dtype"]

LAYER_REGISTRY: dict[str, type] = {}

_DTYPES = {"float32": np.float32, "float64": np.float64}


def check_dtype(dtype) -> np.dtype:
    """Return ``np.dtype`` for float32/float64; anything else raises ``ValueError``."""
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    check_choice("dtype", name, _DTYPES)
    return np.dtype(_DTYPES[name])


def register_layer(cls: type) -> type:
    """Class decorator: make ``cls`` constructible from its ``config()``."""
    LAYER_REGISTRY[cls.kind] = cls
    return cls


def layer_from_config(config: dict) -> "Layer":
    kind = config.get("kind")
    if kind not in LAYER_REGISTRY:
        raise ValueError(f"unknown layer kind {kind!r}; valid kinds: {', '.join(sorted(LAYER_REGISTRY))}")
    return LAYER_REGISTRY[kind].from_config(config)


class Layer:
    """Base class. Subclasses set ``kind`` and implement the four methods."""

    kind: ClassVar[str] = "layer"

    def init(self, rng: np.random.Generator, dtype=np.float64) -> dict:
        return {}

    def forward(self, params: dict, x: np.ndarray) -> tuple[np.ndarray, Any]:
        raise NotImplementedError

    def backward(self, params: dict, cache: Any, dy: np.ndarray) -> tuple[np.ndarray, dict]:
        raise NotImplementedError

    def config(self) -> dict:
        return {"kind": self.kind}

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        kwargs = {k: v for k, v in config.items() if k != "kind"}
        return cls(**kwargs)

    def __call__(self, params: dict, x: np.ndarray) -> np.ndarray:
        """Forward pass without keeping the cache (inference)."""
        return self.forward(params, x)[0]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Layer) and self.config() == other.config()

    def __hash__(self) -> int:  # configs are JSON data; hash their repr
        return hash(repr(self.config()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "kind")
        return f"{type(self).__name__}({args})"


@register_layer
class Sequential(Layer):
    """Layers applied in order; parameters are stored under keys ``"0"``, ``"1"``, ..."""

    kind = "sequential"

    def __init__(self, layers):
        self.layers = [layer_from_config(l) if isinstance(l, dict) else l for l in layers]
        if not self.layers:
            raise ValueError("layers must contain at least one layer")

    # zero-padded keys keep the sorted order equal to the layer order
    def _key(self, i: int) -> str:
        return f"{i:03d}"

    def init(self, rng, dtype=np.float64):
        check_dtype(dtype)
        return {self._key(i): layer.init(rng, dtype) for i, layer in enumerate(self.layers)}

    def forward(self, params, x):
        caches = []
        for i, layer in enumerate(self.layers):
            x, cache = layer.forward(params[self._key(i)], x)
            caches.append(cache)
        return x, caches

    def backward(self, params, cache, dy):
        grads = {}
        for i in reversed(range(len(self.layers))):
            dy, grads[self._key(i)] = self.layers[i].backward(params[self._key(i)], cache[i], dy)
        return dy, grads

    def config(self):
        return {"kind": self.kind, "layers": [layer.config() for layer in self.layers]}
