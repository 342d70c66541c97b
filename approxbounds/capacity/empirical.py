r"""Empirical sanity checks of the capacity bounds on tiny networks.

Two experiments, both *lower* estimates of a quantity the core bounds from *above*:

* :func:`count_sign_patterns` -- for a tiny full-precision network class G (1-3 hidden
  units, 1-D or 2-D input, up to ~20 points) search the parameter space (dense random search
  plus a structured search that puts hidden breakpoints at / between the points and sweeps
  the output bias through every gap of the output values) and collect the distinct label
  vectors :math:`(1[g(x_i) > t_i])_{i \le N}`. Every pattern found is realised by an explicit
  parameter vector, so the count is a certified lower bound on the growth function
  :math:`\Pi(N)` at these points; it must never exceed :math:`2^N`, the BHLM 2019 Thm 7
  product bound, nor the Sauer-Shelah bound :math:`\sum_{i \le V}\binom{N}{i}` with the VC
  (resp. pseudo-) dimension bound V.
* :func:`enumerate_quantized_class` -- for a tiny fully quantized network enumerate *every*
  parameter vector on a grid of levels and count the distinct functions on a point set and
  the distinct thresholded patterns; compare with the counting bound :math:`2^b`
  (docs/capacity.md §5, "Finite and quantized classes" [P]).

The sign convention is :math:`\mathrm{sgn}(z) = 1[z > 0]` as in BHLM 2019. The ``check_*``
functions return :class:`CheckResult` objects (claim, numbers, passed) for reports and for
``approxbounds check``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from approxbounds._validation import check_int

__all__ = [
    "CheckResult",
    "QuantizedEnumeration",
    "find_sign_patterns",
    "count_sign_patterns",
    "check_sign_patterns",
    "enumerate_quantized_class",
    "check_quantized_class",
    "sauer_sum",
    "default_checks",
]

MAX_POINTS = 62          # patterns are packed into int64 bit masks
MAX_HIDDEN_UNITS = 8     # "tiny": the search is only meaningful for a handful of units
MAX_ENUMERATION = 5_000_000
# generous per-operation relative rounding error (float64 eps is 2.2e-16)
_ROUND = 1e-13

_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "hard_threshold": lambda z: (z > 0).astype(z.dtype),
    "identity": lambda z: z,
}


# ----------------------------------------------------------------------------------------
# Result objects
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckResult:
    """Outcome of one numeric check: what is claimed, the numbers, and whether it held."""

    claim: str
    numbers: dict = field(default_factory=dict)
    passed: bool = False

    def __str__(self) -> str:
        nums = ", ".join(f"{k}={_fmt(v)}" for k, v in self.numbers.items())
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.claim} ({nums})"


@dataclass(frozen=True)
class QuantizedEnumeration:
    """Everything :func:`enumerate_quantized_class` counted.

    Attributes
    ----------
    n_parameter_vectors : int
        ``len(levels) ** n_params`` -- every vector was evaluated.
    n_functions : int
        Distinct value vectors ``(g(x_1), ..., g(x_N))`` (values rounded to ``decimals``).
    n_patterns : int
        Distinct label vectors ``(1[g(x_i) > t_i])_i``.
    n_points, n_params, n_levels : int
    """

    n_parameter_vectors: int
    n_functions: int
    n_patterns: int
    n_points: int
    n_params: int
    n_levels: int


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


# ----------------------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------------------

def _check_arch(arch, *, max_hidden_units=MAX_HIDDEN_UNITS):
    for attr in ("d_in", "widths", "activation", "W"):
        if not hasattr(arch, attr):
            raise TypeError(f"arch must be an Architecture (missing {attr!r})")
    name = arch.activation.name
    if name not in _ACTIVATIONS:
        raise ValueError(f"activation {name!r} is not supported by the empirical checks; "
                         f"valid: {', '.join(_ACTIVATIONS)}")
    if arch.widths[-1] != 1:
        raise ValueError(f"output width must be 1 for sign patterns, got {arch.widths[-1]}")
    hidden = sum(arch.widths[:-1])
    if hidden > max_hidden_units:
        raise ValueError(f"total hidden units must be <= {max_hidden_units} for the "
                         f"empirical checks, got {hidden}")
    return arch


def _check_points(points, d_in):
    x = np.asarray(points, dtype=float)
    if x.ndim == 1 and d_in == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != d_in:
        raise ValueError(f"points must have shape (N, {d_in}) (or (N,) for d_in = 1), "
                         f"got {np.shape(points)}")
    n = x.shape[0]
    if not 1 <= n <= MAX_POINTS:
        raise ValueError(f"number of points must lie in [1, {MAX_POINTS}], got {n}")
    if not np.all(np.isfinite(x)):
        raise ValueError("points must be finite")
    return x


def _check_thresholds(thresholds, n):
    if thresholds is None:
        return np.zeros(n)
    t = np.asarray(thresholds, dtype=float).reshape(-1)
    if t.shape != (n,):
        raise ValueError(f"thresholds must have one value per point (shape ({n},)), "
                         f"got {np.shape(thresholds)}")
    if not np.all(np.isfinite(t)):
        raise ValueError("thresholds must be finite")
    return t


def _rng(rng):
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise TypeError(f"rng must be None, an int seed or a numpy Generator, got {type(rng).__name__}")


# ----------------------------------------------------------------------------------------
# Vectorised forward pass
# ----------------------------------------------------------------------------------------

def _hidden_features(layers, x, name):
    """Features of the last hidden layer for a batch of parameter vectors, with a bound on
    their floating-point error and a per-sample validity flag.

    ``layers``: list of ``(weights (S, k_out, k_in), biases (S, k_out))`` for the hidden
    layers; ``x``: ``(N, d)``; ``name``: activation name. Returns ``(h, err, ok)`` with
    ``h`` of shape ``(S, N, k_last)`` (``x`` itself if there is no hidden layer), ``err``
    an upper bound on ``|h - h_exact|`` of the same shape, and ``ok`` (S,) false where a
    discontinuous activation (hard threshold) saw a pre-activation too close to 0 to know
    its side.
    """
    act = _ACTIVATIONS[name]
    n, d = x.shape
    if not layers:
        h = np.broadcast_to(x, (1, n, d))
        return h, np.zeros_like(h), np.ones(1, dtype=bool)
    s = layers[0][0].shape[0]
    h, err = np.broadcast_to(x, (s, n, d)), np.zeros((s, n, d))
    mag = np.abs(h)
    ok = np.ones(s, dtype=bool)
    for w, b in layers:
        z = np.einsum("snd,skd->snk", h, w) + b[:, None, :]
        aw = np.abs(w)
        zmag = np.einsum("snd,skd->snk", mag, aw) + np.abs(b)[:, None, :]
        # propagated error + rounding of a length-(k_in + 1) dot product
        zerr = np.einsum("snd,skd->snk", err, aw) + _ROUND * (w.shape[2] + 2) * zmag
        if name == "hard_threshold":
            ok &= np.all(np.abs(z) > zerr, axis=(1, 2))
            h, err, mag = act(z), np.zeros_like(z), np.ones_like(z)
        else:  # relu / identity are 1-Lipschitz: errors pass through
            h, err, mag = act(z), zerr, zmag
    return h, err, ok


def _bias_sweep_patterns(z, zerr, thresholds, ok):
    """All patterns ``1[z_i + c > t_i]`` reachable by moving the output bias ``c``.

    ``z``: ``(S, N)`` output values without the output bias, ``zerr`` a bound on their
    floating-point error. For each row the candidate cuts ``-c`` are: below the minimum,
    the midpoint of every gap between consecutive sorted values of ``y = z - t``, and above
    the maximum (N + 1 cuts). A cut is kept only if every ``|y_i - cut|`` exceeds the error
    bound of ``y_i`` (so the exact network with output bias ``-cut`` has that pattern), and
    only for rows with ``ok``. Returns the int64 bit masks of the kept cuts.
    """
    s, n = z.shape
    y = z - thresholds[None, :]
    yerr = zerr + _ROUND * (np.abs(z) + np.abs(thresholds)[None, :])
    ys = np.sort(y, axis=1)
    cuts = np.empty((s, n + 1))
    cuts[:, 0] = ys[:, 0] - 1.0 - np.abs(ys[:, 0])
    cuts[:, -1] = ys[:, -1] + 1.0 + np.abs(ys[:, -1])
    if n > 1:
        cuts[:, 1:-1] = 0.5 * (ys[:, :-1] + ys[:, 1:])
    gap = np.abs(y[:, None, :] - cuts[:, :, None])        # (S, N+1, N)
    robust = np.all(gap > 2.0 * yerr[:, None, :] + _ROUND * np.abs(cuts)[:, :, None],
                    axis=2) & ok[:, None]
    labels = y[:, None, :] > cuts[:, :, None]
    weights = (1 << np.arange(n, dtype=np.int64))
    codes = labels.astype(np.int64) @ weights             # (S, N+1)
    return codes[robust]


def _sample_hidden_layers(arch, x, size, rng, structured):
    """Random (Gaussian, random scales) hidden layers; if ``structured`` the first layer's
    breakpoints are put at / between the data points (1-D) or its hyperplanes through a data
    point, perpendicular to the segment to another one, with a small jitter (d >= 2)."""
    sizes = (arch.d_in,) + tuple(arch.widths[:-1])
    layers = []
    for li in range(1, len(sizes)):
        k_in, k_out = sizes[li - 1], sizes[li]
        scale = np.exp(rng.normal(0.0, 1.0, size=(size, k_out, 1)))
        w = rng.normal(size=(size, k_out, k_in)) * scale
        b = rng.normal(size=(size, k_out)) * scale[:, :, 0]
        if structured and li == 1:
            n = x.shape[0]
            if k_in == 1:
                xs = np.sort(x[:, 0])
                spread = max(float(xs[-1] - xs[0]), 1.0)
                anchors = np.concatenate([xs, 0.5 * (xs[:-1] + xs[1:]),
                                          [xs[0] - 0.1 * spread, xs[-1] + 0.1 * spread]])
                beta = anchors[rng.integers(0, anchors.size, size=(size, k_out))]
                b = -w[:, :, 0] * beta
            else:
                a = rng.integers(0, n, size=(size, k_out))
                c = rng.integers(0, n, size=(size, k_out))
                direction = x[c] - x[a]
                degenerate = np.linalg.norm(direction, axis=-1) < 1e-12
                direction[degenerate] = rng.normal(size=(int(degenerate.sum()), k_in))
                direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
                mag = np.exp(rng.normal(0.0, 1.0, size=(size, k_out, 1)))
                w = direction * mag * rng.choice([-1.0, 1.0], size=(size, k_out, 1))
                jitter = rng.choice([-1e-3, 0.0, 1e-3], size=(size, k_out))
                b = -np.einsum("skd,skd->sk", w, x[a]) + jitter * mag[:, :, 0]
        layers.append((w, b))
    return layers


# ----------------------------------------------------------------------------------------
# Sign patterns of full-precision networks
# ----------------------------------------------------------------------------------------

def find_sign_patterns(arch, points, n_samples=20000, rng=None, *, thresholds=None,
                       structured=True, batch=4096) -> np.ndarray:
    r"""Distinct label vectors :math:`(1[g(x_i) > t_i])_i` found by searching G.

    Parameters
    ----------
    arch : Architecture
        A tiny network (output width 1, at most 8 hidden units; relu, hard_threshold or
        identity activation).
    points : array_like, shape (N,) or (N, d_in)
        The points, ``1 <= N <= 62``.
    n_samples : int
        Number of hidden-layer parameter draws (each yields ``N + 1`` output-bias cuts).
    rng : None, int or numpy.random.Generator
    thresholds : array_like, shape (N,), optional
        Per-point thresholds ``t_i`` (the thresholded class thr(G) on the points
        ``(x_i, t_i)``); default 0, i.e. the sign class sgn(G).
    structured : bool
        Half of the draws use the structured first layer (see module notes).
    batch : int
        Parameter vectors evaluated at once.

    Returns
    -------
    numpy.ndarray of int64
        Sorted distinct bit masks (bit i = label of point i).
    """
    _check_arch(arch)
    x = _check_points(points, arch.d_in)
    t = _check_thresholds(thresholds, x.shape[0])
    n_samples = check_int("n_samples", n_samples, minimum=1, maximum=10**8)
    batch = check_int("batch", batch, minimum=1, maximum=10**6)
    gen = _rng(rng)
    found = []
    done = 0
    while done < n_samples:
        size = min(batch, n_samples - done)
        if structured:
            half = size // 2
            plain = _sample_hidden_layers(arch, x, half, gen, False)
            struct = _sample_hidden_layers(arch, x, size - half, gen, True)
            layers = [(np.concatenate([w1, w2]), np.concatenate([b1, b2]))
                      for (w1, b1), (w2, b2) in zip(plain, struct)]
        else:
            layers = _sample_hidden_layers(arch, x, size, gen, False)
        h, herr, ok = _hidden_features(layers, x, arch.activation.name)   # (S or 1, N, k)
        k = h.shape[-1]
        v = gen.normal(size=(size, k)) * np.exp(gen.normal(0.0, 1.0, size=(size, 1)))
        # also try sparse output weights (a single active unit), common in extremal patterns
        mask = gen.random(size=(size, k)) < 0.2
        v = np.where(mask, 0.0, v)
        h = np.broadcast_to(h, (size,) + h.shape[1:])
        herr = np.broadcast_to(herr, h.shape)
        ok = np.broadcast_to(ok, (size,))
        if structured:
            # aimed output layer for the second half: least-squares fit of random +-1 targets
            # (shifted by the thresholds), so that patterns with many sign changes are hit
            half = size // 2
            a = np.concatenate([h[half:], np.ones(h[half:].shape[:2] + (1,))], axis=2)
            target = gen.choice([-1.0, 1.0], size=(size - half, x.shape[0])) + t[None, :]
            theta = np.einsum("skn,sn->sk", np.linalg.pinv(a), target)
            v = np.concatenate([v[:half], theta[:, :k]])
        z = np.einsum("snk,sk->sn", h, v)
        av = np.abs(v)
        zerr = (np.einsum("snk,sk->sn", herr, av)
                + _ROUND * (k + 2) * np.einsum("snk,sk->sn", np.abs(h), av))
        found.append(np.unique(_bias_sweep_patterns(z, zerr, t, ok)))
        done += size
    return np.unique(np.concatenate(found))


def count_sign_patterns(arch, points, n_samples=20000, rng=None, *, thresholds=None,
                        structured=True, batch=4096) -> int:
    """Number of distinct sign patterns found by :func:`find_sign_patterns` (a lower bound
    on the growth function of sgn G -- or thr G with ``thresholds`` -- at these points)."""
    return int(find_sign_patterns(arch, points, n_samples, rng, thresholds=thresholds,
                                  structured=structured, batch=batch).size)


def sauer_sum(n: int, v: int) -> int:
    r"""Exact :math:`\sum_{i=0}^{\min(v, n)} \binom{n}{i}` (Sauer-Shelah [P]); integer
    arguments only, computed by :func:`~approxbounds.capacity.sauer.sauer_sum_exact`."""
    from approxbounds.capacity.sauer import sauer_sum_exact

    return sauer_sum_exact(check_int("n", n, minimum=0), check_int("v", v, minimum=0))


def check_sign_patterns(arch, points, n_samples=20000, rng=None, *, thresholds=None,
                        structured=True) -> CheckResult:
    r"""Count sign patterns and compare with :math:`2^N`, the core's growth bound and
    Sauer-Shelah with the core's VC (sgn G) or pseudo-dimension (thr G) bound.

    ``passed`` is true when the count obeys every bound. The numbers are ``count``, ``N``,
    ``log2_count``, ``log2_growth_bound`` (core, best certified), ``dim_bound`` (VC or Pdim
    bound of the core), ``sauer`` (exact sum with ``floor(dim_bound)``).
    """
    from approxbounds.capacity import log2_growth_bound, pdim_bound, vcdim_bound

    _check_arch(arch)
    x = _check_points(points, arch.d_in)
    n = x.shape[0]
    thresholded = thresholds is not None
    count = count_sign_patterns(arch, x, n_samples, rng, thresholds=thresholds,
                                structured=structured)
    growth = log2_growth_bound(arch, n, thresholded=thresholded)
    dim = (pdim_bound if thresholded else vcdim_bound)(arch)
    sauer = sauer_sum(n, int(math.floor(dim.value)))
    log2_count = math.log2(max(count, 1))
    ok = count <= 2 ** n and count <= sauer and log2_count <= growth.value * (1 + 1e-12)
    cls = "thr G" if thresholded else "sgn G"
    return CheckResult(
        claim=(f"patterns of {cls} found on {n} points by search <= min(2^N, growth bound, "
               f"Sauer with {dim.quantity} bound) for {arch.spec()} {arch.activation.name}"),
        numbers={"count": count, "N": n, "log2_count": log2_count,
                 "log2_growth_bound": growth.value, "growth_method": growth.method,
                 "dim_bound": dim.value, "sauer": sauer},
        passed=bool(ok),
    )


# ----------------------------------------------------------------------------------------
# Quantized networks: enumerate the whole class
# ----------------------------------------------------------------------------------------

def _default_points(d_in):
    if d_in == 1:
        return np.linspace(-1.0, 1.0, 9)[:, None]
    if d_in == 2:
        g = np.array([-1.0, 0.0, 1.0])
        return np.array([(a, b) for a in g for b in g])
    raise ValueError(f"points must be given for d_in = {d_in} (defaults exist for 1 and 2)")


def enumerate_quantized_class(arch, levels, *, points=None, thresholds=None,
                              decimals=9, chunk=65536) -> QuantizedEnumeration:
    r"""Evaluate *every* network whose parameters all lie in ``levels``.

    Parameters
    ----------
    arch : Architecture
        A tiny finite network class (``arch.is_finite``): ``quantize="all"`` puts every
        parameter on the grid; ``quantize="weights"`` with ``n_float=0`` fixes the biases
        at 0 (the core's convention for ``log2_class_size``). Needs
        ``len(levels) ** arch.n_quantized <= 5e6``.
    levels : sequence of float
        The grid, distinct values, at most ``2 ** bits`` of them (e.g. ``(-1, 0, 1)`` for
        2 bits).
    points : array_like, optional
        Evaluation points; default a 9-point grid on [-1, 1] (d = 1) or the 3x3 grid
        {-1, 0, 1}^2 (d = 2).
    thresholds : array_like, optional
        Per-point thresholds of the thresholded patterns (default 0).
    decimals : int
        Function values are rounded to this many decimals before they are compared with
        each other and with the thresholds, so that floating-point noise cannot create
        spurious distinct functions or labels. With dyadic levels and points (e.g.
        {-1, 0, 1} and the default grids) every value is computed exactly anyway.

    Returns
    -------
    QuantizedEnumeration
    """
    _check_arch(arch)
    q = getattr(arch, "quantization", None)
    if q is None or not arch.is_finite:
        raise ValueError("arch must be a finite class (bits=..., and quantize='all' or "
                         "n_float=0) to enumerate it")
    lv = np.asarray(levels, dtype=float).reshape(-1)
    if lv.size < 1 or not np.all(np.isfinite(lv)):
        raise ValueError("levels must be a non-empty sequence of finite numbers")
    if np.unique(lv).size != lv.size:
        raise ValueError("levels must be distinct")
    if lv.size > 2 ** q.bits:
        raise ValueError(f"levels must have at most 2**bits = {2 ** q.bits} values, "
                         f"got {lv.size}")
    x = _check_points(_default_points(arch.d_in) if points is None else points, arch.d_in)
    t = _check_thresholds(thresholds, x.shape[0])
    decimals = check_int("decimals", decimals, minimum=0, maximum=15)
    chunk = check_int("chunk", chunk, minimum=1, maximum=10**7)
    # quantize="all": every parameter on the grid; quantize="weights" with n_float = 0:
    # the biases are fixed at 0 (the core's convention) and only the weights vary
    with_biases = q.tensors == "all"
    n_params = arch.n_quantized
    total = lv.size ** n_params
    if total > MAX_ENUMERATION:
        raise ValueError(f"len(levels)**n_quantized must be <= {MAX_ENUMERATION} to "
                         f"enumerate, got "
                         f"{lv.size}**{n_params} = {total}")
    act = _ACTIVATIONS[arch.activation.name]
    sizes = arch.layer_sizes
    n = x.shape[0]
    bitw = 1 << np.arange(n, dtype=np.int64)
    funcs, pats = set(), set()
    powers = lv.size ** np.arange(n_params, dtype=np.int64)
    for start in range(0, total, chunk):
        idx = np.arange(start, min(start + chunk, total), dtype=np.int64)
        theta = lv[(idx[:, None] // powers[None, :]) % lv.size]     # (S, W)
        s = theta.shape[0]
        h, off = x[None, :, :].repeat(s, axis=0), 0
        for li in range(1, len(sizes)):
            k_in, k_out = sizes[li - 1], sizes[li]
            w = theta[:, off:off + k_out * k_in].reshape(s, k_out, k_in)
            off += k_out * k_in
            if with_biases:
                b = theta[:, off:off + k_out]
                off += k_out
            else:
                b = np.zeros((s, k_out))
            z = np.einsum("snd,skd->snk", h, w) + b[:, None, :]
            h = z if li == len(sizes) - 1 else act(z)
        g = h[:, :, 0]                                                # (S, N)
        vals = np.round(g, decimals) + 0.0                            # -0.0 -> 0.0
        funcs.update(map(bytes, np.unique(vals, axis=0)))
        pats.update(np.unique((vals > t[None, :]).astype(np.int64) @ bitw).tolist())
    return QuantizedEnumeration(n_parameter_vectors=total, n_functions=len(funcs),
                                n_patterns=len(pats), n_points=n, n_params=n_params,
                                n_levels=int(lv.size))


def check_quantized_class(arch, levels, *, points=None, thresholds=None) -> CheckResult:
    r"""Enumerate the quantized class and compare with the counting bound :math:`2^b`
    (``log2_class_size``), with :math:`2^N`, and with the core's growth bound of the
    thresholded class at N points (a quantized class is a subclass of the full-precision
    one, and a finite class has at most :math:`2^b` patterns: docs/capacity.md §5 [P])."""
    from approxbounds.capacity import log2_class_size, log2_growth_bound

    e = enumerate_quantized_class(arch, levels, points=points, thresholds=thresholds)
    size = log2_class_size(arch)
    if size is None:  # pragma: no cover - enumerate_quantized_class requires a finite class
        raise ValueError("log2_class_size is None for a finite class")
    growth = log2_growth_bound(arch, e.n_points, thresholded=True)
    log2_levels_w = e.n_params * math.log2(e.n_levels)
    ok = (math.log2(e.n_functions) <= size.value + 1e-9
          and e.n_functions <= e.n_parameter_vectors
          and e.n_patterns <= min(e.n_functions, 2 ** e.n_points)
          and math.log2(e.n_patterns) <= growth.value * (1 + 1e-12))
    return CheckResult(
        claim=(f"enumerated class {arch.spec()} with {e.n_levels} levels: distinct functions "
               f"<= 2^b and patterns <= min(functions, 2^N, growth bound)"),
        numbers={"n_parameter_vectors": e.n_parameter_vectors,
                 "n_functions": e.n_functions, "n_patterns": e.n_patterns,
                 "N": e.n_points, "log2_levels_pow_W": log2_levels_w,
                 "log2_class_size": size.value, "log2_growth_bound": growth.value},
        passed=bool(ok),
    )


# ----------------------------------------------------------------------------------------
# A standard battery (for reports and ``approxbounds check``)
# ----------------------------------------------------------------------------------------

def default_checks(seed: int = 0, n_samples: int = 20000) -> list[CheckResult]:
    """The standard empirical checks: sign patterns of sgn G and thr G for 1-3 hidden ReLU
    units on 10 points in 1-D and 2-D (and a hard-threshold net on 30 points, where BHLM's
    product bound is the binding one), plus whole enumerations of three tiny quantized
    classes. Deterministic for a given ``seed``; about a second on one core."""
    from approxbounds.capacity import Architecture

    seed = check_int("seed", seed, minimum=0)
    n_samples = check_int("n_samples", n_samples, minimum=1, maximum=10**7)
    rng = np.random.default_rng(seed)
    out = []
    cases = [("1,1,1", "relu", 10), ("1,2,1", "relu", 10), ("1,3,1", "relu", 10),
             ("2,2,1", "relu", 10), ("2,3,1", "relu", 10),
             ("1,1,1", "hard_threshold", 30)]
    for spec, act, n in cases:
        arch = Architecture.parse(spec, activation=act)
        pts = np.linspace(0.0, 1.0, n) if arch.d_in == 1 else rng.random((n, arch.d_in))
        out.append(check_sign_patterns(arch, pts, n_samples, rng))
        out.append(check_sign_patterns(arch, pts, n_samples, rng,
                                       thresholds=rng.normal(size=n)))
    for spec, bits, levels in [("1,2,1", 2, (-1, 0, 1)), ("2,2,1", 1, (-1, 1)),
                               ("2,2,1", 2, (-1, 0, 1))]:
        arch = Architecture.parse(spec, bits=bits, quantize="all")
        out.append(check_quantized_class(arch, levels))
    return out
