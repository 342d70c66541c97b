r"""The copy (memory) task in its two published conventions.

Alphabet: token 0 is the blank, 1..8 are the symbols to remember, 9 is the marker (10 input
classes, one-hot or token ids). A sequence shows ``K`` random symbols, then blanks, then the
marker; the network must output blanks and then reproduce the ``K`` symbols in order. The
targets never contain the marker, so there are 9 output classes (0..8).

Two conventions are in use; both are supported and named explicitly.

``"total"`` — total length ``S`` (HadamRNN, Foucault et al., ICLR 2025, official configs,
arXiv 2502.00047)::

    input   s_1 .. s_K   0 ... 0   9   0 ... 0        (S − 2K blanks, marker, K − 1 blanks)
    target  0 ......................   s_1 ... s_K    (first symbol due AT the marker step)

The marker sits at 0-based position ``S − K``; the symbols are due at ``S − K .. S − 1``.

``"delay"`` — delay ``T`` (Hochreiter & Schmidhuber 1997; the uRNN convention of Arjovsky,
Shah & Bengio, ICML 2016), total length ``T + 2K``::

    input   s_1 .. s_K   0 ... 0   9   0 ... 0        (T − 1 blanks, marker, K blanks)
    target  0 ......................   s_1 ... s_K    (first symbol due one step AFTER it)

Memoryless baseline. A predictor that ignores the symbols but knows the layout outputs the
blank with certainty off the recall window and the uniform distribution on the 8 symbols on
it, so its mean cross-entropy over all ``S`` positions is

.. math::  \text{baseline} = \frac{K \ln 8}{S},

i.e. ``K ln 8 / S`` for the total-length convention and ``10 ln 8 / (T + 20)`` for the
delay convention with ``K = 10``. A model "solves" the task when its cross-entropy falls far
below this value (e.g. below 5 %); the accuracy, measured on the ``K`` symbol positions of the
recall window only (chance level 1/8; the blanks are trivial), is the other metric.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from approxbounds._validation import check_choice, check_int

__all__ = ["CopyTask", "CONVENTIONS", "N_INPUT_CLASSES", "N_OUTPUT_CLASSES", "BLANK", "MARKER",
           "copy_metrics"]

CONVENTIONS = ("total", "delay")
BLANK = 0
MARKER = 9
N_SYMBOLS = 8
N_INPUT_CLASSES = 10
N_OUTPUT_CLASSES = 9


@dataclass(frozen=True)
class CopyTask:
    """A copy-task layout.

    Build with :meth:`total_length` or :meth:`delay` (or the constructor with
    ``convention`` and ``size``: the total length ``S`` or the delay ``T``).

    Attributes
    ----------
    convention : {"total", "delay"}
    size : int
        ``S`` for ``"total"``, ``T`` for ``"delay"``.
    n_recall : int
        ``K``, number of symbols to copy (10 in both papers).
    """

    convention: str = "total"
    size: int = 120
    n_recall: int = 10

    def __post_init__(self):
        check_choice("convention", self.convention, CONVENTIONS)
        k = check_int("n_recall", self.n_recall, minimum=1)
        if self.convention == "total":
            check_int("length", self.size, minimum=2 * k)
        else:
            check_int("delay", self.size, minimum=1)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def total_length(cls, length: int, n_recall: int = 10) -> "CopyTask":
        """Total-length convention: ``length`` = S >= 2K (HadamRNN)."""
        return cls("total", length, n_recall)

    @classmethod
    def delay(cls, delay: int, n_recall: int = 10) -> "CopyTask":
        """Delay convention: ``delay`` = T >= 1, total length T + 2K (uRNN)."""
        return cls("delay", delay, n_recall)

    # ------------------------------------------------------------------ layout
    @property
    def length(self) -> int:
        """Total sequence length ``S``."""
        return self.size if self.convention == "total" else self.size + 2 * self.n_recall

    @property
    def marker_position(self) -> int:
        """0-based position of the marker: ``S − K`` (total) or ``S − K − 1`` (delay)."""
        return self.length - self.n_recall - (0 if self.convention == "total" else 1)

    @property
    def recall_start(self) -> int:
        """0-based position where the first symbol is due: ``S − K`` in both conventions."""
        return self.length - self.n_recall

    @property
    def baseline(self) -> float:
        r"""Memoryless cross-entropy :math:`K \ln 8 / S` (nats per position)."""
        return self.n_recall * math.log(N_SYMBOLS) / self.length

    n_inputs = N_INPUT_CLASSES
    n_outputs = N_OUTPUT_CLASSES

    def config(self) -> dict:
        return {"task": "copy", "convention": self.convention, "size": self.size,
                "n_recall": self.n_recall, "length": self.length}

    # ------------------------------------------------------------------ data
    def tokens(self, rng: np.random.Generator, batch: int) -> tuple[np.ndarray, np.ndarray]:
        """A batch of token ids ``(x, y)``, both ``int64`` of shape ``(batch, S)``.

        The symbols are i.i.d. uniform on 1..8, drawn with ``rng.integers`` (one call per
        batch, so the stream depends only on the generator state and ``batch``).
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        batch = check_int("batch", batch, minimum=1)
        k, s = self.n_recall, self.length
        symbols = rng.integers(1, N_SYMBOLS + 1, size=(batch, k), dtype=np.int64)
        x = np.zeros((batch, s), dtype=np.int64)
        x[:, :k] = symbols
        x[:, self.marker_position] = MARKER
        y = np.zeros((batch, s), dtype=np.int64)
        y[:, self.recall_start:] = symbols
        return x, y

    def batch(self, rng: np.random.Generator, batch: int, *, one_hot: bool = True,
              dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` with ``x`` one-hot ``(batch, S, 10)`` in ``dtype`` (or token ids if
        ``one_hot`` is false) and integer targets ``y`` of shape ``(batch, S)`` in 0..8."""
        x, y = self.tokens(rng, batch)
        if one_hot:
            x = one_hot_encode(x, N_INPUT_CLASSES, dtype)
        return x, y

    def recall_mask(self) -> np.ndarray:
        """Boolean ``(S,)`` mask of the ``K`` positions where symbols are due."""
        m = np.zeros(self.length, dtype=bool)
        m[self.recall_start:] = True
        return m

    def metrics(self, logits: np.ndarray, targets: np.ndarray) -> dict:
        """See :func:`copy_metrics`; adds ``baseline`` and ``ce_over_baseline``."""
        out = copy_metrics(logits, targets, self.recall_start)
        out["baseline"] = self.baseline
        out["ce_over_baseline"] = out["ce"] / self.baseline
        return out


def one_hot_encode(tokens: np.ndarray, n_classes: int, dtype=np.float32) -> np.ndarray:
    """One-hot encoding along a new last axis (tokens must lie in ``0..n_classes-1``)."""
    tokens = np.asarray(tokens)
    if not np.issubdtype(tokens.dtype, np.integer):
        raise TypeError(f"tokens must be integers, got dtype {tokens.dtype}")
    n_classes = check_int("n_classes", n_classes, minimum=1)
    if tokens.size and (tokens.min() < 0 or tokens.max() >= n_classes):
        raise ValueError(f"tokens must lie in [0, {n_classes - 1}], got range "
                         f"[{tokens.min()}, {tokens.max()}]")
    out = np.zeros(tokens.shape + (n_classes,), dtype=dtype)
    np.put_along_axis(out, tokens[..., None], 1, axis=-1)
    return out


def copy_metrics(logits: np.ndarray, targets: np.ndarray, recall_start: int) -> dict:
    r"""Copy-task metrics from per-step logits.

    Parameters
    ----------
    logits : array ``(B, S, 9)``
    targets : int array ``(B, S)``
    recall_start : int
        First position of the recall window (``S − K``).

    Returns
    -------
    dict
        ``ce``: mean cross-entropy over all ``B·S`` positions (nats, computed in float64 with
        a stable log-softmax; the papers' metric, comparable with the baseline ``K ln 8/S``);
        ``accuracy`` and its synonym ``recall_accuracy``: fraction of the ``B·K`` symbol
        positions of the recall window whose argmax equals the target (chance 1/8);
        ``accuracy_all_positions``: the same over all ``B·S`` positions — dominated by the
        blanks (a model that always outputs the blank scores ``1 − K/S`` on it), so it is
        reported for reference only.
    """
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets)
    if z.ndim != 3 or z.shape[-1] != N_OUTPUT_CLASSES:
        raise ValueError(f"logits must have shape (batch, length, {N_OUTPUT_CLASSES}), got {z.shape}")
    if t.shape != z.shape[:2]:
        raise ValueError(f"targets must have shape {z.shape[:2]}, got {t.shape}")
    recall_start = check_int("recall_start", recall_start, minimum=0, maximum=z.shape[1] - 1)
    from approxbounds.nn.losses import log_softmax   # the training loss's own log-softmax

    ls = log_softmax(z)
    nll = -np.take_along_axis(ls, t[..., None], axis=-1)[..., 0]
    pred = z.argmax(axis=-1)
    hit = pred == t
    recall = float(hit[:, recall_start:].mean())
    return {"ce": float(nll.mean()), "accuracy": recall, "recall_accuracy": recall,
            "accuracy_all_positions": float(hit.mean())}
