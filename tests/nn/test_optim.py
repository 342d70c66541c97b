"""Optimizers: hand-computed steps, torch.optim as an oracle, composition, clipping."""
import math

import numpy as np
import pytest

from approxbounds.nn import optim as O
from approxbounds.nn.schedules import step_decay
from approxbounds.nn.tree import tree_global_norm, tree_map


def _params(rng, dtype=np.float64):
    return {"a": {"W": rng.standard_normal((3, 2)).astype(dtype)}, "b": rng.standard_normal(4).astype(dtype)}


def _run(opt, params, grad_seq):
    state = opt.init(params)
    for g in grad_seq:
        updates, state = opt.update(g, state, params)
        params = O.apply_updates(params, updates)
    return params, state


def test_sgd_hand_computed():
    p = {"w": np.array([1.0, 2.0])}
    g1, g2 = {"w": np.array([0.5, -1.0])}, {"w": np.array([2.0, 4.0])}
    out, _ = _run(O.sgd(0.1), p, [g1])
    assert np.array_equal(out["w"], np.array([1.0 - 0.05, 2.0 + 0.1]))
    # momentum 0.9: b1 = g1, b2 = 0.9 g1 + g2; p2 = p - 0.1 b1 - 0.1 b2
    out, state = _run(O.sgd(0.1, momentum=0.9), p, [g1, g2])
    b2 = 0.9 * g1["w"] + g2["w"]
    np.testing.assert_allclose(out["w"], p["w"] - 0.1 * g1["w"] - 0.1 * b2, rtol=1e-15)
    assert state["count"] == 2 and np.array_equal(state["momentum"]["w"], b2)
    # Nesterov: step uses g + mu b
    out, _ = _run(O.sgd(0.1, momentum=0.9, nesterov=True), p, [g1, g2])
    d1 = g1["w"] + 0.9 * g1["w"]
    d2 = g2["w"] + 0.9 * b2
    np.testing.assert_allclose(out["w"], p["w"] - 0.1 * d1 - 0.1 * d2, rtol=1e-15)


def test_adam_hand_computed_two_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p = {"w": np.array([0.3, -0.7])}
    gs = [np.array([0.2, -3.0]), np.array([-0.1, 1.0])]
    m = np.zeros(2)
    v = np.zeros(2)
    expected = p["w"].copy()
    for t, g in enumerate(gs, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        expected = expected - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    out, state = _run(O.adam(lr, b1, b2, eps), p, [{"w": g} for g in gs])
    np.testing.assert_allclose(out["w"], expected, rtol=1e-14)
    assert state["count"] == 2
    # first Adam step is -lr * g / (|g| + eps): magnitude ~lr whatever the gradient scale
    out, _ = _run(O.adam(lr), p, [{"w": gs[0]}])
    np.testing.assert_allclose(out["w"] - p["w"], -lr * gs[0] / (np.abs(gs[0]) + eps), rtol=1e-14)


def test_rmsprop_hand_computed():
    lr, rho, eps = 0.01, 0.9, 1e-8
    p = {"w": np.array([1.0, -1.0])}
    g1, g2 = np.array([0.5, 2.0]), np.array([-1.0, 0.25])
    v1 = (1 - rho) * g1 ** 2
    v2 = rho * v1 + (1 - rho) * g2 ** 2
    expected = p["w"] - lr * g1 / (np.sqrt(v1) + eps) - lr * g2 / (np.sqrt(v2) + eps)
    out, _ = _run(O.rmsprop(lr, rho, eps), p, [{"w": g1}, {"w": g2}])
    np.testing.assert_allclose(out["w"], expected, rtol=1e-14)


def _torch_run(torch, make_opt, params, grad_seq, scheduler=None):
    names = [("a", "W"), ("b",)]
    leaves = [params["a"]["W"], params["b"]]
    tparams = [torch.nn.Parameter(torch.tensor(x.copy())) for x in leaves]
    opt = make_opt(tparams)
    sched = scheduler(opt) if scheduler else None
    for g in grad_seq:
        for tp, gl in zip(tparams, [g["a"]["W"], g["b"]]):
            tp.grad = torch.tensor(gl.copy())
        opt.step()
        if sched:
            sched.step()
    return [tp.detach().numpy() for tp in tparams]


@pytest.mark.parametrize("ours, theirs", [
    (lambda: O.sgd(0.05), lambda t, ps: t.optim.SGD(ps, lr=0.05)),
    (lambda: O.sgd(0.05, momentum=0.8), lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.8)),
    (lambda: O.sgd(0.05, momentum=0.8, nesterov=True),
     lambda t, ps: t.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True)),
    (lambda: O.adam(1e-2, 0.85, 0.99, 1e-7), lambda t, ps: t.optim.Adam(ps, lr=1e-2, betas=(0.85, 0.99), eps=1e-7)),
    (lambda: O.rmsprop(1e-2, 0.9, 1e-8), lambda t, ps: t.optim.RMSprop(ps, lr=1e-2, alpha=0.9, eps=1e-8)),
], ids=["sgd", "momentum", "nesterov", "adam", "rmsprop"])
def test_matches_torch_optim(ours, theirs, rng):
    torch = pytest.importorskip("torch")
    params = _params(rng)
    grads = [tree_map(lambda x: rng.standard_normal(x.shape), params) for _ in range(6)]
    out, _ = _run(ours(), params, grads)
    ref = _torch_run(torch, lambda ps: theirs(torch, ps), params, grads)
    np.testing.assert_allclose(out["a"]["W"], ref[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out["b"], ref[1], rtol=1e-12, atol=1e-14)


def test_adam_with_step_decay_matches_torch_steplr(rng):
    torch = pytest.importorskip("torch")
    params = _params(rng)
    grads = [tree_map(lambda x: rng.standard_normal(x.shape), params) for _ in range(7)]
    out, _ = _run(O.adam(step_decay(1e-2, 0.5, every=2)), params, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=1e-2), params, grads,
                     scheduler=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5))
    np.testing.assert_allclose(out["a"]["W"], ref[0], rtol=1e-12, atol=1e-14)


def test_float32_is_kept_and_inputs_not_mutated(rng):
    params = _params(rng, np.float32)
    grads = tree_map(lambda x: rng.standard_normal(x.shape).astype(np.float32), params)
    snapshot = tree_map(np.copy, (params, grads))
    for opt in (O.sgd(0.1, momentum=0.5), O.adam(1e-3), O.rmsprop(1e-3)):
        state = opt.init(params)
        updates, new_state = opt.update(grads, state, params)
        assert updates["a"]["W"].dtype == np.float32 and updates["b"].dtype == np.float32
        assert O.apply_updates(params, updates)["b"].dtype == np.float32
        for leaf in [v for k, v in new_state.items() if k != "count"]:
            assert tree_map(lambda x: x.dtype, leaf)["b"] == np.float32
    assert all(np.array_equal(a, b) for a, b in zip(
        [params["b"], grads["b"], params["a"]["W"]], [snapshot[0]["b"], snapshot[1]["b"], snapshot[0]["a"]["W"]]))


def test_clip_by_global_norm():
    g = {"x": np.array([3.0, 0.0]), "y": {"z": np.array([4.0])}}       # global norm 5
    opt = O.clip_by_global_norm(2.5)
    out, _ = opt.update(g, opt.init(g))
    assert math.isclose(tree_global_norm(out), 2.5, rel_tol=1e-15)
    np.testing.assert_allclose(out["x"], [1.5, 0.0], rtol=1e-15)
    np.testing.assert_allclose(out["y"]["z"], [2.0], rtol=1e-15)
    unchanged, _ = O.clip_by_global_norm(5.0).update(g, {})
    assert unchanged["x"] is g["x"]
    with pytest.raises(FloatingPointError, match="global norm"):
        opt.update({"x": np.array([np.inf]), "y": {"z": np.array([0.0])}}, {})


def test_elementwise_clip():
    out, _ = O.clip(0.5).update({"x": np.array([-2.0, 0.1, 0.7])}, {})
    assert np.array_equal(out["x"], [-0.5, 0.1, 0.5])


def test_chain_applies_in_order():
    p = {"w": np.array([0.0, 0.0])}
    g = {"w": np.array([4.0, -0.2])}
    # clip the gradient to 0.5, then step with lr 1: update = -clip(g)
    first_clip = O.chain(O.clip(0.5), O.sgd(1.0))
    u, state = first_clip.update(g, first_clip.init(p), p)
    assert np.array_equal(u["w"], [-0.5, 0.2])
    assert set(state) == {"000", "001"} and state["001"]["count"] == 1
    # step with lr 2 first (-8, 0.4), then clip to 0.5
    clip_last = O.chain(O.sgd(2.0), O.clip(0.5))
    u, _ = clip_last.update(g, clip_last.init(p), p)
    assert np.array_equal(u["w"], [-0.5, 0.4])


def test_project_lands_on_the_projection():
    p = {"w": np.array([0.3, 0.05, 2.0])}
    g = {"w": np.array([1.0, 1.0, -1.0])}
    opt = O.chain(O.sgd(0.1), O.project(lambda t: tree_map(lambda x: np.maximum(x, 0.0), t)))
    u, _ = opt.update(g, opt.init(p), p)
    new = O.apply_updates(p, u)
    np.testing.assert_allclose(new["w"], [0.2, 0.0, 2.1], rtol=1e-15)
    assert new["w"][1] == 0.0                                # Sterbenz: exact at 0
    with pytest.raises(ValueError, match="needs params"):
        opt.update(g, opt.init(p))


def test_param_transform_sees_params():
    p = {"w": np.array([2.0])}
    t = O.param_transform(lambda u, params: tree_map(lambda a, b: a * b, u, params))
    u, _ = t.update({"w": np.array([3.0])}, t.init(p), p)
    assert np.array_equal(u["w"], [6.0])


@pytest.mark.parametrize("make", [
    lambda: O.sgd(0.0), lambda: O.sgd(-1.0), lambda: O.adam(0), lambda: O.rmsprop(-1e-3),
    lambda: O.sgd(float("nan")), lambda: O.sgd(0.1, momentum=1.0), lambda: O.sgd(0.1, nesterov=True),
    lambda: O.adam(1e-3, b1=1.0), lambda: O.adam(1e-3, eps=0.0), lambda: O.clip_by_global_norm(0.0),
    lambda: O.clip(-1.0), lambda: O.chain(),
])
def test_invalid_hyperparameters_raise_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_type_errors_and_shape_mismatch():
    with pytest.raises(TypeError, match="lr"):
        O.sgd("fast")
    with pytest.raises(TypeError, match="lr"):
        O.adam(True)
    with pytest.raises(TypeError, match="GradientTransformation"):
        O.chain(O.sgd(0.1), "adam")
    p = {"w": np.zeros(3)}
    opt = O.adam(1e-3)
    with pytest.raises(ValueError, match=r"gradient 'w' has shape \(2,\)"):
        opt.update({"w": np.zeros(2)}, opt.init(p), p)


def test_bad_schedule_value_names_the_step():
    opt = O.sgd(lambda step: 0.1 if step < 2 else -0.1)
    p = {"w": np.zeros(1)}
    state = opt.init(p)
    for _ in range(2):
        _, state = opt.update({"w": np.ones(1)}, state, p)
    with pytest.raises(ValueError, match="at step 2"):
        opt.update({"w": np.ones(1)}, state, p)


# ------------------------------------------------------------------ adam(inplace=True), fast path
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_inplace_is_bitwise_the_pure_adam(dtype, rng):
    params = _params(rng, dtype)
    grads = [tree_map(lambda x: rng.standard_normal(x.shape).astype(dtype), params) for _ in range(6)]
    grads[2]["b"][1] = 0.0                       # an exactly-zero entry along the way
    snapshot = (tree_map(np.copy, params), [tree_map(np.copy, g) for g in grads])
    pure = O.adam(step_decay(1e-2, 0.5, every=2), 0.8, 0.99, 1e-7)
    fast = O.adam(step_decay(1e-2, 0.5, every=2), 0.8, 0.99, 1e-7, inplace=True)
    p_pure, s_pure = params, pure.init(params)
    p_fast, s_fast = params, fast.init(params)
    moments = (s_fast["mu"]["a"]["W"], s_fast["nu"]["b"])
    for g in grads:
        old_pure = tree_map(np.copy, s_pure)
        u_pure, s_new = pure.update(g, s_pure, p_pure)
        # the pure update leaves the state it was given untouched
        assert all(np.array_equal(a, b) for a, b in zip(
            [s_pure["mu"]["b"], s_pure["nu"]["a"]["W"]], [old_pure["mu"]["b"], old_pure["nu"]["a"]["W"]]))
        s_pure = s_new
        u_fast, s_fast = fast.update(g, s_fast, p_fast)
        for a, b in zip([u_pure["a"]["W"], u_pure["b"]], [u_fast["a"]["W"], u_fast["b"]]):
            assert np.array_equal(a, b) and a.dtype == b.dtype == dtype
        p_pure, p_fast = O.apply_updates(p_pure, u_pure), O.apply_updates(p_fast, u_fast)
    assert s_pure["count"] == s_fast["count"] == 6
    for key in ("mu", "nu"):
        assert np.array_equal(s_pure[key]["a"]["W"], s_fast[key]["a"]["W"])
        assert np.array_equal(s_pure[key]["b"], s_fast[key]["b"])
    # the moments were updated in the arrays created by init; params and grads were not touched
    assert s_fast["mu"]["a"]["W"] is moments[0] and s_fast["nu"]["b"] is moments[1]
    assert np.array_equal(params["b"], snapshot[0]["b"]) and np.array_equal(params["a"]["W"], snapshot[0]["a"]["W"])
    assert all(np.array_equal(g["b"], s["b"]) for g, s in zip(grads, snapshot[1]))


def test_adam_inplace_in_a_chain_matches_torch(rng):
    torch = pytest.importorskip("torch")
    params = _params(rng)
    grads = [tree_map(lambda x: rng.standard_normal(x.shape), params) for _ in range(5)]
    out, _ = _run(O.chain(O.clip(10.0), O.adam(1e-2, inplace=True)), params, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=1e-2), params, grads)
    np.testing.assert_allclose(out["a"]["W"], ref[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out["b"], ref[1], rtol=1e-12, atol=1e-14)


def test_adam_float32_tiny_eps_gives_no_nan():
    # eps * sqrt(1 - b2) rounds to 0 in float32; zero gradients must still give zero updates
    p = {"w": np.ones(3, np.float32)}
    opt = O.adam(1e-3, eps=1e-46)
    u, state = opt.update({"w": np.zeros(3, np.float32)}, opt.init(p), p)
    assert np.array_equal(u["w"], np.zeros(3, np.float32)) and u["w"].dtype == np.float32
    g = np.array([1.0, -2.0, 0.0])
    u, _ = opt.update({"w": g.astype(np.float32)}, state, p)
    assert np.all(np.isfinite(u["w"])) and u["w"][2] == 0.0
    # textbook step 2 (m_1 = v_1 = 0), float64, eps negligible: -lr m̂ / sqrt(v̂)
    m_hat = 0.1 * g / (1 - 0.9 ** 2)
    v_hat = 0.001 * g * g / (1 - 0.999 ** 2)
    np.testing.assert_allclose(u["w"][:2], -1e-3 * m_hat[:2] / np.sqrt(v_hat[:2]), rtol=1e-6)


def test_adam_float32_state_stays_float32_even_with_float64_grads(rng):
    p = {"w": rng.standard_normal(4).astype(np.float32)}
    opt = O.adam(1e-3)
    u, state = opt.update({"w": rng.standard_normal(4)}, opt.init(p), p)
    assert u["w"].dtype == state["mu"]["w"].dtype == state["nu"]["w"].dtype == np.float32


def test_adam_inplace_must_be_bool():
    with pytest.raises(TypeError, match="inplace must be a bool"):
        O.adam(1e-3, inplace=1)


def test_apply_updates_inplace_is_bitwise_the_pure_sum_and_reuses_the_arrays(rng):
    params = {"a": {"W": rng.standard_normal((3, 2)).astype(np.float32)}, "b": rng.standard_normal(4)}
    updates = {"a": {"W": rng.standard_normal((3, 2))}, "b": 1e-17 * rng.standard_normal(4)}   # float64 into float32
    expected = O.apply_updates(params, updates)
    w, b = params["a"]["W"], params["b"]
    out = O.apply_updates(params, updates, inplace=True)
    assert out["a"]["W"] is w and out["b"] is b and w.dtype == np.float32
    assert np.array_equal(w, expected["a"]["W"]) and np.array_equal(b, expected["b"])
    with pytest.raises(TypeError, match="numpy array parameters"):
        O.apply_updates({"x": 1.0}, {"x": 2.0}, inplace=True)
    with pytest.raises(TypeError, match="inplace must be a bool"):
        O.apply_updates(params, updates, inplace="yes")
