"""Tests of the quantized orthogonal RNNs (approxbounds.models.qornn)."""
import zlib

import numpy as np
import pytest

from approxbounds.models.ornn import ORNN
from approxbounds.models.qornn import (
    QORNN, projunn, quantize_ornn, rank1_polar_step, top_singular_triple,
)
from approxbounds.nn.base import layer_from_config
from approxbounds.nn.gradcheck import check_layer_gradients, numeric_gradient
from approxbounds.nn.optim import adam, apply_updates, sgd
from approxbounds.nn.orthogonal import orthogonality_defect, polar_projection, random_orthogonal
from approxbounds.nn.quantizers import KBit
from approxbounds.nn.trainer import fit


@pytest.fixture
def rng(request):
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


def on_grid(wq, alpha, bits, tol=1e-9):
    """Entries are j * alpha / 2^(bits-1) with integer j in [-2^(bits-1), 2^(bits-1) - 1]."""
    half = 2 ** (bits - 1)
    j = wq / (alpha / half)
    k = np.round(j)
    return bool(np.all(np.abs(j - k) < tol) and k.min() >= -half and k.max() <= half - 1)


# ----------------------------------------------------------------------------- STE gradients
@pytest.mark.parametrize("variant", ["bjorck", "projunn", "penalty"])
@pytest.mark.parametrize("quantize_input", [False, True])
def test_ste_gradient_matches_definition(rng, variant, quantize_input):
    """grads == exact gradient of the STE reference f(W) + [Q(f(W*)) - f(W*)] at W*."""
    model = QORNN(2, 5, 3, variant=variant, bits=3, quantize_input=quantize_input, dtype="float64")
    params = model.init(rng)
    params["b"] = params["b"] + 0.3
    if variant == "bjorck":   # a latent V0 away from orthogonal: Björck is not the identity there
        params["W"] = params["W"] + 0.2 * rng.standard_normal((5, 5))
    x = rng.standard_normal((3, 6, 2))
    y, cache = model.forward(params, x)
    r = rng.standard_normal(y.shape)
    _, grads = model.backward(params, cache, r)

    q = KBit(3)
    w_o = model.orthogonal_matrix(params)
    w_shift = q(w_o) - w_o
    u_shift = q(params["U"]) - params["U"] if quantize_input else None
    # the reference equals the quantized forward at the point itself
    np.testing.assert_allclose(model.ste_reference_forward(params, x, w_shift, u_shift), y, rtol=1e-12, atol=1e-12)

    work = {k: v.copy() for k, v in params.items()}

    def s():
        return float(np.sum(model.ste_reference_forward(work, x, w_shift, u_shift) * r))

    for key in ("W", "U", "V", "b", "beta", "c"):
        num = numeric_gradient(s, work[key], 1e-6)
        np.testing.assert_allclose(grads[key], num, rtol=1e-5, atol=1e-7, err_msg=key)


@pytest.mark.parametrize("variant", ["ptq", "bjorck", "projunn", "penalty"])
def test_gradcheck_through_ste_surrogate(rng, variant):
    """check_layer_gradients uses ste_surrogate: the STE gradient of every tensor and of x."""
    model = QORNN(2, 4, 3, output="last", variant=variant, bits=2, quantize_input=True, dtype="float64")
    params = model.init(rng)
    params["b"] = params["b"] + 0.3
    if variant == "bjorck":
        params["W"] = params["W"] + 0.2 * rng.standard_normal((4, 4))
    res = check_layer_gradients(model, rng.standard_normal((2, 5, 2)), rng, params)
    assert res.ok and res.n_checked["W"] == 16
    # the STE gradient differs from the full-precision model's gradient (the check is not vacuous)
    if variant != "ptq":
        x = rng.standard_normal((2, 5, 2))
        r = rng.standard_normal((2, 3))
        g_q = model.backward(params, model.forward(params, x)[1], r)[1]["W"]
        fp = QORNN(2, 4, 3, output="last", variant=variant, bits=16, quantize_input=True, dtype="float64")
        g_fp = fp.backward(params, fp.forward(params, x)[1], r)[1]["W"]
        assert np.abs(g_q - g_fp).max() > 1e-3


def test_forward_uses_quantized_weights_on_grid(rng):
    for variant in ("bjorck", "projunn", "penalty"):
        for bits in (2, 3, 4, 6):
            model = QORNN(2, 8, 3, variant=variant, bits=bits, quantize_input=True, dtype="float64")
            params = model.init(rng)
            if variant != "projunn":
                params["W"] = params["W"] + 0.05 * rng.standard_normal((8, 8))
            dm, dp = model.deployed(params)
            w_o = model.orthogonal_matrix(params)
            assert on_grid(dp["W"], np.abs(w_o).max(), bits)
            assert on_grid(dp["U"], np.abs(params["U"]).max(), bits)
            assert len(np.unique(dp["W"])) <= 2 ** bits
            np.testing.assert_array_equal(model.recurrent_matrix(params), dp["W"])
            x = rng.standard_normal((2, 4, 2))
            np.testing.assert_allclose(dm.forward(dp, x)[0], model.forward(params, x)[0], rtol=1e-13, atol=1e-14)


# ----------------------------------------------------------------------------- PTQ
def test_ptq_trains_full_precision_then_quantizes(rng):
    model = QORNN(2, 6, 3, variant="ptq", bits=4, dtype="float64")
    params = model.init(rng)
    x = rng.standard_normal((2, 5, 2))
    W = params["W"]
    ornn = ORNN(2, 6, 3, dtype="float64")
    np.testing.assert_array_equal(model.forward(params, x)[0], ornn.forward(params, x)[0])  # fp training
    qp = quantize_ornn(params, 4)
    assert on_grid(qp["W"], np.abs(W).max(), 4)
    np.testing.assert_array_equal(qp["U"], params["U"])
    np.testing.assert_array_equal(model.deployed(params)[1]["W"], qp["W"])
    assert on_grid(quantize_ornn(params, 3, quantize_input=True)["U"], np.abs(params["U"]).max(), 3)
    # a Cayley ORNN tree is converted to an explicit W first
    cm = ORNN(2, 6, 3, parametrization="cayley", dtype="float64")
    cp = cm.init(rng)
    np.testing.assert_array_equal(quantize_ornn(cp, 5)["W"], KBit(5)(cm.recurrent_matrix(cp)))
    with pytest.raises(ValueError, match="bits"):
        quantize_ornn(params, 0)


def test_ptq_defect_grows_as_bits_decrease():
    for seed in range(3):
        model = QORNN(1, 64, 2, variant="ptq", dtype="float64")
        params = model.init(np.random.default_rng(seed))
        defects = []
        for bits in (10, 8, 6, 4, 3, 2):
            m = QORNN(1, 64, 2, variant="ptq", bits=bits, dtype="float64")
            d = m.orthogonality_defect(params, norm="all")
            assert d["fro_fp"] < 1e-12 and d["spectral"] <= d["fro"] + 1e-15
            defects.append(d["fro"])
        assert all(a < b for a, b in zip(defects, defects[1:])), defects
        assert defects[0] < 0.05 and defects[-1] > 1.0


# ----------------------------------------------------------------------------- Björck
def test_bjorck_output_is_orthogonal(rng):
    model = QORNN(2, 16, 3, variant="bjorck", bits=4, dtype="float64")
    params = model.init(rng)
    params["W"] = params["W"] + 0.1 * rng.standard_normal((16, 16))
    d = model.orthogonality_defect(params, norm="all")
    assert d["fro_fp"] < 1e-5 and d["spectral_fp"] < 1e-5
    assert d["fro"] > 1e-3   # the 4-bit matrix is not


# ----------------------------------------------------------------------------- projUNN
def test_top_singular_triple_matches_svd(rng):
    g = rng.standard_normal((12, 12))
    u0, s0, vt0 = np.linalg.svd(g)
    sigma, u, v = top_singular_triple(g, iters=500, tol=1e-14)
    assert sigma == pytest.approx(s0[0], rel=1e-10)
    assert abs(abs(u @ u0[:, 0]) - 1) < 1e-8 and abs(abs(v @ vt0[0]) - 1) < 1e-8
    np.testing.assert_allclose(sigma * np.outer(u, v), s0[0] * np.outer(u0[:, 0], vt0[0]), atol=1e-7)
    assert top_singular_triple(np.zeros((3, 3)))[0] == 0.0


def test_rank1_polar_step_equals_svd_projection(rng):
    n = 10
    w = random_orthogonal(rng, n)
    for c in (1e-3, 0.3, 2.0):
        u = rng.standard_normal(n)
        v = rng.standard_normal(n)
        u /= np.linalg.norm(u)
        v /= np.linalg.norm(v)
        fast = rank1_polar_step(w, c, u, v)
        np.testing.assert_allclose(fast, polar_projection(w - c * np.outer(u, v)), atol=1e-12)
        assert orthogonality_defect(fast) < 1e-12
    # degenerate direction (u = W v): the span {W^T u, v} has dimension 1
    v = np.eye(n)[0]
    fast = rank1_polar_step(w, 0.5, w @ v, v)
    np.testing.assert_allclose(fast, polar_projection(w - 0.5 * np.outer(w @ v, v)), atol=1e-12)


@pytest.mark.parametrize("dtype, tol", [("float64", 1e-6), ("float32", 1e-5)])
def test_projunn_step_keeps_latent_orthogonal_and_descends(rng, dtype, tol):
    model = QORNN(2, 16, 3, variant="projunn", bits=3, projunn_lr=0.05, dtype=dtype)
    params = model.init(rng)
    opt = model.wrap_optimizer(adam(1e-2))
    state = opt.init(params)
    x = rng.standard_normal((4, 6, 2)).astype(dtype)
    t = rng.integers(0, 3, (4, 6))
    for _ in range(30):
        loss, grads = model.loss_and_grad(params, x, t)
        upd, state = opt.update(grads, state, params)
        g = grads["W"].astype(np.float64)
        assert np.sum(g * upd["W"]) < 0          # the W step is a descent direction for <G, .>
        params = apply_updates(params, upd)
        assert orthogonality_defect(params["W"]) < tol
    assert state["count"] == 30 and set(state["base"]["mu"]) == {"U", "V", "b", "beta", "c"}


def test_projunn_transform_validates():
    with pytest.raises(TypeError, match="base"):
        projunn("adam", 0.1)
    opt = projunn(sgd(0.1), 0.1)
    with pytest.raises(ValueError, match="'W'"):
        opt.init({"U": np.zeros(2)})


# ----------------------------------------------------------------------------- penalty
def test_penalty_value_and_ste_gradient(rng):
    lam = 0.7
    model = QORNN(2, 6, 3, variant="penalty", bits=3, penalty=lam, dtype="float64")
    params = model.init(rng)
    params["W"] = params["W"] + 0.1 * rng.standard_normal((6, 6))
    q = KBit(3)(params["W"])
    value, g = model.regularizer(params)
    assert value == pytest.approx(lam * np.linalg.norm(q.T @ q - np.eye(6)) ** 2, rel=1e-12)
    work = q.copy()
    num = numeric_gradient(lambda: lam * np.linalg.norm(work.T @ work - np.eye(6)) ** 2, work, 1e-6)
    np.testing.assert_allclose(g["W"], num, rtol=1e-6, atol=1e-8)   # STE: dP/dQ passed to W
    x = rng.standard_normal((2, 4, 2))
    t = rng.integers(0, 3, (2, 4))
    total, grads = model.loss_and_grad(params, x, t)
    base = QORNN(2, 6, 3, variant="penalty", bits=3, penalty=0.0, dtype="float64")
    v0, g0 = base.loss_and_grad(params, x, t)
    assert total == pytest.approx(v0 + value, rel=1e-12)
    np.testing.assert_allclose(grads["W"], g0["W"] + g["W"], rtol=1e-12)
    assert QORNN(2, 6, 3, variant="bjorck").regularizer(params) == (0.0, None)


# ----------------------------------------------------------------------------- training glue
@pytest.mark.parametrize("variant", ["ptq", "bjorck", "projunn", "penalty"])
def test_each_variant_trains_with_fit(rng, variant):
    model = QORNN(1, 8, 2, output="last", variant=variant, bits=4, projunn_lr=0.05, penalty=0.1)
    x = rng.standard_normal((64, 8, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.int64)
    res = fit(model, None, "cross_entropy", (x, y), model.wrap_optimizer(adam(0.02)), steps=60,
              batch_size=32, progress=False, seed=1, grad_fn=model.grad_fn("cross_entropy"))
    first = np.mean([h["loss"] for h in res.history[:5]])
    last = np.mean([h["loss"] for h in res.history[-5:]])
    assert last < first
    d = model.orthogonality_defect(res.params, norm="all")
    assert d["fro"] == model.orthogonality_defect(res.params) > 0
    if variant in ("ptq", "projunn"):
        assert d["fro_fp"] < 1e-4         # latent kept orthogonal (float32)
    dm, dp = model.deployed(res.params)
    assert isinstance(dm, ORNN) and on_grid(dp["W"].astype(np.float64),
                                             float(np.abs(model.orthogonal_matrix(res.params)).max()), 4, tol=1e-5)


def test_storage_config_and_validation(rng):
    n, d, o, k = 128, 10, 9, 4
    m = QORNN(d, n, o, variant="projunn", bits=k, quantize_input=True)
    # W: n^2 k bits, U: n d k bits, b, beta: 32 n each, V: 32 o n, c: 32 o, scales of W and U: 2 * 32
    assert m.storage_bits() == n * n * k + n * d * k + 2 * 32 * n + 32 * o * n + 32 * o + 2 * 32
    fp = ORNN(d, n, o).storage_bits()
    assert QORNN(d, n, o, bits=k).storage_bits() == fp - (32 - k) * n * n + 32  # + scale of W
    assert m.storage().items["U"] == (n * d, k, n * d * k)
    clone = layer_from_config(m.config())
    assert clone == m and clone.variant == "projunn" and clone.bits == 4 and clone.quantize_input
    with pytest.raises(ValueError, match="variant"):
        QORNN(2, 4, 2, variant="gptq")
    with pytest.raises(ValueError, match="bits"):
        QORNN(2, 4, 2, bits=0)
    with pytest.raises(ValueError, match="penalty"):
        QORNN(2, 4, 2, penalty=-1.0)
    with pytest.raises(TypeError, match="quantize_input"):
        QORNN(2, 4, 2, quantize_input="yes")


@pytest.mark.parametrize("variant", ["ptq", "projunn"])
def test_checkpoint_resume_is_bitwise_identical(rng, tmp_path, variant):
    model = QORNN(10, 8, 9, variant=variant, bits=3)

    def data(r, step):
        x = r.integers(0, 10, (16, 6))
        return x, (x % 9)

    kw = dict(steps=12, seed=4, progress=False, grad_fn=model.grad_fn("cross_entropy"))
    full = fit(model, None, None, data, model.wrap_optimizer(adam(1e-2)), **kw)
    ck = tmp_path / "ck.npz"
    fit(model, None, None, data, model.wrap_optimizer(adam(1e-2)), checkpoint_path=ck,
        **{**kw, "steps": 5})
    resumed = fit(model, None, None, data, model.wrap_optimizer(adam(1e-2)), checkpoint_path=ck,
                  resume=True, **kw)
    assert resumed.resumed_from == 5
    for k in full.params:
        np.testing.assert_array_equal(resumed.params[k], full.params[k])
    # a checkpoint of another variant is refused
    other = QORNN(10, 8, 9, variant="bjorck" if variant == "ptq" else "ptq", bits=3)
    with pytest.raises(ValueError):
        fit(other, None, None, data, other.wrap_optimizer(adam(1e-2)), checkpoint_path=ck, resume=True,
            **{**kw, "grad_fn": other.grad_fn("cross_entropy")})
