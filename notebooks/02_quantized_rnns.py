# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Quantized orthogonal RNNs: HadamRNN, Block-HadamRNN and QORNN
#
# This notebook trains small recurrent models of `approxbounds.models` on the copy task
# (`approxbounds.tasks.CopyTask`), plots their learning curves against the memoryless
# baseline $K\ln 8/S$, measures how far a $k$-bit quantized orthogonal matrix is from
# orthogonal, $\|Q(W)^\top Q(W) - I\|$, and compares the storage of every model at the
# papers' sizes (HadamRNN, Foucault et al., ICLR 2025; QORNN, arXiv 2402.04012).
#
# Set the environment variable `APPROXBOUNDS_SMOKE=1` for a run of a few seconds (tiny
# models, few steps: the curves then show the mechanics, not converged results).

# %% tags=["parameters"]
import os

SMOKE = os.environ.get("APPROXBOUNDS_SMOKE", "0") == "1"
LENGTH = 20 if SMOKE else 30
STEPS = 40 if SMOKE else 1500
HIDDEN = 16 if SMOKE else 32
EVAL_EVERY = 20 if SMOKE else 100

# %%
# %matplotlib inline
os.environ.setdefault("OMP_NUM_THREADS", "1")
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from approxbounds.experiments.train_run import TrainConfig, train
from approxbounds.nn.orthogonal import orthogonality_defect, random_orthogonal
from approxbounds.nn.quantizers import KBit
from approxbounds.plots import PAPER_RC, legend_outside

mpl.rcParams.update(PAPER_RC)   # Okabe-Ito colours, paper font sizes
print(f"SMOKE={SMOKE}: copy task of total length {LENGTH}, {STEPS} steps, hidden size {HIDDEN}")

# %% [markdown]
# ## Training on the copy task
#
# Every model sees the same seeded stream of sequences. HadamRNN models use a binary
# (Block: sparse ternary) orthogonal $W$ and 4-bit $U, V$; the QORNN variants a 4-bit $W$;
# ORNN and LSTM are full-precision baselines. Validation metrics are those of the deployed
# network (for PTQ, the quantized one).

# %%
MODELS = ["hadamrnn", "block-hadamrnn", "qornn-ptq", "qornn-bjorck", "ornn", "lstm"]
runs = {}
for name in MODELS:
    cfg = TrainConfig(task="copy", model=name, hidden=HIDDEN, bits=4, length=LENGTH, steps=STEPS,
                      batch=64, lr=2e-3, seed=0, n_val=256, eval_every=EVAL_EVERY, blocks=2)
    runs[name] = train(cfg)
    m = runs[name].metrics
    print(f"{name:<15} val CE {m['val_ce']:.4f} = {m['val_ce_over_baseline']:.3f} x baseline, "
          f"recall accuracy {m['val_recall_accuracy']:.3f}, {m['storage_bits']} bits")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, r in runs.items():
    ev = [h for h in r.history if "val_ce" in h]
    ax.plot([h["step"] for h in ev], [h["val_ce"] / h["baseline"] for h in ev], marker="o", ms=3, label=name)
ax.axhline(1.0, color="k", ls="--", lw=1, label="memoryless baseline")
ax.axhline(0.05, color="grey", ls=":", lw=1, label="5 % of baseline")
ax.set_yscale("log")
ax.set_xlabel("training step")
ax.set_ylabel("validation CE / baseline")
ax.set_title(f"copy task, total length $S={LENGTH}$")
legend_outside(ax);

# %% [markdown]
# ## Orthogonality defect of a quantized orthogonal matrix
#
# HadamRNN's $W$ is exactly orthogonal for every sign vector. A generic orthogonal matrix
# quantized to $k$ bits (per-tensor symmetric quantizer, $\alpha=\max|w|$) is not: we measure
# $\|Q_k(W)^\top Q_k(W) - I\|$ (Frobenius and spectral) for Haar-random $W$, and for the
# trained ORNN above (what PTQ deploys).

# %%
rng = np.random.default_rng(0)
n_defect = 32 if SMOKE else 128
bits_range = list(range(2, 9))
haar = [random_orthogonal(rng, n_defect) for _ in range(3)]
fro = [[orthogonality_defect(KBit(k)(w), "fro") for w in haar] for k in bits_range]
spec = [[orthogonality_defect(KBit(k)(w), "spectral") for w in haar] for k in bits_range]
ornn = runs["ornn"]
w_trained = ornn.model.recurrent_matrix(ornn.params).astype(np.float64)
fro_trained = [orthogonality_defect(KBit(k)(w_trained), "fro") for k in bits_range]

fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(bits_range, np.mean(fro, axis=1), "o-", label=f"Haar W, n={n_defect}, Frobenius")
ax.semilogy(bits_range, np.mean(spec, axis=1), "s-", label=f"Haar W, n={n_defect}, spectral")
ax.semilogy(bits_range, fro_trained, "^-", label=f"trained ORNN W, n={HIDDEN}, Frobenius")
ax.set_xlabel("bits $k$ of $W$")
ax.set_ylabel(r"$\|Q(W)^\top Q(W) - I\|$")
ax.set_title("orthogonality defect of a $k$-bit quantized orthogonal $W$")
legend_outside(ax)
for k, f in zip(bits_range, np.mean(fro, axis=1)):
    print(f"k={k}: mean Frobenius defect {f:.4f}")

# %% [markdown]
# ## Storage at the papers' sizes
#
# Exact bit counts from each model's `storage_bits()` (docs/rnn.md §4 convention: HadamRNN's $W$
# costs $n$ sign bits, quantized tensors $p$ bits per entry, everything else 32 bits), for the
# pMNIST configuration $n=512$, $d_{in}=1$, $d_{out}=10$.

# %%
from approxbounds.models.hadamrnn import HadamRNN
from approxbounds.models.lstm import LSTM
from approxbounds.models.ornn import ORNN
from approxbounds.models.qornn import QORNN

paper = {
    "HadamRNN p=4": HadamRNN(1, 512, 10, bits=4, output="last"),
    "Block-HadamRNN q=4": HadamRNN(1, 512, 10, bits=4, output="last", blocks=4),
    "QORNN W 4-bit": QORNN(1, 512, 10, output="last", variant="bjorck", bits=4),
    "ORNN fp32": ORNN(1, 512, 10, output="last"),
    "LSTM fp32": LSTM(1, 512, 10, output="last"),
}
storage = {k: m.storage_bits() for k, m in paper.items()}
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(list(storage), [b / 8 / 1024 for b in storage.values()])
ax.set_xscale("log")
ax.set_xlabel("storage (KiB, log scale)")
ax.set_title("pMNIST-sized models ($n = 512$)")
for k, b in storage.items():
    print(f"{k:<20} {b:>12,} bits = {b / 8:>12,.0f} bytes")

# %% [markdown]
# ## Summary
#
# The table repeats the final validation metrics of the runs above. In SMOKE mode the runs
# are far too short to solve the task; `paper_checks/hadamrnn_copy.py` and
# `paper_checks/qornn_qat_vs_ptq.py` hold the actual claims and their PASS/FAIL checks.

# %%
print(f"{'model':<15} {'CE/baseline':>12} {'recall acc':>10} {'bits':>8} {'defect_F':>9}")
for name, r in runs.items():
    m = r.metrics
    print(f"{name:<15} {m['val_ce_over_baseline']:12.3f} {m['val_recall_accuracy']:10.3f} "
          f"{m['storage_bits']:8d} {m.get('orthogonality_defect_fro', float('nan')):9.3g}")
