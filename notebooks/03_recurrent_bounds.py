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
# # Certified lower bounds for recurrent and quantized networks
#
# How well can a HadamRNN, a Block-HadamRNN, a QORNN or a ReLU RNN remember a Hölder function of
# an input it saw $k$ steps ago? The target class is the *delayed Hölder class*
# $F = \{x_1..x_T \mapsto f(x_{T-k}) : f \in H^\alpha([0,1]^d)\}$ with i.i.d. uniform steps
# (`approxbounds.classes.sequence`). Its packings are the Hölder ones, carried over exactly:
# the selection $x \mapsto x_{T-k}$ pushes the law of the sequence forward to the law of one step,
# so distances are unchanged (docs/sequence_classes.md). Against the exact function class of each
# model (`approxbounds.capacity.recurrent.RecurrentArchitecture`) Theorems L (in $L^p$) and S (sup
# norm) give *certified* lower bounds, re-verified here at 50 digits.
#
# Against *storage*, Theorem C gives more: any network stored in $B$ bits (float32 parameters
# count 32 bits) is one of at most $2^B$ functions, so no such network — whatever its
# architecture — gets below a certified floor $\varepsilon(B)$. The last part trains the four
# models on random members of the certificates' own packings and places them, by their exact
# storage account, above that floor (docs/crosscheck.md, Corollaries R' and R-C).
#
# Set `APPROXBOUNDS_SMOKE=1` for a run of a few seconds (tiny models, few training steps).

# %% tags=["parameters"]
import os

SMOKE = os.environ.get("APPROXBOUNDS_SMOKE", "0") == "1"
LENGTH = 8                    # T
LAG = 3                       # k
STEPS = 30 if SMOKE else 2000  # Adam steps per trained member
N_MEMBERS = 1 if SMOKE else 3
N_EVAL = 2000 if SMOKE else 20_000
LENGTHS = [2, 8, 64, 1024] if SMOKE else [2, 4, 8, 16, 64, 256, 1024, 10**4, 10**6]

# %%
# %matplotlib inline
os.environ.setdefault("OMP_NUM_THREADS", "1")
import matplotlib as mpl
import matplotlib.pyplot as plt

from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder
from approxbounds.display import rich
from approxbounds.experiments.crosscheck_rnn import (DEFAULT_SPECS, RNNModelSpec, crosscheck_rnn,
                                                     recurrent_rows)
from approxbounds.lower import lower_bound
from approxbounds.lower.storage import storage_lower_bound
from approxbounds.plots import PAPER_RC, legend_outside
from approxbounds.plots.storage import plot_storage_floor, storage_floor_curve, storage_points

mpl.rcParams.update(PAPER_RC)
print(f"SMOKE={SMOKE}: T={LENGTH}, lag k={LAG}, {STEPS} steps per trained member")

# %% [markdown]
# ## One certificate: a delayed Hölder class against HadamRNN
#
# $F$: $f(x_{T-k})$ with $f \in H^1([0,1])$, $T = 50$, $k = 10$; $G$: HadamRNN with $n = 64$,
# binary Hadamard $W$ and 4-bit $U, V$ (the example; also
# `approxbounds bound delayed-holder --d 1 --alpha 1 --lag 10 --length 50 --p 2 --model hadamrnn
# --hidden 64 --bits 4 --json`).

# %%
F50 = DelayedHolder(d=1, alpha=1.0, lag=10, length=50)
G50 = R.hadamrnn(1, 64, 1, 50, bits=4)
cert = lower_bound(F50, G50, norm=2)
cert.verify(dps=50)
print(f"certified {cert.value:.4e} (Theorem {cert.theorem}), verified at 50 digits")
rich(cert)

# %% [markdown]
# ## Every recurrent model class, three norms
#
# Theorem L in $L^1$ and $L^2$, Theorem S in the sup norm, for the classes of the models of
# `approxbounds.models` (including the full-precision `ReLURNN`), all with $T = 8$, $k = 3$.

# %%
F = DelayedHolder(d=1, alpha=1.0, lag=LAG, length=LENGTH)
classes = {
    "HadamRNN n=16, 4-bit": R.hadamrnn(1, 16, 1, LENGTH, bits=4),
    "Block-HadamRNN n=16 q=2": R.hadamrnn(1, 16, 1, LENGTH, bits=4, blocks=2),
    "QORNN n=8, 4-bit W": R.qornn(1, 8, 1, LENGTH, w_bits=4),
    "ORNN n=8": R.ornn(1, 8, 1, LENGTH),
    "ReLU RNN n=8": R.rnn(1, 8, 1, LENGTH, activation="relu"),
}
for name, G in classes.items():
    vals = []
    for norm in (1, 2, "sup"):
        c = lower_bound(F, G, norm=norm)
        assert c.verify()
        vals.append(f"{c.value:.3e} (Thm {c.theorem})")
    print(f"{name:<26} W={G.W:<5} certified " + ", ".join(vals))

# %% [markdown]
# ## The bound as the sequence gets longer
#
# The capacity of the linear HadamRNN recurrence does not grow with $T$ (given the discrete
# parts, $h_T$ is linear in the continuous ones), so neither does its certificate; the ReLU RNN's
# bound (unrolled counting with shared weights) weakens slowly with $T$. Multi-lag targets
# $f(x_T, x_{T-1})$ have the entropy of $H^1([0,1]^2)$ and higher bounds.

# %%
fig, ax = plt.subplots(figsize=(6.4, 4.0))
for label, make_G, make_F in [
        ("HadamRNN n=16, delayed", lambda T: R.hadamrnn(1, 16, 1, T), lambda T: DelayedHolder(1, 1.0, 1, T)),
        ("ReLU RNN n=8, delayed", lambda T: R.rnn(1, 8, 1, T), lambda T: DelayedHolder(1, 1.0, 1, T)),
        ("HadamRNN n=16, lags {0,1}", lambda T: R.hadamrnn(1, 16, 1, T),
         lambda T: MultiLagHolder(1, 1.0, [0, 1], T))]:
    vals = [lower_bound(make_F(T), make_G(T), norm=2).value for T in LENGTHS]
    ax.plot(LENGTHS, vals, marker="o", label=label)
    print(f"{label:<28} certified at T = {LENGTHS[0]}: {vals[0]:.3e}, T = {LENGTHS[-1]}: {vals[-1]:.3e}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("sequence length $T$")
ax.set_ylabel(r"certified $\sup_f \inf_g \|f - g\|_{L^2}$")
ax.set_title(r"Hölder targets of delayed inputs, $H^1$, $L^2$")
legend_outside(ax);

# %% [markdown]
# ## The storage floor
#
# Theorem C against every network stored in $B$ bits: $\varepsilon(B)$ for the class $F$ above
# ($T = 8$, $k = 3$), here in $L^2$. The certificate names the class
# `{"kind": "storage", "bits": B, ...}` and verifies like any other.

# %%
floor_cert = storage_lower_bound(F, 1000, norm=2)
floor_cert.verify()
print(f"storage floor at B = 1000 bits: certified {floor_cert.value:.4e} (Theorem {floor_cert.theorem})")
curve = storage_floor_curve(F, 200, 20_000, n=8 if SMOKE else 30)

# %% [markdown]
# ## Trained models on the floor
#
# Each model is trained (squared loss, Adam, fresh uniform sequences) on random members of the
# packing of its storage certificate and of its recurrent-class certificate, at a scale where
# the exceptional probability of the Corollaries is below $2^{-20}$. Its error (clipped to the
# range of $F$, 95 % CLT interval) must lie above the certified value. Smoke runs train tiny
# models for a few steps: the errors are then far from converged, the check still applies.

# %%
specs = DEFAULT_SPECS if not SMOKE else (RNNModelSpec("hadamrnn", 4, bits=2), RNNModelSpec("relu-rnn", 2))
result = crosscheck_rnn(F, specs, n_members=N_MEMBERS, steps=STEPS, n_eval=N_EVAL,
                        kinds=("certificate",), lr=1e-2, batch_size=128 if not SMOKE else 32)
for row in recurrent_rows(result):
    print(f"{row['model']:<36} {row['storage_bits']:>6} bits: storage floor {row['storage_certified']:.3e}, "
          f"trained error >= {row['storage_error_min']:.3e} (ratio {row['storage_ratio_min']:.3g}); "
          f"recurrent-class bound {row['recurrent_certified']:.3e}, ratio {row['recurrent_ratio_min']:.3g}")
print("all certificate members above their certified value:", "yes" if result.implied_check else "NO")

# %%
ax = plot_storage_floor(curve, storage_points(result))
