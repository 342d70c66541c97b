"""Parameterised layers: :class:`Dense` (optionally with quantized weights), :class:`Embedding`,
:class:`Flatten`.

Conventions: a dense layer computes ``y = x @ W + b`` with ``W`` of shape ``(n_in, n_out)``
(the transpose of torch's ``weight``) and acts on the last axis, so any leading axes
(batch, time) pass through. Parameters keep the dtype given to ``init``; inputs of another
dtype raise ``ValueError`` instead of being upcast silently.
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.nn.base import Layer, check_dtype, register_layer
from approxbounds.nn.quantizers import Quantizer, get_quantizer

__all__ = ["Dense", "Embedding", "Flatten", "WEIGHT_INITS", "BIAS_INITS", "init_weight"]


def _xavier_uniform(rng, n_in, n_out):
    lim = math.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-lim, lim, (n_in, n_out))


WEIGHT_INITS = {
    # Glorot & Bengio (AISTATS 2010): Var = 2 / (fan_in + fan_out)
    "xavier_uniform": _xavier_uniform,
    "xavier_normal": lambda rng, i, o: rng.normal(0.0, math.sqrt(2.0 / (i + o)), (i, o)),
    # He et al. (ICCV 2015): Var = 2 / fan_in, for ReLU networks
    "he": lambda rng, i, o: rng.normal(0.0, math.sqrt(2.0 / i), (i, o)),
    "he_uniform": lambda rng, i, o: rng.uniform(-math.sqrt(6.0 / i), math.sqrt(6.0 / i), (i, o)),
    # LeCun: Var = 1 / fan_in
    "lecun_normal": lambda rng, i, o: rng.normal(0.0, math.sqrt(1.0 / i), (i, o)),
    # torch.nn.Linear default: U(±1/sqrt(fan_in))
    "uniform_fan_in": lambda rng, i, o: rng.uniform(-1 / math.sqrt(i), 1 / math.sqrt(i), (i, o)),
}
BIAS_INITS = {
    "zeros": lambda rng, i, o: np.zeros(o),
    "uniform_fan_in": lambda rng, i, o: rng.uniform(-1 / math.sqrt(i), 1 / math.sqrt(i), o),
}


def init_weight(name: str, rng: np.random.Generator, n_in: int, n_out: int, dtype=np.float64) -> np.ndarray:
    """Draw an ``(n_in, n_out)`` weight matrix with the named scheme (``WEIGHT_INITS``)."""
    check_choice("init", name, WEIGHT_INITS)
    return WEIGHT_INITS[name](rng, n_in, n_out).astype(check_dtype(dtype))


def _check_input(layer: str, x, n_in: int, w: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim < 1 or x.shape[-1] != n_in:
        raise ValueError(f"{layer}: input x has shape {x.shape} but params['W'] has shape {w.shape}; "
                         f"the last axis of x must be n_in={n_in}")
    if x.dtype != w.dtype:
        raise ValueError(f"{layer}: input x has dtype {x.dtype} but params['W'] has dtype {w.dtype}; "
                         "cast one of them explicitly")
    return x


@register_layer
class Dense(Layer):
    r"""Affine map :math:`y = x\,Q(W) + b` on the last axis.

    Parameters ``{"W": (n_in, n_out), "b": (n_out,)}`` (no ``"b"`` when ``bias=False``).
    With a ``quantizer`` (name, config dict or :class:`~approxbounds.nn.quantizers.Quantizer`),
    the forward pass uses :math:`Q(W)` and the backward pass hands
    :math:`\partial L/\partial Q(W)` to the float ``W`` through the quantizer's
    straight-through estimator; the bias stays full precision.

    Gradients: :math:`\partial L/\partial x = \delta\,Q(W)^\top`,
    :math:`\partial L/\partial Q(W) = x^\top \delta` (leading axes flattened),
    :math:`\partial L/\partial b = \sum \delta`.
    """

    kind = "dense"

    def __init__(self, n_in: int, n_out: int, bias: bool = True, init: str = "xavier_uniform",
                 bias_init: str = "zeros", quantizer=None, bits: int | None = None):
        self.n_in = check_int("n_in", n_in, minimum=1)
        self.n_out = check_int("n_out", n_out, minimum=1)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be a bool, got {bias!r}")
        self.bias = bias
        self.init_name = check_choice("init", init, WEIGHT_INITS)
        self.bias_init = check_choice("bias_init", bias_init, BIAS_INITS)
        self.quantizer: Quantizer | None = get_quantizer(quantizer, bits=bits) if quantizer is not None else None
        if quantizer is None and bits is not None:
            raise ValueError("bits given without a quantizer; pass quantizer='kbit' as well")

    def init(self, rng, dtype=np.float64):
        dt = check_dtype(dtype)
        p = {"W": init_weight(self.init_name, rng, self.n_in, self.n_out, dt)}
        if self.bias:
            p["b"] = BIAS_INITS[self.bias_init](rng, self.n_in, self.n_out).astype(dt)
        return p

    def effective_weight(self, params) -> np.ndarray:
        """The matrix the forward pass multiplies by: ``Q(W)`` or ``W``."""
        return params["W"] if self.quantizer is None else self.quantizer(params["W"])

    def forward(self, params, x):
        w = params["W"]
        x = _check_input("Dense", x, self.n_in, w)
        if self.quantizer is None:
            wq, qcache = w, None
        else:
            wq, qcache = self.quantizer.quantize(w)
        y = x @ wq
        if self.bias:
            y += params["b"]
        return y, (x, wq, qcache)

    def backward(self, params, cache, dy, need_dx: bool = True):
        """``(dx, grads)``; with ``need_dx=False`` the product ``δ Q(W)ᵀ`` is skipped, ``dx`` is None.

        The first layer of a network applied to raw data needs no input gradient; skipping it
        saves one of the three matrix products of the layer's training step.
        """
        x, wq, qcache = cache
        dx = dy @ wq.T if need_dx else None
        x2 = x.reshape(-1, self.n_in)
        dy2 = dy.reshape(-1, self.n_out)
        dwq = x2.T @ dy2
        grads = {"W": dwq if self.quantizer is None else self.quantizer.grad(qcache, dwq)}
        if self.bias:
            grads["b"] = dy2.sum(axis=0)
        return dx, grads

    # -- used by gradcheck: the smooth surrogate on which the STE gradient is defined --------
    def ste_surrogate(self, params):
        """``(float_layer, float_params, to_latent)`` for checking STE gradients.

        ``float_layer`` is this layer without quantizer evaluated at ``Q(W)``; the expected
        gradient for ``W`` is ``to_latent(grads)`` = the surrogate's gradient passed through
        the quantizer's STE mask.
        """
        if self.quantizer is None:
            return self, params, lambda g: g
        plain = Dense(self.n_in, self.n_out, bias=self.bias, init=self.init_name, bias_init=self.bias_init)
        sp = dict(params)
        sp["W"] = self.quantizer(params["W"])
        mask = self.quantizer.ste_mask(params["W"])

        def to_latent(g):
            g = dict(g)
            g["W"] = g["W"] * mask
            return g

        return plain, sp, to_latent

    def config(self):
        return {"kind": self.kind, "n_in": self.n_in, "n_out": self.n_out, "bias": self.bias,
                "init": self.init_name, "bias_init": self.bias_init,
                "quantizer": None if self.quantizer is None else self.quantizer.config()}


@register_layer
class Embedding(Layer):
    """Lookup table ``E[idx]`` with ``E`` of shape ``(vocab, dim)``, initialised N(0, 1).

    Input: an integer array of token ids in ``[0, vocab)``; output ``idx.shape + (dim,)``.
    Backward accumulates rows with ``np.add.at`` (repeated ids add up) and returns ``None``
    as the input gradient (ids are not differentiable).
    """

    kind = "embedding"

    def __init__(self, vocab: int, dim: int, init_scale: float = 1.0):
        self.vocab = check_int("vocab", vocab, minimum=1)
        self.dim = check_int("dim", dim, minimum=1)
        self.init_scale = check_real("init_scale", init_scale, low=0.0, low_open=True)

    def init(self, rng, dtype=np.float64):
        dt = check_dtype(dtype)
        return {"E": (self.init_scale * rng.standard_normal((self.vocab, self.dim))).astype(dt)}

    def forward(self, params, x):
        idx = np.asarray(x)
        if not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"Embedding: input ids must be integers, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.vocab):
            raise ValueError(f"Embedding: input ids must lie in [0, {self.vocab - 1}], "
                             f"got range [{idx.min()}, {idx.max()}]")
        return params["E"][idx], idx

    def backward(self, params, cache, dy):
        idx = cache
        dE = np.zeros_like(params["E"])
        np.add.at(dE, idx.reshape(-1), dy.reshape(-1, self.dim))
        return None, {"E": dE}

    def config(self):
        return {"kind": self.kind, "vocab": self.vocab, "dim": self.dim, "init_scale": self.init_scale}


@register_layer
class Flatten(Layer):
    """Reshape ``(batch, d1, d2, ...)`` to ``(batch, d1·d2·...)``; no parameters."""

    kind = "flatten"

    def forward(self, params, x):
        x = np.asarray(x)
        if x.ndim < 1:
            raise ValueError(f"Flatten: input x must have a batch axis, got shape {x.shape}")
        return x.reshape(x.shape[0], -1), x.shape

    def backward(self, params, cache, dy):
        return dy.reshape(cache), {}
