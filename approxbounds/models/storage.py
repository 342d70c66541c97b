r"""Exact storage accounts, in bits, of the recurrent models (bit-count convention of the
HadamRNN paper's efficiency argument, Foucault et al., ICLR 2025, arXiv 2502.00047).

Convention (HadamRNN, Foucault et al., ICLR 2025; QORNN, arXiv 2402.04012):

- HadamRNN W: ``n`` bits (one sign per row; the Sylvester matrix is implicit), or
  ``n²`` bits when stored as an explicit ±1 matrix. Block-HadamRNN: also ``n`` sign bits
  (the block structure is implicit); explicitly, its ``q·m²`` non-zero ±1 entries.
- A p-bit quantized matrix of ``r·c`` entries: ``r·c·p`` bits, plus its per-tensor scale α
  (one fp32 number, item ``alpha_<name>``) unless ``scales=False``.
- Full-precision tensors (biases, embeddings, fp32 weights, modReLU offsets): 32 bits per entry.

Example (the paper's pMNIST HadamRNN): n = 512, d_in = 1, d_out = 10, p = 4:
``512 + 512·1·4 + 10·512·4 + 32·(512 + 10) = 39,744`` bits, plus ``2·32`` for the scales of
U and V: 39,808 bits ≈ 39.8 kbit = 4,976 bytes ≈ 4.9 KiB (the order of the figure quoted in
the HadamRNN paper),
versus ``32·(512² + 512·1 + 512 + 10·512 + 10 + 512) = 8,601,920`` bits = 1,075,240 bytes
≈ 1.07 MB for an fp32 ORNN with a modReLU offset per unit (216× more).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from approxbounds._validation import check_int

__all__ = ["StorageAccount", "hadamrnn_storage", "model_storage", "tensor_bits", "FP_BITS"]

#: bits of one full-precision scalar
FP_BITS = 32


@dataclass(frozen=True)
class StorageAccount:
    """Itemised storage: ``items`` maps a tensor name to ``(entries, bits_per_entry, bits)``."""

    model: str
    items: dict = field(default_factory=dict)

    @property
    def total_bits(self) -> int:
        return int(sum(v[2] for v in self.items.values()))

    @property
    def total_bytes(self) -> float:
        return self.total_bits / 8

    @property
    def kbit(self) -> float:
        return self.total_bits / 1000

    def table(self) -> str:
        """Human-readable table, one line per tensor and a total."""
        lines = [f"{self.model}: {self.total_bits} bits = {self.total_bytes:.0f} bytes"]
        for name, (entries, per, bits) in self.items.items():
            lines.append(f"  {name:<6} {entries:>10} x {per:g} bits = {bits}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"model": self.model, "total_bits": self.total_bits,
                "items": {k: {"entries": v[0], "bits_per_entry": v[1], "bits": v[2]} for k, v in self.items.items()}}


def tensor_bits(shape, bits_per_entry: int) -> tuple[int, int, int]:
    """``(entries, bits_per_entry, entries·bits_per_entry)`` for a tensor of ``shape`` (exact ints)."""
    bits_per_entry = check_int("bits_per_entry", bits_per_entry, minimum=1)
    shape = tuple(check_int("shape entry", s, minimum=0) for s in shape)
    entries = math.prod(shape)
    return entries, bits_per_entry, entries * bits_per_entry


def hadamrnn_storage(model, explicit_W: bool = False, scales: bool = True) -> StorageAccount:
    """Storage of a :class:`~approxbounds.models.hadamrnn.HadamRNN` (any ``blocks``).

    ``explicit_W``: count W as its stored ±1 entries (n² for HadamRNN, q·m² non-zeros for
    Block-HadamRNN, whose zero pattern is implicit) instead of the n sign bits.
    U and V cost ``p`` bits per entry (32 if the model has ``bits=None``; 2 for ``bits=1``,
    whose official :math:`Q_1` is ternary, :class:`~approxbounds.nn.quantizers.KBit`), plus one
    32-bit scale each when quantized and ``scales`` is true.
    """
    n, d, o = model.n_hidden, model.n_in, model.n_out
    # bits per stored entry: p, except the ternary 1-bit Q_1 (3 levels: 2 bits; KBit.storage_bits)
    p = FP_BITS if model.bits is None else model.quantizer.storage_bits
    if explicit_W:
        w = tensor_bits((model.blocks, model.block_size, model.block_size), 1)
    else:
        w = tensor_bits((n,), 1)
    items = {"W": w, "U": tensor_bits((n, d), p), "V": tensor_bits((o, n), p),
             "b": tensor_bits((n,), FP_BITS), "c": tensor_bits((o,), FP_BITS)}
    if model.embedding is not None:
        items["E"] = tensor_bits(model.embedding, FP_BITS)
    if scales and model.bits is not None:
        items["alpha_U"] = tensor_bits((1,), FP_BITS)
        items["alpha_V"] = tensor_bits((1,), FP_BITS)
    name = "HadamRNN" if model.blocks == 1 else f"Block-HadamRNN(q={model.blocks})"
    return StorageAccount(name, items)


def model_storage(param_shapes: dict, bits: dict | None = None, *, model: str = "model",
                  scales: bool = True) -> StorageAccount:
    """Generic account: ``param_shapes`` ``{name: shape}``; ``bits`` ``{name: bits per entry}``
    for quantized tensors (others cost 32 bits per entry); each quantized tensor adds its
    32-bit per-tensor scale (item ``alpha_<name>``) when ``scales`` is true.

    Examples: an fp32 ORNN/LSTM is ``model_storage(shapes)``; a QORNN with k-bit W (and U)
    is ``model_storage(shapes, {"W": k, "U": k})``.
    """
    if not isinstance(param_shapes, dict) or not param_shapes:
        raise TypeError("param_shapes must be a non-empty dict {name: shape}")
    bits = dict(bits or {})
    unknown = set(bits) - set(param_shapes)
    if unknown:
        raise ValueError(f"bits names tensors that are not parameters: {sorted(unknown)}; "
                         f"parameters: {sorted(param_shapes)}")
    items = {name: tensor_bits(shape, bits.get(name, FP_BITS)) for name, shape in param_shapes.items()}
    if scales:
        for name in bits:
            items[f"alpha_{name}"] = tensor_bits((1,), FP_BITS)
    return StorageAccount(model, items)
