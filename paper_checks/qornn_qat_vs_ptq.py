"""Paper check: quantization-aware training (QAT) beats post-training quantization (PTQ).

Claim (QORNN, Foucault, Mamalet & Malgouyres, arXiv 2402.04012, abstract; docs/rnn.md
§2): for orthogonal RNNs whose recurrent matrix W is quantized to 3–4 bits, the QAT methods
(STE-Björck, STE-projUNN) reach better accuracy than quantizing a trained full-precision ORNN
once (PTQ).

CPU-sized task (``configs/qornn_copy30.toml``; any field can be overridden by its flag, e.g.
``--seed 1``): copy task of total length 30 (K = 10, memoryless baseline K ln 8 / 30), n = 32,
batch 64, Adam lr 2e-3, 1500 steps, same seed and data stream for every model; W at k = 3 and
k = 4 bits (``--bit-widths``; U, V full precision). Metric: validation cross-entropy of the deployed (quantized)
network on 500 fresh sequences. PASS when STE-Björck and STE-projUNN each have a lower
validation CE than PTQ at both bit widths. The penalty variant is reported too (its exact form
in the paper is our reading, docs/rnn.md §2 [R]). About 2 minutes on one core.

Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import config_parser, load_config, report_interruption, verdict  # noqa: E402

VARIANTS = ("qornn-ptq", "qornn-bjorck", "qornn-projunn", "qornn-penalty")


def main(argv=None) -> int:
    ap = config_parser(__doc__.splitlines()[0], "qornn_copy30.toml")
    ap.add_argument("--bit-widths", type=int, nargs="+", default=[3, 4], help="bits k of W to compare (default 3 4)")
    args = ap.parse_args(argv)

    from approxbounds.experiments.train_run import train
    from approxbounds.nn.trainer import TrainingInterrupted

    base = load_config(args)
    t0 = time.perf_counter()
    table = {}
    print(f"copy task S={base.length}, n={base.hidden}, {base.steps} steps, lr {base.lr}, seed {base.seed} "
          f"({Path(args.config).name})")
    print(f"{'bits':>4}  {'model':<14} {'val CE':>9} {'CE/baseline':>12} {'recall acc':>10} {'||QᵀQ-I||_F':>12}")
    for bits in args.bit_widths:
        for model in VARIANTS:
            try:
                m = train(dataclasses.replace(base, model=model, bits=bits)).metrics
            except TrainingInterrupted as exc:
                return report_interruption(exc)
            table[bits, model] = m
            print(f"{bits:>4}  {model:<14} {m['val_ce']:9.4f} {m['val_ce_over_baseline']:12.4f} "
                  f"{m['val_recall_accuracy']:10.4f} {m['orthogonality_defect_fro']:12.4f}", flush=True)
            if model == "qornn-ptq":
                print(f"{'':>4}  {'(fp ORNN)':<14} {m['val_ce_fp']:9.4f} {m['val_ce_fp'] / m['baseline']:12.4f} "
                      f"{m['val_recall_accuracy_fp']:10.4f}")
    ok = all(table[b, q]["val_ce"] < table[b, "qornn-ptq"]["val_ce"]
             for b in args.bit_widths for q in ("qornn-bjorck", "qornn-projunn"))
    meas = "; ".join(f"{b} bits: PTQ {table[b, 'qornn-ptq']['val_ce']:.4f}, Björck "
                     f"{table[b, 'qornn-bjorck']['val_ce']:.4f}, projUNN {table[b, 'qornn-projunn']['val_ce']:.4f}, "
                     f"penalty {table[b, 'qornn-penalty']['val_ce']:.4f}" for b in args.bit_widths)
    meas += f" (val CE, one seed, {time.perf_counter() - t0:.0f} s)"
    claim = (f"QAT (STE-Björck, STE-projUNN) beats PTQ at {'/'.join(map(str, args.bit_widths))}-bit W "
             f"(copy task S={base.length}, validation CE of the quantized network)")
    return verdict(claim, meas, ok)


if __name__ == "__main__":
    raise SystemExit(main())
