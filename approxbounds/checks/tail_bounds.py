r"""The per-pair tail bounds of Theorem L against exact and Monte Carlo probabilities.

For :math:`Z \in [0, 1]` with mean :math:`\mu \ge s` and :math:`s' = 2^{-p}s`, Theorem L uses
(Hoeffding 1963, Thm 1 and eq. (2.3)) [P]

.. math::

    P\Bigl(\tfrac1n\sum_{k\le n} Z_k \le s'\Bigr) \le q_n =
    \begin{cases} e^{-n\,\mathrm{kl}(s'\|s)} & \text{Chernoff-KL} \\
                  e^{-2n(s-s')^2} & \text{Hoeffding,} \end{cases}

with :math:`\mathrm{kl}(s'\|s) \ge 2(s-s')^2` (Pinsker), so Chernoff-KL is the smaller one.
The rates come from :func:`approxbounds.lower.tails.ln_tail_rate` (the code the certificates
use) and are compared with an mpmath evaluation of the kl formula. The probability is
computed

* *exactly* for Bernoulli(mu) variables (binomial CDF, the extremal case of Hoeffding's
  theorem), which must lie below both bounds;
* by Monte Carlo for Beta, scaled-uniform and two-point variables: the bound must exceed a
  one-sided 99.9999 % lower confidence limit of the probability (Wilson score), i.e. the
  frequency must be statistically consistent with the bound.

The sample size :func:`approxbounds.lower.tails.smallest_sample_size` is checked for both
tails: ``C(m,2) q_n < 1`` at n and fails at n - 1 (mpmath at 50 digits).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy import stats

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_tail_bounds", "check_sample_sizes", "wilson_lower"]

_Z = 4.753424  # one-sided normal quantile for 1e-6


def wilson_lower(k: int, n: int, z: float = _Z) -> float:
    """Wilson score lower confidence limit of a binomial proportion ``k / n``."""
    if n <= 0:
        raise ValueError(f"n must be >= 1, got {n}")
    ph = k / n
    centre = ph + z * z / (2 * n)
    half = z * math.sqrt(ph * (1 - ph) / n + z * z / (4 * n * n))
    return max(0.0, (centre - half) / (1 + z * z / n))


def _kl_mp(a, b):
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    first = 0 if a == 0 else a * mpmath.log(a / b)
    return first + (1 - a) * mpmath.log((1 - a) / (1 - b))


def _bounds(s, p, n):
    from approxbounds.lower.tails import ln_tail_rate

    ln_s = math.log(s)
    r_c = math.exp(ln_tail_rate(ln_s, p, "chernoff"))
    r_h = math.exp(ln_tail_rate(ln_s, p, "hoeffding"))
    with mpmath.workdps(50):
        sp_ = mpmath.mpf(s) * mpmath.power(2, -p)
        r_c_mp = _kl_mp(sp_, s)
        r_h_mp = 2 * (mpmath.mpf(s) - sp_) ** 2
        rel = max(abs(r_c / r_c_mp - 1), abs(r_h / r_h_mp - 1))
    return math.exp(-n * r_c), math.exp(-n * r_h), float(rel)


def _sample_family(kind, mu, size, rng):
    """[0,1]-valued variables with mean ``mu``."""
    if kind == "beta":
        conc = 2.0
        return rng.beta(mu * conc, (1 - mu) * conc, size=size)
    if kind == "uniform":                      # uniform on [0, 2 mu] (needs mu <= 1/2)
        return rng.uniform(0.0, 2 * mu, size=size)
    if kind == "two_point":                    # values {0.1 mu, b} with mean mu
        lo, hi = 0.1 * mu, min(1.0, 4 * mu)
        q = (mu - lo) / (hi - lo)
        return np.where(rng.random(size) < q, hi, lo)
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover


def check_tail_bounds(seed: int = 0, *, reps: int = 40_000) -> list[CheckResult]:
    """Exact binomial and Monte Carlo frequencies vs the Chernoff-KL and Hoeffding bounds."""
    seed = check_int("seed", seed, minimum=0)
    reps = check_int("reps", reps, minimum=1000, maximum=10**7)
    rng = np.random.default_rng(seed)
    rows_exact, ok_exact, max_rel = [], True, 0.0
    for s, p, n in ((0.3, 1, 40), (0.2, 1, 80), (0.4, 2, 25), (0.1, 1, 200), (0.45, 4, 12),
                    (0.05, 2, 600)):
        sp_ = s * 2.0**-p
        chern, hoeff, rel = _bounds(s, p, n)
        max_rel = max(max_rel, rel)
        for mu in (s, min(0.95, 1.3 * s)):      # mean >= s: the bound at s still applies
            exact = float(stats.binom.cdf(math.floor(n * sp_ + 1e-12), n, mu))
            ok_exact &= exact <= chern <= hoeff
            rows_exact.append((s, p, n, mu, exact, chern, hoeff))
    worst = max(r[4] / r[5] for r in rows_exact)
    out = [CheckResult(
        claim="Bernoulli(mu >= s): exact P(mean_n <= 2^-p s) <= Chernoff-KL <= Hoeffding "
              "bound; library rates agree with mpmath",
        numbers={"cases": len(rows_exact), "max_exact_over_chernoff": worst,
                 "max_rel_rate_error": max_rel},
        passed=bool(ok_exact and max_rel < 1e-12))]

    ok_mc, worst_mc, rows = True, 0.0, 0
    for kind in ("beta", "uniform", "two_point"):
        for s, p, n in ((0.3, 1, 30), (0.2, 1, 60), (0.4, 2, 20)):
            chern, hoeff, _ = _bounds(s, p, n)
            z = _sample_family(kind, s, (reps, n), rng)
            hits = int(np.count_nonzero(z.mean(axis=1) <= s * 2.0**-p))
            low = wilson_lower(hits, reps)
            ok_mc &= low <= chern <= hoeff
            worst_mc = max(worst_mc, (hits / reps) / chern)
            rows += 1
    out.append(CheckResult(
        claim="Monte Carlo (Beta, uniform, two-point variables in [0,1], mean s): frequency of "
              "mean_n <= 2^-p s consistent with Chernoff-KL <= Hoeffding bound",
        numbers={"cases": rows, "reps": reps, "max_frequency_over_chernoff": worst_mc},
        passed=bool(ok_mc)))
    return out


def check_sample_sizes(seed: int = 0) -> list[CheckResult]:
    """``smallest_sample_size`` is valid (C(m,2) q_n < 1) and minimal for both tails, and the
    Chernoff-KL n is never larger than the Hoeffding n."""
    from approxbounds.lower.tails import smallest_sample_size

    check_int("seed", seed, minimum=0)
    ok, cases, ratios = True, 0, []
    for log2_m, eps, B, p in ((10.0, 0.1, 1.0, 1.0), (1250.0, 7.2e-4, 0.5, 2.0),
                              (1250.0, 0.1118, 1.0, 4.0), (3.5, 0.4, 0.5, 1.5),
                              (1e6, 1e-5, 0.5, 2.0)):
        ns = {}
        for tail in ("chernoff", "hoeffding"):
            n = smallest_sample_size(log2_m, eps, B, p, tail)
            ns[tail] = n
            with mpmath.workdps(50):
                lm = mpmath.mpf(2) ** mpmath.mpf(log2_m)
                lnc = mpmath.log(lm * (lm - 1) / 2)
                s = (mpmath.mpf(eps) / (2 * mpmath.mpf(B))) ** p
                sp_ = s * mpmath.power(2, -p)
                r = _kl_mp(sp_, s) if tail == "chernoff" else 2 * (s - sp_) ** 2
                valid = lnc - n * r < 0
                minimal = n == 1 or not (lnc - (n - 1) * r < 0)
            ok &= bool(valid and minimal)
            cases += 1
        ok &= ns["chernoff"] <= ns["hoeffding"]
        ratios.append(ns["hoeffding"] / ns["chernoff"])
    return [CheckResult(
        claim="sample size n of Theorem L: C(m,2) q_n < 1 holds at n and fails at n-1 "
              "(50 digits), Chernoff-KL n <= Hoeffding n",
        numbers={"cases": cases, "min_hoeffding_over_chernoff": min(ratios),
                 "max_hoeffding_over_chernoff": max(ratios)},
        passed=bool(ok))]
