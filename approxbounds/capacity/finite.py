r"""Finite (quantized) network classes: counting bounds [P].

If every parameter of a network class ``G`` is stored with ``bits`` bits, ``G`` has at most
:math:`2^b` members, ``b = bits x (number of quantized parameters)``, and so (proofs in
``docs/capacity.md``):

* :math:`\Pi_{\mathrm{thr}(G)}(N) \le |G| \le 2^b` for every ``N`` (each member yields one
  label vector);
* :math:`\mathrm{VCdim}(\mathrm{sgn}\,G) \le b` and :math:`\mathrm{Pdim}(G) \le b` (shattering
  ``N`` points needs :math:`2^N` distinct members).

With ``n_float > 0`` full-precision scalars left (biases, per-layer scales), ``G`` is the
union over the :math:`\le 2^b` codes of subclasses :math:`G_c` obtained by fixing the
quantized values; a union has :math:`\Pi_G \le \sum_c \Pi_{G_c}`. Each :math:`G_c` is a set
of networks of the same architecture with *real* parameters, hence a subclass of the
full-precision class :math:`G_{\mathrm{full}}` (a quantized weight times a real scale is a
real weight), so :math:`\Pi_{G_c} \le \Pi_{G_{\mathrm{full}}}` and
:math:`\log_2 \Pi_G \le b + \log_2 \Pi_{G_{\mathrm{full}}}`. (The same inclusion also gives
:math:`\Pi_G \le \Pi_{G_{\mathrm{full}}}` directly; both are reported, the smaller wins.)
Reference for the union/finite-class facts: Anthony & Bartlett (1999), Ch. 3; proofs in
``docs/capacity.md`` §5.
"""
from __future__ import annotations

from approxbounds.capacity.architecture import Architecture, check_architecture
from approxbounds.capacity.bound import Bound

__all__ = ["log2_class_size", "quantized_bits", "FINITE_SOURCE"]

FINITE_SOURCE = "finite class: |thr(G)| <= |G| <= 2^b (elementary; Anthony & Bartlett 1999 Ch. 3)"


def quantized_bits(arch: Architecture) -> int:
    """``b = bits x n_quantized`` (0 for a full-precision architecture)."""
    check_architecture(arch)
    q = arch.quantization
    return 0 if q is None else q.bits * arch.n_quantized


def log2_class_size(arch: Architecture) -> Bound | None:
    """Certified ``log2 |G|`` for a fully quantized class, ``None`` if ``G`` is infinite.

    Returns ``None`` when the architecture is not quantized or keeps ``n_float > 0``
    full-precision scalars. With ``quantize="weights"`` and ``n_float=0`` the biases are
    taken as fixed (e.g. zero), so only the weights count.
    """
    b = quantized_bits(arch)
    if not arch.is_finite:
        return None
    q = arch.quantization
    return Bound("log2_size", "finite_class_count", float(b), "P", FINITE_SOURCE,
                 {"bits": q.bits, "tensors": q.tensors, "n_quantized": arch.n_quantized,
                  "n_float": q.n_float, "b": b})
