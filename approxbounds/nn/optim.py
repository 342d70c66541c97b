"""Optimizers as pure ``(init, update)`` pairs, composed with :func:`chain` (optax style).

A :class:`GradientTransformation` is two pure functions::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = apply_updates(params, updates)          # p + u, leaf-wise

``updates`` are *added* to the parameters (so descent updates carry the minus sign).
States are plain nested dicts whose leaves are numpy arrays (same shape and dtype as the
parameters) or Python ``int`` step counters, so a checkpoint stores them exactly and a
resumed run continues bit for bit. Updates are computed in the parameters' dtype.

The learning rate ``lr`` of :func:`sgd`, :func:`adam` and :func:`rmsprop` is a positive float
or a schedule ``step -> lr`` (:mod:`approxbounds.nn.schedules`), evaluated at the number of
updates already done (0 for the first update).

Update rules (g gradient, t = 1, 2, ... the update number, η the learning rate):

* SGD with momentum μ (PyTorch convention, no dampening): b ← μ b + g;
  u = −η (g + μ b) with Nesterov, u = −η b without.
* Adam (Kingma & Ba 2015, Alg. 1): m ← β₁ m + (1−β₁) g, v ← β₂ v + (1−β₂) g²,
  u = −η m̂ / (√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
* RMSprop (Tieleman & Hinton 2012; PyTorch convention, ε outside the root):
  v ← ρ v + (1−ρ) g², u = −η g / (√v + ε).
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, NamedTuple

import numpy as np

from approxbounds._validation import check_real
from approxbounds.nn.schedules import as_schedule
from approxbounds.nn.tree import tree_global_norm, tree_map, tree_zeros_like, tree_items

__all__ = [
    "GradientTransformation", "sgd", "adam", "rmsprop", "clip_by_global_norm", "clip", "chain",
    "apply_updates", "param_transform", "project", "scale_by_lr",
]


class GradientTransformation(NamedTuple):
    """A pair of pure functions.

    Attributes
    ----------
    init : callable
        ``init(params) -> state``.
    update : callable
        ``update(grads, state, params=None) -> (updates, new_state)``; never mutates its inputs.
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]


def _lr_fn(lr) -> Callable[[int], float]:
    """Validate ``lr`` (positive float or schedule) and return ``step -> lr``."""
    if isinstance(lr, numbers.Real) and not isinstance(lr, bool):
        check_real("lr", lr, low=0.0, low_open=True)
        value = float(lr)
        return lambda step: value
    if isinstance(lr, bool) or not callable(lr):
        raise TypeError(f"lr must be a positive float or a schedule step -> lr, got {lr!r}")
    schedule = as_schedule(lr)

    def checked(step: int) -> float:
        value = schedule(step)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
            raise ValueError(f"lr schedule returned {value!r} at step {step}; it must be a finite float >= 0")
        return float(value)

    return checked


def _cast(x, like: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=like.dtype)


def _check_grads(grads, params) -> None:
    if params is None:
        return
    for (path, g), (_, p) in zip(tree_items(grads), tree_items(params)):
        if np.shape(g) != np.shape(p):
            raise ValueError(f"gradient {path!r} has shape {np.shape(g)} but parameter has shape {np.shape(p)}")


def sgd(lr, momentum: float = 0.0, nesterov: bool = False) -> GradientTransformation:
    r"""Stochastic gradient descent with optional (Nesterov) momentum.

    With buffer :math:`b_0 = 0`: :math:`b_t = \mu b_{t-1} + g_t`; update
    :math:`-\eta_t (g_t + \mu b_t)` (Nesterov) or :math:`-\eta_t b_t`. This matches
    ``torch.optim.SGD`` with ``dampening=0`` (Sutskever et al. 2013 formulation).

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 or schedule.
    momentum : float
        μ in [0, 1).
    nesterov : bool
        Nesterov momentum (requires ``momentum > 0``).
    """
    lr_at = _lr_fn(lr)
    mu = check_real("momentum", momentum, low=0.0, high=1.0, high_open=True)
    if not isinstance(nesterov, bool):
        raise TypeError(f"nesterov must be a bool, got {nesterov!r}")
    if nesterov and mu == 0.0:
        raise ValueError("nesterov=True requires momentum in (0, 1), got momentum=0")

    def init(params):
        state = {"count": 0}
        if mu > 0:
            state["momentum"] = tree_zeros_like(params)
        return state

    def update(grads, state, params=None):
        _check_grads(grads, params)
        step = state["count"]
        eta = lr_at(step)
        new_state = {"count": step + 1}
        if mu == 0.0:
            updates = tree_map(lambda g: -_cast(eta, g) * g, grads)
            return updates, new_state
        buf = tree_map(lambda b, g: _cast(mu, g) * b + g, state["momentum"], grads)
        new_state["momentum"] = buf
        if nesterov:
            updates = tree_map(lambda g, b: -_cast(eta, g) * (g + _cast(mu, g) * b), grads, buf)
        else:
            updates = tree_map(lambda b: -_cast(eta, b) * b, buf)
        return updates, new_state

    return GradientTransformation(init, update)


def adam(lr, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    r"""Adam (Kingma & Ba, ICLR 2015, Algorithm 1).

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\\
        u_t = -\eta_t\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}.

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 or schedule.
    b1, b2 : float
        Decay rates in [0, 1).
    eps : float
        ε > 0 added to the root of the corrected second moment.
    """
    lr_at = _lr_fn(lr)
    b1 = check_real("b1", b1, low=0.0, high=1.0, high_open=True)
    b2 = check_real("b2", b2, low=0.0, high=1.0, high_open=True)
    eps = check_real("eps", eps, low=0.0, low_open=True)

    def init(params):
        return {"count": 0, "mu": tree_zeros_like(params), "nu": tree_zeros_like(params)}

    def update(grads, state, params=None):
        _check_grads(grads, params)
        t = state["count"] + 1
        eta = lr_at(t - 1)
        mu = tree_map(lambda m, g: _cast(b1, g) * m + _cast(1.0 - b1, g) * g, state["mu"], grads)
        nu = tree_map(lambda v, g: _cast(b2, g) * v + _cast(1.0 - b2, g) * (g * g), state["nu"], grads)
        # bias corrections in double precision (b^t may underflow to 0 -> correction 1)
        c1 = 1.0 - b1 ** t
        c2 = 1.0 - b2 ** t

        def step(m, v):
            m_hat = m / _cast(c1, m)
            v_hat = v / _cast(c2, v)
            return -_cast(eta, m) * m_hat / (np.sqrt(v_hat) + _cast(eps, v))

        updates = tree_map(step, mu, nu)
        return updates, {"count": t, "mu": mu, "nu": nu}

    return GradientTransformation(init, update)


def rmsprop(lr, decay: float = 0.9, eps: float = 1e-8) -> GradientTransformation:
    r"""RMSprop (Tieleman & Hinton 2012, lecture 6.5), PyTorch convention.

    :math:`v_t = \rho v_{t-1} + (1-\rho) g_t^2`, :math:`u_t = -\eta_t g_t / (\sqrt{v_t} + \varepsilon)`,
    with :math:`v_0 = 0` (``torch.optim.RMSprop(alpha=decay)``; optax puts ε inside the root).
    """
    lr_at = _lr_fn(lr)
    rho = check_real("decay", decay, low=0.0, high=1.0, high_open=True)
    eps = check_real("eps", eps, low=0.0, low_open=True)

    def init(params):
        return {"count": 0, "nu": tree_zeros_like(params)}

    def update(grads, state, params=None):
        _check_grads(grads, params)
        step = state["count"]
        eta = lr_at(step)
        nu = tree_map(lambda v, g: _cast(rho, g) * v + _cast(1.0 - rho, g) * (g * g), state["nu"], grads)
        updates = tree_map(lambda g, v: -_cast(eta, g) * g / (np.sqrt(v) + _cast(eps, v)), grads, nu)
        return updates, {"count": step + 1, "nu": nu}

    return GradientTransformation(init, update)


def scale_by_lr(lr) -> GradientTransformation:
    """Multiply the incoming updates by ``-lr`` (plain gradient step; ``lr`` may be a schedule).

    Useful at the end of a chain of pre-conditioning transforms.
    """
    lr_at = _lr_fn(lr)

    def init(params):
        return {"count": 0}

    def update(grads, state, params=None):
        eta = lr_at(state["count"])
        return tree_map(lambda g: -_cast(eta, g) * g, grads), {"count": state["count"] + 1}

    return GradientTransformation(init, update)


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    r"""Rescale the whole update tree so its global Euclidean norm is at most ``max_norm``.

    With :math:`n = \lVert g \rVert_2` over all leaves (computed in float64), the output is
    :math:`g \cdot \mathrm{max\_norm}/n` when :math:`n > \mathrm{max\_norm}`, else ``g`` unchanged
    (Pascanu et al. 2013). A non-finite norm raises ``FloatingPointError``.
    """
    max_norm = check_real("max_norm", max_norm, low=0.0, low_open=True)

    def init(params):
        return {}

    def update(grads, state, params=None):
        norm = tree_global_norm(grads)
        if not math.isfinite(norm):
            raise FloatingPointError(f"clip_by_global_norm: the gradient global norm is {norm}")
        if norm <= max_norm:
            return grads, state
        factor = max_norm / norm
        return tree_map(lambda g: g * _cast(factor, g), grads), state

    return GradientTransformation(init, update)


def clip(value: float) -> GradientTransformation:
    """Clip every update entry to ``[-value, value]`` (``value > 0``)."""
    value = check_real("value", value, low=0.0, low_open=True)

    def init(params):
        return {}

    def update(grads, state, params=None):
        return tree_map(lambda g: np.clip(g, -_cast(value, g), _cast(value, g)), grads), state

    return GradientTransformation(init, update)


def _chain_key(i: int) -> str:
    return f"{i:03d}"


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` in order; the output updates of one are the input of the next.

    The state is ``{"000": state_0, "001": state_1, ...}``. Example: gradient clipping then
    Adam then a projection is ``chain(clip_by_global_norm(1.0), adam(1e-3), project(fn))``.
    """
    if not transforms:
        raise ValueError("chain needs at least one transform")
    for i, t in enumerate(transforms):
        if not isinstance(t, GradientTransformation):
            raise TypeError(f"chain argument {i} must be a GradientTransformation, got {type(t).__name__}")

    def init(params):
        return {_chain_key(i): t.init(params) for i, t in enumerate(transforms)}

    def update(grads, state, params=None):
        new_state = {}
        for i, t in enumerate(transforms):
            grads, new_state[_chain_key(i)] = t.update(grads, state[_chain_key(i)], params)
        return grads, new_state

    return GradientTransformation(init, update)


def param_transform(fn: Callable[[Any, Any], Any]) -> GradientTransformation:
    """A stateless transform ``updates -> fn(updates, params)``.

    ``fn`` receives the incoming update tree and the current parameters and returns a new
    update tree of the same structure. Raises ``ValueError`` at update time if the
    parameters are not passed.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    def init(params):
        return {}

    def update(updates, state, params=None):
        if params is None:
            raise ValueError("param_transform needs params: call update(grads, state, params)")
        return fn(updates, params), state

    return GradientTransformation(init, update)


def project(fn: Callable[[Any], Any]) -> GradientTransformation:
    r"""Make the step land on ``fn(params + updates)`` (projection or quantization step).

    The output update is :math:`\mathrm{fn}(p + u) - p`, so :func:`apply_updates` yields
    :math:`\mathrm{fn}(p+u)` up to one floating-point rounding of the final addition (exact
    whenever :math:`\mathrm{fn}(p+u)` and :math:`p` are within a factor 2 of each other, or
    :math:`\mathrm{fn}(p+u) = 0`, by Sterbenz's lemma). ``fn`` maps a parameter tree to a
    tree of the same structure, e.g. a polar projection onto orthogonal matrices.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")

    def delta(updates, params):
        target = fn(apply_updates(params, updates))
        return tree_map(lambda q, p: _cast(q, p) - p, target, params)

    return param_transform(delta)


def apply_updates(params, updates):
    """Return ``params + updates`` leaf-wise, keeping each parameter's dtype."""
    return tree_map(lambda p, u: (p + u).astype(np.asarray(p).dtype, copy=False), params, updates)
