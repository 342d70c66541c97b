"""Quantizers: exact Q_p of rnn.md §1 against rational arithmetic, level sets, STE paths."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from approxbounds.nn.quantizers import KBit, QUANTIZER_NAMES, Sign, Ternary, get_quantizer, quantizer_from_config


def qp_exact(w, p, alpha=None, one_bit="ternary"):
    """Q_p computed entry by entry in exact rationals (Python's round is half-to-even), with the
    clamp of the official code: [-2^{p-1}, 2^{p-1}-1], except [-1, 1] for p = 1 (ternary)."""
    a = Fraction(max(abs(float(v)) for v in w.flat)) if alpha is None else Fraction(alpha)
    if a == 0:
        a = Fraction(1)
    half = 2 ** (p - 1)
    lo, hi = (-1, 1) if (p == 1 and one_bit == "ternary") else (-half, half - 1)
    out = [float(min(max(round(Fraction(float(v)) * half / a), lo), hi) * a / half) for v in w.flat]
    return np.array(out).reshape(w.shape)


@pytest.mark.parametrize("bits", [1, 2, 3, 4, 8, 16])
def test_kbit_equals_exact_rational_formula(bits, rng):
    w = rng.standard_normal((7, 5)) * rng.uniform(0.01, 100)
    wq = KBit(bits)(w)
    np.testing.assert_array_equal(wq, qp_exact(w, bits))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_subnormal=False), min_size=1, max_size=12), st.integers(1, 12))
def test_kbit_exact_property(ws, bits):
    w = np.array(ws)
    np.testing.assert_array_equal(KBit(bits)(w), qp_exact(w, bits))


def test_kbit_ties_round_half_to_even():
    # alpha = 1, p = 3: grid step 1/4; 0.125 = 0.5 steps -> 0, 0.375 = 1.5 steps -> 2 steps
    w = np.array([1.0, 0.125, 0.375, -0.625])
    np.testing.assert_array_equal(KBit(3)(w), [0.75, 0.0, 0.5, -0.5])


def test_one_bit_kbit_is_ternary_as_the_official_code():
    """Official UniformQuantize, num_bits = 1: clamp to [-coefInt, coefInt] = [-1, 1], so
    w -> round(w/alpha)*alpha in {-alpha, 0, alpha} (hand-computed below, alpha = max|w| = 2)."""
    w = np.array([-2.0, -1.01, -0.99, -0.3, 0.0, 0.5, 0.99, 1.01, 1.5, 2.0])
    # w/alpha: -1, -.505, -.495, -.15, 0, .25, .495, .505, .75, 1 -> round: -1,-1,0,0,0,0,0,1,1,1
    expect = np.array([-2.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0])
    q = KBit(1)
    np.testing.assert_array_equal(q(w), expect)
    np.testing.assert_array_equal(q.levels(2.0), [-2.0, 0.0, 2.0])
    assert q.n_levels == 3 and q.storage_bits == 2 and q.config() == {"name": "kbit", "bits": 1,
                                                                       "alpha": None, "ste": "identity"}
    # the documented alternative keeps the plain clip [-1, 0]: levels {-alpha, 0}
    old = KBit(1, one_bit="asymmetric")
    np.testing.assert_array_equal(old(w), np.minimum(expect, 0.0))
    np.testing.assert_array_equal(old.levels(2.0), [-2.0, 0.0])
    assert old.n_levels == 2 and old.storage_bits == 1
    assert quantizer_from_config(old.config()) == old and quantizer_from_config(q.config()) == q
    np.testing.assert_array_equal(old(w), qp_exact(w, 1, one_bit="asymmetric"))
    with pytest.raises(ValueError, match="one_bit"):
        KBit(1, one_bit="binary")


@pytest.mark.parametrize("bits", [2, 3, 4, 8])
def test_one_bit_option_does_not_change_p_at_least_two(bits, rng):
    w = rng.standard_normal(50)
    np.testing.assert_array_equal(KBit(bits)(w), KBit(bits, one_bit="asymmetric")(w))
    assert KBit(bits).storage_bits == bits and KBit(bits).n_levels == 2 ** bits


@pytest.mark.parametrize("bits", [2, 3, 4, 6, 10])
@pytest.mark.parametrize("alpha", [1.0, 0.37, 123.0])
def test_kbit_levels_form_a_symmetric_grid(bits, alpha):
    lv = KBit(bits).levels(alpha)
    half = 2 ** (bits - 1)
    assert len(lv) == 2 ** bits and len(np.unique(lv)) == len(lv)
    np.testing.assert_allclose(np.diff(lv), alpha / half, rtol=1e-12)
    assert lv.min() == -alpha and lv.max() == pytest.approx(alpha * (half - 1) / half)
    positive = lv[lv > 0]
    assert np.all(np.isin(-positive, lv))      # the grid is symmetric except for the extra -alpha


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bits", [2, 4, 5])
def test_kbit_output_lies_on_levels_and_keeps_dtype(bits, dtype, rng):
    w = rng.standard_normal(300).astype(dtype)
    q = KBit(bits)
    wq = q(w)
    assert wq.dtype == dtype and wq.shape == w.shape
    alpha = float(np.max(np.abs(w)))
    assert set(np.unique(wq)) <= set(q.levels(alpha).astype(dtype))
    assert len(np.unique(wq)) <= 2 ** bits
    # nearest-level property inside the clip range: error at most half a step
    inside = w < alpha * (2 ** (bits - 1) - 1) / 2 ** (bits - 1)
    assert np.max(np.abs(wq - w)[inside]) <= alpha / 2 ** bits * (1 + 1e-6)


def test_kbit_zero_tensor_uses_alpha_one():
    np.testing.assert_array_equal(KBit(4)(np.zeros(3)), np.zeros(3))
    assert KBit(4)(np.zeros(0)).shape == (0,)


def test_sign_values_and_zero_convention():
    w = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0], dtype=np.float32)
    wq = Sign()(w)
    np.testing.assert_array_equal(wq, [-1, 1, 1, 1, 1])
    assert wq.dtype == np.float32
    np.testing.assert_array_equal(Sign().levels(), [-1, 1])


def test_ternary_values(rng):
    w = np.array([-1.0, -0.6, -0.4, 0.0, 0.2, 0.55, 0.8])
    np.testing.assert_array_equal(Ternary(threshold=0.5)(w), [-1, -1, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(Ternary(threshold=0.5, alpha=2.0)(w), [0, 0, 0, 0, 0, 0, 0])
    w = rng.standard_normal(100)
    a = np.max(np.abs(w))
    wq = Ternary(threshold=0.3)(w)
    assert set(np.unique(wq)) <= {-a, 0.0, a}
    np.testing.assert_array_equal(wq != 0, np.abs(w) > 0.3 * a)


@pytest.mark.parametrize("q", [Sign(), Ternary(), KBit(3), KBit(3, alpha=0.5)], ids=repr)
def test_identity_ste_passes_gradient_unchanged(q, rng):
    w = rng.standard_normal((4, 5))
    dwq = rng.standard_normal((4, 5))
    wq, cache = q.quantize(w)
    np.testing.assert_array_equal(q.grad(cache, dwq), dwq)


@pytest.mark.parametrize("q,clip", [(Sign(ste="gated"), 1.0), (KBit(3, alpha=0.5, ste="gated"), 0.5),
                                    (Ternary(alpha=0.8, ste="gated"), 0.8)], ids=repr)
def test_gated_ste_zeroes_outside_clip_range(q, clip, rng):
    w = rng.uniform(-2, 2, (6, 5))
    dwq = rng.standard_normal(w.shape)
    _, cache = q.quantize(w)
    dw = q.grad(cache, dwq)
    outside = np.abs(w) > clip
    assert outside.any() and (~outside).any()
    np.testing.assert_array_equal(dw[outside], 0)
    np.testing.assert_array_equal(dw[~outside], dwq[~outside])
    np.testing.assert_array_equal(q.ste_mask(w), ~outside)


def test_gated_equals_identity_with_per_tensor_alpha(rng):
    w = rng.standard_normal(50)
    dwq = rng.standard_normal(50)
    q = KBit(4, ste="gated")
    np.testing.assert_array_equal(q.grad(q.quantize(w)[1], dwq), dwq)


def test_registry_and_configs():
    assert {"sign", "binary", "ternary", "kbit"} <= set(QUANTIZER_NAMES)
    assert get_quantizer("kbit", bits=3) == KBit(3)
    assert get_quantizer("binary") == Sign()
    assert get_quantizer("sign", bits=1).bits == 1 and get_quantizer("ternary").bits == 2
    for q in (Sign(ste="gated"), Ternary(0.2, alpha=1.5), KBit(5, alpha=0.1, ste="gated")):
        assert quantizer_from_config(q.config()) == q
        assert get_quantizer(q.config()) == q


@pytest.mark.parametrize("call,exc,match", [
    (lambda: get_quantizer("kbit", bits=0), ValueError, "bits must be >= 1"),
    (lambda: KBit(0), ValueError, "bits must be >= 1"),
    (lambda: KBit(2.5), TypeError, "bits must be an integer"),
    (lambda: get_quantizer("sign", bits=2), ValueError, "uses bits=1"),
    (lambda: get_quantizer("fp8"), ValueError, "unknown quantizer 'fp8'; valid values: sign, binary"),
    (lambda: KBit(4, ste="smooth"), ValueError, "unknown ste 'smooth'; valid values: identity, gated"),
    (lambda: Ternary(threshold=1.0), ValueError, "threshold must lie in"),
    (lambda: KBit(4, alpha=0.0), ValueError, "alpha must lie in"),
    (lambda: KBit(4)(np.array([1.0, np.nan])), ValueError, "NaN or infinity"),
    (lambda: KBit(4)(np.array([1, 2])), ValueError, "float32 or float64"),
    (lambda: KBit(21).levels(), ValueError, "bits=21 > 20"),
])
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
