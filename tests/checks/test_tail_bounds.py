import math

import numpy as np
import pytest
from scipy import stats

from approxbounds.checks.tail_bounds import _kl_mp, wilson_lower


def test_results(by_name):
    exact, mc = by_name["tail_bounds"]
    assert exact.passed and mc.passed
    assert exact.numbers["max_exact_over_chernoff"] < 1.0
    assert exact.numbers["max_rel_rate_error"] < 1e-12
    assert 0.0 < mc.numbers["max_frequency_over_chernoff"] < 1.0   # events were observed
    (ss,) = by_name["sample_size"]
    assert ss.passed and ss.numbers["min_hoeffding_over_chernoff"] >= 1.0


def test_exact_comparison_detects_an_invalid_bound():
    # a "bound" computed at a mean four times too large is not a bound: the exact binomial
    # probability exceeds it, which is what the check would flag
    s, n = 0.3, 40
    sp = s / 2
    exact = stats.binom.cdf(math.floor(n * sp), n, s)
    wrong = math.exp(-n * float(_kl_mp(sp, min(0.99, 4 * s))))
    right = math.exp(-n * float(_kl_mp(sp, s)))
    assert exact > wrong and exact <= right


def test_wilson_lower_limit():
    assert wilson_lower(0, 100) == 0.0
    assert wilson_lower(50, 100) < 0.5
    lo = wilson_lower(300, 10_000)
    # against the exact Clopper-Pearson limit at the same level: same order, below phat
    cp = stats.beta.ppf(1e-6, 300, 10_000 - 300 + 1)
    assert lo < 0.03 and abs(lo - cp) / cp < 0.1
    with pytest.raises(ValueError, match="n"):
        wilson_lower(1, 0)
    rng = np.random.default_rng(0)
    # coverage: the true p = 0.02 is above the limit in (essentially) every replicate
    ks = rng.binomial(5000, 0.02, size=2000)
    assert all(wilson_lower(int(k), 5000) <= 0.02 for k in ks)
