"""Every capacity value of theory.md §6, re-derived by an independent path.

W, U, L, L̄ and R are counted by brute force over the layers (one loop per connection
group, nothing shared with ``Architecture``); the BHLM 2019 Thm 7 formulas are typed afresh
in mpmath at 50 significant digits; the Sauer sum is summed term by term with exact
binomials. The core's outputs must agree to 1e-12 relative, and the rounded values printed
in theory.md must be reproduced to the digits shown.
"""
from fractions import Fraction

import mpmath
import pytest

from approxbounds.capacity import (
    Architecture,
    bhlm_growth_bound,
    bhlm_pdim,
    bhlm_vcdim,
    ln_sauer_closed,
    log2_growth_bound,
    log2_sauer_closed,
    log2_sauer_sum,
    pdim_bound,
    sauer_sum_exact,
    vcdim_bound,
)

DPS = 50


def brute_counts(sizes, nu):
    """W, U, L, k_i, W_i, L̄, R of a fully connected net with layer sizes [d, k_1..k_L],
    counting parameter by parameter (weights then the bias of every unit)."""
    per_layer = []
    for i in range(1, len(sizes)):
        n = 0
        for _unit in range(sizes[i]):
            for _inp in range(sizes[i - 1]):
                n += 1          # one weight per incoming connection
            n += 1              # the unit's bias
        per_layer.append(n)
    W = sum(per_layer)
    widths = list(sizes[1:])
    U = sum(widths)
    L = len(widths)
    if nu == 0:
        W_i = per_layer
    else:
        W_i, acc = [], 0
        for n in per_layer:
            acc += n
            W_i.append(acc)
    Lbar = Fraction(sum(W_i), W)
    R = 0
    for i, k in enumerate(widths, start=1):
        R += k * (1 + (i - 1) * (nu ** (i - 1) if i > 1 else 1))
    return {"W": W, "U": U, "L": L, "k": widths, "W_i": W_i, "Lbar": Lbar, "R": R}


def mp_vcdim(L, sum_W_i, p, S):
    """L + (Σ W_i) log2(4 e p S log2(2 e p S)) in mpmath (S = R, or U when ν = 0)."""
    with mpmath.workdps(DPS):
        e = mpmath.e
        inner = mpmath.log(2 * e * p * S, 2)
        return L + sum_W_i * mpmath.log(4 * e * p * S * inner, 2)


def mp_log2_growth(m, widths, W_i, p, nu):
    """log2 Π_i 2 (2 e m k_i p (1 + (i-1) ν^(i-1)) / W_i)^(W_i) in mpmath."""
    with mpmath.workdps(DPS):
        total = mpmath.mpf(0)
        for i, (k, w) in enumerate(zip(widths, W_i), start=1):
            f = 1 + (i - 1) * (nu ** (i - 1) if i > 1 else 1)
            total += 1 + w * mpmath.log(2 * mpmath.e * m * k * p * f / w, 2)
        return total


REFERENCE = [
    # sizes, W, Lbar, R, VC bound (as printed in theory.md §6), printed precision
    ([1, 2, 1], 7, Fraction(11, 7), 4, 85.54, 0.005),
    ([1, 10, 1], 31, Fraction(51, 31), 12, 492.58, 0.005),
    ([1, 10, 10, 10, 1], 251, None, 64, 8029.6, 0.05),
    ([2, 16, 16, 1], 337, None, 51, 8558.7, 0.05),
]


def _arch(sizes, activation="relu"):
    return Architecture.parse(",".join(map(str, sizes)), activation=activation)


@pytest.mark.parametrize("sizes,W,Lbar,R,vc,tol", REFERENCE)
def test_bhlm_reference_values(sizes, W, Lbar, R, vc, tol):
    c = brute_counts(sizes, nu=1)
    assert c["W"] == W and c["R"] == R
    if Lbar is not None:
        assert c["Lbar"] == Lbar
    arch = _arch(sizes)
    assert (arch.W, arch.U, arch.L, arch.R) == (c["W"], c["U"], c["L"], c["R"])
    assert arch.Lbar == c["Lbar"] and tuple(arch.W_i) == tuple(c["W_i"])
    want = mp_vcdim(c["L"], sum(c["W_i"]), 1, c["R"])
    assert abs(float(want) - vc) < tol                          # the printed value
    core = bhlm_vcdim(arch).value
    assert abs(core - float(want)) <= 1e-12 * float(want)
    best = vcdim_bound(arch)
    assert best.value <= core + 1e-9 and best.tag in ("V", "P")


@pytest.mark.parametrize("sizes", [r[0] for r in REFERENCE] + [[3, 7, 5, 1]])
@pytest.mark.parametrize("activation,nu,p", [("relu", 1, 1), ("hard_threshold", 0, 1),
                                              ((4, 2), 2, 3)])
def test_other_activations_and_pdim(sizes, activation, nu, p):
    arch = _arch(sizes, activation)
    c = brute_counts(sizes, nu=nu)
    assert arch.R == c["R"] and arch.Lbar == c["Lbar"]
    S = c["U"] if nu == 0 else c["R"]
    want = mp_vcdim(c["L"], sum(c["W_i"]), p, S)
    assert abs(bhlm_vcdim(arch).value - float(want)) <= 1e-12 * float(want)
    # Pdim: one more parameter and one more layer (Anthony & Bartlett Thm 14.1)
    L2, W2, U2 = c["L"] + 1, c["W"] + 1, c["U"] + 1
    W_i2 = c["W_i"] + [1 if nu == 0 else W2]
    R2 = c["R"] + 1 + c["L"] * nu ** c["L"]
    want_p = mp_vcdim(L2, sum(W_i2), p, U2 if nu == 0 else R2)
    assert abs(bhlm_pdim(arch).value - float(want_p)) <= 1e-12 * float(want_p)
    assert pdim_bound(arch).value <= float(want_p) + 1e-9


@pytest.mark.parametrize("sizes", [r[0] for r in REFERENCE])
@pytest.mark.parametrize("mult", [1, 7, 10**9, 10**30])
def test_product_bound_against_mpmath(sizes, mult):
    c = brute_counts(sizes, nu=1)
    m = sum(c["W_i"]) * mult
    want = mp_log2_growth(m, c["k"], c["W_i"], 1, 1)
    got = bhlm_growth_bound(_arch(sizes), m).value
    assert abs(got - float(want)) <= 1e-12 * abs(float(want))
    best = log2_growth_bound(_arch(sizes), m, thresholded=False).value
    assert best <= got + 1e-9 and best <= m


def test_sauer_reference_value():
    exact = sum(int(mpmath.binomial(10, i)) for i in range(4))
    assert exact == 176 == sauer_sum_exact(10, 3)
    with mpmath.workdps(DPS):
        closed = (10 * mpmath.e / 3) ** 3
        assert abs(float(closed) - 743.9) < 0.05
        assert exact <= closed
        assert abs(log2_sauer_sum(10, 3) - float(mpmath.log(176, 2))) < 1e-12
        assert abs(log2_sauer_closed(10, 3) - float(mpmath.log(closed, 2))) < 1e-12
        assert abs(ln_sauer_closed(10, 3) - float(mpmath.log(closed))) < 1e-12
