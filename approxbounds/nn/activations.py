"""Element-wise activations: layers for models and bare functions for inner loops.

Two faces of the same maths:

* :func:`act_forward` / :func:`act_backward` are plain functions on arrays, with no validation
  and no object creation, for time loops such as the RNN's::

      a, aux = act_forward("tanh", z)
      dz = act_backward("tanh", aux, da)

* the layer classes (:class:`ReLU`, :class:`Tanh`, ..., :class:`PiecewisePolynomial`) follow
  the :class:`~approxbounds.nn.base.Layer` protocol and carry the capacity vocabulary
  ``pieces`` (number of polynomial pieces; ReLU has 2) and ``degree`` (ν; ReLU 1, hard
  threshold 0), the same words as ``approxbounds.capacity.Activation``. Activations that are
  not piecewise polynomial (``tanh``) have ``pieces = degree = None``.

Every function keeps the dtype of its input (float32 stays float32).

Conventions at the non-differentiable points (they matter only on a set of measure zero):
``relu'(0) = 0``, ``leaky_relu'(0) = slope``, ``H(0) = 1`` for the hard threshold, ``modReLU``
outputs 0 and has derivative 0 at ``z = 0`` and on ``|z| + β <= 0``; a piecewise polynomial
uses the piece to the right of a breakpoint.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from approxbounds._validation import check_int, check_real
from approxbounds.nn.base import Layer, check_dtype, layer_from_config, register_layer

__all__ = [
    "act_forward", "act_backward", "modrelu_forward", "modrelu_backward", "ACTIVATION_NAMES",
    "get_activation", "Activation", "ReLU", "LeakyReLU", "Tanh", "Identity", "HardThreshold",
    "ModReLU", "PiecewisePolynomial", "piecewise_linear",
]


# ----------------------------------------------------------------------------------------------
# bare functions: (a, aux) = f(z, **kw);  dz = g(aux, da)
# ----------------------------------------------------------------------------------------------
def _relu_f(z):
    a = np.maximum(z, 0)
    return a, a


def _relu_b(a, da):
    return da * (a > 0)


def _leaky_f(z, slope=0.01):
    pos = z > 0
    return np.where(pos, z, z * np.asarray(slope, dtype=z.dtype)), (pos, slope)


def _leaky_b(aux, da):
    pos, slope = aux
    return np.where(pos, da, da * np.asarray(slope, dtype=da.dtype))


def _tanh_f(z):
    a = np.tanh(z)
    return a, a


def _tanh_b(a, da):
    return da * (1 - a * a)


def _identity_f(z):
    return z, None


def _identity_b(aux, da):
    return da


def _threshold_f(z):
    return (z >= 0).astype(z.dtype), z.shape


def _threshold_b(shape, da):
    return np.zeros_like(da)


def modrelu_forward(z: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""modReLU :math:`\sigma_\beta(z) = \operatorname{sign}(z)\,\max(|z| + \beta, 0)`.

    ``beta`` broadcasts against ``z`` (one bias per unit along the last axis). Returns
    ``(a, s)`` with :math:`s = \operatorname{sign}(z)\,\mathbf 1[|z| + \beta > 0]`, from which
    both derivatives follow: :math:`\partial a/\partial z = |s|` and
    :math:`\partial a/\partial\beta = s`.

    Source: Arjovsky, Shah & Bengio, *Unitary evolution recurrent neural networks*,
    ICML 2016 (real-valued form as in the QORNN paper, docs/rnn.md §2).
    """
    r = np.abs(z) + beta
    s = np.sign(z) * (r > 0)
    return s * r, s


def modrelu_backward(s: np.ndarray, da: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(dz, dbeta_elementwise)``; sum the second over batch (and time) axes."""
    return da * np.abs(s), da * s


def _modrelu_f(z, beta=0.0):
    return modrelu_forward(z, np.asarray(beta, dtype=z.dtype))


def _modrelu_b(s, da):
    return da * np.abs(s)


_FORWARD: dict[str, Callable] = {
    "relu": _relu_f, "leaky_relu": _leaky_f, "tanh": _tanh_f, "identity": _identity_f,
    "hard_threshold": _threshold_f, "modrelu": _modrelu_f,
}
_BACKWARD: dict[str, Callable] = {
    "relu": _relu_b, "leaky_relu": _leaky_b, "tanh": _tanh_b, "identity": _identity_b,
    "hard_threshold": _threshold_b, "modrelu": _modrelu_b,
}


def _unknown(name) -> ValueError:
    return ValueError(f"unknown activation {name!r}; valid values: {', '.join(ACTIVATION_NAMES)}")


def act_forward(name: str, z: np.ndarray, **kw) -> tuple[np.ndarray, object]:
    """Apply activation ``name`` to ``z``; return ``(a, aux)`` where ``aux`` feeds backward.

    Names: ``relu``, ``leaky_relu`` (``slope=0.01``), ``tanh``, ``identity``,
    ``hard_threshold`` (derivative taken as 0), ``modrelu`` (``beta=``; the β-gradient is
    ``da * aux``, see :func:`modrelu_backward`). No validation: this is the hot path.
    """
    try:
        f = _FORWARD[name]
    except KeyError:
        raise _unknown(name) from None
    return f(z, **kw)


def act_backward(name: str, aux, da: np.ndarray) -> np.ndarray:
    """Gradient with respect to the pre-activation, given ``aux`` from :func:`act_forward`."""
    try:
        g = _BACKWARD[name]
    except KeyError:
        raise _unknown(name) from None
    return g(aux, da)


# ----------------------------------------------------------------------------------------------
# layers
# ----------------------------------------------------------------------------------------------
def _check_float_input(x) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise ValueError(f"activation input x must be float32 or float64, got dtype {x.dtype}")
    return x


class Activation(Layer):
    """Parameter-free element-wise activation; subclasses set ``kind``, ``pieces``, ``degree``."""

    kind = "activation"
    pieces: int | None = None
    degree: int | None = None

    @property
    def name(self) -> str:
        return self.kind

    def _kw(self) -> dict:
        return {}

    def forward(self, params, x):
        x = _check_float_input(x)
        return _FORWARD[self.kind](x, **self._kw())

    def backward(self, params, cache, dy):
        return _BACKWARD[self.kind](cache, dy), {}


@register_layer
class ReLU(Activation):
    """:math:`\\max(z, 0)`: 2 pieces, degree 1."""

    kind = "relu"
    pieces, degree = 2, 1


@register_layer
class LeakyReLU(Activation):
    """:math:`z` for :math:`z > 0`, ``slope``·z otherwise: 2 pieces, degree 1."""

    kind = "leaky_relu"
    pieces, degree = 2, 1      # as capacity's fixed (2, 1), even for the degenerate slope 1

    def __init__(self, slope: float = 0.01):
        self.slope = check_real("slope", slope)

    def _kw(self):
        return {"slope": self.slope}

    def config(self):
        return {"kind": self.kind, "slope": self.slope}


@register_layer
class Tanh(Activation):
    """Hyperbolic tangent (not piecewise polynomial: ``pieces = degree = None``)."""

    kind = "tanh"


@register_layer
class Identity(Activation):
    """:math:`z`: 1 piece, degree 1."""

    kind = "identity"
    pieces, degree = 1, 1


@register_layer
class HardThreshold(Activation):
    r"""Heaviside step :math:`H(z) = \mathbf 1[z \ge 0]` (values 0/1): 2 pieces, degree 0.

    Its derivative is 0 wherever it exists, so ``backward`` returns zeros: a network of hard
    thresholds cannot be trained by this gradient (use it for evaluation or with a surrogate).
    """

    kind = "hard_threshold"
    pieces, degree = 2, 0


@register_layer
class ModReLU(Activation):
    r"""modReLU with a trained bias per unit: :math:`\operatorname{sign}(z)\max(|z|+\beta, 0)`.

    Parameters ``{"beta": (units,)}``, initialised :math:`U(-s, s)` with ``s = init_scale``.
    The input's last axis must have length ``units``. For any β it is piecewise linear with at
    most 3 pieces (``pieces = 3, degree = 1``); its breakpoints ±max(−β, 0) move with β, so a
    capacity count must treat β as parameters.
    """

    kind = "modrelu"
    pieces, degree = 3, 1

    def __init__(self, units: int, init_scale: float = 0.01):
        self.units = check_int("units", units, minimum=1)
        self.init_scale = check_real("init_scale", init_scale, low=0.0, high=math.inf)

    def init(self, rng, dtype=np.float64):
        dt = check_dtype(dtype)
        return {"beta": rng.uniform(-self.init_scale, self.init_scale, self.units).astype(dt)}

    def forward(self, params, x):
        x = _check_float_input(x)
        beta = params["beta"]
        if x.shape[-1:] != (self.units,):
            raise ValueError(f"modrelu input x has shape {x.shape}; its last axis must equal units={self.units}")
        if x.dtype != beta.dtype:
            raise ValueError(f"modrelu input x has dtype {x.dtype} but params['beta'] has dtype {beta.dtype}")
        return modrelu_forward(x, beta)

    def backward(self, params, cache, dy):
        dz, db = modrelu_backward(cache, dy)
        return dz, {"beta": db.reshape(-1, self.units).sum(axis=0)}

    def config(self):
        return {"kind": self.kind, "units": self.units, "init_scale": self.init_scale}


@register_layer
class PiecewisePolynomial(Activation):
    r"""Piecewise polynomial activation from breakpoints and a coefficient table.

    With breakpoints :math:`t_1 < \dots < t_{k-1}` (:math:`t_0 = -\infty`, :math:`t_k = \infty`)
    and ``coefficients[i, j] = c_{ij}`` (``k`` rows, ``ν + 1`` columns, increasing powers),

    .. math:: \sigma(z) = \sum_{j=0}^{\nu} c_{ij} z^j \quad\text{for } t_i \le z < t_{i+1}.

    Continuity is not required. ``pieces`` is ``k`` and ``degree`` is the highest power with a
    non-zero coefficient in any piece (0 if all vanish) — the quantities Bartlett, Harvey,
    Liaw & Mehrabian (JMLR 2019) call ``p + 1`` and ν. At a breakpoint the right-hand piece is
    used, for the value and the derivative. Evaluation is by Horner's scheme per piece.
    """

    kind = "piecewise_polynomial"

    def __init__(self, breakpoints, coefficients):
        bp = np.asarray(breakpoints, dtype=np.float64).reshape(-1)
        co = np.asarray(coefficients, dtype=np.float64)
        if co.ndim != 2 or co.shape[0] < 1 or co.shape[1] < 1:
            raise ValueError(f"coefficients must be a 2-d table (pieces, degree + 1), got shape {co.shape}")
        if bp.size != co.shape[0] - 1:
            raise ValueError(
                f"breakpoints must have pieces - 1 = {co.shape[0] - 1} entries, got {bp.size}")
        if not (np.all(np.isfinite(bp)) and np.all(np.isfinite(co))):
            raise ValueError("breakpoints and coefficients must be finite")
        if np.any(np.diff(bp) <= 0):
            raise ValueError(f"breakpoints must be strictly increasing, got {bp.tolist()}")
        self.breakpoints = bp
        self.coefficients = co

    @property
    def pieces(self) -> int:
        return int(self.coefficients.shape[0])

    @property
    def degree(self) -> int:
        nz = np.nonzero(np.any(self.coefficients != 0, axis=0))[0]
        return int(nz[-1]) if nz.size else 0

    def forward(self, params, x):
        x = _check_float_input(x)
        idx = np.searchsorted(self.breakpoints, x, side="right")
        co = self.coefficients.astype(x.dtype)[idx]          # (..., degree + 1)
        a = co[..., -1].copy()
        for j in range(co.shape[-1] - 2, -1, -1):
            a = a * x + co[..., j]
        return a, (x, co)

    def backward(self, params, cache, dy):
        x, co = cache
        nu = co.shape[-1] - 1
        if nu == 0:
            return np.zeros_like(dy), {}
        d = co[..., -1] * nu
        for j in range(nu - 1, 0, -1):
            d = d * x + co[..., j] * j
        return dy * d, {}

    def config(self):
        return {"kind": self.kind, "breakpoints": self.breakpoints.tolist(),
                "coefficients": self.coefficients.tolist()}


def piecewise_linear(breakpoints, slopes, intercepts=None, *, first_intercept: float = 0.0) -> PiecewisePolynomial:
    """Piecewise linear activation with the given slopes on the ``len(breakpoints) + 1`` pieces.

    With ``intercepts=None`` the function is continuous: the first piece is
    ``first_intercept + slopes[0] * z`` and each later intercept is fixed by continuity at its
    breakpoint. Examples: ReLU is ``piecewise_linear([0], [0, 1])``; hard tanh is
    ``piecewise_linear([-1, 1], [0, 1, 0], first_intercept=-1)``.
    """
    bp = np.asarray(breakpoints, dtype=np.float64).reshape(-1)
    s = np.asarray(slopes, dtype=np.float64).reshape(-1)
    if s.size != bp.size + 1:
        raise ValueError(f"slopes must have len(breakpoints) + 1 = {bp.size + 1} entries, got {s.size}")
    if intercepts is None:
        c = np.empty_like(s)
        c[0] = check_real("first_intercept", first_intercept)
        for i in range(1, s.size):
            c[i] = c[i - 1] + (s[i - 1] - s[i]) * bp[i - 1]
    else:
        c = np.asarray(intercepts, dtype=np.float64).reshape(-1)
        if c.size != s.size:
            raise ValueError(f"intercepts must have {s.size} entries like slopes, got {c.size}")
    return PiecewisePolynomial(bp, np.stack([c, s], axis=1))


_LAYERS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "identity": Identity,
           "hard_threshold": HardThreshold, "modrelu": ModReLU,
           "piecewise_polynomial": PiecewisePolynomial, "piecewise_linear": piecewise_linear}
ACTIVATION_NAMES: tuple[str, ...] = tuple(_LAYERS)


def get_activation(name, **kw) -> Activation:
    """Activation layer by name (``ACTIVATION_NAMES``); ``kw`` go to its constructor.

    An :class:`Activation` instance is returned unchanged; a config dict is rebuilt.
    """
    if isinstance(name, Activation):
        return name
    if isinstance(name, dict):
        layer = layer_from_config(name)
        if not isinstance(layer, Activation):
            raise ValueError(f"config of kind {name.get('kind')!r} is not an activation")
        return layer
    if name not in _LAYERS:
        raise _unknown(name)
    return _LAYERS[name](**kw)
