r"""Recurrent network classes and their certified capacity (docs/capacity.md §9).

A :class:`RecurrentArchitecture` is the exact function class of a recurrent model of
:mod:`approxbounds.models` (or any class of that form). Inputs are sequences
:math:`x = (x_1, \dots, x_T)`, :math:`x_t \in \mathbb R^{d_{in}}`, :math:`h_0 = 0`:

* ``recurrence="linear"`` (HadamRNN, Foucault et al., ICLR 2025):
  :math:`h_t = W h_{t-1} + b + U x_t`, :math:`y_t = V\,\mathrm{ReLU}(h_t) + c`;
* ``recurrence="modrelu"`` (ORNN / QORNN, arXiv 2402.04012):
  :math:`h_t = \sigma_\beta(W h_{t-1} + U x_t + b)`,
  :math:`\sigma_\beta(z) = \mathrm{sign}(z)\max(|z| + \beta, 0)` per unit (``β`` trained),
  :math:`y_t = V h_t + c`;
* ``recurrence=`` a piecewise-polynomial :class:`~approxbounds.capacity.Activation` σ
  (``"relu"``, ``"identity"``, ...): :math:`h_t = \sigma(W h_{t-1} + U x_t + b)`,
  :math:`y_t = V h_t + c`.

Recurrent matrix ``matrix``: ``"free"`` (any real n×n), ``"orthogonal"`` (a subset of free:
the bounds of free apply), ``"hadamard"`` (:math:`\mathrm{diag}(\mathrm{sgn}\,u) S_n/\sqrt n`,
``n`` a power of two), ``"block_hadamard"`` (:math:`\mathrm{diag}(\mathrm{sgn}\,u)(I_q
\otimes S_m)/\sqrt m`, ``n = q m``, ``m`` a power of two) or ``"quantized"``
(:math:`\alpha_W \tilde W`, :math:`\tilde W` on the ``w_bits`` integer grid, :math:`\alpha_W`
real). The sign vector follows the models' convention :math:`\mathrm{sgn}\,0 = 0`
(``torch.sign``), so there are at most :math:`3^n` sign vectors (:math:`2^n` with no zero
coordinate). ``u_bits`` / ``v_bits``: ``U`` / ``V`` are :math:`\alpha\tilde U` with
:math:`\tilde U` on the integer grid of :math:`Q_p` (``2^p`` levels; 3 for the ternary ``p = 1``
of the official code) and one real per-tensor scale; ``None`` = full precision. Biases
``b, c`` (and ``β``) are always full precision.

The real-valued class ``G`` whose capacity is bounded is that of one output coordinate,
:math:`x \mapsto (y_T)_j` (``readout="last"``) or :math:`x \mapsto (y_t)_j` for any
``t <= T`` (``readout="every"``): every coordinate is computed the same way from its own row
of ``V``, so the counting uses one row (docs/capacity.md §9.1). ``W`` counts every parameter
of the model (all ``d_out`` rows), as :mod:`approxbounds.models.storage` does.

Capacity: :meth:`RecurrentArchitecture.capacity_plan` (the counting structure),
:meth:`~RecurrentArchitecture.growth_model` (what :func:`approxbounds.lower.lower_bound`
consumes), :meth:`~RecurrentArchitecture.vcdim_bound`, :meth:`~RecurrentArchitecture.pdim_bound`,
:meth:`~RecurrentArchitecture.log2_growth_bound`, :meth:`~RecurrentArchitecture.capacity_bounds`;
all [P], evaluated in closed form in ``T`` (``T`` up to :math:`2^{53}`, nothing unrolled).
"""
from __future__ import annotations

from dataclasses import dataclass

from approxbounds._validation import check_choice, check_int
from approxbounds.capacity._cache import per_architecture
from approxbounds.capacity.activation import Activation
from approxbounds.capacity.architecture import MAX_WIDTH
from approxbounds.capacity.bound import Bound
from approxbounds.capacity.recurrent_bounds import (CapacityPlan, Degree, RecurrentGrowthModel,
                                                    StageRun)

__all__ = ["RecurrentArchitecture", "quantizer_levels", "READOUTS", "MATRICES", "RECURRENCES",
           "MAX_LENGTH", "MAX_BITS"]

READOUTS = ("last", "every")
MATRICES = ("free", "orthogonal", "hadamard", "block_hadamard", "quantized")
#: named recurrences besides piecewise-polynomial activations
RECURRENCES = ("linear", "modrelu")
#: longest sequence (the JSON-exact integer range; everything is closed form in T)
MAX_LENGTH = 2**53
MAX_BITS = 32
#: activations whose networks are continuous functions (breakpoint tests need no equality case)
from approxbounds.capacity.activation import CONTINUOUS_ACTIVATIONS as _CONTINUOUS  # noqa: E402
_NOT_PIECEWISE = ("tanh", "sigmoid", "logistic", "softplus", "gelu", "elu", "selu", "swish",
                  "silu", "softsign", "lstm", "gru")
_MODEL_READOUT = {"sequence": "every", "last": "last"}


def quantizer_levels(bits: int) -> int:
    """Number of values of the per-tensor quantizer :math:`Q_p` of the models (``KBit``):
    ``2**bits``, or 3 for the ternary ``bits = 1`` (official HadamRNN convention)."""
    bits = check_int("bits", bits, minimum=1, maximum=MAX_BITS)
    return 3 if bits == 1 else 2**bits


def _recurrence(value):
    """``"linear"``, ``"modrelu"`` or an :class:`Activation` (the canonical forms)."""
    if isinstance(value, Activation):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        if key in RECURRENCES:
            return key
        if key in _NOT_PIECEWISE:
            raise ValueError(f"recurrence {value!r} is not piecewise polynomial: no certified "
                             f"capacity bound for it here (use 'linear', 'modrelu' or a "
                             f"piecewise-polynomial activation such as 'relu')")
    try:
        return Activation.coerce(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"recurrence: {exc} (or one of {', '.join(RECURRENCES)})") from None


def _opt_bits(name, value):
    return None if value is None else check_int(name, value, minimum=1, maximum=MAX_BITS)


@dataclass(frozen=True, repr=False)
class RecurrentArchitecture:
    r"""An immutable recurrent network class (module docstring).

    Parameters
    ----------
    d_in : int
        Input size per time step, ``>= 1``.
    hidden : int
        Hidden size ``n`` (a power of two for ``"hadamard"``; ``hidden/blocks`` one for
        ``"block_hadamard"``).
    d_out : int
        Output size, ``>= 1``.
    length : int
        Sequence length ``T``, ``1 <= T <= 2^53``.
    readout : {"last", "every"}
        Output at the last step only, or at every step (the class of any step's output).
    recurrence : "linear", "modrelu" or a piecewise-polynomial activation
        Name (``"relu"``, ``"identity"``, ``"leaky_relu"``, ...), ``(pieces, degree)`` or
        :class:`Activation`. tanh / sigmoid are refused (not piecewise polynomial).
    matrix : {"free", "orthogonal", "hadamard", "block_hadamard", "quantized"}
    blocks : int or None
        ``q`` for ``"block_hadamard"`` (required there, ``None`` otherwise).
    w_bits : int or None
        Bits of the quantized ``W`` (required for ``"quantized"``, ``None`` otherwise).
    u_bits, v_bits : int or None
        Bits of ``U`` and ``V`` (per-tensor scale kept real); ``None`` = full precision.

    Raises
    ------
    ValueError, TypeError
        Naming the parameter and its allowed range.
    """

    d_in: int
    hidden: int
    d_out: int
    length: int
    readout: str = "last"
    recurrence: object = "linear"
    matrix: str = "hadamard"
    blocks: int | None = None
    w_bits: int | None = None
    u_bits: int | None = None
    v_bits: int | None = None

    def __post_init__(self):
        s = object.__setattr__
        s(self, "d_in", check_int("d_in", self.d_in, minimum=1, maximum=MAX_WIDTH))
        s(self, "hidden", check_int("hidden", self.hidden, minimum=1, maximum=MAX_WIDTH))
        s(self, "d_out", check_int("d_out", self.d_out, minimum=1, maximum=MAX_WIDTH))
        s(self, "length", check_int("length", self.length, minimum=1, maximum=MAX_LENGTH))
        check_choice("readout", self.readout, READOUTS)
        s(self, "recurrence", _recurrence(self.recurrence))
        check_choice("matrix", self.matrix, MATRICES)
        n = self.hidden
        if self.matrix == "block_hadamard":
            if self.blocks is None:
                raise ValueError("blocks (q) is required for matrix='block_hadamard'")
            q = check_int("blocks", self.blocks, minimum=1, maximum=n)
            if n % q:
                raise ValueError(f"hidden={n} must be a multiple of blocks={q}")
            if (n // q) & (n // q - 1):
                raise ValueError(f"the block size hidden/blocks = {n // q} must be a power of two "
                                 f"(W = diag(sgn u)(I_q ⊗ S_m)/sqrt m)")
            s(self, "blocks", q)
        elif self.blocks is not None:
            raise ValueError(f"blocks only applies to matrix='block_hadamard', got blocks={self.blocks!r} "
                             f"with matrix={self.matrix!r}")
        if self.matrix == "hadamard" and n & (n - 1):
            raise ValueError(f"hidden must be a power of two for matrix='hadamard' "
                             f"(W = diag(sgn u) S_n/sqrt n), got {n}")
        if self.matrix == "quantized":
            if self.w_bits is None:
                raise ValueError("w_bits is required for matrix='quantized'")
            s(self, "w_bits", _opt_bits("w_bits", self.w_bits))
        elif self.w_bits is not None:
            raise ValueError(f"w_bits only applies to matrix='quantized', got w_bits={self.w_bits!r}")
        s(self, "u_bits", _opt_bits("u_bits", self.u_bits))
        s(self, "v_bits", _opt_bits("v_bits", self.v_bits))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def hadamrnn(cls, d_in, hidden, d_out, length, *, bits=4, readout="last",
                 blocks=1) -> RecurrentArchitecture:
        """HadamRNN (``blocks=1``) or Block-HadamRNN (``blocks=q``): linear recurrence,
        ``bits``-bit ``U`` and ``V`` (``None``: full precision)."""
        blocks = check_int("blocks", blocks, minimum=1)
        matrix = "hadamard" if blocks == 1 else "block_hadamard"
        return cls(d_in, hidden, d_out, length, readout, "linear", matrix,
                   None if blocks == 1 else blocks, None, bits, bits)

    @classmethod
    def qornn(cls, d_in, hidden, d_out, length, *, w_bits=4, u_bits=None,
              readout="last") -> RecurrentArchitecture:
        """QORNN: modReLU, ``w_bits``-bit ``W``, ``U`` quantized iff ``u_bits``, float ``V``."""
        return cls(d_in, hidden, d_out, length, readout, "modrelu", "quantized", None, w_bits,
                   u_bits, None)

    @classmethod
    def ornn(cls, d_in, hidden, d_out, length, *, readout="last") -> RecurrentArchitecture:
        """Full-precision orthogonal RNN with modReLU."""
        return cls(d_in, hidden, d_out, length, readout, "modrelu", "orthogonal")

    @classmethod
    def rnn(cls, d_in, hidden, d_out, length, *, activation="relu", readout="last",
            matrix="free", pieces=None, degree=None) -> RecurrentArchitecture:
        """Vanilla RNN :math:`h_t = \\sigma(W h_{t-1} + U x_t + b)`, :math:`y = V h_t + c`."""
        if pieces is not None or degree is not None:
            activation = Activation.from_name(activation, pieces, degree)
        return cls(d_in, hidden, d_out, length, readout, activation, matrix)

    @classmethod
    def from_model(cls, model, T, readout=None) -> RecurrentArchitecture:
        """The class of a model of :mod:`approxbounds.models` run on sequences of length ``T``.

        ``readout`` defaults to the model's ``output`` (``"sequence"`` -> ``"every"``).
        HadamRNN -> linear recurrence, (block) Hadamard ``W``, ``bits``-bit ``U, V``;
        ORNN -> modReLU, orthogonal ``W``; ReLURNN -> ReLU recurrence, free ``W``;
        QORNN (every variant: the class of the deployed network) -> modReLU, ``bits``-bit
        ``W``, ``U`` quantized iff ``quantize_input``.
        The LSTM (sigmoid/tanh gates), tanh/sigmoid recurrences, bare RNN layers without a
        read-out and models with a learned embedding (inputs are tokens) are refused with a
        ``ValueError``.
        """
        kind = getattr(model, "kind", None)
        name = type(model).__name__
        if kind == "lstm":
            raise ValueError(f"model {name} (LSTM) is refused: its gates use sigmoid and tanh, which "
                             f"are not piecewise polynomial, so no certified capacity bound applies")
        if kind == "rnn":
            act = getattr(model, "nonlinearity", None)
            raise ValueError(f"model {name} is a bare recurrent layer (nonlinearity {act!r}) without a "
                             f"read-out; describe its class with RecurrentArchitecture.rnn(...)"
                             + (" — and tanh is not piecewise polynomial" if act == "tanh" else ""))
        if kind not in ("hadamrnn", "ornn", "qornn", "relu_rnn"):
            raise TypeError(f"from_model takes a HadamRNN, ORNN, QORNN or ReLURNN of approxbounds.models, "
                            f"got {name}")
        if getattr(model, "embedding", None) is not None:
            raise ValueError(f"model {name} has a learned embedding: its class acts on token sequences "
                             f"through a trained table, which this description does not cover")
        if readout is None:
            readout = _MODEL_READOUT[model.output]
        common = (model.n_in, model.n_hidden, model.n_out, T, readout)
        if kind == "hadamrnn":
            blocks = int(model.blocks)
            return cls(*common, "linear", "hadamard" if blocks == 1 else "block_hadamard",
                       None if blocks == 1 else blocks, None, model.bits, model.bits)
        if kind == "ornn":
            return cls(*common, "modrelu", "orthogonal")
        if kind == "relu_rnn":
            return cls(*common, "relu", "free")
        return cls(*common, "modrelu", "quantized", None, model.bits,
                   model.bits if model.quantize_input else None, None)

    # ------------------------------------------------------------------ derived
    @property
    def n(self) -> int:
        """Hidden size."""
        return self.hidden

    @property
    def T(self) -> int:
        """Sequence length."""
        return self.length

    @property
    def is_linear(self) -> bool:
        """HadamRNN-style linear recurrence with a ReLU read-out."""
        return self.recurrence == "linear"

    @property
    def domain(self) -> tuple:
        """``("sequence", d_in, T)``: inputs are sequences of ``T`` vectors in ``R^d_in``."""
        return ("sequence", self.d_in, self.length)

    @property
    def activation(self) -> Activation:
        """The nonlinearity of the computed function (what Lemma D reads): ReLU for the linear
        recurrence (read-out), σ for an activation recurrence, and for modReLU a generic
        piecewise-linear one (modReLU networks can be discontinuous at ``z = 0``)."""
        if self.recurrence == "linear":
            return Activation.from_name("relu")
        if self.recurrence == "modrelu":
            return Activation("piecewise_linear", 3, 1)
        return self.recurrence

    @property
    def W(self) -> int:
        """Number of parameters of the model (all entries of :mod:`models.storage`'s account):
        ``W`` (n signs, n² entries, + its scale when quantized), ``U`` (+ scale), ``b``,
        ``β`` (modReLU), ``V`` (all ``d_out`` rows, + scale), ``c``."""
        n, d, o = self.hidden, self.d_in, self.d_out
        w = {"free": n * n, "orthogonal": n * n, "quantized": n * n + 1}.get(self.matrix, n)
        beta = n if self.recurrence == "modrelu" else 0
        return (w + n * d + (self.u_bits is not None) + n + beta + o * n
                + (self.v_bits is not None) + o)

    def label(self) -> str:
        """Human-readable description (never read back)."""
        rec = self.recurrence if isinstance(self.recurrence, str) else self.recurrence.name
        if self.matrix == "quantized":
            mat = f"{self.w_bits}-bit W"
        elif self.matrix == "block_hadamard":
            mat = f"block-Hadamard W (q={self.blocks})"
        else:
            mat = f"{self.matrix} W"

        def bits(b):
            return "float" if b is None else f"{b}-bit"
        return (f"recurrent net ({rec} recurrence, {mat}, {bits(self.u_bits)} U, {bits(self.v_bits)} V; "
                f"d_in={self.d_in}, n={self.hidden}, d_out={self.d_out}, T={self.length}, "
                f"{self.readout}-step read-out; W={self.W})")

    def __repr__(self) -> str:
        rec = self.recurrence if isinstance(self.recurrence, str) else repr(self.recurrence)
        extra = "".join(f", {k}={getattr(self, k)!r}" for k in ("blocks", "w_bits", "u_bits", "v_bits")
                        if getattr(self, k) is not None)
        return (f"RecurrentArchitecture(d_in={self.d_in}, hidden={self.hidden}, d_out={self.d_out}, "
                f"length={self.length}, readout={self.readout!r}, recurrence={rec}, "
                f"matrix={self.matrix!r}{extra}; W={self.W})")

    # ------------------------------------------------------------------ canonical JSON
    def to_dict(self) -> dict:
        """Canonical description (``kind`` = ``"recurrent"``): the defining fields plus the
        derived ``W`` and ``domain``, which :meth:`from_dict` re-derives and compares."""
        rec = self.recurrence if isinstance(self.recurrence, str) else self.recurrence.to_dict()
        return {"kind": "recurrent", "d_in": self.d_in, "hidden": self.hidden, "d_out": self.d_out,
                "length": self.length, "readout": self.readout, "recurrence": rec,
                "matrix": self.matrix, "blocks": self.blocks, "w_bits": self.w_bits,
                "u_bits": self.u_bits, "v_bits": self.v_bits, "W": self.W,
                "domain": list(self.domain)}

    @classmethod
    def from_dict(cls, desc, field: str = "network_class") -> RecurrentArchitecture:
        """Inverse of :meth:`to_dict`; only the canonical description is accepted
        (``from_dict(d).to_dict() == d``), else a ``ValueError`` naming the field."""
        from approxbounds._canonical import from_canonical

        if not isinstance(desc, dict):
            raise ValueError(f"{field} must be a dict (RecurrentArchitecture.to_dict()), got "
                             f"{type(desc).__name__}")

        def build():
            rec = desc["recurrence"]
            if isinstance(rec, dict):
                rec = Activation(rec["name"], rec["pieces"], rec["degree"])
            elif rec not in RECURRENCES:
                raise ValueError(f"recurrence must be one of {', '.join(RECURRENCES)} or an "
                                 f"activation dict, got {rec!r}")
            return cls(desc["d_in"], desc["hidden"], desc["d_out"], desc["length"], desc["readout"],
                       rec, desc["matrix"], desc["blocks"], desc["w_bits"], desc["u_bits"],
                       desc["v_bits"])

        return from_canonical(desc, build, field, lambda a: f"the canonical description of {a.label()}")

    # ------------------------------------------------------------------ capacity
    def parameter_counts(self) -> dict:
        """Continuous parameters of the scalar class per role (docs/capacity.md §9.1):
        ``W`` (0 when fixed by the discrete part or when ``T = 1``), ``U``, ``b``, ``beta``,
        ``V`` (one output row), ``c``."""
        n, d = self.hidden, self.d_in
        w = {"free": n * n, "orthogonal": n * n, "quantized": 1}.get(self.matrix, 0)
        return {"W": w if self.length >= 2 else 0, "U": n * d if self.u_bits is None else 1,
                "b": n, "beta": n if self.recurrence == "modrelu" else 0,
                "V": n if self.v_bits is None else 1, "c": 1}

    def capacity_plan(self) -> CapacityPlan:
        """The counting structure of Theorem R for this class (docs/capacity.md §9.3-9.4; cached)."""
        return _plan(self)

    def growth_model(self) -> RecurrentGrowthModel:
        """Capacity model for :mod:`approxbounds.lower` (cached per class)."""
        return _model(self)

    def vcdim_bound(self) -> Bound:
        """Certified bound on VCdim(sgn G) [P] (growth inversion of Theorem R)."""
        return self.growth_model().vcdim.copy()

    def pdim_bound(self) -> Bound:
        """Certified bound on Pdim(G) = VCdim(thr G) [P]."""
        return self.growth_model().pdim.copy()

    def log2_growth_bound(self, N, *, thresholded: bool = True) -> Bound:
        """Certified bound on :math:`\\log_2 \\Pi(N)` of thr(G) (or sgn(G)) [P]."""
        from approxbounds._validation import check_bool

        check_bool("thresholded", thresholded)
        return self.growth_model().growth_bound(N, thresholded=thresholded)

    def capacity_bounds(self, N=None) -> list:
        """``[vcdim, pdim]`` and, if ``N`` is given, log2 growth of thr(G) and of sgn(G) at ``N``."""
        out = [self.vcdim_bound(), self.pdim_bound()]
        if N is not None:
            N = _points(N)
            out.append(self.log2_growth_bound(N, thresholded=True))
            out.append(self.log2_growth_bound(N, thresholded=False))
        return out


def _points(N):
    """``N`` as an int: ints of any size, integral floats (``1e6``)."""
    if isinstance(N, float) and N.is_integer():
        return int(N)
    return N


def _tests(recurrence) -> tuple:
    """``(q, c, nu)``: tests per unit, sign vectors of one unit's tests, degree of σ."""
    if recurrence == "modrelu":
        # z, -z, z + beta, beta - z: 3 + 3 + 2 = 8 realisable sign vectors (docs §9.4)
        return 4, 8, 1
    p = recurrence.breakpoints
    if p == 0:
        return 0, 1, recurrence.degree
    if recurrence.name in _CONTINUOUS:
        return p, p + 1, recurrence.degree          # z - t_i: nested, p + 1 vectors
    return 2 * p, 2 * p + 1, recurrence.degree      # z - t_i and t_i - z: equality decided too


@per_architecture
def _plan(arch: RecurrentArchitecture) -> CapacityPlan:
    n, d, T = arch.hidden, arch.d_in, arch.length
    pc = arch.parameter_counts()
    a = 1 if pc["W"] else 0                        # W carries a continuous parameter
    V1 = pc["U"] + pc["b"] + pc["beta"]            # z_1 = U x_1 + b (h_0 = 0)
    Vh = pc["W"] + V1                              # every later stage
    P = Vh + pc["V"] + pc["c"]                     # all continuous parameters
    fixed1 = Degree("fixed", 1)
    runs = []
    if arch.is_linear:
        # h_T = sum_t W^{T-t}(b + U x_t): degree T in (W, b, U) if W is continuous, else linear
        runs.append(StageRun("read-out ReLU", T, 1, n, 1, 2, Vh, Degree("fixed", T) if a else fixed1,
                             affine=not a))
        if arch.v_bits is not None:   # alpha_V l(theta) = l(alpha_V theta): one variable less
            out = StageRun("output", T + 1, 1, 1, 1, 2, Vh + 1,
                           Degree("fixed", T) if a else fixed1, affine=not a)
        else:
            out = StageRun("output", T + 1, 1, 1, 1, 2, P, Degree("fixed", T + 1 if a else 2))
    else:
        q, c, nu = _tests(arch.recurrence)
        if q:
            runs.append(StageRun("hidden t=1", 1, 1, n, q, c, V1, fixed1, affine=True))
            if T >= 2:
                if nu == 0 or (nu == 1 and not a):
                    law, affine = fixed1, True
                elif nu == 1:
                    law, affine = Degree("time"), False
                else:
                    law, affine = Degree("geom", 2 if a else 1, nu), False
                runs.append(StageRun("hidden t=2..T", 2, T - 1, n, q, c, Vh, law, affine=affine))
        if nu == 0:      # h_T is constant on a cell: y - tau is affine in (V row, c)
            out = StageRun("output", T + 1, 1, 1, 1, 2, pc["V"] + pc["c"], fixed1, affine=True)
        elif nu == 1:
            out = StageRun("output", T + 1, 1, 1, 1, 2, P, Degree("fixed", T + 1 if a else 2))
        else:            # 1 + nu D_T <= 3 nu^T (a = 1) or 2 nu^T (a = 0)
            out = StageRun("output", T + 1, 1, 1, 1, 2, P, Degree("geom", 3 if a else 2, nu))
    runs.append(out)
    discrete = []
    if T >= 2 and arch.matrix in ("hadamard", "block_hadamard"):
        discrete.append((n, 3))                    # sgn u in {-1, 0, 1}^n
    if T >= 2 and arch.matrix == "quantized":
        discrete.append((n * n, quantizer_levels(arch.w_bits)))
    if arch.u_bits is not None:
        discrete.append((n * d, quantizer_levels(arch.u_bits)))
    if arch.v_bits is not None:
        discrete.append((n, quantizer_levels(arch.v_bits)))
    return CapacityPlan(tuple(runs), tuple(discrete), T if arch.readout == "every" else 1)


@per_architecture
def _model(arch: RecurrentArchitecture) -> RecurrentGrowthModel:
    return RecurrentGrowthModel(arch, _plan(arch))
