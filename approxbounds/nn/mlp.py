"""Multi-layer perceptrons as a :class:`~approxbounds.nn.base.Sequential` of Dense/activation.

``MLP(d_in, [k_1, ..., k_{L-1}], d_out)`` is
``Dense(d_in, k_1) → σ → ... → Dense(k_{L-1}, d_out)`` with no activation after the last
layer: the class of functions :math:`x \\mapsto W_L\\,σ(\\cdots σ(W_1 x + b_1)\\cdots) + b_L`
that capacity bounds (Bartlett, Harvey, Liaw & Mehrabian, JMLR 2019) are stated for.
:meth:`MLP.describe` returns the numbers needed to build the matching
``approxbounds.capacity.Architecture`` without this module importing it.
"""
from __future__ import annotations


from approxbounds._validation import check_int
from approxbounds.nn.activations import Activation, ModReLU, get_activation
from approxbounds.nn.base import Sequential, check_dtype, register_layer
from approxbounds.nn.layers import Dense
from approxbounds.nn.quantizers import get_quantizer

__all__ = ["MLP"]


@register_layer
class MLP(Sequential):
    """Fully connected network; a ``Sequential`` whose parameter keys are ``"000"``, ``"001"``...

    Parameters
    ----------
    d_in : int
        Input dimension (>= 1).
    hidden : sequence of int
        Hidden widths (each >= 1; may be empty for an affine model).
    d_out : int
        Output dimension.
    activation : str, dict or Activation
        Hidden activation, by name (with ``activation_kwargs``), config or instance.
        ``modrelu`` gets one bias per unit of each hidden layer.
    dtype : float32 or float64
        Default dtype of :meth:`init`.
    quantizer : str, dict, Quantizer or None
        Applied to every weight matrix (biases stay full precision); ``bits`` for ``kbit``.
    init, bias_init : str
        Initialisation schemes of :class:`~approxbounds.nn.layers.Dense`.
    """

    kind = "mlp"

    def __init__(self, d_in: int, hidden=(), d_out: int = 1, activation="relu", dtype="float64",
                 quantizer=None, bits: int | None = None, init: str = "xavier_uniform",
                 bias_init: str = "zeros", activation_kwargs: dict | None = None):
        self.d_in = check_int("d_in", d_in, minimum=1)
        self.hidden = [check_int(f"hidden[{i}]", h, minimum=1) for i, h in enumerate(hidden)]
        self.d_out = check_int("d_out", d_out, minimum=1)
        self.dtype = check_dtype(dtype)
        self.quantizer = get_quantizer(quantizer, bits=bits) if quantizer is not None else None
        if quantizer is None and bits is not None:
            raise ValueError("bits given without a quantizer; pass quantizer='kbit' as well")
        self.activation_kwargs = dict(activation_kwargs or {})
        if isinstance(activation, ModReLU) or (isinstance(activation, dict) and activation.get("kind") == "modrelu"):
            cfg = activation.config() if isinstance(activation, ModReLU) else activation
            activation, self.activation_kwargs = "modrelu", {"init_scale": cfg.get("init_scale", 0.01)}
        self._modrelu = activation == "modrelu" if isinstance(activation, str) else False
        if self._modrelu:
            proto = ModReLU(1, **self.activation_kwargs)        # validates the keywords
        else:
            proto = get_activation(activation, **self.activation_kwargs)
        if isinstance(activation, str) and (self._modrelu or not self.activation_kwargs):
            self._act_spec = activation
        else:  # store the built activation's own config (JSON, rebuilds exactly)
            self._act_spec, self.activation_kwargs = proto.config(), {}
        self._proto = proto
        self.init_name, self.bias_init = init, bias_init
        widths = [self.d_in, *self.hidden, self.d_out]
        layers = []
        for i in range(len(widths) - 1):
            layers.append(Dense(widths[i], widths[i + 1], init=init, bias_init=bias_init, quantizer=self.quantizer))
            if i < len(widths) - 2:
                layers.append(ModReLU(widths[i + 1], **self.activation_kwargs) if self._modrelu else proto)
        super().__init__(layers)

    @property
    def activation(self) -> Activation | None:
        acts = [l for l in self.layers if isinstance(l, Activation)]
        return acts[0] if acts else None

    def init(self, rng, dtype=None):
        return super().init(rng, self.dtype if dtype is None else dtype)

    def describe(self) -> dict:
        """Plain dict for mapping to a capacity ``Architecture``.

        Keys: ``d_in``, ``widths`` (hidden widths then ``d_out``, like ``Architecture.widths``),
        ``activation`` (name), ``pieces``, ``degree`` (``None`` for non-piecewise-polynomial
        activations), ``bits`` (bits per weight-matrix entry, ``None`` if full precision),
        ``bias`` (True: biases present, always full precision), ``n_params``.
        """
        act = self._proto
        name = act.kind
        pieces, degree = act.pieces, act.degree
        n_params = sum(l.n_in * l.n_out + (l.n_out if l.bias else 0) for l in self.layers if isinstance(l, Dense))
        n_params += sum(l.units for l in self.layers if isinstance(l, ModReLU))
        return {
            "d_in": self.d_in,
            "widths": [*self.hidden, self.d_out],
            "activation": name,
            "pieces": pieces,
            "degree": degree,
            "bits": None if self.quantizer is None else int(self.quantizer.bits),
            "bias": True,
            "n_params": int(n_params),
        }

    def config(self):
        return {"kind": self.kind, "d_in": self.d_in, "hidden": list(self.hidden), "d_out": self.d_out,
                "activation": self._act_spec, "dtype": self.dtype.name,
                "quantizer": None if self.quantizer is None else self.quantizer.config(),
                "init": self.init_name, "bias_init": self.bias_init,
                "activation_kwargs": self.activation_kwargs}
