"""Losses: values against mpmath, gradients against central differences, stability, errors."""
import math

import mpmath
import numpy as np
import pytest

from approxbounds.nn.gradcheck import check_loss_gradient
from approxbounds.nn.losses import (LOSS_NAMES, bce_with_logits, check_class_labels, get_loss, log_softmax, lp_error,
                                    lp_error_pow, mse, softmax_cross_entropy, softmax_xent_inplace)



@pytest.fixture(autouse=True)
def _mp_precision():
    with mpmath.workdps(40):
        yield


def _mp_lp(y, t, p):
    r = [abs(mpmath.mpf(float(a)) - mpmath.mpf(float(b))) for a, b in zip(y.flat, t.flat)]
    if p == math.inf:
        return max(r)
    return (mpmath.fsum(v ** p for v in r) / len(r)) ** (mpmath.mpf(1) / p)


def _mp_ce(z, t, valid):
    total, n = mpmath.mpf(0), 0
    for row, lab, ok in zip(z.reshape(-1, z.shape[-1]), t.flat, valid.flat):
        if ok:
            total += mpmath.log(mpmath.fsum(mpmath.exp(mpmath.mpf(float(v))) for v in row)) - mpmath.mpf(float(row[lab]))
            n += 1
    return total / n


def _mp_bce(x, t):
    s = mpmath.fsum(-(mpmath.mpf(float(b)) * mpmath.log(1 / (1 + mpmath.exp(-mpmath.mpf(float(a)))))
                      + (1 - mpmath.mpf(float(b))) * mpmath.log(1 / (1 + mpmath.exp(mpmath.mpf(float(a))))))
                    for a, b in zip(x.flat, t.flat))
    return s / x.size


# ------------------------------------------------------------------------------ values
@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0, 7.5, math.inf])
def test_lp_error_value_matches_mpmath(p, rng):
    y, t = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    v, _ = lp_error(y, t, p)
    assert v == pytest.approx(float(_mp_lp(y, t, p)), rel=1e-13)
    if p != math.inf:
        assert lp_error_pow(y, t, p)[0] == pytest.approx(float(_mp_lp(y, t, p) ** p), rel=1e-13)


def test_lp_error_large_p_and_large_residuals_do_not_overflow():
    y = np.array([1e200, -3e199, 0.0])
    v, g = lp_error(y, np.zeros(3), p=50.0)
    assert v == pytest.approx(float(_mp_lp(y, np.zeros(3), 50)), rel=1e-12)
    assert np.all(np.isfinite(g))


def test_mse_value_and_gradient_formula(rng):
    y, t = rng.standard_normal(8), rng.standard_normal(8)
    v, g = mse(y, t)
    assert v == pytest.approx(np.sum((y - t) ** 2) / 8, rel=1e-14)
    np.testing.assert_allclose(g, 2 * (y - t) / 8, rtol=1e-15)


def test_cross_entropy_value_with_mask_and_ignore_index(rng):
    z = rng.standard_normal((3, 4, 5)) * 3
    t = rng.integers(0, 5, (3, 4))
    t[0, 1] = -100
    mask = rng.uniform(size=(3, 4)) > 0.3
    v, _ = softmax_cross_entropy(z, t, mask=mask, ignore_index=-100)
    valid = mask & (t != -100)
    assert v == pytest.approx(float(_mp_ce(z, t, valid)), rel=1e-13)


def test_cross_entropy_stable_for_huge_logits():
    z = np.array([[1e4, 0.0, -1e4], [-5e3, 5e3, 0.0]], dtype=np.float32)
    v, g = softmax_cross_entropy(z, np.array([1, 1]))
    assert v == pytest.approx(float(_mp_ce(z.astype(np.float64), np.array([1, 1]), np.ones(2, bool))), rel=1e-6)
    assert np.all(np.isfinite(g)) and g.dtype == np.float32


@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3, 1e4])
def test_bce_with_logits_matches_mpmath_and_is_stable(scale, rng):
    x = rng.uniform(-1, 1, 12) * scale
    t = rng.uniform(0, 1, 12)
    t[:3] = [0.0, 1.0, 1.0]
    v, g = bce_with_logits(x, t)
    assert v == pytest.approx(float(_mp_bce(x, t)), rel=1e-12)
    sig = [float(1 / (1 + mpmath.exp(-mpmath.mpf(float(a))))) for a in x]
    np.testing.assert_allclose(g, (np.array(sig) - t) / 12, rtol=1e-12, atol=1e-300)
    v32, g32 = bce_with_logits(x.astype(np.float32), t)
    assert math.isfinite(v32) and g32.dtype == np.float32 and np.all(np.isfinite(g32))


def test_bce_mask_restricts_mean(rng):
    x, t = rng.standard_normal(6), rng.uniform(size=6)
    m = np.array([1, 0, 1, 1, 0, 0], bool)
    v, g = bce_with_logits(x, t, mask=m)
    assert v == pytest.approx(float(_mp_bce(x[m], t[m])), rel=1e-13)
    assert np.all(g[~m] == 0)


def test_empty_selection_gives_zero_loss_and_gradient():
    v, g = softmax_cross_entropy(np.ones((2, 3)), np.array([-1, -1]), ignore_index=-1)
    assert v == 0.0 and np.all(g == 0)


# ------------------------------------------------------------------------------ gradients
def _data(rng):
    y, t = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    labels = np.array([[0, 2, 1], [3, -1, 2]])
    return y, t, labels


GRAD_CASES = [
    ("mse", lambda y, t, lab, rng: (mse, y, (t,), {})),
    ("lp_1.5", lambda y, t, lab, rng: (lp_error, y, (t,), {"p": 1.5})),
    ("lp_2", lambda y, t, lab, rng: (lp_error, y, (t,), {"p": 2.0})),
    ("lp_5", lambda y, t, lab, rng: (lp_error, y, (t,), {"p": 5.0})),
    ("lp_1", lambda y, t, lab, rng: (lp_error, y, (t,), {"p": 1.0})),
    ("lp_inf", lambda y, t, lab, rng: (lp_error, y, (t,), {"p": math.inf})),
    ("lp_pow_3", lambda y, t, lab, rng: (lp_error_pow, y, (t,), {"p": 3.0})),
    ("lp_pow_1.2", lambda y, t, lab, rng: (lp_error_pow, y, (t,), {"p": 1.2})),
    ("cross_entropy", lambda y, t, lab, rng: (softmax_cross_entropy, rng.standard_normal((2, 3, 4)), (lab,),
                                              {"ignore_index": -1})),
    ("cross_entropy_mask", lambda y, t, lab, rng: (softmax_cross_entropy, rng.standard_normal((2, 3, 4)),
                                                   (np.abs(lab),), {"mask": np.array([[1, 0, 1], [1, 1, 0]])})),
    ("bce", lambda y, t, lab, rng: (bce_with_logits, 3 * y, (rng.uniform(size=y.shape),), {})),
    ("bce_mask", lambda y, t, lab, rng: (bce_with_logits, y, (rng.uniform(size=y.shape),),
                                         {"mask": rng.uniform(size=y.shape) > 0.5})),
]


@pytest.mark.parametrize("case", [c[1] for c in GRAD_CASES], ids=[c[0] for c in GRAD_CASES])
def test_loss_gradient_central_differences(case, rng):
    loss, pred, args, kw = case(*_data(rng), rng)
    res = check_loss_gradient(loss, pred, *args, rtol=1e-6, atol=1e-9, **kw)
    assert res.ok and res.n_checked["pred"] == pred.size


@pytest.mark.parametrize("name", ["mse", "lp", "lp_pow", "bce_with_logits"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_keeps_prediction_dtype(name, dtype, rng):
    y = rng.uniform(size=(3, 2)).astype(dtype)
    v, g = get_loss(name)(y, rng.uniform(size=(3, 2)))
    assert g.dtype == dtype and isinstance(v, float)


def test_get_loss_binds_keywords(rng):
    y, t = rng.standard_normal(5), rng.standard_normal(5)
    assert get_loss("lp", p=3.0)(y, t)[0] == lp_error(y, t, 3.0)[0]
    assert set(LOSS_NAMES) >= {"mse", "lp", "lp_pow", "cross_entropy", "bce_with_logits"}


# ------------------------------------------------------------------------------ oracle
def test_cross_entropy_and_bce_match_torch(rng):
    torch = pytest.importorskip("torch")
    z = rng.standard_normal((6, 5))
    t = rng.integers(0, 5, 6)
    t[2] = -100
    zt = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(zt, torch.tensor(t), ignore_index=-100)
    ref.backward()
    v, g = softmax_cross_entropy(z, t, ignore_index=-100)
    assert v == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(g, zt.grad.numpy(), rtol=1e-10, atol=1e-15)
    x, y = rng.standard_normal(7) * 5, rng.uniform(size=7)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(xt, torch.tensor(y))
    ref.backward()
    v, g = bce_with_logits(x, y)
    assert v == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(g, xt.grad.numpy(), rtol=1e-10, atol=1e-15)


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize("call,match", [
    (lambda: mse(np.zeros(3), np.zeros(4)), r"pred has shape \(3,\) but target has shape \(4,\)"),
    (lambda: mse(np.zeros(3, int), np.zeros(3)), "pred must be float32 or float64"),
    (lambda: lp_error(np.zeros(3), np.zeros(3), p=0.5), r"p must lie in \[1.0, inf\]"),
    (lambda: lp_error_pow(np.zeros(3), np.zeros(3), p=math.nan), "p must not be NaN"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])), r"labels must lie in \[0, 2\]"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2])), r"labels must have shape \(2,\)"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])), "labels must be integers"),
    (lambda: softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1]), mask=np.ones(3)), "mask has shape"),
    (lambda: bce_with_logits(np.zeros(2), np.array([0.5, 1.5])), r"targets must lie in \[0, 1\]"),
    (lambda: bce_with_logits(np.zeros(2), np.zeros(3)), r"logits has shape \(2,\) but targets"),
    (lambda: get_loss("hinge"), "unknown loss 'hinge'; valid values: mse"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()



@pytest.mark.parametrize("shape", [(4, 1), (3, 5, 9), (2, 7, 33), (6, 0, 4)])
@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_bitwise_equal_to_textbook_order(shape, axis):
    # the short-class-axis max (one np.maximum per column) must not change a single bit
    z = (np.random.default_rng(3).standard_normal(shape) * 20).astype(np.float32)
    z.flat[::7] = -np.inf
    with np.errstate(invalid="ignore"):
        s = z - z.max(axis=axis, keepdims=True)
        expected = s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))
        got = log_softmax(z, axis=axis)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


# ------------------------------------------------------------------------------ the in-place kernel
@pytest.mark.parametrize("shape", [(5, 1), (7, 2), (4, 6, 9), (3, 40)])
@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
def test_softmax_xent_inplace_value_and_gradient_against_mpmath(shape, dtype, rtol, rng):
    z0 = (rng.standard_normal(shape) * 4).astype(dtype)
    t = rng.integers(0, shape[-1], shape[:-1])
    z = z0.copy()
    w = dtype(0.25)
    total = softmax_xent_inplace(z, t, w)
    n = int(np.prod(shape[:-1]))
    assert total == pytest.approx(float(_mp_ce(z0.astype(np.float64), t, np.ones(t.shape, bool))) * n, rel=rtol)
    # gradient: w (softmax - onehot), softmax from mpmath
    rows = z0.reshape(-1, shape[-1]).astype(np.float64)
    ref = np.array([[float(mpmath.exp(v) / mpmath.fsum(mpmath.exp(u) for u in map(mpmath.mpf, r)))
                     for v in map(mpmath.mpf, r)] for r in rows])
    ref[np.arange(n), t.reshape(-1)] -= 1
    np.testing.assert_allclose(z.reshape(-1, shape[-1]), 0.25 * ref, rtol=rtol, atol=rtol * 1e-2)
    assert z.dtype == dtype


def test_softmax_xent_inplace_valid_rows_and_equals_the_public_loss(rng):
    z0 = rng.standard_normal((6, 5, 4))
    t = rng.integers(0, 4, (6, 5))
    valid = rng.uniform(size=(6, 5)) > 0.4
    z = z0.copy()
    w = (valid / valid.sum())[..., None]
    total = softmax_xent_inplace(z, t, w, valid)
    v, g = softmax_cross_entropy(z0, t, mask=valid)
    assert total / valid.sum() == v                       # the public loss is this kernel
    np.testing.assert_array_equal(z, g)
    assert np.all(g[~valid] == 0)
    assert v == pytest.approx(float(_mp_ce(z0, t, valid)), rel=1e-13)


def test_check_class_labels_only_checks_valid_positions():
    z = np.zeros((2, 3, 4))
    t = np.array([[0, 1, 9], [3, -5, 2]])
    valid = np.array([[True, True, False], [True, False, True]])
    np.testing.assert_array_equal(check_class_labels(t, z.shape, valid), t)
    v, g = softmax_cross_entropy(z, t, mask=valid)      # masked entries may hold any integer
    assert v == pytest.approx(math.log(4)) and np.all(g[~valid] == 0)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\].*got e.g. 9"):
        check_class_labels(t, z.shape)
    with pytest.raises(ValueError, match="labels must be integers"):
        check_class_labels(t.astype(float), z.shape)
    with pytest.raises(ValueError, match=r"labels must have shape \(2, 3\)"):
        check_class_labels(t[:, :2], z.shape)
