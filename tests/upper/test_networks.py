"""Explicit networks: each builder computes exactly the function of its construction, with the
widths of G (checked against independent direct evaluations)."""
import itertools

import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.upper.networks import (ExplicitNetwork, constant_network, grid_step_network,
                                         interpolation_terms, kuhn_network, level_crossings,
                                         line_network, step_network)
from approxbounds.upper.realise import RealisationError, relu_line_plan

X1 = np.linspace(0, 1, 2001)


def _thr(spec):
    return Architecture.parse(spec, activation="hard_threshold")


def _direct_line(x, c0, s0, terms):
    out = c0 + s0 * x
    for c, w, b in terms:
        out = out + c * np.maximum(w * x + b, 0)
    return out


@pytest.mark.parametrize("spec", ["1,9,1", "1,8,8,1", "1,5,1,7,1", "1,4,6,6,3,1"])
def test_line_network_is_the_sum(spec):
    G = Architecture.parse(spec)
    plan = relu_line_plan(G.widths[:-1])
    rng = np.random.default_rng(1)
    n = plan.n_free - (0 if plan.deep else 1)
    terms = [(rng.normal(), rng.normal() * 5, rng.normal()) for _ in range(n)]
    net = line_network(G, 0.3, -1.7, terms)
    assert [W.shape for W, _ in net.weights] == [(a, b) for a, b in zip(G.layer_sizes, G.layer_sizes[1:])]
    np.testing.assert_allclose(net(X1), _direct_line(X1, 0.3, -1.7, terms), atol=1e-9)
    with pytest.raises(RealisationError):
        line_network(G, 0.0, 1.0, terms + [(1.0, 1.0, 0.0)] * 2)


def test_interpolation_terms_reproduce_knots():
    y = np.array([0.1, -0.3, 0.5, 0.5, 0.0])
    c0, s0, terms = interpolation_terms(y)
    knots = np.arange(5) / 4
    np.testing.assert_allclose(_direct_line(knots, c0, s0, terms), y, atol=1e-14)
    # linear between knots
    mid = (knots[:-1] + knots[1:]) / 2
    np.testing.assert_allclose(_direct_line(mid, c0, s0, terms), (y[:-1] + y[1:]) / 2, atol=1e-14)


@pytest.mark.parametrize("spec", ["1,6,1", "1,9,6,1"])
def test_step_network_open_and_closed_jumps(spec):
    G = _thr(spec)
    jumps = [(0.5, 0.25, True), (-0.2, 0.5, False), (1.0, 0.75, True)]
    net = step_network(G, 0.1, jumps)
    x = np.array([0.0, 0.2499, 0.25, 0.4, 0.5, 0.5000001, 0.75, 1.0])
    want = 0.1 + 0.5 * (x >= 0.25) - 0.2 * (x > 0.5) + 1.0 * (x >= 0.75)
    np.testing.assert_allclose(net(x), want, atol=1e-14)


def test_level_crossings_closed_open_empty():
    f = lambda x: np.where(np.asarray(x) > 0.3, 0.6, 0.2)       # jumps right after 0.3
    out = level_crossings(f, [0.1, 0.5, 0.9])
    assert out[0] == (0.0, True) and out[2] is None
    t, closed = out[1]
    assert abs(t - 0.3) < 1e-15 and f(np.array([t]))[0] >= 0.5


def _kuhn_direct(vals, m, x):
    """Independent Kuhn interpolation: cell, sorted fractional parts, barycentric weights."""
    d = x.shape[1]
    out = np.empty(len(x))
    for r, pt in enumerate(x):
        y = pt * m
        z = np.minimum(np.floor(y), m - 1).astype(int)
        t = y - z
        order = np.argsort(-t, kind="stable")
        ts = np.concatenate([[1.0], t[order], [0.0]])
        v = z.copy()
        acc = (ts[0] - ts[1]) * vals[tuple(v)]
        for j in range(d):
            v[order[j]] += 1
            acc += (ts[j + 1] - ts[j + 2]) * vals[tuple(v)]
        out[r] = acc
    return out


@pytest.mark.parametrize("d, spec, m, offset", [
    (2, "2,12,24,9,1", 2, 0),
    (2, "2,2,12,24,9,3,1", 2, 1),       # x passed through one layer, sum carried after the block
    (3, "3,18,30,108,27,1", 2, 0),    # exactly the widths of kt_widths(3, 2)
])
def test_kuhn_network_is_the_interpolant(d, spec, m, offset):
    G = Architecture.parse(spec)
    rng = np.random.default_rng(3)
    vals = rng.uniform(-1, 1, size=(m + 1,) * d)
    net = kuhn_network(G, m, offset, vals)
    x = rng.uniform(size=(3000, d))
    x[:10] = np.array(list(itertools.product([0, 1], repeat=d)))[:10] if 2 ** d >= 10 else x[:10]
    np.testing.assert_allclose(net(x), _kuhn_direct(vals, m, x), atol=1e-12)
    nodes = np.array(list(itertools.product(range(m + 1), repeat=d)))
    np.testing.assert_allclose(net(nodes / m), vals[tuple(nodes.T)], atol=1e-12)


def test_kuhn_network_needs_width():
    with pytest.raises(RealisationError):
        kuhn_network(Architecture.parse("2,12,23,9,1"), 2, 0, np.zeros((3, 3)))


@pytest.mark.parametrize("spec, m", [("2,8,24,1", 5), ("2,8,24,24,1", 5), ("3,6,26,1", 3)])
def test_grid_step_network_is_the_step_function(spec, m):
    G = _thr(spec)
    d = G.d_in
    rng = np.random.default_rng(5)
    vals = rng.normal(size=(m,) * d)
    net = grid_step_network(G, m, vals)
    x = rng.uniform(size=(4000, d))
    x[0] = 1.0
    x[1] = 0.0
    x[2] = 2 / m                                   # on a cell face: the upper cell
    cells = np.minimum(np.floor(x * m + 1e-12), m - 1).astype(int)
    np.testing.assert_allclose(net(x), vals[tuple(cells.T)], atol=1e-12)


def test_constant_network_and_switched_off_units():
    for G in (Architecture.parse("2,5,3,1"), _thr("1,4,1"), Architecture.parse("1,4,1", bits=2)):
        net = constant_network(G, 0.37)
        x = np.random.default_rng(0).uniform(size=(50, G.d_in))
        np.testing.assert_allclose(net(x if G.d_in > 1 else x[:, 0]), 0.37)
    # docs §1.5: arbitrary (grid) weights, bias below -sum|w|, switch every unit off
    G = Architecture.parse("2,3,2,1")
    rng = np.random.default_rng(2)
    W1 = rng.choice([-0.75, 0.5], size=(2, 3))
    W2 = rng.choice([-0.75, 0.5], size=(3, 2))
    W3 = rng.choice([-0.75, 0.5], size=(2, 1))
    net = ExplicitNetwork(G, [(W1, -np.abs(W1).sum(0) - 1e-3), (W2, np.full(2, -1.0)), (W3, np.array([0.2]))])
    np.testing.assert_allclose(net(rng.uniform(size=(100, 2))), 0.2)


def test_explicit_network_checks_shapes():
    G = Architecture.parse("1,3,1")
    with pytest.raises(ValueError, match="layer 1"):
        ExplicitNetwork(G, [(np.zeros((1, 4)), np.zeros(4)), (np.zeros((4, 1)), np.zeros(1))])
    with pytest.raises(ValueError, match="non-finite"):
        ExplicitNetwork(G, [(np.full((1, 3), np.nan), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))])
