r"""Full-precision vanilla ReLU RNN with a linear read-out (the piecewise-linear baseline).

.. math::

    h_t = \mathrm{ReLU}(W h_{t-1} + U x_t + b), \qquad h_0 = 0,

    y = V h_T + c \ (\texttt{output="last"}) \quad\text{or}\quad y_t = V h_t + c \ (\texttt{"sequence"}).

Every parameter is a free float32 number, so the model's exact function class on sequences of
length ``T`` is ``RecurrentArchitecture.rnn(n_in, n, n_out, T, activation="relu")``
(:meth:`~approxbounds.capacity.recurrent.RecurrentArchitecture.from_model` returns it; its
capacity is Theorem R of docs/capacity.md §9) and its storage is 32 bits per parameter
(:func:`~approxbounds.models.storage.model_storage`).

It shares the read-out glue of :class:`~approxbounds.models.ornn.SequenceModel` (embedding
option, losses, ``deployed``) and the BPTT core of :mod:`approxbounds.nn.rnn`.

Initialisation: ``U`` Xavier-uniform, ``W`` a Haar-random orthogonal matrix times ``w_scale``
(default 0.9, a contraction: the state neither explodes nor is the gradient flat on long
sequences at the start), ``b = 0``; ``V`` Xavier-uniform and ``c = 0`` as in every sequence
model.
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_real
from approxbounds.models.ornn import SequenceModel
from approxbounds.models.storage import StorageAccount, model_storage
from approxbounds.nn.base import register_layer
from approxbounds.nn.rnn import rnn_backward, rnn_forward

__all__ = ["ReLURNN"]


@register_layer
class ReLURNN(SequenceModel):
    """Vanilla ReLU RNN with a linear read-out (module docstring).

    Parameters
    ----------
    n_in, n_hidden, n_out : int >= 1
    output : ``"last"`` (default, many-to-one) or ``"sequence"`` (read-out every step)
    embedding : None or (vocab, dim) with dim == n_in
    dtype : ``"float32"`` (default) or ``"float64"``
    w_scale : float > 0
        Spectral norm of ``W`` at initialisation (``W = w_scale · Q``, ``Q`` Haar orthogonal).

    Parameter tree: ``U`` (n, n_in), ``W`` (n, n), ``b`` (n), ``V`` (n_out, n), ``c`` (n_out),
    ``E`` (vocab, dim) with an embedding.
    """

    kind = "relu_rnn"

    def __init__(self, n_in: int, n_hidden: int, n_out: int, output: str = "last", embedding=None,
                 dtype="float32", w_scale: float = 0.9):
        self._common_init(n_in, n_hidden, n_out, output, embedding, dtype)
        self.w_scale = check_real("w_scale", w_scale, low=0.0, low_open=True)

    def core_param_names(self):
        return ["U", "W", "b"]

    def core_param_shapes(self) -> dict:
        n, d = self.n_hidden, self.n_in
        return {"U": (n, d), "W": (n, n), "b": (n,)}

    def init_core(self, rng, dtype):
        from approxbounds.nn.orthogonal import random_orthogonal

        n, d = self.n_hidden, self.n_in
        lim = math.sqrt(6.0 / (n + d))
        return {"U": rng.uniform(-lim, lim, (n, d)).astype(dtype),
                "W": (self.w_scale * random_orthogonal(rng, n, np.float64)).astype(dtype),
                "b": np.zeros(n, dtype=dtype)}

    def recurrent_matrix(self, params):
        return params["W"]

    def _core_forward(self, params, xe):
        return rnn_forward(xe, params["U"], params["W"], params["b"], nonlinearity="relu",
                           return_sequences=self.output == "sequence")

    def _core_backward(self, params, core_cache, dh, need_dx):
        g = rnn_backward(core_cache, np.ascontiguousarray(dh), need_dx=need_dx, need_dh0=False)
        return g["dx"], {"U": g["dW_in"], "W": g["dW_rec"], "b": g["db"]}

    def storage(self) -> StorageAccount:
        """Every parameter in float32 (32 bits)."""
        return model_storage(self.param_shapes(), model="ReLU-RNN")

    def config(self):
        cfg = self._base_config()
        cfg["w_scale"] = self.w_scale
        return cfg
