r"""Vanilla recurrent layer with full back-propagation through time (BPTT).

The recurrence, for a batch of sequences :math:`x_1, \dots, x_T \in \mathbb{R}^{n_{in}}`
and hidden size :math:`n`, is

.. math::

    z_t = W_{in} x_t + W_{rec} h_{t-1} + b, \qquad h_t = \varphi(z_t), \qquad h_0 \text{ given (default 0)},

with ``W_in`` of shape ``(n, n_in)`` and ``W_rec`` of shape ``(n, n)`` (column-vector
convention, the same layout as ``torch.nn.RNN``'s ``weight_ih_l0`` / ``weight_hh_l0``, so
weights copy over unchanged; torch's two biases correspond to their sum ``b``).
:math:`\varphi` is one of ``tanh``, ``relu``, ``identity`` (a linear recurrence, as in
HadamRNN), ``leaky_relu`` (slope ``negative_slope``) or ``modrelu``
:math:`\varphi(z) = \operatorname{sign}(z)\,\max(|z| + \beta, 0)` with a trained
per-unit ``beta`` (Arjovsky, Shah & Bengio 2016, "Unitary evolution RNNs"; used by the
QORNN of Foucault, Mamalet & Malgouyres, arXiv 2402.04012). At the kinks the conventions of
:mod:`approxbounds.nn.activations` hold: ``relu'(0) = 0``, modReLU is 0 with derivative 0 at
``z = 0`` and on ``|z| + beta <= 0``; ``leaky_relu'(0) = negative_slope``. The time loop uses
in-place versions of those activations (``out=``), checked against ``act_forward`` in the
tests.

Back-propagation (Werbos 1990) with :math:`\delta_t = \partial L / \partial z_t`:

.. math::

    g_t = \frac{\partial L}{\partial h_t}\Big|_{\text{direct}} + W_{rec}^\top \delta_{t+1},
    \qquad \delta_t = g_t \odot \varphi'(z_t),

    \frac{\partial L}{\partial W_{rec}} = \sum_t \delta_t h_{t-1}^\top, \quad
    \frac{\partial L}{\partial W_{in}} = \sum_t \delta_t x_t^\top, \quad
    \frac{\partial L}{\partial b} = \sum_t \delta_t, \quad
    \frac{\partial L}{\partial x_t} = W_{in}^\top \delta_t,

and for modReLU :math:`\partial L/\partial\beta = \sum_t \delta_t \odot \operatorname{sign}(z_t)`.
Since :math:`\varphi'` is diagonal, every :math:`\varphi'(z_t)` is computed in one vectorised
pass before the backward loop; the only work left inside the loop is one ``(B, n) x (n, n)``
product and two element-wise operations per step. The input projection, ``dW_in`` and
``dW_rec`` are each ONE matrix product over all ``T * B`` rows; ``dx`` is one batched
product (B products on strided views, which avoids a transposed copy).

Implementation notes (speed): arrays are time-major ``(T, B, n)`` internally and
allocated once per call (the backward scratch buffer once per thread, see
:func:`_delta_workspace`); the loops write with ``out=`` so no array is allocated per
step. Nothing is upcast: float32 in, float32 arithmetic out. Pin BLAS to one thread
(``OMP_NUM_THREADS=1``) for these small products; see ``benchmarks/rnn_step.py``.

Custom recurrent matrices: :meth:`RNN.recurrent_weights` maps the parameter tree to
``(W_in, W_rec)`` and :meth:`RNN.weights_backward` maps ``(dW_in, dW_rec)`` back onto
gradients of the tree. A subclass (for instance a HadamRNN whose
:math:`W = \operatorname{diag}(\operatorname{sgn} u) S_n/\sqrt{n}` is built from a sign
vector ``u``, or a layer with a quantized ``W_in``) overrides these two methods and gets
the whole BPTT machinery unchanged. The functional core is :func:`rnn_forward` /
:func:`rnn_backward`.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.nn.base import Layer, check_dtype, register_layer

__all__ = ["RNN", "RNNCache", "rnn_forward", "rnn_backward", "NONLINEARITIES", "INITS"]

NONLINEARITIES = ("tanh", "relu", "identity", "leaky_relu", "modrelu")
INITS = ("uniform", "orthogonal", "identity")


# ----------------------------------------------------------------------------- helpers
_WORKSPACE = threading.local()


def _delta_workspace(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """Per-thread scratch buffer for the backward pass (never returned to the caller).

    Allocating a fresh (T, B, n) buffer on every call while the forward cache is alive
    makes the C allocator hand the memory back to the OS and fault it in again each step;
    on the benchmark shape that cost ~6 ms of system time per step (17 %), measured with
    ``resource.getrusage``. One buffer per thread (the last shape used) is kept instead.
    """
    buf = getattr(_WORKSPACE, "delta", None)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        buf = np.empty(shape, dtype=dtype)
        _WORKSPACE.delta = buf
    return buf


def _check_array(name: str, a, ndim: int, dtype: np.dtype | None = None) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(a).__name__}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {a.shape}")
    if dtype is not None and a.dtype != dtype:
        raise ValueError(f"{name} has dtype {a.dtype}, expected {dtype} like x (no silent "
                         f"casting; convert with .astype first)")
    return a


def _check_shape(name: str, a: np.ndarray, shape: tuple) -> None:
    if a.shape != shape:
        raise ValueError(f"{name} has shape {a.shape}, expected {shape}")


@dataclass
class RNNCache:
    r"""What :func:`rnn_backward` needs from :func:`rnn_forward`.

    Attributes
    ----------
    x_tm : ndarray, shape (T, B, n_in)
        Inputs, time-major (contiguous copy).
    H : ndarray, shape (T + 1, B, n)
        ``H[0] = h_0``, ``H[t] = h_t`` (time-major, contiguous).
    Z : ndarray or None, shape (T, B, n)
        Pre-activations; only kept for ``modrelu`` (the others recover
        :math:`\varphi'` from ``H``).
    W_in, W_rec, beta : ndarray
        The matrices actually used (after any custom mapping).
    nonlinearity, negative_slope, return_sequences, h0_given, has_bias : as in the
        forward call.
    """

    x_tm: np.ndarray
    H: np.ndarray
    Z: np.ndarray | None
    W_in: np.ndarray
    W_rec: np.ndarray
    beta: np.ndarray | None
    nonlinearity: str
    negative_slope: float
    return_sequences: bool
    h0_given: bool
    has_bias: bool


def _step_activation(nonlinearity: str, z: np.ndarray, out: np.ndarray, tmp: np.ndarray,
                     slope: float, beta: np.ndarray | None) -> None:
    """``out = phi(z)`` in place on ``(B, n)`` views; ``z`` may alias ``out`` except modrelu."""
    if nonlinearity == "tanh":
        np.tanh(z, out=out)
    elif nonlinearity == "relu":
        np.maximum(z, 0, out=out)
    elif nonlinearity == "identity":
        if out is not z:
            out[...] = z
    elif nonlinearity == "leaky_relu":
        np.multiply(z, slope, out=tmp)
        np.maximum(z, tmp, out=out)  # valid because 0 <= slope < 1
    else:  # modrelu: sign(z) * max(|z| + beta, 0)
        np.abs(z, out=tmp)
        tmp += beta
        np.maximum(tmp, 0, out=tmp)
        np.sign(z, out=out)
        out *= tmp


def _derivative(cache: RNNCache, out: np.ndarray) -> np.ndarray | None:
    """Write phi'(z_t) for all steps into ``out`` (T, B, n); None means phi' = 1."""
    H = cache.H[1:]
    nl = cache.nonlinearity
    if nl == "tanh":
        np.multiply(H, H, out=out)
        np.subtract(1, out, out=out)
    elif nl == "relu":
        np.greater(H, 0, out=out)
    elif nl == "identity":
        return None
    elif nl == "leaky_relu":
        # h > 0 exactly when z > 0 (slope >= 0): phi' = slope + (1 - slope) * [h > 0]
        np.greater(H, 0, out=out)
        out *= (1 - cache.negative_slope)
        out += cache.negative_slope
    else:  # 1[|z| + beta > 0] * 1[z != 0] (derivative 0 at z = 0, as in activations.py)
        np.abs(cache.Z, out=out)
        mask = np.not_equal(out, 0)
        out += cache.beta
        np.greater(out, 0, out=out)
        out *= mask
    return out


# ----------------------------------------------------------------------------- core
def rnn_forward(x: np.ndarray, W_in: np.ndarray, W_rec: np.ndarray, b: np.ndarray | None = None,
                *, nonlinearity: str = "tanh", h0: np.ndarray | None = None,
                beta: np.ndarray | None = None, negative_slope: float = 0.01,
                return_sequences: bool = True) -> tuple[np.ndarray, RNNCache]:
    r"""Run the recurrence over a batch of sequences.

    Parameters
    ----------
    x : ndarray, shape (B, T, n_in)
        Batch-first inputs, float32 or float64.
    W_in : ndarray, shape (n, n_in)
    W_rec : ndarray, shape (n, n)
    b : ndarray, shape (n,), or None for no bias.
    nonlinearity : {"tanh", "relu", "identity", "leaky_relu", "modrelu"}
    h0 : ndarray, shape (B, n), optional
        Initial state; zero when omitted.
    beta : ndarray, shape (n,)
        modReLU offsets (required for and only for ``"modrelu"``).
    negative_slope : float in [0, 1)
        Slope of ``leaky_relu`` for negative inputs.
    return_sequences : bool
        True: output ``(B, T, n)`` (all :math:`h_t`; a read-only, transposed view of the
        time-major cache, like torch's ``batch_first`` output); False: ``(B, n)``
        (:math:`h_T`, a copy).

    Returns
    -------
    y : ndarray
    cache : RNNCache
        Pass to :func:`rnn_backward`.

    All arrays must share one dtype (``ValueError`` otherwise, naming the tensor).

    Notes
    -----
    Layout (measured fastest on one core): time-major buffers, so that each step works on
    contiguous ``(B, n)`` blocks; the input projection is one ``(T B, n_in) x (n_in, n)``
    product; ``W_rec^T`` is made contiguous once.
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    _check_array("x", x, 3)
    if x.dtype not in (np.float32, np.float64):
        raise ValueError(f"x has dtype {x.dtype}; float32 or float64 expected")
    dtype = x.dtype
    B, T, n_in = x.shape
    if T < 1 or B < 1:
        raise ValueError(f"x must have at least one sequence and one step, got shape {x.shape}")
    _check_array("W_in", W_in, 2, dtype)
    n = W_in.shape[0]
    _check_shape("W_in", W_in, (n, n_in))
    _check_array("W_rec", W_rec, 2, dtype)
    _check_shape("W_rec", W_rec, (n, n))
    if b is not None:
        _check_array("b", b, 1, dtype)
        _check_shape("b", b, (n,))
    if nonlinearity == "modrelu":
        if beta is None:
            raise ValueError("beta (shape (n,)) is required for nonlinearity 'modrelu'")
        _check_array("beta", beta, 1, dtype)
        _check_shape("beta", beta, (n,))
    elif beta is not None:
        raise ValueError(f"beta is only used by nonlinearity 'modrelu', not {nonlinearity!r}")
    slope = check_real("negative_slope", negative_slope, low=0.0, high=1.0, high_open=True)
    if h0 is not None:
        _check_array("h0", h0, 2, dtype)
        _check_shape("h0", h0, (B, n))

    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))
    keep_z = nonlinearity == "modrelu"
    # H[0] = h_0; H[t] = h_t. The input projection of ALL steps is one product, written
    # straight into H[1:] (or into Z when the pre-activations must be kept, for modrelu);
    # each step then adds W_rec h_{t-1} and applies phi in place.
    H = np.empty((T + 1, B, n), dtype=dtype)
    Z = np.empty((T, B, n), dtype=dtype) if keep_z else H[1:]
    np.dot(x_tm.reshape(T * B, n_in), W_in.T, out=Z.reshape(T * B, n))
    if b is not None:
        Z += b
    if h0 is None:
        H[0] = 0
    else:
        H[0] = h0
    WrT = np.ascontiguousarray(W_rec.T)  # measured faster in BLAS than the transposed view
    tmp = np.empty((B, n), dtype=dtype)
    start = 0
    if h0 is None:  # h_0 = 0: the first step needs no recurrent product
        _step_activation(nonlinearity, Z[0], H[1], tmp, slope, beta)
        start = 1
    if nonlinearity == "tanh":  # the hot paths, inlined
        for t in range(start, T):
            ht = H[t + 1]
            np.dot(H[t], WrT, out=tmp)
            ht += tmp
            np.tanh(ht, out=ht)
    elif nonlinearity == "relu":
        for t in range(start, T):
            ht = H[t + 1]
            np.dot(H[t], WrT, out=tmp)
            ht += tmp
            np.maximum(ht, 0, out=ht)
    elif nonlinearity == "identity":
        for t in range(start, T):
            np.dot(H[t], WrT, out=tmp)
            H[t + 1] += tmp
    elif keep_z:
        for t in range(start, T):
            np.dot(H[t], WrT, out=tmp)
            Z[t] += tmp
            _step_activation(nonlinearity, Z[t], H[t + 1], tmp, slope, beta)
    else:
        for t in range(start, T):
            ht = H[t + 1]
            np.dot(H[t], WrT, out=tmp)
            ht += tmp
            _step_activation(nonlinearity, ht, ht, tmp, slope, beta)
    cache = RNNCache(x_tm=x_tm, H=H, Z=Z if keep_z else None, W_in=W_in, W_rec=W_rec,
                     beta=beta, nonlinearity=nonlinearity, negative_slope=slope,
                     return_sequences=bool(return_sequences), h0_given=h0 is not None,
                     has_bias=b is not None)
    if return_sequences:
        y = H[1:].transpose(1, 0, 2)
        y.flags.writeable = False
    else:
        y = H[T].copy()
    return y, cache


def rnn_backward(cache: RNNCache, dy: np.ndarray, *, need_dx: bool = True,
                 need_dh0: bool = True) -> dict:
    r"""Full BPTT for :func:`rnn_forward`.

    Parameters
    ----------
    cache : RNNCache
    dy : ndarray
        :math:`\partial L/\partial y`, shape ``(B, T, n)`` (``return_sequences=True``) or
        ``(B, n)``, same dtype as the forward pass.
    need_dx, need_dh0 : bool
        Skip the input gradient (one ``(T B, n) x (n, n_in)`` product) or the last
        recurrent product when the caller does not need them (e.g. raw data inputs).

    Returns
    -------
    dict
        ``"dx"`` (B, T, n_in) or None, ``"dW_in"``, ``"dW_rec"``, ``"db"`` (None without
        bias), ``"dbeta"`` (modrelu only, else None), ``"dh0"`` (B, n) or None.
    """
    if not isinstance(cache, RNNCache):
        raise TypeError(f"cache must be the RNNCache returned by rnn_forward, got {type(cache).__name__}")
    H = cache.H
    T, B, n = H.shape[0] - 1, H.shape[1], H.shape[2]
    dtype = H.dtype
    expected = (B, T, n) if cache.return_sequences else (B, n)
    _check_array("dy", dy, len(expected), dtype)
    _check_shape("dy", dy, expected)

    D = _delta_workspace((T, B, n), dtype)  # phi'(z_t), overwritten in place by delta_t
    has_d = _derivative(cache, D) is not None
    W_rec = cache.W_rec
    dh = np.zeros((B, n), dtype=dtype)  # W_rec^T delta_{t+1}, carried backwards
    if cache.return_sequences:
        dy_tm = dy.transpose(1, 0, 2)
        for t in range(T - 1, -1, -1):
            dt = D[t]
            if has_d:
                dh += dy_tm[t]
                np.multiply(dh, dt, out=dt)
            else:
                np.add(dh, dy_tm[t], out=dt)
            if t:
                np.dot(dt, W_rec, out=dh)
    else:
        dh[...] = dy
        for t in range(T - 1, -1, -1):
            dt = D[t]
            if has_d:
                np.multiply(dh, dt, out=dt)
            else:
                dt[...] = dh
            if t:
                np.dot(dt, W_rec, out=dh)
    n_in = cache.x_tm.shape[2]
    delta = D.reshape(T * B, n)
    # the weight gradients: ONE product each over all T * B rows
    dW_rec = delta.T @ H[:T].reshape(T * B, n)  # sum_t delta_t h_{t-1}^T
    dW_in = delta.T @ cache.x_tm.reshape(T * B, n_in)  # sum_t delta_t x_t^T
    # dx, batch-first: B products (T, n) x (n, n_in) on strided views, no transposed copy
    dx = np.matmul(D.transpose(1, 0, 2), cache.W_in) if need_dx else None
    db = np.ones(T * B, dtype=dtype) @ delta if cache.has_bias else None  # BLAS, not a ufunc reduce
    dbeta = None
    if cache.nonlinearity == "modrelu":
        dbeta = np.einsum("tbn,tbn->n", D, np.sign(cache.Z))
    dh0 = (D[0] @ W_rec) if need_dh0 else None
    return {"dx": dx, "dW_in": dW_in, "dW_rec": dW_rec, "db": db, "dbeta": dbeta, "dh0": dh0}


# ----------------------------------------------------------------------------- layer
@register_layer
class RNN(Layer):
    r"""Vanilla recurrent layer (Elman 1990) with full BPTT; see the module docstring.

    Parameters
    ----------
    n_in, n_hidden : int >= 1
    nonlinearity : {"tanh", "relu", "identity", "leaky_relu", "modrelu"}
        ``"identity"`` gives the linear recurrence :math:`h_t = W_{rec}h_{t-1} + W_{in}x_t + b`.
    return_sequences : bool
        Many-to-many (output ``(B, T, n)``) or many-to-one (output ``(B, n)`` = :math:`h_T`).
    bias : bool
    init : {"uniform", "orthogonal", "identity"}
        ``"uniform"``: every entry U(±1/√n) (torch's default); ``"orthogonal"``: ``W_in``
        Xavier-uniform, ``W_rec`` a Haar-random orthogonal matrix, ``b = 0``;
        ``"identity"``: ``W_rec = I`` (IRNN, Le, Jaitly & Hinton 2015), ``W_in``
        Xavier-uniform, ``b = 0``. ``beta`` (modrelu) starts U(±0.01).
    negative_slope : float in [0, 1)
        leaky_relu only.

    Parameters tree: ``"W_in"`` (n, n_in), ``"W_rec"`` (n, n), ``"b"`` (n) when ``bias``,
    ``"beta"`` (n) when ``modrelu``.
    ``forward(params, x, h0=None)``; ``backward(params, cache, dy, return_dh0=False)``.
    """

    kind = "rnn"

    def __init__(self, n_in: int, n_hidden: int, nonlinearity: str = "tanh",
                 return_sequences: bool = True, bias: bool = True, init: str = "uniform",
                 negative_slope: float = 0.01):
        self.n_in = check_int("n_in", n_in, minimum=1)
        self.n_hidden = check_int("n_hidden", n_hidden, minimum=1)
        self.nonlinearity = check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
        for name, flag in (("return_sequences", return_sequences), ("bias", bias)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be a bool, got {flag!r}")
        self.return_sequences = bool(return_sequences)
        self.bias = bool(bias)
        self.init_method = check_choice("init", init, INITS)
        self.negative_slope = check_real("negative_slope", negative_slope, low=0.0, high=1.0,
                                         high_open=True)

    # -- parameters
    def init(self, rng: np.random.Generator, dtype=np.float64) -> dict:
        dtype = check_dtype(dtype)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        n, d = self.n_hidden, self.n_in
        if self.init_method == "uniform":
            k = 1.0 / np.sqrt(n)
            W_in = rng.uniform(-k, k, size=(n, d))
            W_rec = rng.uniform(-k, k, size=(n, n))
            b = rng.uniform(-k, k, size=n)
        else:
            a = np.sqrt(6.0 / (n + d))
            W_in = rng.uniform(-a, a, size=(n, d))
            if self.init_method == "orthogonal":
                q, r = np.linalg.qr(rng.standard_normal((n, n)))
                W_rec = q * np.sign(np.diag(r))  # Haar measure (Mezzadri 2007)
            else:
                W_rec = np.eye(n)
            b = np.zeros(n)
        params = {"W_in": W_in.astype(dtype), "W_rec": W_rec.astype(dtype)}
        if self.bias:
            params["b"] = b.astype(dtype)
        if self.nonlinearity == "modrelu":  # as activations.ModReLU: U(+-0.01)
            params["beta"] = rng.uniform(-0.01, 0.01, n).astype(dtype)
        return params

    # -- hooks for models with their own parametrisation of the weights
    def recurrent_weights(self, params: dict) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(W_in, W_rec)`` used by the recurrence. Override to build them."""
        return params["W_in"], params["W_rec"]

    def weights_backward(self, params: dict, dW_in: np.ndarray, dW_rec: np.ndarray) -> dict:
        """Map gradients w.r.t. ``(W_in, W_rec)`` to a dict of parameter gradients.

        Must return entries for every parameter except ``b`` and ``beta`` (added by
        :meth:`backward`). Override together with :meth:`recurrent_weights`.
        """
        return {"W_in": dW_in, "W_rec": dW_rec}

    def _check_params(self, params: dict) -> None:
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict, got {type(params).__name__}")
        need = {"b"} if self.bias else set()
        if self.nonlinearity == "modrelu":
            need.add("beta")
        missing = need - set(params)
        if missing:
            raise ValueError(f"params lacks {sorted(missing)} (have {sorted(params)})")

    def forward(self, params: dict, x: np.ndarray, h0: np.ndarray | None = None):
        self._check_params(params)
        _check_array("x", x, 3)
        if x.shape[2] != self.n_in:
            raise ValueError(f"x has shape {x.shape}, expected (batch, T, {self.n_in})")
        W_in, W_rec = self.recurrent_weights(params)
        if W_rec.shape != (self.n_hidden, self.n_hidden):
            raise ValueError(f"W_rec has shape {W_rec.shape}, expected "
                             f"{(self.n_hidden, self.n_hidden)}")
        return rnn_forward(x, W_in, W_rec, params.get("b") if self.bias else None,
                           nonlinearity=self.nonlinearity, h0=h0, beta=params.get("beta"),
                           negative_slope=self.negative_slope,
                           return_sequences=self.return_sequences)

    def backward(self, params: dict, cache: RNNCache, dy: np.ndarray, return_dh0: bool = False):
        g = rnn_backward(cache, dy)
        grads = self.weights_backward(params, g["dW_in"], g["dW_rec"])
        if self.bias:
            grads["b"] = g["db"]
        if self.nonlinearity == "modrelu":
            grads["beta"] = g["dbeta"]
        if return_dh0:
            return g["dx"], grads, g["dh0"]
        return g["dx"], grads

    def config(self) -> dict:
        return {"kind": self.kind, "n_in": self.n_in, "n_hidden": self.n_hidden,
                "nonlinearity": self.nonlinearity, "return_sequences": self.return_sequences,
                "bias": self.bias, "init": self.init_method,
                "negative_slope": self.negative_slope}
