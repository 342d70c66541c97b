r"""Explicit networks of the upper-bound constructions, with real weight matrices.

Every builder returns an :class:`ExplicitNetwork` whose hidden widths are exactly those of
the network class ``G`` (units a construction does not use get zero weights and a negative
bias, so they output 0), evaluated by the package's numpy backend
(:class:`approxbounds.nn.mlp.MLP`). The layer-by-layer layouts are the ones counted in
:mod:`approxbounds.upper.realise` and proved in docs/upper_bounds.md §1:

* :func:`line_network` -- one input, ReLU: ``c0 + s0 x + sum_j c_j relu(w_j x + b_j)``
  (a deep net carries ``x`` and a shifted partial sum ``A`` through the layers);
* :func:`step_network` -- one input, hard threshold ``H(z) = 1[z >= 0]``: a step function
  ``c0 + sum_j c_j 1[x >= t_j]`` (or ``1[x > t_j]``); bits pass later layers as ``H(u - 1/2)``;
* :func:`kuhn_network` -- ``d >= 2``, ReLU: the interpolant on the Kuhn triangulation as a
  sum of hat functions :math:`\mathrm{relu}(1 - \max_i(0, y_i) - \max_i(0, -y_i))`;
* :func:`grid_step_network` -- ``d >= 2``, hard threshold: thermometer codes, then orthant
  indicators;
* :func:`constant_network` -- every unit switched off, output bias ``c``.

:func:`build_network` turns a certificate's route and a function ``f`` into its network.
"""
from __future__ import annotations

import itertools

import numpy as np

from .realise import (BUILD_MAX_PARAMS, RealisationError, hidden_widths, kt_depth,
                      relu_line_plan, threshold_line_jumps)

__all__ = ["ExplicitNetwork", "line_network", "step_network", "kuhn_network",
           "grid_step_network", "constant_network", "build_network", "interpolation_terms",
           "cpl_terms", "level_interpolation_knots", "level_crossings", "cell_values", "DEFAULT_RAMP"]

#: default ramp width of the ReLU range staircase (times 1/K)
DEFAULT_RAMP = 1e-7


class ExplicitNetwork:
    """A member of a network class given by its weights.

    Parameters
    ----------
    G : Architecture
        The network class; the weights must have its exact shapes.
    weights : list of (W, b)
        ``W`` of shape ``(n_in, n_out)`` and ``b`` of shape ``(n_out,)`` per layer (the
        backend's convention ``y = x W + b``).

    Calling the object evaluates the network on ``x`` of shape ``(n, d)`` (or ``(n,)`` when
    ``d = 1``) and returns shape ``(n,)``.
    """

    def __init__(self, G, weights):
        sizes = G.layer_sizes
        if len(weights) != len(sizes) - 1:
            raise ValueError(f"expected {len(sizes) - 1} layers of weights, got {len(weights)}")
        for i, (W, b) in enumerate(weights):
            if W.shape != (sizes[i], sizes[i + 1]) or b.shape != (sizes[i + 1],):
                raise ValueError(f"layer {i + 1}: weights {W.shape}/{b.shape}, G needs "
                                 f"{(sizes[i], sizes[i + 1])}/{(sizes[i + 1],)}")
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"layer {i + 1}: non-finite weights")
        self.arch = G
        self.weights = [(np.asarray(W, float), np.asarray(b, float)) for W, b in weights]
        self._model = None

    @property
    def activation(self) -> str:
        return self.arch.activation.name

    def model(self):
        """``(MLP, params)`` of the numpy backend."""
        if self._model is None:
            from approxbounds.nn.mlp import MLP

            G = self.arch
            mlp = MLP(G.d_in, list(G.widths[:-1]), G.widths[-1], activation=self.activation)
            params = {}
            for i, (W, b) in enumerate(self.weights):
                params[f"{2 * i:03d}"] = {"W": W, "b": b}
                if i < len(self.weights) - 1:
                    params[f"{2 * i + 1:03d}"] = {}
            self._model = (mlp, params)
        return self._model

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        if x.ndim == 1 and self.arch.d_in == 1:
            x = x[:, None]
        mlp, params = self.model()
        return np.asarray(mlp(params, x), dtype=float).reshape(-1)

    def __repr__(self) -> str:
        return f"ExplicitNetwork({self.arch.spec()}, activation={self.activation!r})"


def _check_size(G):
    if G.W > BUILD_MAX_PARAMS:
        raise ValueError(f"G has {G.W} parameters; explicit networks are built up to "
                         f"{BUILD_MAX_PARAMS} (the certificate does not need them)")


def _blank(G, off_bias: float = -1.0):
    """Zero weights, every hidden unit off (bias ``off_bias < 0``)."""
    sizes = G.layer_sizes
    out = []
    for i in range(len(sizes) - 1):
        W = np.zeros((sizes[i], sizes[i + 1]))
        b = np.full(sizes[i + 1], off_bias if i < len(sizes) - 2 else 0.0)
        out.append([W, b])
    return out


def _finish(G, layers):
    return ExplicitNetwork(G, [(W, b) for W, b in layers])


# ----------------------------------------------------------------------------- constant
def constant_network(G, c: float) -> ExplicitNetwork:
    """Every hidden unit off (zero weights, bias -1: relu(-1) = H(-1) = 0), output ``c``."""
    _check_size(G)
    layers = _blank(G)
    layers[-1][1][0] = float(c)
    return _finish(G, layers)


# ----------------------------------------------------------------------------- d = 1, ReLU
def line_network(G, c0: float, s0: float, terms) -> ExplicitNetwork:
    r"""``c0 + s0 x + sum_j c_j relu(w_j x + b_j)`` on :math:`[0,1]` in a ReLU class ``G`` (d = 1).

    Parameters
    ----------
    terms : list of (c, w, b)
        Line units. A ``1,k,1`` net needs ``len(terms) + (s0 != 0) <= k``; a deeper net puts
        ``s0`` on the carried :math:`\mathrm{relu}(x)` and needs ``len(terms) <=`` the free
        units of :func:`~approxbounds.upper.realise.relu_line_plan`.
    """
    _check_size(G)
    if G.d_in != 1 or G.activation.name != "relu":
        raise RealisationError("line_network needs a ReLU class with one input")
    plan = relu_line_plan(hidden_widths(G))
    terms = [(float(c), float(w), float(b)) for c, w, b in terms]
    if not plan.deep and s0 != 0:
        terms = [(float(s0), 1.0, 0.0)] + terms
        s0 = 0.0
    if len(terms) > plan.n_free:
        raise RealisationError(f"{len(terms)} line units do not fit the {plan.n_free} free units of G")
    layers = _blank(G)
    H = len(plan.free)
    # assign terms to layers in order
    per_layer, pos = [], 0
    for f in plan.free:
        per_layer.append(terms[pos:pos + f])
        pos += f
    if not plan.deep:
        W1, b1 = layers[0]
        W2, b2 = layers[1]
        for j, (c, w, b) in enumerate(per_layer[0]):
            W1[0, j], b1[j] = w, b
            W2[j, 0] = c
        b2[0] = c0
        return _finish(G, layers)
    # shift keeping the partial sums positive on [0,1]: |relu(w x + b)| <= |w| + |b|
    C = 1.0 + abs(c0) + abs(s0) + sum(abs(c) * (abs(w) + abs(b)) for c, w, b in terms)
    # layout per layer: index of A, index of X, first free index
    layout = []
    for ell in range(H):
        idx = 0
        a_idx = x_idx = None
        if plan.carry_a[ell]:
            a_idx, idx = idx, idx + 1
        if plan.carry_x[ell]:
            x_idx, idx = idx, idx + 1
        layout.append((a_idx, x_idx, idx))
    # layer 1: X = relu(x), free units relu(w x + b)
    W, b = layers[0]
    _, x_idx, start = layout[0]
    W[0, x_idx], b[x_idx] = 1.0, 0.0
    for j, (c, w, bb) in enumerate(per_layer[0]):
        W[0, start + j], b[start + j] = w, bb
    for ell in range(1, H):
        W, b = layers[ell]
        a_prev, x_prev, s_prev = layout[ell - 1]
        a_idx, x_idx, start = layout[ell]
        # A = relu(previous A (or the shift C + c0 + s0 X) + terms of the previous layer)
        if a_prev is None:
            W[x_prev, a_idx] = s0
            b[a_idx] = C + c0
        else:
            W[a_prev, a_idx] = 1.0
            b[a_idx] = 0.0
        for j, (c, _, _) in enumerate(per_layer[ell - 1]):
            W[s_prev + j, a_idx] = c
        if x_idx is not None:
            W[x_prev, x_idx], b[x_idx] = 1.0, 0.0
        for j, (c, w, bb) in enumerate(per_layer[ell]):
            W[x_prev, start + j], b[start + j] = w, bb
    Wo, bo = layers[H]
    a_last, _, s_last = layout[H - 1]
    Wo[a_last, 0] = 1.0
    for j, (c, _, _) in enumerate(per_layer[H - 1]):
        Wo[s_last + j, 0] = c
    bo[0] = -C
    return _finish(G, layers)


def interpolation_terms(values):
    """``(c0, s0, terms)`` of the piecewise-linear interpolant of ``values`` at ``i/n``,
    ``i = 0..n``: ``y_0 + s_0 x + sum_i (s_i - s_{i-1}) relu(x - i/n)``."""
    y = np.asarray(values, dtype=float)
    n = y.size - 1
    if n < 1:
        raise ValueError("need at least two knot values")
    s = np.diff(y) * n
    terms = [(float(s[i] - s[i - 1]), 1.0, -i / n) for i in range(1, n)]
    return float(y[0]), float(s[0]), terms


def cpl_terms(xs, zs):
    """``(c0, s0, terms)`` of the continuous piecewise-linear function through the points
    ``(xs[i], zs[i])`` (``xs`` strictly increasing, ``xs[0] <= 0``, ``xs[-1] >= 1``) on [0,1]:
    ``c0 + s0 x + sum (slope change) relu(x - knot)`` over the knots inside (0, 1)."""
    xs = np.asarray(xs, dtype=float)
    zs = np.asarray(zs, dtype=float)
    if xs.ndim != 1 or xs.size < 2 or np.any(np.diff(xs) <= 0) or xs[0] > 0 or xs[-1] < 1:
        raise ValueError("xs must increase strictly from <= 0 to >= 1")
    slopes = np.diff(zs) / np.diff(xs)
    i0 = int(np.searchsorted(xs, 0.0, side="right")) - 1
    i0 = min(i0, slopes.size - 1)
    c0 = float(np.interp(0.0, xs, zs))
    terms = [(float(slopes[i] - slopes[i - 1]), 1.0, -float(xs[i]))
             for i in range(1, xs.size - 1) if 0.0 < xs[i] < 1.0]
    return c0, float(slopes[i0]), terms


def level_interpolation_knots(f, K: int, eta: float | None = None, tol: float = 1e-12):
    r"""Knots ``(xs, zs)`` of Construction RI (docs §3.4): the points ``(t_j, j/(K+1))``,
    ``t_j = inf{x: f(x) >= j/(K+1)}`` (``t_0 = 0``, ``t_{K+1} = 1``, an empty up-set gives 1),
    with the points of a block of equal ``t`` spread by ``eta`` around the level nearest to
    ``f(t)`` (so that the network takes that level at ``t``)."""
    levels = [j / (K + 1) for j in range(K + 2)]
    cross = level_crossings(f, levels[1:-1])
    t = [0.0] + [1.0 if c is None else c[0] for c in cross] + [1.0]
    blocks, start = [], 0
    for i in range(1, K + 2):
        if t[i] - t[start] > tol:
            blocks.append((start, i - 1))
            start = i
    blocks.append((start, K + 1))
    gaps = [t[b2[0]] - t[b1[1]] for b1, b2 in zip(blocks, blocks[1:])]
    if eta is None:
        eta = min([1e-9] + [g / (4 * (K + 2)) for g in gaps])
    xs, zs = [], []
    for a, b in blocks:
        tau = t[a]
        ft = float(np.asarray(f(np.array([tau]))).ravel()[0])
        c = min(range(a, b + 1), key=lambda i: abs(levels[i] - ft))
        for i in range(a, b + 1):
            xs.append(tau + (i - c) * eta)
            zs.append(levels[i])
    if xs[0] > 0.0:           # t_0 = 0 always starts the first block; keep the ends outside (0, 1)
        xs[0] = 0.0
    return np.asarray(xs), np.asarray(zs)


# ----------------------------------------------------------------------------- d = 1, threshold
def step_network(G, c0: float, jumps) -> ExplicitNetwork:
    """``c0 + sum_j c_j 1[x >= t_j]`` (``closed``) or ``c_j 1[x > t_j]`` (open) on [0,1].

    Parameters
    ----------
    jumps : list of (c, t, closed)
        ``1[x > t] = 1 - H(t - x)`` uses one unit too.
    """
    _check_size(G)
    if G.d_in != 1 or G.activation.name != "hard_threshold":
        raise RealisationError("step_network needs a threshold class with one input")
    hidden = hidden_widths(G)
    if len(jumps) > threshold_line_jumps(hidden):
        raise RealisationError(f"{len(jumps)} jumps do not fit min widths {threshold_line_jumps(hidden)}")
    layers = _blank(G)
    W, b = layers[0]
    out = []
    c0 = float(c0)
    for j, (c, t, closed) in enumerate(jumps):
        if closed:
            W[0, j], b[j] = 1.0, -float(t)
            out.append(float(c))
        else:
            W[0, j], b[j] = -1.0, float(t)
            out.append(-float(c))
            c0 += float(c)
    for ell in range(1, len(hidden)):
        W, b = layers[ell]
        for j in range(len(jumps)):
            W[j, j], b[j] = 1.0, -0.5
    Wo, bo = layers[-1]
    for j, c in enumerate(out):
        Wo[j, 0] = c
    bo[0] = c0
    return _finish(G, layers)


def level_crossings(f, levels, iters: int = 80):
    """``[(t, closed) or None]``: the up-set ``{x in [0,1]: f(x) >= y}`` of a non-decreasing
    ``f`` is ``[t, 1]`` (closed) or ``(t, 1]`` (open), or empty (``None``); found by bisection."""
    f0, f1 = float(np.asarray(f(np.array([0.0]))).ravel()[0]), float(np.asarray(f(np.array([1.0]))).ravel()[0])
    out = []
    for y in levels:
        if f0 >= y:
            out.append((0.0, True))
            continue
        if f1 < y:
            out.append(None)
            continue
        lo, hi = 0.0, 1.0
        for _ in range(iters):
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            if float(np.asarray(f(np.array([mid]))).ravel()[0]) >= y:
                hi = mid
            else:
                lo = mid
        out.append((hi, True))
    return out


# ----------------------------------------------------------------------------- d >= 2
class _Layer:
    """Units of one hidden layer as sparse affine maps of the previous layer's outputs."""

    def __init__(self):
        self.rows, self.bias = [], []

    def unit(self, coeffs: dict, bias: float = 0.0) -> int:
        self.rows.append(coeffs)
        self.bias.append(float(bias))
        return len(self.rows) - 1

    def dense(self, n_in: int, width: int):
        if len(self.rows) > width:
            raise RealisationError(f"layer needs {len(self.rows)} units, G has {width}")
        W = np.zeros((n_in, width))
        b = np.full(width, -1.0)
        for j, (row, bias) in enumerate(zip(self.rows, self.bias)):
            for i, c in row.items():
                W[i, j] += c
            b[j] = bias
        return W, b


def _add(*exprs):
    out = {}
    for e in exprs:
        for k, v in e.items():
            out[k] = out.get(k, 0.0) + v
    return out


def _tail(G, layers_built, start_layer, out_expr, out_bias):
    """Place the output sum: directly in the output layer, or via relu(sum + 1) passed
    through the remaining hidden layers (docs §1.3)."""
    hidden = hidden_widths(G)
    sizes = G.layer_sizes
    H = len(hidden)
    weights = list(layers_built)
    prev_expr, prev_bias = out_expr, out_bias
    shift = 0.0
    for ell in range(start_layer, H):
        W = np.zeros((sizes[ell], sizes[ell + 1]))
        b = np.full(sizes[ell + 1], -1.0)
        for i, c in prev_expr.items():
            W[i, 0] += c
        b[0] = prev_bias + (1.0 if shift == 0.0 else 0.0)
        shift = 1.0
        weights.append((W, b))
        prev_expr, prev_bias = {0: 1.0}, 0.0
    Wo = np.zeros((sizes[H], 1))
    for i, c in prev_expr.items():
        Wo[i, 0] += c
    weights.append((Wo, np.array([prev_bias - shift])))
    return ExplicitNetwork(G, weights)


def _pass_x(G, offset):
    sizes = G.layer_sizes
    d = G.d_in
    out = []
    for ell in range(offset):
        W = np.zeros((sizes[ell], sizes[ell + 1]))
        b = np.full(sizes[ell + 1], -1.0)
        for i in range(d):
            W[i, i], b[i] = 1.0, 0.0
        out.append((W, b))
    return out


def kuhn_network(G, m: int, offset: int, node_values) -> ExplicitNetwork:
    r"""The piecewise-linear interpolant of ``node_values`` (array of shape ``(m+1,)*d``) on
    the Kuhn triangulation of the grid of side ``1/m``, as a ReLU network in ``G`` whose
    construction block starts after ``offset`` pass-through layers (docs §1.3).

    Hat of node ``v``: :math:`\phi_v(x) = \mathrm{relu}(1 - \max(0, y_1..y_d) - \max(0, -y_1..-y_d))`,
    :math:`y = m x - v`.
    """
    _check_size(G)
    d = G.d_in
    vals = np.asarray(node_values, dtype=float)
    if vals.shape != (m + 1,) * d:
        raise ValueError(f"node_values must have shape {(m + 1,) * d}, got {vals.shape}")
    hidden = hidden_widths(G)
    sizes = G.layer_sizes
    if offset + kt_depth(d) > len(hidden):
        raise RealisationError("the Kuhn block does not fit the depth of G")
    built = _pass_x(G, offset)
    # layer 1 of the block: a_{i,j} = relu(m x_i - j), b_{i,j} = relu(j - m x_i)
    L1 = _Layer()
    A = {(s, i, j): L1.unit({i: (m if s == 0 else -m)}, (-j if s == 0 else j))
         for s in (0, 1) for i in range(d) for j in range(m + 1)}
    built.append(L1.dense(sizes[offset], sizes[offset + 1]))
    nodes = list(itertools.product(range(m + 1), repeat=d))
    # current values per node and side: list of sparse expressions over the previous layer
    cur = {(v, s): [{A[(s, i, v[i])]: 1.0} for i in range(d)] for v in nodes for s in (0, 1)}
    layer_no = offset + 1
    T = (d - 1).bit_length()
    for level in range(1, T + 1):
        Lk = _Layer()
        cache = {}
        new = {}
        for (v, s), vals_expr in cur.items():
            out = []
            for k in range(0, len(vals_expr) - 1, 2):
                p, q = vals_expr[k], vals_expr[k + 1]
                key_pq = ("d", s, level, tuple(sorted(p.items())), tuple(sorted(q.items())))
                key_q = ("q", s, level, tuple(sorted(q.items())))
                if key_pq not in cache:
                    cache[key_pq] = Lk.unit(_add(p, {i: -c for i, c in q.items()}))
                if key_q not in cache:
                    cache[key_q] = Lk.unit(dict(q))
                out.append({cache[key_pq]: 1.0, cache[key_q]: 1.0})
            if len(vals_expr) % 2:
                p = vals_expr[-1]
                key_p = ("q", s, level, tuple(sorted(p.items())))
                if key_p not in cache:
                    cache[key_p] = Lk.unit(dict(p))
                out.append({cache[key_p]: 1.0})
            new[(v, s)] = out
        built.append(Lk.dense(sizes[layer_no], sizes[layer_no + 1]))
        layer_no += 1
        cur = new
    Lh = _Layer()
    hats = {}
    for v in nodes:
        M, N = cur[(v, 0)][0], cur[(v, 1)][0]
        hats[v] = Lh.unit({i: -c for i, c in _add(M, N).items()}, 1.0)
    built.append(Lh.dense(sizes[layer_no], sizes[layer_no + 1]))
    layer_no += 1
    out_expr = {}
    for v in nodes:
        if vals[v] != 0.0:
            out_expr[hats[v]] = out_expr.get(hats[v], 0.0) + float(vals[v])
    return _tail(G, built, layer_no, out_expr, 0.0)


def grid_step_network(G, m: int, cell_vals) -> ExplicitNetwork:
    """The step function equal to ``cell_vals[c]`` on cell ``c`` of the grid of side ``1/m``
    (cells ``[c_i/m, (c_i+1)/m)``, the last one closed), as a threshold network (docs §1.4)."""
    _check_size(G)
    d = G.d_in
    vals = np.asarray(cell_vals, dtype=float)
    if vals.shape != (m,) * d:
        raise ValueError(f"cell_vals must have shape {(m,) * d}, got {vals.shape}")
    if d == 1:
        jumps = [(float(vals[j] - vals[j - 1]), j / m, True) for j in range(1, m)]
        return step_network(G, float(vals[0]), jumps)
    hidden = hidden_widths(G)
    sizes = G.layer_sizes
    if len(hidden) < 2:
        raise RealisationError("grid steps in d >= 2 need two hidden layers")
    L1 = _Layer()
    u = {(i, j): L1.unit({i: 1.0}, -j / m) for i in range(d) for j in range(1, m)}
    built = [L1.dense(sizes[0], sizes[1])]
    L2 = _Layer()
    w = {}
    # Möbius inversion: vals[c] = sum_{v <= c} w_v
    for v in itertools.product(range(m), repeat=d):
        supp = [i for i in range(d) if v[i] >= 1]
        total = 0.0
        for r in range(len(supp) + 1):
            for S in itertools.combinations(supp, r):
                c = list(v)
                for i in S:
                    c[i] -= 1
                total += (-1) ** r * vals[tuple(c)]
        w[v] = total
    orth = {}
    for v in itertools.product(range(m), repeat=d):
        if all(x == 0 for x in v):
            continue
        supp = [i for i in range(d) if v[i] >= 1]
        orth[v] = L2.unit({u[(i, v[i])]: 1.0 for i in supp}, -float(len(supp)))
    built.append(L2.dense(sizes[1], sizes[2]))
    n_bits = len(orth)
    for ell in range(2, len(hidden)):
        W = np.zeros((sizes[ell], sizes[ell + 1]))
        b = np.full(sizes[ell + 1], -1.0)
        for j in range(n_bits):
            W[j, j], b[j] = 1.0, -0.5
        built.append((W, b))
    Wo = np.zeros((sizes[len(hidden)], 1))
    for v, j in orth.items():
        Wo[j, 0] = w[v]
    built.append((Wo, np.array([w[(0,) * d]])))
    return ExplicitNetwork(G, built)


# ----------------------------------------------------------------------------- from a route
def _eval(f, pts, d):
    pts = np.asarray(pts, dtype=float)
    return np.asarray(f(pts[:, 0] if d == 1 else pts), dtype=float).reshape(-1)


def cell_values(f, d: int, m: int, variant: str, target: str, samples: int = 17):
    """Value of the step function on each of the ``m^d`` cells: ``f`` at the centre
    (``"centre"``), the midrange of ``f`` over a ``samples^d`` sub-grid of the closed cell
    (Hölder ``"midrange"``), or ``(f(bottom) + f(top))/2`` (monotone)."""
    cells = np.array(list(itertools.product(range(m), repeat=d)), dtype=float)
    if target == "monotone":
        lo = _eval(f, cells / m, d)
        hi = _eval(f, (cells + 1) / m, d)
        return ((lo + hi) / 2).reshape((m,) * d)
    if variant == "centre":
        return _eval(f, (cells + 0.5) / m, d).reshape((m,) * d)
    sub = np.array(list(itertools.product(np.linspace(0.0, 1.0, samples), repeat=d)))
    out = np.empty(len(cells))
    for k, c in enumerate(cells):
        v = _eval(f, (c + sub) / m, d)
        out[k] = 0.5 * (v.max() + v.min())
    return out.reshape((m,) * d)


def build_network(theorem: str, route: dict, F, G, f, *, ramp: float | None = None,
                  samples: int = 17) -> ExplicitNetwork:
    """The explicit network of construction ``theorem`` along ``route`` for the member ``f``.

    Parameters
    ----------
    f : callable
        ``x -> f(x)`` vectorised (``x`` of shape ``(n,)`` for ``d = 1``, ``(n, d)`` else).
    ramp : float, optional
        Ramp width of the ReLU range staircase (default ``DEFAULT_RAMP / K``), or the spread
        of coinciding level crossings of Construction RI; the bounds hold in the limit
        ``ramp -> 0`` (docs §3.2, §3.4).
    samples : int
        Points per axis of the closed cell on which the midrange of a Hölder ``f`` is taken
        (the construction uses the exact midrange; a numeric check that measures the error on
        points of this sub-grid sees the exact bound).
    """
    d = F.d
    target = "monotone" if getattr(F, "alpha", None) is None else "holder"
    if theorem == "U0":
        if target == "monotone":
            return constant_network(G, 0.5)
        vals = cell_values(f, d, 1, route["variant"], target, samples)
        return constant_network(G, float(vals.ravel()[0]))
    if theorem == "PL":
        n = int(route["pieces"])
        knots = np.arange(n + 1) / n
        c0, s0, terms = interpolation_terms(_eval(f, knots[:, None], 1))
        return line_network(G, c0, s0, terms)
    if theorem == "RQ":
        K = int(route["levels"])
        levels = [j / (K + 1) for j in range(1, K + 1)]
        c0 = 1.0 / (2 * (K + 1))
        step = 1.0 / (K + 1)
        cross = level_crossings(lambda x: _eval(f, np.asarray(x)[:, None], 1), levels)
        if G.activation.name == "hard_threshold":
            jumps = []
            for cr in cross:
                if cr is None:
                    continue
                t, closed = cr
                if t <= 0.0 and closed:
                    c0 += step
                else:
                    jumps.append((step, t, closed))
            return step_network(G, c0, jumps)
        eta = (DEFAULT_RAMP / K) if ramp is None else float(ramp)
        terms = []
        for cr in cross:
            if cr is None:
                continue
            t, closed = cr
            if t <= 0.0 and closed:
                c0 += step
                continue
            a = t - eta if closed else t
            terms += [(step, 1.0 / eta, -a / eta), (-step, 1.0 / eta, -(a + eta) / eta)]
        return line_network(G, c0, 0.0, terms)
    if theorem == "RI":
        K = int(route["levels"])
        xs, zs = level_interpolation_knots(lambda x: _eval(f, np.asarray(x)[:, None], 1), K, ramp)
        c0, s0, terms = cpl_terms(xs, zs)
        return line_network(G, c0, s0, terms)
    if theorem == "ST":
        m = int(route["cells"])
        return grid_step_network(G, m, cell_values(f, d, m, route["variant"], target, samples))
    if theorem == "KT":
        m = int(route["cells"])
        grid = np.array(list(itertools.product(range(m + 1), repeat=d)), dtype=float) / m
        vals = _eval(f, grid, d).reshape((m + 1,) * d)
        return kuhn_network(G, m, int(route["offset"]), vals)
    raise ValueError(f"unknown construction {theorem!r}")
