"""The layer protocol of the training backend, and ``Sequential``.

A layer holds only its hyper-parameters; its parameters live in a tree passed explicitly::

    params = layer.init(rng, dtype)            # tree of arrays
    y, cache = layer.forward(params, x)       # cache: whatever backward needs
    dx, grads = layer.backward(params, cache, dy)

``grads`` has the structure of ``params``. ``config()`` returns a JSON-serialisable dict from
which :func:`layer_from_config` rebuilds an equal layer (checkpoints store it to refuse a
mismatched model). Layers with no parameters return ``{}`` from ``init``. A layer's
``backward`` may accept an optional keyword ``need_dx`` (default True); ``need_dx=False``
lets it skip the input gradient and return ``None`` for ``dx`` (:func:`accepts_need_dx`).
"""
from __future__ import annotations

import inspect
from typing import Any, ClassVar

import numpy as np

from approxbounds._validation import check_choice

__all__ = ["Layer", "Sequential", "register_layer", "layer_from_config", "LAYER_REGISTRY", "check_dtype",
           "accepts_need_dx"]

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


_ACCEPTS_NEED_DX: dict[type, bool] = {}


def accepts_need_dx(layer) -> bool:
    """True when ``layer.backward`` takes a ``need_dx`` keyword (cached per class)."""
    cls = type(layer)
    if cls not in _ACCEPTS_NEED_DX:
        try:
            params = inspect.signature(layer.backward).parameters
        except (TypeError, ValueError):
            params = {}
        _ACCEPTS_NEED_DX[cls] = "need_dx" in params
    return _ACCEPTS_NEED_DX[cls]


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

    def backward(self, params, cache, dy, need_dx: bool = True):
        """``(dx, grads)``, applying the layers' backward passes in reverse order.

        With ``need_dx=False`` (the network's input is data, not something to differentiate)
        ``dx`` is None and no work is spent on it: layers *before* the first layer that has
        parameters are not run backward at all (their gradient trees are ``{}``), and that
        first parameterised layer gets ``need_dx=False`` when its ``backward`` accepts the
        keyword (e.g. :class:`~approxbounds.nn.layers.Dense` then skips ``δ Wᵀ``). The
        gradients are bitwise the same either way.
        """
        if not isinstance(need_dx, bool):
            raise TypeError(f"need_dx must be a bool, got {need_dx!r}")
        n = len(self.layers)
        stop = 0
        if not need_dx:   # index of the first layer with parameters (n: none has any)
            stop = next((i for i in range(n) if params[self._key(i)]), n)
        grads = {self._key(i): {} for i in range(stop)}
        for i in reversed(range(stop, n)):
            layer, key = self.layers[i], self._key(i)
            if i == stop and not need_dx:
                if accepts_need_dx(layer):
                    _, grads[key] = layer.backward(params[key], cache[i], dy, need_dx=False)
                else:
                    _, grads[key] = layer.backward(params[key], cache[i], dy)
            else:
                dy, grads[key] = layer.backward(params[key], cache[i], dy)
        return (dy if need_dx else None), grads

    def config(self):
        return {"kind": self.kind, "layers": [layer.config() for layer in self.layers]}
