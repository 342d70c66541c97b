"""Recurrent models on the torch-free backend: HadamRNN / Block-HadamRNN, ORNN, QORNN, a vanilla
ReLU RNN, LSTM.

Every model follows the layer protocol of :mod:`approxbounds.nn` (``init``, ``forward``,
``backward``, ``config``/``from_config``) plus ``loss_and_grad``, ``grad_fn``,
``wrap_optimizer``, ``recurrent_matrix``, ``orthogonality_defect`` and ``storage_bits``
(exact bit accounts in :mod:`approxbounds.models.storage`).

``ORNN``, ``QORNN``, ``ReLURNN`` and ``LSTM`` are imported on first access (PEP 562), so
importing one model does not load the others.
"""
from importlib import import_module

from approxbounds.models.hadamrnn import HadamRNN  # noqa: F401
from approxbounds.models.storage import StorageAccount, hadamrnn_storage, model_storage  # noqa: F401

__all__ = ["HadamRNN", "ORNN", "QORNN", "ReLURNN", "LSTM", "StorageAccount", "hadamrnn_storage",
           "model_storage"]

_LAZY = {"ORNN": "approxbounds.models.ornn", "QORNN": "approxbounds.models.qornn",
         "ReLURNN": "approxbounds.models.rnn", "LSTM": "approxbounds.models.lstm"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'approxbounds.models' has no attribute {name!r}")
