"""Paper check: bit accounting of every model at the papers' sizes (docs/rnn.md §4).

Claim (docs/rnn.md §4, from the HadamRNN paper's efficiency argument): the pMNIST HadamRNN
(n = 512, d_in = 1, d_out = 10, 4-bit U and V, binary W stored as n signs) needs about
39.8 kbit ≈ 4.9 kB, against about 1.07 MB for a full-precision (fp32) ORNN of the same size.

The script builds each model of :mod:`approxbounds.models` at the paper configurations
(docs/rnn.md §1 table: copy n=128, sMNIST/pMNIST n=512, IMDB n=128 with a 10k×512 embedding;
Block-HadamRNN n=512 with q=4 blocks of m=128) and prints every model's exact storage in bits,
from the models' own ``storage_bits()``. The counts are recomputed by hand from the formula
(W: n bits; U: n·d_in·p; V: d_out·n·p; biases and fp32 tensors 32 bits per entry; one 32-bit
scale α per quantized tensor, which the deployed network needs) and PASS
requires equality with the models and the two headline figures within 1 % (39.8 kbit; 1.07 MB).

Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import verdict  # noqa: E402

CONFIGS = {  # task: (d_in, d_out, n, embedding)
    "copy": (10, 9, 128, None),
    "smnist": (1, 10, 512, None),
    "pmnist": (1, 10, 512, None),
    "imdb": (512, 1, 128, (10000, 512)),
}


SCALE_BITS = 32  # one fp32 per-tensor scale alpha for each quantized tensor


def _hadam_formula(n, d, o, p, emb):
    bits = n + n * d * p + o * n * p + 32 * (n + o) + 2 * SCALE_BITS  # scales of U and V
    if emb is not None:
        bits += 32 * emb[0] * emb[1]
    return bits


def main(argv=None) -> int:
    from approxbounds.models.hadamrnn import HadamRNN
    from approxbounds.models.lstm import LSTM
    from approxbounds.models.ornn import ORNN
    from approxbounds.models.qornn import QORNN

    rows, ok = [], True
    for task, (d, o, n, emb) in CONFIGS.items():
        out = "sequence" if task == "copy" else "last"
        models = {
            "HadamRNN (p=4)": HadamRNN(d, n, o, bits=4, output=out, embedding=emb),
            "Block-HadamRNN q=4 (p=4)": HadamRNN(d, n, o, bits=4, output=out, blocks=4, embedding=emb),
            "QORNN (W 4-bit)": QORNN(d, n, o, output=out, embedding=emb, variant="bjorck", bits=4),
            "QORNN (W,U 4-bit)": QORNN(d, n, o, output=out, embedding=emb, variant="bjorck", bits=4,
                                       quantize_input=True),
            "ORNN fp32": ORNN(d, n, o, output=out, embedding=emb),
            "LSTM fp32": LSTM(d, n, o, output=out, embedding=emb),
        }
        for name, model in models.items():
            bits = int(model.storage_bits())
            rows.append((task, name, n, bits))
            if name.startswith(("HadamRNN", "Block")):
                ok &= bits == _hadam_formula(n, d, o, 4, emb)
            elif name == "ORNN fp32":   # U, W, b, beta, V, c (+E) at 32 bits
                ok &= bits == 32 * (n * d + n * n + 2 * n + o * n + o + (emb[0] * emb[1] if emb else 0))
            elif name == "QORNN (W 4-bit)":
                ok &= bits == 4 * n * n + SCALE_BITS + 32 * (n * d + 2 * n + o * n + o + (emb[0] * emb[1] if emb else 0))
            elif name == "QORNN (W,U 4-bit)":
                ok &= bits == 4 * (n * n + n * d) + 2 * SCALE_BITS + 32 * (2 * n + o * n + o + (emb[0] * emb[1] if emb else 0))
            elif name == "LSTM fp32":
                ok &= bits == 32 * (4 * n * d + 4 * n * n + 4 * n + o * n + o + (emb[0] * emb[1] if emb else 0))
    print(f"{'task':<7} {'model':<26} {'n':>4} {'bits':>12} {'kbit':>10} {'bytes':>12}")
    for task, name, n, bits in rows:
        print(f"{task:<7} {name:<26} {n:>4} {bits:>12,} {bits / 1000:>10.1f} {bits / 8:>12,.0f}")
    hadam = next(b for t, nm, _, b in rows if t == "pmnist" and nm == "HadamRNN (p=4)")
    ornn = next(b for t, nm, _, b in rows if t == "pmnist" and nm == "ORNN fp32")
    ok &= abs(hadam / 1000 - 39.8) / 39.8 < 0.01 and abs(ornn / 8 / 1e6 - 1.07) / 1.07 < 0.01
    claim = "pMNIST HadamRNN (n=512, p=4) ≈ 39.8 kbit ≈ 4.9 kB vs ≈ 1.07 MB for an fp32 ORNN"
    meas = (f"HadamRNN {hadam:,} bits = {hadam / 1000:.1f} kbit = {hadam / 8:,.0f} bytes; fp32 ORNN "
            f"{ornn:,} bits = {ornn / 8 / 1e6:.3f} MB (ratio {ornn / hadam:.0f}x); every model's "
            f"storage_bits() matches the hand formula: {ok}")
    return verdict(claim, meas, ok)


if __name__ == "__main__":
    raise SystemExit(main())
