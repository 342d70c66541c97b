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
# # Certified lower bounds for Hölder and monotone classes
#
# How well can ReLU networks with $W$ parameters and $L$ layers approximate a Hölder ball or
# the class of monotone functions? This notebook computes *certified* lower bounds on
# $\sup_{f\in F}\inf_{g\in G}\|f-g\|$ (Theorems L, S, C and Lemma D of `docs/theory.md`,
# built only from statements tagged [V] or [P]), re-verifies them at 50 digits, draws them
# against $W$ next to the *rate-only* curves [R] (Achour, Foucault, Gerchinovitz, Malgouyres,
# NeurIPS 2022), fits the slopes of $\log(\text{bound})$ against $\log(\text{Pdim})$, and runs
# a few of the numeric checks behind each proof step (`approxbounds check`).
#
# Open it with `jupytext --to notebook notebooks/01_certified_bounds.py` (or the jupytext
# extension); `pip install -e ".[notebooks]"` installs what it needs. Set the environment
# variable `APPROXBOUNDS_SMOKE=1` for a run of a few seconds (fewer networks per curve).

# %% tags=["parameters"]
import os

SMOKE = os.environ.get("APPROXBOUNDS_SMOKE", "0") == "1"
N_NETS = 5 if SMOKE else 15          # networks per curve
SLOPE_N = 14 if SMOKE else 30        # networks per slope fit
W_MAX = 1e6 if SMOKE else 1e8        # largest network of the bound-vs-W curves

# %%
# %matplotlib inline
os.environ.setdefault("OMP_NUM_THREADS", "1")
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from approxbounds import plots
from approxbounds.capacity import Architecture
from approxbounds.checks import format_table, run_checks
from approxbounds.classes import Holder, Monotone
from approxbounds.display import rich
from approxbounds.lower import lower_bound
from approxbounds.rates import rate
from approxbounds.rates.slopes import fitted_slope, width_family

mpl.rcParams.update(plots.PAPER_RC)   # Okabe-Ito colours, paper font sizes
print(f"SMOKE={SMOKE}: {N_NETS} networks per curve, {SLOPE_N} per slope fit")

# %% [markdown]
# ## One certificate, explained
#
# The Hölder ball $H^1$ on $[0,1]^2$ against a ReLU network with 9 hidden layers of width 35,
# in $L^2$ (Lebesgue). The certificate records every ingredient (packing scale, sample size,
# thresholds, growth-function bound) and `verify(dps=50)` recomputes each inequality with
# mpmath. `rich(cert)` shows it as a formatted statement.

# %%
F = Holder(d=2, alpha=1.0)
G = Architecture.parse("2,35x9,1")
cert = lower_bound(F, G, norm=2)
cert.verify(dps=50)
print(cert.explain())
assert cert.value > 0
rich(cert)

# %% [markdown]
# The rate-only statement [R] for the same pair (not certified: literature asymptotics with
# constants set to 1):

# %%
rich(rate(F, G))

# %% [markdown]
# ## Every norm, both classes
#
# Sup norm: Theorem S (sign families of bumps vs the VC dimension). For monotone classes the
# sup-norm value is Lemma D's 1/2 — a step function is at sup distance ≥ 1/2 from every
# continuous network, whatever its size: there is no sup-norm rate. Values are printed in
# scientific notation: certified values of $10^{-7}$ are small, not zero.

# %%
rows = []
for F_ in (Holder(2, 1.0), Holder(1, 0.5), Monotone(3)):
    G_ = Architecture.mlp(F_.d, [200] * 4)
    for norm in (1, 2, 4, "sup"):
        c = lower_bound(F_, G_, norm=norm)
        c.verify(dps=50)
        r = rate(F_, G_, norm)
        rows.append((F_.name, norm, c.value, c.theorem, r.exponent))
        print(f"{F_.name:<24} {str(norm):>4}: certified {c.value:.4e} ({c.theorem}, verified)   "
              f"rate-only exponent of WL [R]: {r.exponent}")
assert all(v > 0 for _, _, v, _, _ in rows)

# %% [markdown]
# ## Certified bound against W, with the rate-only curve and literature upper bounds
#
# Solid lines are certified; the dashed black line is the bare rate [R] (constant 1), dotted
# lines are literature upper bounds [R]. The certified values sit orders of magnitude below
# the bare rate — the price of explicit constants — but fall with the same slope.

# %%
holder = Holder(2, 1.0)
W_grid = np.logspace(2, np.log10(W_MAX), 40)
fig, ax = plt.subplots(figsize=(6.4, 4.4))
plots.plot_certified_bounds(plots.certified_curves(holder, 2, depths=(2, 4), n=N_NETS, W_max=W_MAX),
                            ax=ax, legend=False)
plots.plot_rate_only(plots.rate_only_curve(holder, W_grid, depth=2, norm=2), ax=ax, legend=False)
plots.plot_upper_bounds(plots.upper_bound_curves(holder, W_grid, depth=10), ax=ax)
ax.set_title(plots.class_title(holder, 2, "ReLU"));

# %% [markdown]
# ## Fitted slopes
#
# Least squares of $\ln(\text{certified bound})$ on $\ln(\text{Pdim bound})$ over networks
# with $W \ge 10^5$: the slope approaches the predicted exponent $-\alpha/d$ (Hölder) and
# $-1/\max(d, p(d-1))$ (monotone in $L^p$).

# %%
fits = {}
for F_, p, predicted in ((Holder(2, 1.0), 2, -0.5), (Monotone(3), 4, -0.125)):
    fam = width_family(F_.d, 2, W_min=1e2, W_max=1e8, n=SLOPE_N)
    fit = fitted_slope(F_, fam, p, W_fit_min=1e5)
    fits[F_.name] = fit.slope
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    plots.plot_fitted_slope(fit, ax=ax)
    print(f"{F_.name} in L^{p}: fitted slope {fit.slope:.4f}, predicted {predicted} "
          f"(difference {fit.slope - predicted:+.4f})")
    assert abs(fit.slope - predicted) <= 0.05

# %% [markdown]
# ## The p-dependence of monotone classes
#
# For monotone functions the exponent $-1/\max(d, p(d-1))$ depends on $p$ (unlike Hölder
# balls): for $d \ge 2$ and $p > d/(d-1)$ the step-like construction (B) wins.

# %%
data = plots.monotone_p_dependence((1, 2, 3), p_certified=(1, 2, 4))
fig, ax = plt.subplots(figsize=(6.4, 3.6))
plots.plot_p_exponents(data, ax=ax)
fig, ax = plt.subplots(figsize=(6.4, 3.6))
plots.plot_p_certified(data, ax=ax)
for d, values in data.certified.items():
    print(f"d={d}: certified at p = {data.p_certified.tolist()}: "
          + ", ".join(f"{v:.4e}" for v in values))

# %% [markdown]
# ## A few numeric checks of the proof steps
#
# The clipping lemma, Theorem S's shattering argument on an enumerated class, Yarotsky's
# gadget and Sauer–Shelah (and, outside smoke mode, the tail bounds, Varshamov–Gilbert codes,
# Theorem C by brute force and a grid of certificates). `approxbounds check` runs all of
# them (and more; `--workers N` runs them in parallel).

# %%
names = ["clipping", "yarotsky", "theorem_s", "sauer"]
if not SMOKE:
    names += ["tail_bounds", "varshamov_gilbert", "theorem_c", "certificates"]
results = run_checks(names, seed=0)
print(format_table(results))
assert all(r.passed for r in results)
