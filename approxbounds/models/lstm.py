r"""LSTM baseline with full back-propagation through time.

Standard LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers, Schmidhuber &
Cummins 2000), gate order and weight layout of ``torch.nn.LSTM`` so weights copy over:

.. math::

    a_t = W_{ih} x_t + W_{hh} h_{t-1} + b = [a^i; a^f; a^g; a^o] \in \mathbb R^{4n},

    i = \mathrm{sig}(a^i),\ f = \mathrm{sig}(a^f),\ g = \tanh(a^g),\ o = \mathrm{sig}(a^o),

    c_t = f\odot c_{t-1} + i\odot g, \qquad h_t = o\odot\tanh(c_t), \qquad h_0 = c_0 = 0,

``W_ih`` (4n, n_in), ``W_hh`` (4n, n); torch's ``bias_ih + bias_hh`` is our single ``b``.
Read-out :math:`y_t = V h_t + c` at every step (``output="sequence"``) or only at ``T``
(``"last"``), as in :class:`~approxbounds.models.ornn.ORNN` (shared glue, embedding option).

Backward, with :math:`\bar h_t = \partial L/\partial h_t` (direct part plus
:math:`W_{hh}^\top \bar a_{t+1}`) and :math:`\bar c_t` carried from :math:`t+1`:

.. math::

    \bar o = \bar h_t \odot \tanh c_t,\quad
    \bar c_t \mathrel{+}= \bar h_t\odot o\odot(1-\tanh^2 c_t),\quad
    \bar i = \bar c_t\odot g,\ \bar g = \bar c_t\odot i,\ \bar f = \bar c_t\odot c_{t-1},\quad
    \bar c_{t-1} = \bar c_t\odot f,

    \bar a^{i,f,o} = \bar{(\cdot)}\odot s(1-s),\quad \bar a^g = \bar g\odot(1-g^2),

and :math:`\partial L/\partial W_{hh} = \sum_t \bar a_t h_{t-1}^\top`,
:math:`\partial L/\partial W_{ih} = \sum_t \bar a_t x_t^\top`,
:math:`\partial L/\partial b = \sum_t \bar a_t`, :math:`\partial L/\partial x_t = W_{ih}^\top\bar a_t`,
each one matrix product over all ``T·B`` rows; the loop does one ``(B, 4n) × (4n, n)``
product per step (see :func:`lstm_backward`). Initialisation as torch: every entry U(±1/√n).
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds.models.ornn import SequenceModel
from approxbounds.models.storage import StorageAccount, model_storage
from approxbounds.nn.base import register_layer

__all__ = ["LSTM", "lstm_forward", "lstm_backward"]


def lstm_forward(x: np.ndarray, W_ih: np.ndarray, W_hh: np.ndarray, b: np.ndarray):
    r"""Run the LSTM on batch-first ``x`` (B, T, n_in); returns ``(H, cache)``.

    ``H`` is time-major ``(T + 1, B, n)`` with ``H[0] = 0``; the cache holds the gate
    activations ``G`` (T, B, 4n) = [i, f, g, o], the cells ``C`` (T + 1, B, n) and
    ``tanh(C[1:])``.

    Speed: :math:`\mathrm{sig}(z) = (1 + \tanh(z/2))/2` (no overflow for any z), and the
    halving is folded into the i, f, o rows of the weights (exact: a power of two), so each
    step does one GEMM, ONE ``tanh`` over all 4n gate columns and a few in-place updates.
    """
    B, T, n_in = x.shape
    n = W_hh.shape[1]
    dt = x.dtype
    half = np.ones(4 * n, dtype=dt)
    half[:2 * n] = 0.5
    half[3 * n:] = 0.5
    x_tm = np.ascontiguousarray(x.transpose(1, 0, 2))
    G = np.empty((T, B, 4 * n), dtype=dt)
    np.dot(x_tm.reshape(T * B, n_in), (W_ih * half[:, None]).T, out=G.reshape(T * B, 4 * n))
    G += b * half
    WhhT = np.ascontiguousarray((W_hh * half[:, None]).T)
    H = np.zeros((T + 1, B, n), dtype=dt)
    C = np.zeros((T + 1, B, n), dtype=dt)
    TC = np.empty((T, B, n), dtype=dt)
    tmp = np.empty((B, 4 * n), dtype=dt)
    ig = np.empty((B, n), dtype=dt)
    for t in range(T):
        a = G[t]
        if t:
            np.dot(H[t], WhhT, out=tmp)
            a += tmp
        np.tanh(a, out=a)
        ifg = a[:, :2 * n]
        ifg += 1
        ifg *= 0.5
        o = a[:, 3 * n:]
        o += 1
        o *= 0.5
        ct = C[t + 1]
        np.multiply(a[:, n:2 * n], C[t], out=ct)
        np.multiply(a[:, :n], a[:, 2 * n:3 * n], out=ig)
        ct += ig
        np.tanh(ct, out=TC[t])
        np.multiply(o, TC[t], out=H[t + 1])
    return H, (x_tm, G, C, TC, H)


def lstm_backward(cache, W_ih, W_hh, dH: np.ndarray, *, sequence: bool, need_dx: bool = True) -> dict:
    """BPTT for :func:`lstm_forward`. ``dH``: (T, B, n) time-major if ``sequence`` else (B, n).

    The step-independent factors (module docstring) are formed for all steps at once:
    ``K = [g·i(1-i), c_{t-1}·f(1-f), i(1-g²), tanh(c)·o(1-o)]`` and ``P = o(1-tanh²c)``; the
    loop then only does ``c̄ += h̄·P``, ``ā = [c̄, c̄, c̄, h̄]·K`` (in place), ``c̄ ·= f`` and
    the GEMM ``h̄ = ā W_hh``.
    """
    x_tm, G, C, TC, H = cache
    T, B, n4 = G.shape
    n = n4 // 4
    dt = G.dtype
    i, f, g, o = G[..., :n], G[..., n:2 * n], G[..., 2 * n:3 * n], G[..., 3 * n:]
    dA = np.empty_like(G)                 # holds K, overwritten by the gate gradients
    dA[..., :n] = g * i * (1 - i)
    dA[..., n:2 * n] = C[:T] * f * (1 - f)
    dA[..., 2 * n:3 * n] = i * (1 - g * g)
    dA[..., 3 * n:] = TC * o * (1 - o)
    P = o * (1 - TC * TC)
    dA4 = dA.reshape(T, B, 4, n)
    dh = np.zeros((B, n), dtype=dt)
    dc = np.zeros((B, n), dtype=dt)
    tmp = np.empty((B, n), dtype=dt)
    if not sequence:
        dh[...] = dH
    for t in range(T - 1, -1, -1):
        if sequence:
            dh += dH[t]
        np.multiply(dh, P[t], out=tmp)
        dc += tmp
        da = dA4[t]
        da[:, :3] *= dc[:, None, :]
        da[:, 3] *= dh
        dc *= f[t]
        if t:
            np.dot(dA[t], W_hh, out=dh)
    flat = dA.reshape(T * B, n4)
    n_in = x_tm.shape[2]
    dW_hh = flat.T @ H[:T].reshape(T * B, n)
    dW_ih = flat.T @ x_tm.reshape(T * B, n_in)
    db = flat.sum(axis=0)
    dx = np.matmul(dA.transpose(1, 0, 2), W_ih) if need_dx else None
    return {"dx": dx, "dW_ih": dW_ih, "dW_hh": dW_hh, "db": db}


@register_layer
class LSTM(SequenceModel):
    """LSTM baseline (module docstring).

    Parameters
    ----------
    n_in, n_hidden, n_out : int >= 1
    output : ``"sequence"`` (many-to-many) or ``"last"`` (many-to-one)
    embedding : None or (vocab, dim) with dim == n_in
    dtype : ``"float32"`` (default) or ``"float64"``

    Parameter tree: ``W_ih`` (4n, n_in), ``W_hh`` (4n, n), ``b`` (4n), ``V`` (n_out, n),
    ``c`` (n_out), ``E`` with an embedding.
    """

    kind = "lstm"

    def __init__(self, n_in: int, n_hidden: int, n_out: int, output: str = "sequence", embedding=None,
                 dtype="float32"):
        self._common_init(n_in, n_hidden, n_out, output, embedding, dtype)

    def core_param_names(self):
        return ["W_ih", "W_hh", "b"]

    def init_core(self, rng, dtype):
        n, d = self.n_hidden, self.n_in
        k = 1.0 / math.sqrt(n)
        return {"W_ih": rng.uniform(-k, k, (4 * n, d)).astype(dtype),
                "W_hh": rng.uniform(-k, k, (4 * n, n)).astype(dtype),
                "b": rng.uniform(-k, k, 4 * n).astype(dtype)}

    def _core_forward(self, params, xe):
        H, cache = lstm_forward(xe, params["W_ih"], params["W_hh"], params["b"])
        if self.output == "sequence":
            h = H[1:].transpose(1, 0, 2)
        else:
            h = H[-1]
        return h, cache

    def _core_backward(self, params, core_cache, dh, need_dx):
        seq = self.output == "sequence"
        dH = dh.transpose(1, 0, 2) if seq else dh
        g = lstm_backward(core_cache, params["W_ih"], params["W_hh"], dH, sequence=seq, need_dx=need_dx)
        return g["dx"], {"W_ih": g["dW_ih"], "W_hh": g["dW_hh"], "b": g["db"]}

    def core_param_shapes(self) -> dict:
        n, d = self.n_hidden, self.n_in
        return {"W_ih": (4 * n, d), "W_hh": (4 * n, n), "b": (4 * n,)}

    def storage(self) -> StorageAccount:
        """Itemised storage: every scalar in float32."""
        return model_storage(self.param_shapes(), model="LSTM")

    def recurrent_matrix(self, params) -> np.ndarray:
        """``W_hh`` (4n, n): the four gates' recurrent blocks stacked (not orthogonal)."""
        return params["W_hh"]

    def config(self):
        return self._base_config()
