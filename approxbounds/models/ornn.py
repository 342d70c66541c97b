r"""Full-precision orthogonal RNN (ORNN) with a modReLU recurrence, and the read-out glue
shared by the recurrent models of :mod:`approxbounds.models`.

Model (column-vector convention, batch of sequences :math:`x_1..x_T`, :math:`h_0 = 0`):

.. math::

    h_t = \sigma_\beta(W h_{t-1} + U x_t + b), \qquad
    \sigma_\beta(z) = \operatorname{sign}(z)\,\max(|z| + \beta, 0) \ \text{(per unit)},

    y_t = V h_t + c \quad (\text{every step, } ``output="sequence"``) \quad\text{or}\quad
    y = V h_T + c \quad (``output="last"``),

with :math:`W \in O(n)`. modReLU is the activation of unitary/orthogonal RNNs (Arjovsky,
Shah & Bengio, ICML 2016) used by QORNN (Foucault, Mamalet & Malgouyres, arXiv 2402.04012;
Foucault, Mamalet & Malgouyres, arXiv 2402.04012). For text, ``embedding=(vocab, dim)`` adds a learned full-precision
table ``E`` and ``x`` holds integer token ids; then ``n_in`` must equal ``dim``.

How :math:`W` stays orthogonal (``parametrization``)
----------------------------------------------------
``"projection"`` (default)
    ``params["W"]`` is the orthogonal matrix itself (Haar-random at init). After each
    optimizer step it is replaced by its polar factor, the nearest orthogonal matrix
    (:func:`approxbounds.nn.orthogonal.polar_projection`): use
    ``model.wrap_optimizer(opt)``, which appends that projection to ``opt``. This is
    projected gradient descent (the polar factor is the nearest point of :math:`O(n)` in
    Frobenius norm); it keeps ``W`` orthogonal to rounding error and can reach every matrix
    of :math:`O(n)`. Without the wrapped optimizer ``W`` drifts off :math:`O(n)`.
``"cayley"``
    ``params["A"]`` is an unconstrained matrix :math:`X`; :math:`A = (X - X^\top)/2` and
    :math:`W = (I - A)^{-1}(I + A)` (Cayley map; scoRNN of Helfrich, Willmott & Ye, ICML
    2018, without its scaling matrix), orthogonal for every :math:`X` and any optimizer.
    It cannot represent orthogonal matrices with eigenvalue :math:`-1`. Initialisation:
    block-diagonal :math:`2\times 2` skew blocks with rotation angles uniform in
    :math:`(-\pi/2, \pi/2)`.

Gradients (BPTT) come from :func:`approxbounds.nn.rnn.rnn_backward`; the read-out adds
:math:`\partial L/\partial V = \sum_t \bar y_t h_t^\top`, :math:`\partial L/\partial c =
\sum_t \bar y_t`, :math:`\partial L/\partial h_t \mathrel{+}= V^\top \bar y_t`.

Model interface (shared with :class:`~approxbounds.models.qornn.QORNN` and
:class:`~approxbounds.models.lstm.LSTM`): ``init(rng, dtype=None) -> params``,
``forward(params, x) -> (y, cache)``, ``backward(params, cache, dy) -> (dx, grads)``
(``dx`` is None for token inputs), ``regularizer(params) -> (value, grads)``,
``loss_and_grad(params, x, target, loss) -> (value, grads)``, ``grad_fn(loss)`` (for
:func:`approxbounds.nn.trainer.fit`), ``wrap_optimizer(opt)``, ``deployed(params) ->
(model, params)`` (the network actually run at inference, with explicit matrices),
``recurrent_matrix(params)``, ``orthogonality_defect(params, norm="fro")`` (a float;
``norm="all"`` gives a dict), ``storage()`` (an itemised
:class:`~approxbounds.models.storage.StorageAccount`), ``storage_bits()``,
``config()`` / ``from_config``. Inputs: float ``(B, T, n_in)``, or integer ``(B, T)``
symbols in ``[0, n_in)`` (one-hot) or token ids (with an embedding).
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_choice, check_int
from approxbounds.models._base import PADDING_ID, TrainingGlue, check_embedding_pair, check_param_tree
from approxbounds.nn.base import Layer, check_dtype, register_layer
from approxbounds.nn.optim import chain, project
from approxbounds.nn.orthogonal import (
    cayley, cayley_grad, orthogonality_defect as _defect, polar_projection, random_orthogonal, skew,
)
from approxbounds.models.storage import StorageAccount, model_storage
from approxbounds.nn.rnn import rnn_backward, rnn_forward

__all__ = ["ORNN", "SequenceModel", "OUTPUTS", "PARAMETRIZATIONS", "DEFECT_NORMS"]

OUTPUTS = ("sequence", "last")
PARAMETRIZATIONS = ("projection", "cayley")
DEFECT_NORMS = ("fro", "spectral", "all")


class SequenceModel(TrainingGlue, Layer):
    """Shared glue of the recurrent models: validation, embedding, linear read-out, losses.

    Subclasses implement ``_core_forward(params, x_emb) -> (h, core_cache)`` (``h`` is
    ``(B, T, n)`` or ``(B, n)``) and ``_core_backward(params, core_cache, dh, need_dx) ->
    (dx_emb, grads)``, plus ``init_core(rng, dtype) -> dict``, ``core_param_names()`` and
    ``core_param_shapes()`` (the recurrence's own parameters; the read-out ``V``, ``c`` and
    the embedding ``E`` are added here), and ``storage()``.
    """

    def _common_init(self, n_in, n_hidden, n_out, output, embedding, dtype):
        self.n_in = check_int("n_in", n_in, minimum=1)
        self.n_hidden = check_int("n_hidden", n_hidden, minimum=1)
        self.n_out = check_int("n_out", n_out, minimum=1)
        self.output = check_choice("output", output, OUTPUTS)
        if embedding is not None:
            vocab, dim = check_embedding_pair(embedding)
            if dim != self.n_in:
                raise ValueError(f"embedding dim ({dim}) must equal n_in ({self.n_in}): the embedded "
                                 "tokens are the recurrence's inputs")
            embedding = (vocab, dim)
        self.embedding = embedding
        self.dtype = check_dtype(dtype)

    def _dtype(self, dtype):
        return self.dtype if dtype is None else check_dtype(dtype)

    # ------------------------------------------------------------------ parameters
    def init(self, rng: np.random.Generator, dtype=None) -> dict:
        """Draw parameters (``dtype`` defaults to the model's ``dtype``)."""
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        dt = self._dtype(dtype)
        p = self.init_core(rng, dt)
        lim = math.sqrt(6.0 / (self.n_hidden + self.n_out))  # Xavier-uniform read-out
        p["V"] = rng.uniform(-lim, lim, (self.n_out, self.n_hidden)).astype(dt)
        p["c"] = np.zeros(self.n_out, dtype=dt)
        if self.embedding is not None:
            p["E"] = rng.standard_normal(self.embedding).astype(dt)
            p["E"][PADDING_ID] = 0           # padding row (models._base): zero, never trained
        return p

    def init_core(self, rng, dtype) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_params(self, params) -> None:
        shapes = self.param_shapes()     # a Cayley model's "A" has the shape of the "W" it makes
        check_param_tree(params, {k: shapes["W" if k == "A" else k] for k in self.param_names()}, "V")

    def core_param_names(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def core_param_shapes(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def param_names(self) -> tuple:
        """Names of the parameter tree: the core's, then ``V``, ``c`` (and ``E``)."""
        names = [*self.core_param_names(), "V", "c"]
        if self.embedding is not None:
            names.append("E")
        return tuple(names)

    def param_shapes(self) -> dict:
        """``{name: shape}``: the core's shapes, then ``V``, ``c`` (and ``E``)."""
        s = self.core_param_shapes()
        s["V"] = (self.n_out, self.n_hidden)
        s["c"] = (self.n_out,)
        if self.embedding is not None:
            s["E"] = self.embedding
        return s

    # ------------------------------------------------------------------ input and read-out
    def _embed(self, params, x):
        """``(x_float, ids)``: embedded tokens, one-hot symbols, or the float input itself."""
        dt = params["V"].dtype
        xa = np.asarray(x)
        if np.issubdtype(xa.dtype, np.integer):
            vocab = self.n_in if self.embedding is None else self.embedding[0]
            if xa.ndim != 2 or xa.shape[1] < 1:
                raise ValueError(f"integer input x must have shape (batch, T) with T >= 1, got {xa.shape}")
            if xa.size and (xa.min() < 0 or xa.max() >= vocab):
                raise ValueError(f"input ids must lie in [0, {vocab - 1}], got range [{xa.min()}, {xa.max()}]")
            table = params["E"] if self.embedding is not None else np.eye(self.n_in, dtype=dt)
            return table[xa], xa
        if self.embedding is not None:
            raise ValueError(f"a model with an embedding takes integer token ids, got dtype {xa.dtype}")
        if not isinstance(x, np.ndarray) or x.ndim != 3 or x.shape[2] != self.n_in or x.shape[1] < 1:
            raise ValueError(f"float input x must have shape (batch, T, n_in={self.n_in}), "
                             f"got {getattr(x, 'shape', type(x).__name__)}")
        if x.dtype != dt:
            raise ValueError(f"x has dtype {x.dtype} but the parameters are {dt}; convert x with .astype")
        if not np.all(np.isfinite(x)):
            raise ValueError("input x contains NaN or infinity")
        return x, None

    def forward(self, params, x):
        """Outputs ``(B, T, n_out)`` (``output="sequence"``) or ``(B, n_out)`` (``"last"``).

        ``x``: float ``(B, T, n_in)`` in the parameters' dtype; or integer ``(B, T)``: token
        ids (with an embedding) or symbols in ``[0, n_in)`` read as one-hot vectors.
        """
        self._check_params(params)
        xe, ids = self._embed(params, x)
        h, core_cache = self._core_forward(params, xe)
        y = h @ params["V"].T
        y += params["c"]
        return y, (ids, h, core_cache)

    def backward(self, params, cache, dy, need_dx: bool = True):
        """``(dx, grads)``: ``dx`` w.r.t. float inputs (None for integer inputs or ``need_dx=False``)."""
        ids, h, core_cache = cache
        V = params["V"]
        dy = np.asarray(dy)
        if dy.shape[:-1] != h.shape[:-1] or dy.shape[-1] != self.n_out or dy.dtype != V.dtype:
            raise ValueError(f"dy must have shape {h.shape[:-1] + (self.n_out,)} and dtype {V.dtype}, "
                             f"got {dy.shape} and {dy.dtype}")
        dy2 = dy.reshape(-1, self.n_out)
        dV = dy2.T @ h.reshape(-1, self.n_hidden)
        dc = dy2.sum(axis=0)
        dh = dy @ V
        need_core_dx = self.embedding is not None or (need_dx and ids is None)
        dxe, grads = self._core_backward(params, core_cache, dh, need_dx=need_core_dx)
        grads["V"] = dV
        grads["c"] = dc
        if self.embedding is not None:
            dE = np.zeros_like(params["E"])
            np.add.at(dE, ids.reshape(-1), dxe.reshape(-1, self.n_in))
            grads["E"] = dE
        return (dxe if need_dx and ids is None else None), grads

    # ------------------------------------------------------------------ reports
    def storage_bits(self) -> int:
        """Total bits of :meth:`storage` (convention of :mod:`approxbounds.models.storage`)."""
        return self.storage().total_bits

    def _base_config(self) -> dict:
        """``kind`` and the constructor arguments every sequence model has."""
        return {"kind": self.kind, "n_in": self.n_in, "n_hidden": self.n_hidden, "n_out": self.n_out,
                "output": self.output, "embedding": None if self.embedding is None else list(self.embedding),
                "dtype": self.dtype.name}


@register_layer
class ORNN(SequenceModel):
    """Full-precision orthogonal RNN with modReLU (module docstring).

    Parameters
    ----------
    n_in, n_hidden, n_out : int >= 1
    output : ``"sequence"`` (read-out every step) or ``"last"`` (many-to-one)
    embedding : None or (vocab, dim) with dim == n_in
    parametrization : ``"projection"`` (params ``W``; project after each step through
        :meth:`wrap_optimizer`) or ``"cayley"`` (params ``A``)
    dtype : ``"float32"`` (default) or ``"float64"``

    Parameter tree: ``U`` (n, n_in), ``W`` or ``A`` (n, n), ``b`` (n) zeros, ``beta`` (n)
    U(±0.01), ``V`` (n_out, n) Xavier-uniform, ``c`` (n_out) zeros, ``E`` (vocab, dim) N(0, 1)
    with an embedding (padding row 0 zero and never trained, :mod:`approxbounds.models._base`).
    ``U`` is Xavier-uniform.
    """

    kind = "ornn"

    def __init__(self, n_in: int, n_hidden: int, n_out: int, output: str = "sequence", embedding=None,
                 parametrization: str = "projection", dtype="float32"):
        self._common_init(n_in, n_hidden, n_out, output, embedding, dtype)
        self.parametrization = check_choice("parametrization", parametrization, PARAMETRIZATIONS)

    def core_param_names(self):
        return ["U", "A" if self.parametrization == "cayley" else "W", "b", "beta"]

    def init_core(self, rng, dtype):
        n, d = self.n_hidden, self.n_in
        lim = math.sqrt(6.0 / (n + d))
        p = {"U": rng.uniform(-lim, lim, (n, d)).astype(dtype)}
        if self.parametrization == "cayley":
            a = np.zeros((n, n))
            theta = rng.uniform(-math.pi / 2, math.pi / 2, n // 2)
            t = np.tan(theta / 2)   # Cayley of [[0, t], [-t, 0]] rotates by 2 atan(t) = theta
            idx = np.arange(n // 2) * 2
            a[idx, idx + 1] = t
            a[idx + 1, idx] = -t
            p["A"] = a.astype(dtype)
        else:
            p["W"] = random_orthogonal(rng, n, dtype)
        p["b"] = np.zeros(n, dtype=dtype)
        p["beta"] = rng.uniform(-0.01, 0.01, n).astype(dtype)
        return p

    # ------------------------------------------------------------------ weights actually used
    def orthogonal_matrix(self, params) -> np.ndarray:
        """The full-precision orthogonal recurrent matrix (before any quantization)."""
        if self.parametrization == "cayley":
            return cayley(skew(params["A"]))
        return params["W"]

    def _effective(self, params):
        """``(U_eff, W_eff, aux)``: the matrices the recurrence multiplies by."""
        if self.parametrization == "cayley":
            a = skew(params["A"])
            w = cayley(a)
            return params["U"], w, (a, w)
        return params["U"], params["W"], None

    def _effective_backward(self, params, aux, dU, dW) -> dict:
        """Map gradients w.r.t. ``(U_eff, W_eff)`` onto the parameter tree."""
        if self.parametrization == "cayley":
            a, w = aux
            return {"U": dU, "A": skew(cayley_grad(a, dW, w))}
        return {"U": dU, "W": dW}

    def recurrent_matrix(self, params) -> np.ndarray:
        """The matrix ``W`` used by the forward pass."""
        return self._effective(params)[1]

    def _core_forward(self, params, xe):
        U, W, aux = self._effective(params)
        h, rc = rnn_forward(xe, U, W, params["b"], nonlinearity="modrelu", beta=params["beta"],
                            return_sequences=self.output == "sequence")
        return h, (rc, aux)

    def _core_backward(self, params, core_cache, dh, need_dx):
        rc, aux = core_cache
        g = rnn_backward(rc, np.ascontiguousarray(dh), need_dx=need_dx, need_dh0=False)
        grads = self._effective_backward(params, aux, g["dW_in"], g["dW_rec"])
        grads["b"] = g["db"]
        grads["beta"] = g["dbeta"]
        return g["dx"], grads

    # ------------------------------------------------------------------ constraint, reports
    def wrap_optimizer(self, opt):
        """``opt`` followed by the polar projection of ``W`` (``"projection"``); ``opt`` for Cayley."""
        opt = super().wrap_optimizer(opt)
        if self.parametrization == "cayley":
            return opt

        def proj(p):
            out = dict(p)
            out["W"] = polar_projection(p["W"])
            return out

        return chain(opt, project(proj))

    def deployed(self, params):
        """Cayley models are deployed as a ``"projection"`` ORNN with the explicit ``W``."""
        if self.parametrization == "projection":
            return self, params
        cfg = self.config()
        cfg["parametrization"] = "projection"
        out = {k: v for k, v in params.items() if k != "A"}
        out["W"] = self.recurrent_matrix(params)
        return ORNN.from_config(cfg), out

    def orthogonality_defect(self, params, norm: str = "fro"):
        r""":math:`\|W^\top W - I\|` of the recurrent matrix used (``norm`` ``"fro"`` or ``"spectral"``;
        ``"all"``: a dict with both)."""
        check_choice("norm", norm, DEFECT_NORMS)
        w = self.deployed(params)[1]["W"]
        if norm != "all":
            return _defect(w, norm)
        return {"fro": _defect(w, "fro"), "spectral": _defect(w, "spectral")}

    def core_param_shapes(self) -> dict:
        n, d = self.n_hidden, self.n_in
        return {"U": (n, d), "W": (n, n), "b": (n,), "beta": (n,)}

    def storage(self) -> StorageAccount:
        """Itemised storage of the deployed model: every scalar in float32 (32 bits)."""
        return model_storage(self.param_shapes(), model="ORNN")

    def config(self):
        cfg = self._base_config()
        cfg["parametrization"] = self.parametrization
        return cfg
