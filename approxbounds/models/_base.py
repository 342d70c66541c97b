"""Training glue shared by every recurrent model of :mod:`approxbounds.models`.

:class:`TrainingGlue` turns a layer (``forward``/``backward`` of the :mod:`approxbounds.nn`
protocol) into a trainable model: ``loss_and_grad``, ``grad_fn`` for
:func:`approxbounds.nn.trainer.fit`, ``regularizer`` (none by default), ``wrap_optimizer``
(no constraint step by default) and ``deployed`` (the model itself by default). Models with a
penalty (QORNN), a projection step (ORNN) or a different inference network override them.

Embeddings: token id :data:`PADDING_ID` (0, the padding of the Keras IMDB layout) is the padding
token of every model with an ``embedding``: its row of ``E`` is zero at initialisation and
:meth:`TrainingGlue.loss_and_grad` zeroes its gradient, so training never moves it (as
``torch.nn.Embedding(..., padding_idx=0)`` in the official HadamRNN code). ``backward`` itself
returns the true derivative of that row (finite-difference checks stay exact).
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_int
from approxbounds.nn.losses import get_loss
from approxbounds.nn.optim import GradientTransformation

__all__ = ["TrainingGlue", "check_embedding_pair", "check_param_tree", "PADDING_ID"]

#: token id of the padding token of embedding models (row of ``E`` kept at zero)
PADDING_ID = 0


def check_embedding_pair(embedding) -> tuple[int, int]:
    """``(vocab, dim)`` from a pair of integers >= 1 (``TypeError`` for anything else but a
    pair; the caller checks ``dim`` against its input size)."""
    if not isinstance(embedding, (tuple, list)) or len(embedding) != 2:
        raise TypeError(f"embedding must be None or a pair (vocab, dim), got {embedding!r}")
    vocab = check_int("embedding vocab", embedding[0], minimum=1)
    dim = check_int("embedding dim", embedding[1], minimum=1)
    return vocab, dim


def check_param_tree(params, shapes: dict, ref: str) -> np.dtype:
    """Check a flat parameter dict against ``shapes`` ``{name: shape}`` and return its dtype.

    ``params`` must hold exactly the keys of ``shapes``, numpy arrays of those shapes, all
    in the float dtype (float32 or float64) of ``params[ref]``.
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    if params.keys() != shapes.keys():
        raise ValueError(f"params must have keys {sorted(shapes)}, got {sorted(params)}")
    dt = np.asarray(params[ref]).dtype
    for k, shp in shapes.items():
        a = params[k]
        if not isinstance(a, np.ndarray) or a.shape != tuple(shp):
            raise ValueError(f"params[{k!r}] must be an array of shape {tuple(shp)}, got "
                             f"{getattr(a, 'shape', type(a).__name__)}")
        if a.dtype != dt or dt not in (np.float32, np.float64):
            raise ValueError(f"params[{k!r}] has dtype {a.dtype}; all parameters must share one float dtype "
                             f"(params[{ref!r}] has {dt})")
    return dt


class TrainingGlue:
    """Mixin: loss, gradient function, regulariser, optimizer wrapping and deployment."""

    def regularizer(self, params) -> tuple[float, dict | None]:
        """Extra loss term and its gradient tree (None: no regulariser)."""
        return 0.0, None

    def loss_and_grad(self, params, x, target, loss="cross_entropy"):
        """``(value, grads)`` of ``loss(forward(x), target) + regularizer(params)``.

        The gradient of the padding row ``E[PADDING_ID]`` of an embedding is set to zero.

        ``loss`` is a name for :func:`approxbounds.nn.losses.get_loss` or a callable
        ``(pred, target) -> (value, dpred)``.
        """
        loss_fn = get_loss(loss) if isinstance(loss, str) else loss
        if not callable(loss_fn):
            raise TypeError(f"loss must be a loss name or a callable, got {loss!r}")
        value, grads = self._data_loss_and_grad(params, x, target, loss_fn)
        if "E" in grads:                    # the padding row is never trained (module docstring)
            grads["E"][PADDING_ID] = 0
        reg, rgrads = self.regularizer(params)
        if rgrads is not None:
            for k, g in rgrads.items():
                grads[k] = grads[k] + g
        return float(value) + float(reg), grads

    def _data_loss_and_grad(self, params, x, target, loss_fn):
        """``(value, grads)`` of the data term ``loss_fn(forward(x), target)`` alone; models
        with a faster fused path (HadamRNN) override this, :meth:`loss_and_grad` adds the
        padding-row rule and the regulariser."""
        y, cache = self.forward(params, x)
        value, dy = loss_fn(y, target)
        _, grads = self.backward(params, cache, np.asarray(dy, dtype=y.dtype), need_dx=False)
        return value, grads

    def grad_fn(self, loss="cross_entropy"):
        """``grad_fn(params, (x, y)) -> (loss, grads, None)`` for :func:`~approxbounds.nn.trainer.fit`."""
        def fn(params, batch):
            x, y = batch
            value, grads = self.loss_and_grad(params, x, y, loss)
            return value, grads, None
        return fn

    def wrap_optimizer(self, opt: GradientTransformation) -> GradientTransformation:
        """The optimizer to train this model with (adds constraint steps where needed)."""
        if not isinstance(opt, GradientTransformation):
            raise TypeError(f"opt must be a GradientTransformation, got {type(opt).__name__}")
        return opt

    def deployed(self, params):
        """``(model, params)`` of the network actually run at inference (here: itself)."""
        return self, params
