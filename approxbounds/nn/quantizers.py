"""Weight quantizers with straight-through estimators (STE).

A quantizer is a pair of pure functions on arrays::

    wq, cache = q.quantize(w)      # forward: the quantized weights the layer uses
    dw = q.grad(cache, dwq)        # backward: gradient for the float ("latent") weights

The STE (Bengio, Léonard & Courville, arXiv 1308.3432, 2013) treats the rounding as the
identity in the backward pass. ``ste="identity"`` passes ``dwq`` unchanged; ``ste="gated"``
zeroes it where the float weight lies outside the quantizer's clip range, ``|w| > c``
(Hubara et al., *Binarized neural networks*, NeurIPS 2016): ``c = 1`` for :class:`Sign`,
``c = α`` for :class:`Ternary` and :class:`KBit`. With the default per-tensor scale
``α = max|w|`` no weight exceeds ``α``, so the gated STE equals the identity STE for
``KBit``/``Ternary`` unless a fixed ``alpha`` is given.

The k-bit quantizer is the per-tensor symmetric :math:`Q_p` of HadamRNN (Foucault et al.,
ICLR 2025; docs/rnn.md §1), as the official code (``UniformQuantize`` in
deel-ai-papers/hadamRNN, ``src/quantized_layers.py``) computes it::

    α  = max|w|  (α = 1 if w = 0),        Δ = α / 2^{p-1}
    Q_p(w) = clip(round(w / Δ), j_min, j_max) · Δ
    (j_min, j_max) = (-2^{p-1}, 2^{p-1} - 1)  for p >= 2,    (-1, 1)  for p = 1

with ``round`` half-to-even (as ``numpy.round`` and ``torch.round``) and no gradient
through ``α``. Computing with the step Δ (exact in floating point) makes every output the
correctly rounded value of its grid point, so ``quantize`` lands exactly on ``levels(α)``.
For p >= 2 the values lie on the grid ``j·α/2^{p-1}``, ``j = -2^{p-1} .. 2^{p-1}-1`` (2^p
levels); for p = 1 the official clamp keeps both ends, so "1-bit" :math:`Q_1` is **ternary**
{-α, 0, α} (3 levels: it needs ⌈log₂ 3⌉ = 2 bits per stored weight, see
:attr:`KBit.storage_bits`). ``KBit(1, one_bit="asymmetric")`` keeps the plain clip
[-2^{p-1}, 2^{p-1}-1] = [-1, 0], i.e. the levels {-α, 0} of this package's earlier versions.
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real

__all__ = ["Quantizer", "Sign", "Ternary", "KBit", "get_quantizer", "QUANTIZER_NAMES",
           "quantizer_from_config"]

_STE = ("identity", "gated")
#: conventions of the 1-bit :class:`KBit` (module docstring)
ONE_BIT = ("ternary", "asymmetric")


class Quantizer:
    """Base class: subclasses implement ``_q(w) -> (wq, clip)`` and ``levels``."""

    name = "quantizer"
    #: the quantizer's bit parameter (for :class:`KBit` the p of :math:`Q_p`)
    bits: int = 0

    @property
    def storage_bits(self) -> int:
        """Bits needed to store one quantized weight, ⌈log₂(number of levels)⌉."""
        return self.bits

    def __init__(self, ste: str = "identity"):
        self.ste = check_choice("ste", ste, _STE)

    def _check(self, w) -> np.ndarray:
        w = np.asarray(w)
        if w.dtype not in (np.float32, np.float64):
            raise ValueError(f"weights w to quantize must be float32 or float64, got dtype {w.dtype}")
        if not np.all(np.isfinite(w)):
            raise ValueError("weights w to quantize contain NaN or infinity")
        return w

    def quantize(self, w: np.ndarray) -> tuple[np.ndarray, object]:
        """Return ``(wq, cache)``; ``wq`` has the dtype and shape of ``w``."""
        w = self._check(w)
        wq, clip = self._q(w)
        cache = None if self.ste == "identity" else (np.abs(w) <= clip)
        return wq, cache

    def ste_mask(self, w: np.ndarray) -> np.ndarray:
        """Boolean array: where the STE passes gradient (all True for ``ste='identity'``)."""
        w = self._check(w)
        if self.ste == "identity":
            return np.ones(w.shape, dtype=bool)
        return np.abs(w) <= self._q(w)[1]

    def grad(self, cache, dwq: np.ndarray) -> np.ndarray:
        """Straight-through gradient for the float weights."""
        return dwq if cache is None else dwq * cache

    def __call__(self, w):
        return self.quantize(w)[0]

    def levels(self, alpha: float = 1.0) -> np.ndarray:
        raise NotImplementedError

    def config(self) -> dict:
        return {"name": self.name, "ste": self.ste}

    def __eq__(self, other):
        return isinstance(other, Quantizer) and self.config() == other.config()

    def __hash__(self):
        return hash(repr(self.config()))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class Sign(Quantizer):
    """Binary quantizer ``sign(w)`` in {-1, +1}, with the convention ``sign(0) = +1``.

    The convention keeps every value binary (``np.sign`` would give 0). Clip range for the
    gated STE: ``|w| <= 1`` (the "hard tanh" STE of BinaryConnect/BNN).
    """

    name = "sign"
    bits = 1

    def _q(self, w):
        one = np.ones((), dtype=w.dtype)
        return np.where(w >= 0, one, -one), 1.0

    def levels(self, alpha: float = 1.0) -> np.ndarray:
        """Representable values: ``[-1, 1]`` (``alpha`` is ignored: sign has no scale)."""
        return np.array([-1.0, 1.0])


def _alpha(w: np.ndarray, alpha):
    if alpha is not None:
        return w.dtype.type(alpha)
    a = np.max(np.abs(w)) if w.size else w.dtype.type(0)
    return a if a > 0 else w.dtype.type(1)


class Ternary(Quantizer):
    r"""Ternary quantizer with values in {-α, 0, α}.

    :math:`T(w) = α\,\operatorname{sign}(w)\,\mathbf 1[|w| > θα]`, with α = max|w| per tensor
    (1 if w = 0) or a fixed ``alpha``, and relative threshold ``θ = threshold`` in [0, 1).
    Ternary weight networks (Li, Zhang & Liu, arXiv 1605.04711) use a similar rule with a
    threshold proportional to the mean magnitude; here it is a fraction of α. Clip range of
    the gated STE: ``|w| <= α``.
    """

    name = "ternary"
    bits = 2

    def __init__(self, threshold: float = 0.5, alpha: float | None = None, ste: str = "identity"):
        super().__init__(ste)
        self.threshold = check_real("threshold", threshold, low=0.0, high=1.0, high_open=True)
        self.alpha = None if alpha is None else check_real("alpha", alpha, low=0.0, low_open=True, high=math.inf)

    def _q(self, w):
        a = _alpha(w, self.alpha)
        keep = np.abs(w) > w.dtype.type(self.threshold) * a
        return (np.sign(w) * keep * a).astype(w.dtype, copy=False), a

    def levels(self, alpha: float = 1.0) -> np.ndarray:
        return np.array([-alpha, 0.0, alpha], dtype=np.float64)

    def config(self):
        return {"name": self.name, "threshold": self.threshold, "alpha": self.alpha, "ste": self.ste}


class KBit(Quantizer):
    """Per-tensor symmetric ``p``-bit quantizer :math:`Q_p` (module docstring, docs/rnn.md §1).

    ``alpha=None`` (default) recomputes α = max|w| at every call, exactly as HadamRNN;
    a positive float fixes the scale (then ``ste='gated'`` zeroes the gradient for ``|w| > α``).

    ``one_bit`` matters only for ``bits=1``: ``"ternary"`` (default, the official HadamRNN
    code: clamp ``j`` to [-1, 1], levels {-α, 0, α}) or ``"asymmetric"`` (the plain clip
    [-1, 0], levels {-α, 0}).
    """

    name = "kbit"

    def __init__(self, bits: int = 4, alpha: float | None = None, ste: str = "identity",
                 one_bit: str = "ternary"):
        super().__init__(ste)
        self.bits = check_int("bits", bits, minimum=1, maximum=32)
        self.alpha = None if alpha is None else check_real("alpha", alpha, low=0.0, low_open=True, high=math.inf)
        self.one_bit = check_choice("one_bit", one_bit, ONE_BIT)

    def _range(self) -> tuple[int, int]:
        """``(j_min, j_max)`` of the integer grid (module docstring)."""
        half = 2 ** (self.bits - 1)
        if self.bits == 1 and self.one_bit == "ternary":
            return -1, 1
        return -half, half - 1

    @property
    def n_levels(self) -> int:
        """Number of distinct quantized values: 2^p, or 3 for the ternary p = 1."""
        lo, hi = self._range()
        return hi - lo + 1

    @property
    def storage_bits(self) -> int:
        """Bits to store one quantized weight, ⌈log₂(number of levels)⌉ (p, or 2 for ternary p = 1)."""
        return (self.n_levels - 1).bit_length()

    def _q(self, w):
        a = _alpha(w, self.alpha)
        half = 2.0 ** (self.bits - 1)
        lo, hi = self._range()
        step = a / w.dtype.type(half)             # exact: division by a power of two
        k = np.clip(np.round(w / step), lo, hi)
        return (k * step).astype(w.dtype, copy=False), a

    def levels(self, alpha: float = 1.0) -> np.ndarray:
        """The values ``j·α/2^{p-1}`` for ``j`` in ``[j_min, j_max]`` (p <= 20; module docstring)."""
        alpha = check_real("alpha", alpha, low=0.0, low_open=True)
        if self.bits > 20:
            raise ValueError(f"levels() enumerates at most 2^20 values; bits={self.bits} > 20")
        half = 2 ** (self.bits - 1)
        lo, hi = self._range()
        return np.arange(lo, hi + 1, dtype=np.float64) * (alpha / half)

    def config(self):
        cfg = {"name": self.name, "bits": self.bits, "alpha": self.alpha, "ste": self.ste}
        if self.one_bit != "ternary":      # the default is left out: configs of earlier runs stay valid
            cfg["one_bit"] = self.one_bit
        return cfg


_QUANTIZERS = {"sign": Sign, "binary": Sign, "ternary": Ternary, "kbit": KBit}
QUANTIZER_NAMES = tuple(_QUANTIZERS)


def get_quantizer(name, bits: int | None = None, **kw) -> Quantizer:
    """Quantizer by name: ``sign``/``binary`` (1 bit), ``ternary`` (2 bits), ``kbit`` (``bits``).

    ``bits`` must be >= 1 (``ValueError`` otherwise); for ``sign`` it must be 1 if given,
    for ``ternary`` 2. A :class:`Quantizer` instance is returned unchanged, a dict is read as
    a ``config()``; ``None`` gives ``None``.
    """
    if name is None or isinstance(name, Quantizer):
        return name
    if isinstance(name, dict):
        return quantizer_from_config(name)
    check_choice("quantizer", name, _QUANTIZERS)
    if bits is not None:
        bits = check_int("bits", bits, minimum=1)
    cls = _QUANTIZERS[name]
    if cls is KBit:
        return KBit(bits=4 if bits is None else bits, **kw)
    if bits is not None and bits != cls.bits:
        raise ValueError(f"quantizer {name!r} uses bits={cls.bits}, got bits={bits}")
    return cls(**kw)


def quantizer_from_config(config: dict) -> Quantizer:
    kw = dict(config)
    name = kw.pop("name", None)
    check_choice("quantizer", name, _QUANTIZERS)
    return _QUANTIZERS[name](**kw)
