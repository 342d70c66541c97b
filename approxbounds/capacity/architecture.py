"""Description of a layered, fully connected feed-forward network class.

The derived quantities follow Bartlett, Harvey, Liaw, Mehrabian, "Nearly-tight VC-dimension
and pseudodimension bounds for piecewise linear neural networks", JMLR 20(63), 2019, Thm 7.
With input dimension ``d = k_0`` and widths ``k_1, ..., k_L`` (``k_L`` = output width, the
output layer is linear):

.. math::

    P_i = k_i (k_{i-1} + 1), \\quad W = \\sum_i P_i, \\quad U = \\sum_i k_i,

    W_i = P_i \\ (\\nu = 0), \\qquad W_i = \\sum_{j \\le i} P_j \\ (\\nu > 0),

    \\bar L = \\frac{1}{W} \\sum_{i=1}^L W_i, \\qquad
    R = \\sum_{i=1}^L k_i \\bigl(1 + (i-1)\\nu^{i-1}\\bigr)

(with ``0**0 = 1``, so ``R = U`` when ν = 0). All of them are exact integers / fractions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from approxbounds._validation import check_choice, check_int
from approxbounds.capacity.activation import Activation

__all__ = ["Architecture", "Quantization", "check_architecture", "MAX_WIDTH", "MAX_LAYERS"]

MAX_WIDTH = 10**12
MAX_LAYERS = 10**4
MAX_BITS = 64
QUANTIZE_CHOICES = ("weights", "all")


@dataclass(frozen=True)
class Quantization:
    """Weights stored on a grid of ``2**bits`` values.

    Parameters
    ----------
    bits : int
        Bits per quantized scalar, ``1 <= bits <= 64``.
    tensors : {"weights", "all"}
        ``"weights"``: connection weights are quantized, biases stay full precision;
        ``"all"``: weights and biases are quantized.
    n_float : int or None
        Number of full-precision scalars left (biases, per-layer scales, ...). ``None`` means
        the natural default: the number of biases ``U`` for ``"weights"``, 0 for ``"all"``
        (filled in by :class:`Architecture`).
    """

    bits: int
    tensors: str = "weights"
    n_float: int | None = None

    def __post_init__(self):
        object.__setattr__(self, "bits", check_int("bits", self.bits, minimum=1, maximum=MAX_BITS))
        check_choice("quantize", self.tensors, QUANTIZE_CHOICES)
        if self.n_float is not None:
            object.__setattr__(self, "n_float", check_int("n_float", self.n_float, minimum=0))

    def to_dict(self) -> dict:
        return {"bits": self.bits, "tensors": self.tensors, "n_float": self.n_float}


@dataclass(frozen=True, repr=False)
class Architecture:
    """An immutable network class: input dimension, widths, activation, quantization.

    Parameters
    ----------
    d_in : int
        Input dimension ``d >= 1``.
    widths : tuple of int
        ``(k_1, ..., k_L)``: hidden widths followed by the output width (normally 1).
    activation : Activation
        Activation of every hidden unit; the output layer is linear (as in BHLM 2019).
    quantization : Quantization or None
        ``None`` for full-precision parameters.
    """

    d_in: int
    widths: tuple
    activation: Activation
    quantization: Quantization | None = None

    def __post_init__(self):
        object.__setattr__(self, "d_in", check_int("d_in", self.d_in, minimum=1, maximum=MAX_WIDTH))
        if isinstance(self.widths, (str, bytes)) or not hasattr(self.widths, "__iter__"):
            raise TypeError(f"widths must be a sequence of integers, got {self.widths!r}")
        widths = tuple(check_int(f"widths[{i}]", k, minimum=1, maximum=MAX_WIDTH)
                       for i, k in enumerate(self.widths))
        if not widths:
            raise ValueError("widths must contain at least the output width (length >= 1)")
        if len(widths) > MAX_LAYERS:
            raise ValueError(f"number of layers must be <= {MAX_LAYERS}, got {len(widths)}")
        object.__setattr__(self, "widths", widths)
        if not isinstance(self.activation, Activation):
            raise TypeError("activation must be an Activation (use Architecture.mlp/parse "
                            "to pass a name)")
        q = self.quantization
        if q is not None:
            if not isinstance(q, Quantization):
                raise TypeError("quantization must be a Quantization or None")
            if q.n_float is None:
                default = self.U if q.tensors == "weights" else 0
                object.__setattr__(self, "quantization", Quantization(q.bits, q.tensors, default))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def mlp(cls, d_in, hidden, activation="relu", *, out=1, bits=None, quantize="weights",
            n_float=None, pieces=None, degree=None) -> "Architecture":
        """Fully connected network ``d_in -> hidden[0] -> ... -> hidden[-1] -> out``.

        ``activation`` is a name (see :data:`~approxbounds.capacity.activation.ACTIVATION_NAMES`),
        a ``(pieces, degree)`` tuple or an :class:`Activation`. ``bits`` (>= 1) switches on
        quantization of ``quantize`` ("weights" or "all") with ``n_float`` full-precision
        scalars left (default: the biases for "weights", none for "all").
        """
        if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
            raise TypeError(f"hidden must be a sequence of integers, got {hidden!r}")
        act = Activation.coerce(activation, pieces, degree)
        out = check_int("out", out, minimum=1, maximum=MAX_WIDTH)
        quant = None
        if bits is not None:
            quant = Quantization(bits, quantize, n_float)
        elif n_float is not None:
            raise ValueError("n_float only makes sense with bits (quantized networks)")
        return cls(d_in, tuple(hidden) + (out,), act, quant)

    @classmethod
    def parse(cls, spec, activation="relu", *, bits=None, quantize="weights", n_float=None,
              pieces=None, degree=None) -> "Architecture":
        """Parse ``"d,k1,...,kL"``; a token ``AxB`` stands for ``B`` layers of width ``A``.

        Examples: ``"1,10,1"``; ``"2,35x9,1"`` (nine hidden layers of 35).
        """
        if not isinstance(spec, str):
            raise TypeError(f"arch must be a string like '2,35x9,1', got {type(spec).__name__}")
        tokens = [t.strip() for t in spec.split(",")]
        if len(tokens) < 2 or any(not t for t in tokens):
            raise ValueError(f"arch must look like 'd,k1,...,out' (e.g. '2,35x9,1'), got {spec!r}")
        sizes = []
        for pos, tok in enumerate(tokens):
            m = re.fullmatch(r"(\d+)(?:\s*[xX*]\s*(\d+))?", tok)
            if m is None:
                raise ValueError(f"arch token {tok!r} is not an integer or 'WIDTHxCOUNT' "
                                 f"(in {spec!r})")
            width, count = int(m.group(1)), int(m.group(2) or 1)
            if m.group(2) is not None and pos in (0, len(tokens) - 1):
                raise ValueError(f"arch: the input dimension and the output width cannot be "
                                 f"repeated ('{tok}' in {spec!r})")
            if count < 1 or count > MAX_LAYERS:
                raise ValueError(f"arch: repeat count must lie in [1, {MAX_LAYERS}], got {count}")
            sizes.extend([width] * count)
        if sizes[0] < 1:
            raise ValueError(f"d_in must be >= 1, got {sizes[0]}")
        return cls.mlp(sizes[0], sizes[1:-1], activation, out=sizes[-1], bits=bits,
                       quantize=quantize, n_float=n_float, pieces=pieces, degree=degree)

    # ------------------------------------------------------------------ derived (exact)
    @property
    def L(self) -> int:
        """Number of layers (hidden layers + output layer)."""
        return len(self.widths)

    @property
    def layer_sizes(self) -> tuple:
        """``(k_0 = d_in, k_1, ..., k_L)``."""
        return (self.d_in,) + self.widths

    @cached_property
    def params_per_layer(self) -> tuple:
        """``P_i = k_i (k_{i-1} + 1)``: weights and biases of layer ``i``."""
        s = self.layer_sizes
        return tuple(s[i] * (s[i - 1] + 1) for i in range(1, len(s)))

    @cached_property
    def W(self) -> int:
        """Number of parameters (weights and biases)."""
        return sum(self.params_per_layer)

    @cached_property
    def U(self) -> int:
        """Number of computation units (hidden and output)."""
        return sum(self.widths)

    @property
    def n_weights(self) -> int:
        """Connection weights only (``W - U``)."""
        return self.W - self.U

    @property
    def breakpoints(self) -> int:
        return self.activation.breakpoints

    @property
    def degree(self) -> int:
        return self.activation.degree

    @cached_property
    def W_i(self) -> tuple:
        """BHLM ``W_i``: per-layer parameters if ν = 0, cumulative (layers 1..i) if ν > 0."""
        if self.degree == 0:
            return self.params_per_layer
        out, acc = [], 0
        for p in self.params_per_layer:
            acc += p
            out.append(acc)
        return tuple(out)

    @cached_property
    def Lbar(self) -> Fraction:
        """``L̄ = (1/W) Σ_i W_i`` as an exact fraction (1 <= L̄ <= L)."""
        return Fraction(sum(self.W_i), self.W)

    @cached_property
    def degree_factors(self) -> tuple:
        """``1 + (i-1) ν^{i-1}`` for ``i = 1..L`` (with ``0**0 = 1``)."""
        nu = self.degree
        return tuple(1 + (i - 1) * nu ** (i - 1) for i in range(1, self.L + 1))

    @cached_property
    def R(self) -> int:
        """``R = Σ_i k_i (1 + (i-1) ν^{i-1})`` (exact integer)."""
        return sum(k * c for k, c in zip(self.widths, self.degree_factors))

    @property
    def n_quantized(self) -> int:
        """Number of parameters stored on the ``bits`` grid (0 if not quantized)."""
        q = self.quantization
        if q is None:
            return 0
        return self.n_weights if q.tensors == "weights" else self.W

    @property
    def n_float(self) -> int:
        """Full-precision scalars (all ``W`` parameters if not quantized)."""
        q = self.quantization
        return self.W if q is None else q.n_float

    @property
    def is_finite(self) -> bool:
        """True when every parameter lives on a finite grid (quantized, ``n_float = 0``)."""
        return self.quantization is not None and self.quantization.n_float == 0

    # ------------------------------------------------------------------ output
    def spec(self) -> str:
        """Short string form, e.g. ``'2,35x9,1'``."""
        parts, i, ws = [str(self.d_in)], 0, self.widths
        hidden = ws[:-1]
        while i < len(hidden):
            j = i
            while j < len(hidden) and hidden[j] == hidden[i]:
                j += 1
            parts.append(str(hidden[i]) if j - i == 1 else f"{hidden[i]}x{j - i}")
            i = j
        parts.append(str(ws[-1]))
        return ",".join(parts)

    def to_dict(self) -> dict:
        """Canonical description (``kind`` = ``"feedforward"``): the defining fields
        ``d_in``, ``widths``, ``activation``, ``quantization`` plus the derived ones
        (``spec``, ``W``, ``U``, ``L``, ``W_i``, ``Lbar``, ``R``, ``n_quantized``), which
        :meth:`from_dict` re-derives and compares."""
        d = {
            "kind": "feedforward",
            "spec": self.spec(),
            "d_in": self.d_in,
            "widths": list(self.widths),
            "activation": self.activation.to_dict(),
            "W": self.W,
            "U": self.U,
            "L": self.L,
            "W_i": list(self.W_i),
            "Lbar": float(self.Lbar),
            "Lbar_fraction": f"{self.Lbar.numerator}/{self.Lbar.denominator}",
            "R": self.R,
        }
        if self.quantization is not None:
            d["quantization"] = self.quantization.to_dict()
            d["n_quantized"] = self.n_quantized
        return d

    @classmethod
    def from_dict(cls, desc: dict, field: str = "network_class") -> "Architecture":
        """Inverse of :meth:`to_dict`; only the canonical description is accepted.

        The architecture is built from ``d_in``, ``widths``, ``activation`` and
        ``quantization``; every other field must equal what they give
        (``from_dict(d).to_dict() == d``), else a ``ValueError`` naming the field.
        """
        from approxbounds._canonical import from_canonical

        if not isinstance(desc, dict):
            raise ValueError(f"{field} must be a dict (Architecture.to_dict()), got {type(desc).__name__}")

        def build():
            act = desc["activation"]
            if not isinstance(act, dict):
                raise TypeError(f"activation must be a dict, got {act!r}")
            activation = Activation(act["name"], act["pieces"], act["degree"])
            q = desc.get("quantization")
            quant = None
            if q is not None:
                if not isinstance(q, dict):
                    raise TypeError(f"quantization must be a dict, got {q!r}")
                quant = Quantization(q["bits"], q["tensors"], q["n_float"])
            widths = desc["widths"]
            if not isinstance(widths, list):
                raise TypeError(f"widths must be a list, got {widths!r}")
            return cls(desc["d_in"], tuple(widths), activation, quant)

        return from_canonical(desc, build, field, lambda a: f"the canonical description of {a.spec()}")

    def __repr__(self) -> str:
        q = ""
        if self.quantization is not None:
            qq = self.quantization
            q = f", bits={qq.bits}, quantize={qq.tensors!r}, n_float={qq.n_float}"
        return (f"Architecture({self.spec()!r}, activation={self.activation.name!r}, "
                f"pieces={self.activation.pieces}, degree={self.activation.degree}{q}; "
                f"W={self.W}, U={self.U}, L={self.L})")


def check_architecture(arch) -> None:
    """Raise ``TypeError`` unless ``arch`` is an :class:`Architecture`."""
    if not isinstance(arch, Architecture):
        raise TypeError(f"arch must be an Architecture, got {type(arch).__name__}")
