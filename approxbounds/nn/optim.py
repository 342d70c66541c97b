"""Optimizers as pure ``(init, update)`` pairs, composed with :func:`chain` (optax style).

A :class:`GradientTransformation` is two pure functions::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params)
    params = apply_updates(params, updates)          # p + u, leaf-wise (inplace=True: p += u)

``updates`` are *added* to the parameters (so descent updates carry the minus sign).
States are plain nested dicts whose leaves are numpy arrays (same shape and dtype as the
parameters) or Python ``int`` step counters, so a checkpoint stores them exactly and a
resumed run continues bit for bit. Updates are computed in the parameters' dtype.

Speed: each update is written with ``out=`` ufuncs so that a leaf costs only its output
arrays (Adam: new first and second moments and the update, no other temporaries); on the
784-256-256-10 MLP benchmark this cut Adam from ≈ 3.1 ms to ≈ 0.4 ms per update
(``benchmarks/mlp_step.py``). ``adam(..., inplace=True)`` also reuses the moment arrays.

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
        ``update(grads, state, params=None) -> (updates, new_state)``; never mutates its inputs
        (sole, opt-in exception: ``adam(..., inplace=True)`` overwrites its state's moments).
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


def _same_shapes(grads, params) -> bool:
    if isinstance(grads, dict):
        return isinstance(params, dict) and len(grads) == len(params) and all(
            k in params and _same_shapes(g, params[k]) for k, g in grads.items())
    return np.shape(grads) == np.shape(params)


def _check_grads(grads, params) -> None:
    if params is None or _same_shapes(grads, params):     # fast path, no path strings
        return
    for (path, g), (_, p) in zip(tree_items(grads), tree_items(params)):
        if np.shape(g) != np.shape(p):
            raise ValueError(f"gradient {path!r} has shape {np.shape(g)} but parameter has shape {np.shape(p)}")


def _unzip(tree, n: int):
    """Split a tree whose leaves are ``n``-tuples into ``n`` trees (one walk)."""
    if not isinstance(tree, dict):
        return tree
    outs = tuple({} for _ in range(n))
    for key, sub in tree.items():
        for out, part in zip(outs, _unzip(sub, n)):
            out[key] = part
    return outs


def _scalars(*values: float) -> Callable[[np.dtype], tuple]:
    """``dtype -> values`` as 0-d arrays of that dtype, built once per dtype.

    A Python float operand is converted anew at every ufunc call (≈ 0.6 µs, more than the
    arithmetic on a small leaf); a 0-d array of the leaf's own dtype is used as is. Both
    round the value to the leaf's dtype first, so results are bitwise the same.
    """
    cache: dict = {}

    def get(dtype) -> tuple:
        found = cache.get(dtype)
        if found is None:
            found = cache[dtype] = tuple(np.asarray(v, dtype=dtype) for v in values)
        return found

    return get


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
        consts = _scalars(mu, -eta)

        def leaf(b, g):          # b' = mu b + g;  u = -eta (g + mu b') or -eta b'
            mu_, neg_eta = consts(b.dtype)
            b_new = np.multiply(b, mu_)
            b_new += g
            if nesterov:
                u = np.multiply(b_new, mu_)
                u += g
                u *= neg_eta
            else:
                u = np.multiply(b_new, neg_eta)
            return b_new, u

        new_state["momentum"], updates = _unzip(tree_map(leaf, state["momentum"], grads), 2)
        return updates, new_state

    return GradientTransformation(init, update)


def _adam_leaf(m, v, g, consts, inplace=False):
    """One Adam step on one leaf: ``(m', v', u)`` in the dtype of ``m``.

    ``consts = (b1, 1-b1, b2, 1-b2, eps_hat, -step_size)`` as 0-d arrays of ``m.dtype``.
    ``m' = b1 m + (1-b1) g`` and ``v' = b2 v + (1-b2) (g g)`` round exactly like the
    textbook expressions; ``u = -step_size · m' / (√v' + eps_hat)``; ``u`` doubles as the
    only scratch buffer. ``inplace=False``: ``m'`` and ``v'`` are new arrays;
    ``inplace=True``: they overwrite ``m`` and ``v`` (the same operations in the same order,
    so the results are bitwise those of the pure path).
    """
    b1, one_m_b1, b2, one_m_b2, eps_hat, neg_step = consts
    m_new = m if inplace else np.empty_like(m)
    v_new = v if inplace else np.empty_like(v)
    u = np.empty_like(m)
    np.multiply(g, one_m_b1, out=u)
    np.multiply(m, b1, out=m_new)
    m_new += u
    np.multiply(g, g, out=u)
    u *= one_m_b2
    np.multiply(v, b2, out=v_new)
    v_new += u
    np.sqrt(v_new, out=u)
    u += eps_hat
    np.divide(m_new, u, out=u)
    u *= neg_step
    return m_new, v_new, u


def _adam_scalars(b1, b2, eps_hat, step_size) -> Callable[[np.dtype], tuple]:
    """The per-dtype constants of one Adam update; ``eps_hat`` never rounds down to 0."""
    plain = _scalars(b1, 1.0 - b1, b2, 1.0 - b2, eps_hat, -step_size)

    def get(dtype) -> tuple:
        c = plain(dtype)
        if c[4] == 0:             # ε·sqrt(1-β₂ᵗ) underflows in this dtype: use the least ε̂ > 0
            c = c[:4] + (np.asarray(np.finfo(dtype).smallest_subnormal, dtype=dtype),) + c[5:]
        return c

    return get


def adam(lr, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, *,
         inplace: bool = False) -> GradientTransformation:
    r"""Adam (Kingma & Ba, ICLR 2015, Algorithm 1).

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\\
        u_t = -\eta_t\, \frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \varepsilon}.

    Computed in the algebraically identical order Kingma & Ba give at the end of their §2,
    which folds both bias corrections into two scalars (evaluated in float64):

    .. math::
        u_t = -\alpha_t\, \frac{m_t}{\sqrt{v_t} + \hat\varepsilon},\qquad
        \alpha_t = \eta_t \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t},\quad
        \hat\varepsilon = \varepsilon \sqrt{1-\beta_2^t}.

    Per leaf the update allocates only its three outputs (new ``m``, new ``v``, the update)
    and runs eleven element-wise passes; the inputs and the old state are never modified.

    Parameters
    ----------
    lr : float or callable
        Learning rate > 0 or schedule.
    b1, b2 : float
        Decay rates in [0, 1).
    eps : float
        ε > 0 added to the root of the corrected second moment.
    inplace : bool
        False (default): ``update`` is pure. True: ``update`` *overwrites the moment arrays
        of the state it is given* and returns a state holding those same arrays, which saves
        two allocations per parameter and keeps the moments in warm memory (on the
        784-256-256-10 MLP benchmark 0.15–0.9 ms of a 2.3–3.3 ms step, the upper end when
        the pure path's fresh arrays make glibc fault heap pages back in; see
        ``benchmarks/README.md``). Values are bitwise identical to the pure path. Use it only
        when every state is used once, as :func:`~approxbounds.nn.trainer.fit` does
        (checkpoints are written from the current state, so resume stays exact); the
        gradients and parameters are never modified.
    """
    if not isinstance(inplace, bool):
        raise TypeError(f"inplace must be a bool, got {inplace!r}")
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
        # bias corrections in double precision (b^t may underflow to 0 -> correction 1)
        root_c2 = math.sqrt(1.0 - b2 ** t)
        step_size = eta * root_c2 / (1.0 - b1 ** t)
        eps_hat = eps * root_c2

        consts = _adam_scalars(b1, b2, eps_hat, step_size)
        if inplace:
            def leaf_u(m, v, g):
                return _adam_leaf(m, v, g, consts(m.dtype), inplace=True)[2]

            updates = tree_map(leaf_u, state["mu"], state["nu"], grads)
            return updates, {"count": t, "mu": state["mu"], "nu": state["nu"]}

        def leaf(m, v, g):
            return _adam_leaf(m, v, g, consts(m.dtype))

        mu, nu, updates = _unzip(tree_map(leaf, state["mu"], state["nu"], grads), 3)
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
        consts = _scalars(rho, 1.0 - rho, eps, -eta)

        def leaf(v, g):          # v' = rho v + (1-rho) g^2;  u = (-eta g) / (sqrt(v') + eps)
            rho_, one_m_rho, eps_, neg_eta = consts(v.dtype)
            v_new = np.multiply(v, rho_)
            u = np.multiply(g, g, dtype=v.dtype)
            u *= one_m_rho
            v_new += u
            np.sqrt(v_new, out=u)
            u += eps_
            return v_new, np.divide(np.multiply(g, neg_eta, dtype=v.dtype), u, out=u)

        nu, updates = _unzip(tree_map(leaf, state["nu"], grads), 2)
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


def _add_into(p, u):
    if not isinstance(p, np.ndarray):
        raise TypeError(f"apply_updates(inplace=True) needs numpy array parameters, got {type(p).__name__}")
    np.add(p, u, out=p)
    return p


def apply_updates(params, updates, *, inplace: bool = False):
    """Return ``params + updates`` leaf-wise, keeping each parameter's dtype.

    ``inplace=True`` adds into the parameter arrays themselves (they must be writable numpy
    arrays) and returns a tree holding those same arrays: no new memory per step, which
    keeps the weights warm in cache for the next forward pass (≈ 0.2 ms of a 2.5 ms step on
    the 784-256-256-10 MLP benchmark). The values are bitwise those of ``inplace=False``
    (the same addition, rounded once to the parameter's dtype). :func:`~approxbounds.nn.trainer.fit`
    uses it on its own copy of the parameters.
    """
    if not isinstance(inplace, bool):
        raise TypeError(f"inplace must be a bool, got {inplace!r}")
    if inplace:
        return tree_map(_add_into, params, updates)
    return tree_map(lambda p, u: (p + u).astype(np.asarray(p).dtype, copy=False), params, updates)
