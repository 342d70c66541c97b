r"""Gradient checks by central differences.

For a layer :math:`y = f(x;\theta)` a fixed random cotangent :math:`R` (same shape as ``y``)
turns the output into the scalar :math:`s(x,\theta) = \langle R, f(x;\theta)\rangle`, whose
gradient is exactly what ``backward(params, cache, R)`` returns. Each checked entry
:math:`v` is compared with

.. math:: \frac{s(v + \varepsilon) - s(v - \varepsilon)}{2\varepsilon}
          = \partial_v s + O(\varepsilon^2 \, \|\partial_v^3 s\|),

entry by entry with ``|analytic - numeric| <= atol + rtol·|numeric|``.

Quantized layers: the forward pass uses :math:`Q(W)`, which is piecewise constant in ``W``,
so the finite difference in ``W`` is not what a straight-through estimator returns. A layer
may expose ``ste_surrogate(params) -> (layer, params, to_latent)``: the check then
differentiates the unquantized surrogate at :math:`Q(W)` numerically and maps the result
through ``to_latent`` (the STE mask). ``Sequential`` containers are handled recursively.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from approxbounds._validation import check_real
from approxbounds.nn.base import Sequential, check_dtype
from approxbounds.nn.tree import tree_flatten, tree_map, tree_unflatten

__all__ = ["GradCheckResult", "check_layer_gradients", "check_loss_gradient", "numeric_gradient"]


@dataclass
class GradCheckResult:
    """Per-tensor worst errors; ``ok`` is True when every checked entry passed."""

    ok: bool
    max_abs_err: dict[str, float] = field(default_factory=dict)
    max_rel_err: dict[str, float] = field(default_factory=dict)
    n_checked: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return "; ".join(f"{k}: max abs {self.max_abs_err[k]:.3g}, max rel {self.max_rel_err[k]:.3g} "
                         f"({self.n_checked[k]} entries)" for k in self.max_abs_err)


def numeric_gradient(fn, v: np.ndarray, eps: float, idx=None) -> np.ndarray:
    """Central-difference gradient of the scalar ``fn()`` w.r.t. the array ``v`` (perturbed in place).

    ``idx``: flat indices to probe (default all); other entries of the result are NaN.
    """
    g = np.full(v.shape, np.nan)
    flat = v.reshape(-1)
    if not np.shares_memory(flat, v):
        raise ValueError("numeric_gradient needs a C-contiguous array v (it perturbs v in place)")
    for i in (range(flat.size) if idx is None else idx):
        old = flat[i]
        flat[i] = old + eps
        fp = fn()
        flat[i] = old - eps
        fm = fn()
        flat[i] = old
        g.reshape(-1)[i] = (fp - fm) / (2 * eps)
    return g


def _surrogate(layer, params):
    if isinstance(layer, Sequential):
        parts = [_surrogate(l, params[layer._key(i)]) for i, l in enumerate(layer.layers)]
        seq = Sequential([p[0] for p in parts])
        sp = {layer._key(i): p[1] for i, p in enumerate(parts)}

        def to_latent(g):
            return {layer._key(i): parts[i][2](g.get(layer._key(i), {})) for i in range(len(parts))}

        return seq, sp, to_latent
    if hasattr(layer, "ste_surrogate"):
        return layer.ste_surrogate(params)
    return layer, params, lambda g: g


def _compare(name, ana, num, mask, rtol, atol, res: GradCheckResult):
    a, n = np.asarray(ana, dtype=np.float64)[mask], num[mask]
    err = np.abs(a - n)
    res.max_abs_err[name] = float(err.max()) if err.size else 0.0
    res.max_rel_err[name] = float((err / np.maximum(np.abs(n), 1e-300)).max()) if err.size else 0.0
    res.n_checked[name] = int(err.size)
    if np.any(err > atol + rtol * np.abs(n)):
        res.ok = False


def _probe(rng, size, max_entries):
    if max_entries is None or size <= max_entries:
        return None
    return rng.choice(size, max_entries, replace=False)


def check_layer_gradients(layer, x, rng: np.random.Generator, params=None, *, dtype=np.float64,
                          eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-7,
                          max_entries: int | None = None, raise_on_failure: bool = True) -> GradCheckResult:
    """Check ``layer.backward`` against central differences, for ``x`` and every parameter.

    Parameters
    ----------
    layer : Layer
    x : array
        Input; floating inputs are cast to ``dtype`` and checked, integer inputs (token ids)
        are used as they are and not differentiated.
    rng : numpy.random.Generator
        Draws parameters (if ``params`` is None), the cotangent and probed entries.
    dtype : float64 (recommended) or float32
    eps, rtol, atol : float
        Step and tolerances (``|analytic - numeric| <= atol + rtol·|numeric|``).
    max_entries : int, optional
        Probe at most this many random entries per tensor (default: all).
    raise_on_failure : bool
        Raise ``AssertionError`` with the error summary if a check fails.
    """
    dt = check_dtype(dtype)
    eps = check_real("eps", eps, low=0.0, low_open=True)
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.floating):
        x = x.astype(dt, copy=True)
    if params is None:
        params = layer.init(rng, dt)
    params = tree_map(lambda a: np.array(a, dtype=dt, copy=True), params)
    y, cache = layer.forward(params, x)
    r = rng.standard_normal(y.shape).astype(dt)
    dx, grads = layer.backward(params, cache, r)

    res = GradCheckResult(ok=True)
    surr, sparams, to_latent = _surrogate(layer, params)
    sparams = tree_map(lambda a: np.array(a, dtype=dt, copy=True), sparams)

    def s_value():
        return float(np.sum(surr.forward(sparams, x)[0] * r, dtype=np.float64))

    if np.issubdtype(x.dtype, np.floating):
        idx = _probe(rng, x.size, max_entries)
        num = numeric_gradient(s_value, x, eps, idx)
        if dx is None or np.shape(dx) != x.shape:
            raise AssertionError(f"input gradient has shape {np.shape(dx)}, expected {x.shape}")
        _compare("x", dx, num, ~np.isnan(num), rtol, atol, res)

    flat_s = tree_flatten(sparams)
    num_grads = {}
    for path, leaf in flat_s.items():
        num_grads[path] = numeric_gradient(s_value, leaf, eps, _probe(rng, leaf.size, max_entries))
    expected = tree_flatten(to_latent(tree_unflatten(num_grads)) if num_grads else {})
    flat_g = tree_flatten(grads)
    if set(flat_g) != set(expected):
        raise AssertionError(f"gradient keys {sorted(flat_g)} differ from parameter keys {sorted(expected)}")
    for path, num in expected.items():
        g = flat_g[path]
        if np.shape(g) != np.shape(num):
            raise AssertionError(f"gradient {path!r} has shape {np.shape(g)}, parameter has {np.shape(num)}")
        _compare(path, g, np.asarray(num, dtype=np.float64), ~np.isnan(num), rtol, atol, res)
    if raise_on_failure and not res.ok:
        raise AssertionError(f"gradient check failed for {layer!r}: {res.summary()}")
    return res


def check_loss_gradient(loss, pred, *args, eps: float = 1e-6, rtol: float = 1e-5, atol: float = 1e-8,
                        raise_on_failure: bool = True, **kw) -> GradCheckResult:
    """Check the gradient returned by ``loss(pred, *args, **kw) -> (value, grad)``.

    ``pred`` is copied to float64; the central difference of ``value`` in each entry of
    ``pred`` is compared with ``grad``.
    """
    eps = check_real("eps", eps, low=0.0, low_open=True)
    pred = np.array(pred, dtype=np.float64, copy=True)
    _, g = loss(pred, *args, **kw)
    num = numeric_gradient(lambda: loss(pred, *args, **kw)[0], pred, eps)
    res = GradCheckResult(ok=True)
    _compare("pred", g, num, np.ones(pred.shape, dtype=bool), rtol, atol, res)
    if raise_on_failure and not res.ok:
        raise AssertionError(f"loss gradient check failed: {res.summary()}")
    return res
