r"""The network class "any network stored in B bits": a finite class of at most :math:`2^B` functions.

A storage format of exactly ``B`` bits together with *any* decoder (the architecture, the
quantizers, the float32 format, the read-out) maps each of the :math:`2^B` bit strings to at
most one function, so every class of networks stored that way has

.. math:: |G| \le 2^B, \qquad \log_2 \Pi_{\mathrm{thr}(G)}(N) \le \min(N, B), \qquad
          \mathrm{VCdim}(\mathrm{sgn}\,G) \le B, \quad \mathrm{Pdim}(G) \le B

(a class with :math:`2^B` members yields at most :math:`2^B` label vectors on any points, and
shattering ``N`` points needs :math:`2^N` members) [P], docs/sequence_classes.md §3. A format
of *at most* ``B`` bits (variable length) has at most :math:`2^{B+1} - 1` strings: use ``B + 1``.
Float32 parameters count 32 bits each, as in the exact accounts of
:mod:`approxbounds.models.storage`.

:class:`StorageClass` ``(bits, domain)`` is this class on an input domain (``("cube", d)`` or
``("sequence", d, T)``). It is registered as network kind ``"storage"``
(:func:`approxbounds.capacity.networks.network_from_dict`), so certificates against it verify
like any other, and :meth:`StorageClass.growth_model` gives the lower-bound machinery its
capacity (``size_bound`` for Theorem C, the VC bound for Theorem S, the growth function for
Theorem L). Theorem C then gives the certified *storage floor*: for every storage format of
``B`` bits, :math:`\sup_{f\in F}\inf_{g\in G}\|f-g\| \ge \varepsilon/2` whenever ``F`` has more
than :math:`2^B` members pairwise :math:`\varepsilon` apart
(:func:`approxbounds.lower.storage.storage_lower_bound`).
"""
from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import mpmath

from approxbounds._canonical import check_fields, from_canonical
from approxbounds._validation import check_int
from approxbounds.capacity.bound import Bound

__all__ = ["StorageClass", "StorageGrowthModel", "STORAGE_SOURCE", "BITS_MAX", "check_domain"]

STORAGE_SOURCE = ("finite class: a B-bit storage format decodes to at most 2^B functions, so "
                  "|thr(G)| <= |G| <= 2^B (docs/sequence_classes.md §3)")
#: Largest number of storage bits accepted (far beyond any stored network).
BITS_MAX = 10**15


def check_domain(domain, name: str = "domain") -> tuple:
    """``("cube", d)`` or ``("sequence", d, T)`` (lists accepted), with integers ``d, T >= 1``."""
    if isinstance(domain, (list, tuple)) and domain and domain[0] == "cube" and len(domain) == 2:
        return ("cube", check_int(f"{name} dimension d", domain[1], minimum=1))
    if isinstance(domain, (list, tuple)) and domain and domain[0] == "sequence" and len(domain) == 3:
        return ("sequence", check_int(f"{name} step dimension d", domain[1], minimum=1),
                check_int(f"{name} length T", domain[2], minimum=1))
    raise ValueError(f"{name} must be ('cube', d) or ('sequence', d, T), got {domain!r}")


def _domain_text(domain) -> str:
    if domain[0] == "cube":
        return f"[0,1]^{domain[1]}"
    return f"sequences of {domain[2]} steps in [0,1]^{domain[1]}"


@dataclass(frozen=True)
class StorageClass:
    """Every class of networks stored in exactly ``bits`` bits, on ``domain`` (module docstring).

    Parameters
    ----------
    bits : int in [1, 1e15]
        ``B``: total storage (float32 parameters count 32 bits each).
    domain : tuple
        ``("cube", d)`` or ``("sequence", d, T)``, the inputs of the networks (the domain of
        the function class they are compared with).
    """

    bits: int
    domain: tuple

    kind = "storage"

    def __post_init__(self):
        object.__setattr__(self, "bits", check_int("bits", self.bits, minimum=1, maximum=BITS_MAX))
        object.__setattr__(self, "domain", check_domain(self.domain))

    @classmethod
    def for_model(cls, model, length: int, *, explicit_W: bool = False) -> "StorageClass":
        """The storage class of a model of :mod:`approxbounds.models` (or any object with
        ``storage()``/``storage_bits()`` and ``n_in``), read on sequences of ``length`` steps:
        ``bits`` is its exact storage account."""
        return cls(model_storage_bits(model, explicit_W=explicit_W),
                   ("sequence", check_int("n_in", model.n_in, minimum=1), check_int("length", length, minimum=1)))

    # ------------------------------------------------------------------ description
    def to_dict(self) -> dict:
        """``{"kind": "storage", "bits": B, "domain": [...]}`` (inverse: :meth:`from_dict`)."""
        return {"kind": self.kind, "bits": self.bits, "domain": list(self.domain)}

    @classmethod
    def from_dict(cls, desc, field: str = "network_class") -> "StorageClass":
        """Inverse of :meth:`to_dict`; only the canonical description is accepted."""
        if not isinstance(desc, dict):
            raise ValueError(f"{field} must be a dict, got {desc!r}")
        check_fields(desc, ("kind", "bits", "domain"), field)
        if desc["kind"] != cls.kind:
            raise ValueError(f"{field}.kind must be {cls.kind!r}, got {desc['kind']!r}")
        if not isinstance(desc["domain"], list):
            raise ValueError(f"{field}.domain must be a list, got {desc['domain']!r}")
        return from_canonical(desc, lambda: cls(desc["bits"], tuple(desc["domain"])), field,
                              "the canonical description of a storage class")

    def label(self) -> str:
        return f"any network stored in {self.bits} bits (inputs: {_domain_text(self.domain)})"

    def __repr__(self) -> str:
        return f"StorageClass(bits={self.bits}, domain={self.domain})"

    # ------------------------------------------------------------------ capacity
    def log2_size(self) -> Bound:
        """``log2 |G| <= B`` [P]."""
        return Bound("log2_size", "storage_count", self.bits, "P", STORAGE_SOURCE, {"bits": self.bits})

    def growth_model(self) -> "StorageGrowthModel":
        """Capacity model for :mod:`approxbounds.lower` (cached per class)."""
        return _model(self)


def model_storage_bits(model, *, explicit_W: bool = False) -> int:
    """Exact storage of a model in bits: ``model.storage_bits(...)`` or ``model.storage().total_bits``."""
    fn = getattr(model, "storage_bits", None)
    if callable(fn):
        try:
            bits = fn(explicit_W=explicit_W)
        except TypeError:
            if explicit_W:
                raise ValueError(f"{type(model).__name__} has no explicit-W storage account") from None
            bits = fn()
    elif callable(getattr(model, "storage", None)):
        bits = model.storage().total_bits
    else:
        raise TypeError(f"{type(model).__name__} has no storage account (storage_bits() or storage())")
    if isinstance(bits, bool) or not isinstance(bits, numbers.Integral):
        raise TypeError(f"storage account must be an integer number of bits, got {bits!r}")
    return int(bits)


class StorageGrowthModel:
    """The capacity interface of :func:`approxbounds.capacity.growth.growth_model` for a
    :class:`StorageClass`: every quantity is bounded by ``B`` (module docstring)."""

    def __init__(self, G: StorageClass):
        self.arch = G
        self.b = G.bits
        self.V = G.bits
        self.finite = True
        self.quantized = True
        ingr = {"bits": G.bits}
        self.pdim = Bound("pdim", "finite_class_count", G.bits, "P", STORAGE_SOURCE, ingr)
        self.vcdim = Bound("vcdim", "finite_class_count", G.bits, "P", STORAGE_SOURCE, ingr)
        self.size_bound = G.log2_size()

    def fast(self, N: int) -> Bound:
        """``log2 Pi_thr(G)(N) <= min(N, B)``: the trivial ``2^N`` or the class size."""
        N = check_int("N", N, minimum=1)
        if N < self.b:
            return Bound("log2_growth", "trivial", N, "P", "at most 2^N label vectors on N points",
                         {"N": N})
        return Bound("log2_growth", "finite_class_count", self.b, "P", STORAGE_SOURCE,
                     {"N": N, "bits": self.b})

    def bound(self, N: int) -> Bound:
        return self.fast(N)

    def log2_growth_mp(self, method: str, N: int, ingredients: dict | None = None):
        N = int(N)
        if method == "trivial":
            return mpmath.mpf(N)
        if method == "finite_class_count":
            return mpmath.mpf(self.b)
        raise ValueError(f"no high-precision evaluator for growth method {method!r} of a storage class")

    def vcdim_mp(self, bound=None):
        method = (bound or self.vcdim).method
        if method != "finite_class_count":
            raise ValueError(f"no high-precision evaluator for VC method {method!r} of a storage class")
        return mpmath.mpf(self.b)

    def pdim_mp(self):
        return mpmath.mpf(self.b)

    def size_mp(self):
        """``log2 |G| <= B`` (exact integer)."""
        return mpmath.mpf(self.b)


@functools.lru_cache(maxsize=1024)
def _model(G: StorageClass) -> StorageGrowthModel:
    return StorageGrowthModel(G)
