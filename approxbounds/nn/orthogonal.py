r"""Orthogonal-matrix tools: Björck orthonormalisation, projections, Cayley map, defects.

Everything here acts on 2-D float arrays (float32 or float64) and keeps their dtype.

Björck orthonormalisation (Björck & Bowie, *SIAM J. Numer. Anal.* 8, 1971) iterates

.. math:: W_{k+1} = (1+\beta) W_k - \beta\, W_k W_k^\top W_k ,\qquad \beta = 1/2 ,

which acts on every singular value as :math:`s \mapsto (1+\beta)s - \beta s^3` and drives
:math:`s \in (0, \sqrt{(1+\beta)/\beta})` to 1, i.e. :math:`W_k` to the polar factor of
:math:`W_0`. QORNN's STE-Björck (Foucault, Mamalet & Malgouyres, arXiv 2402.04012; reference
docs/rnn.md §2) starts from :math:`W_0 = V/\hat\sigma_{\max}(V)`, with :math:`\hat\sigma_{\max}` from
a few power iterations, and differentiates through all iterations. :class:`Bjorck` does that
with an exact reverse pass through *both* the power iteration and the Björck steps, so its
gradient is the gradient of the function actually computed (checked by central differences
in ``tests/nn/test_orthogonal.py``), whether or not the iterations have converged.

Cayley map (Cayley 1846; used for orthogonal RNNs by Helfrich, Willmott & Ye, ICML 2018):

.. math:: Q = (I - A)^{-1}(I + A), \qquad dQ = (I-A)^{-1}\,dA\,(I + Q),

orthogonal when :math:`A` is skew-symmetric, so that the gradient of a loss :math:`L(Q)` is
:math:`\partial L/\partial A = (I-A)^{-\top} G (I+Q)^\top` with :math:`G = \partial L/\partial Q`.
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real

__all__ = [
    "Bjorck", "bjorck", "power_iteration_sigma_max", "polar_projection", "qr_projection",
    "cayley", "cayley_grad", "skew", "orthogonality_defect", "random_orthogonal",
]


def _check_matrix(name: str, a, *, square: bool = False) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        a = np.asarray(a)
    if a.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be a float32 or float64 array, got dtype {a.dtype}")
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} must be non-empty, got shape {a.shape}")
    if square and a.shape[0] != a.shape[1]:
        raise ValueError(f"{name} must be square, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinity")
    return a


# --------------------------------------------------------------------------- defects
def orthogonality_defect(q, norm: str = "fro") -> float:
    r"""Distance of :math:`Q^\top Q` from the identity: :math:`\|Q^\top Q - I\|`.

    Parameters
    ----------
    q : (m, n) array, m >= n (columns should be orthonormal)
    norm : ``"fro"`` (Frobenius) or ``"spectral"`` (largest singular value, i.e.
        :math:`\max_i |s_i(Q)^2 - 1|`).

    Returns
    -------
    float, computed in float64 (0 exactly for the identity).
    """
    check_choice("norm", norm, ("fro", "spectral"))
    q = _check_matrix("q", q).astype(np.float64, copy=False)
    if q.shape[0] < q.shape[1]:
        raise ValueError(f"q must have at least as many rows as columns (orthonormal columns), got shape {q.shape}")
    d = q.T @ q - np.eye(q.shape[1])
    return float(np.linalg.norm(d, "fro" if norm == "fro" else 2))


# --------------------------------------------------------------------------- projections
def polar_projection(w) -> np.ndarray:
    r"""Nearest matrix with orthonormal columns (in every unitarily invariant norm).

    For :math:`W = U\Sigma V^\top` (thin SVD) returns the polar factor :math:`UV^\top`
    (Fan & Hoffman, *Proc. AMS* 6, 1955). Works for any (m, n); for m < n the rows are
    orthonormal instead.
    """
    w = _check_matrix("w", w)
    u, _, vt = np.linalg.svd(w, full_matrices=False)
    return (u @ vt).astype(w.dtype, copy=False)


def qr_projection(w) -> np.ndarray:
    r"""Orthonormal factor of the QR decomposition, made unique by :math:`\operatorname{diag} R \ge 0`.

    ``w`` must have m >= n. Cheaper than :func:`polar_projection` but not the nearest
    orthogonal matrix; for ``w`` already orthogonal with positive diagonal of R it is the identity map.
    """
    w = _check_matrix("w", w)
    if w.shape[0] < w.shape[1]:
        raise ValueError(f"w must have at least as many rows as columns, got shape {w.shape}")
    q, r = np.linalg.qr(w)
    s = np.where(np.diag(r) < 0, -1.0, 1.0).astype(w.dtype)
    return q * s[None, :]


def random_orthogonal(rng: np.random.Generator, n: int, dtype=np.float64) -> np.ndarray:
    """Haar-distributed orthogonal (n, n) matrix: QR of a Gaussian matrix with sign fix (Mezzadri 2007)."""
    n = check_int("n", n, minimum=1)
    return qr_projection(rng.standard_normal((n, n))).astype(dtype)


# --------------------------------------------------------------------------- Cayley
def skew(x) -> np.ndarray:
    r"""Skew-symmetric part :math:`(X - X^\top)/2` of a square matrix."""
    x = _check_matrix("x", x, square=True)
    return (x - x.T) * x.dtype.type(0.5)


def _cayley_lu(a):
    n = a.shape[0]
    m = np.eye(n, dtype=a.dtype) - a
    cond = np.linalg.cond(m.astype(np.float64))
    if not np.isfinite(cond) or cond > 1e12:
        raise ValueError("I - A is singular (or nearly so) in the Cayley map; A must not have eigenvalue 1 "
                         "(any skew-symmetric A is fine)")
    return m


def cayley(a) -> np.ndarray:
    r"""Cayley map :math:`Q = (I - A)^{-1}(I + A)`; orthogonal when ``a`` is skew-symmetric.

    Raises ``ValueError`` when :math:`I - A` is (numerically) singular.
    """
    a = _check_matrix("a", a, square=True)
    m = _cayley_lu(a)
    return np.linalg.solve(m, np.eye(a.shape[0], dtype=a.dtype) + a).astype(a.dtype, copy=False)


def cayley_grad(a, dq, q=None) -> np.ndarray:
    r"""Gradient with respect to ``a`` of :math:`L(\operatorname{cayley}(A))`, given :math:`G = \partial L/\partial Q`.

    :math:`\partial L/\partial A = (I-A)^{-\top} G (I+Q)^\top` (module docstring). The result is
    the gradient for an unconstrained ``a``; for the parametrisation ``A = skew(X)`` apply
    ``skew`` to it (chain rule of :math:`X \mapsto (X - X^\top)/2`).
    """
    a = _check_matrix("a", a, square=True)
    dq = _check_matrix("dq", dq, square=True)
    if dq.shape != a.shape:
        raise ValueError(f"dq must have the shape of a {a.shape}, got {dq.shape}")
    m = _cayley_lu(a)
    if q is None:
        q = np.linalg.solve(m, np.eye(a.shape[0], dtype=a.dtype) + a)
    left = np.linalg.solve(m.T, dq)
    return (left @ (np.eye(a.shape[0], dtype=a.dtype) + q).T).astype(a.dtype, copy=False)


# --------------------------------------------------------------------------- power iteration
def _power_forward(v_mat, iters, v0):
    """Power iteration on VᵀV from v0; returns sigma and the tape for the reverse pass."""
    tape = []
    x = v0
    for _ in range(iters):
        a = v_mat @ x
        b = v_mat.T @ a
        nb = np.sqrt(b @ b)
        if nb == 0:
            raise ValueError("power iteration hit the null space of the matrix (it is zero or the start "
                             "vector is orthogonal to its row space); pass another v0")
        tape.append((x, b, nb))
        x = b / nb
    y = v_mat @ x
    sigma = np.sqrt(y @ y)
    return sigma, tape, x, y


def _power_backward(v_mat, tape, x, y, sigma, dsigma):
    """Exact reverse pass of :func:`_power_forward` (dsigma scalar) -> dV."""
    # sigma = ||V x||
    dy = (dsigma / sigma) * y
    dv = np.outer(dy, x)
    dx = v_mat.T @ dy
    for xk, b, nb in reversed(tape):
        # x_{k+1} = b / ||b||
        xn = b / nb
        db = (dx - xn * (xn @ dx)) / nb
        # b = V^T (V x_k): d<db, V^T V x_k> over V and x_k
        a = v_mat @ xk
        va_db = v_mat @ db
        dv += np.outer(a, db) + np.outer(va_db, xk)
        dx = v_mat.T @ va_db
    return dv


def power_iteration_sigma_max(w, iters: int = 20, v0=None) -> float:
    r"""Estimate :math:`\sigma_{\max}(W)` by ``iters`` power iterations on :math:`W^\top W`.

    Returns :math:`\|W x_K\|` with :math:`x_{k+1} = W^\top W x_k / \|W^\top W x_k\|`; this is a
    lower bound on :math:`\sigma_{\max}` that converges to it geometrically (ratio
    :math:`(\sigma_2/\sigma_1)^2`). ``v0`` defaults to the normalised all-ones vector
    (deterministic); pass a random unit vector if ``w`` could annihilate it.
    """
    w = _check_matrix("w", w)
    iters = check_int("iters", iters, minimum=0, maximum=100_000)
    v0 = _start_vector(w, v0)
    return float(_power_forward(w, iters, v0)[0])


def _start_vector(w, v0):
    n = w.shape[1]
    if v0 is None:
        return np.full(n, 1.0 / np.sqrt(n), dtype=w.dtype)
    v0 = np.asarray(v0, dtype=w.dtype).reshape(-1)
    if v0.shape != (n,):
        raise ValueError(f"v0 must have length {n} (columns of the matrix), got shape {v0.shape}")
    nv = np.sqrt(v0 @ v0)
    if not np.isfinite(nv) or nv == 0:
        raise ValueError("v0 must be a finite non-zero vector")
    return v0 / nv


# --------------------------------------------------------------------------- Björck
class Bjorck:
    r"""Differentiable Björck orthonormalisation :math:`V \mapsto W` (module docstring).

    Parameters
    ----------
    iters : int >= 0
        Björck iterations (default 15).
    beta : float in (0, 1]
        Step :math:`\beta` (default 0.5, the order-1 Björck scheme).
    scale : ``"power"`` (default), ``"fro"`` or ``"none"``
        Pre-scaling :math:`W_0 = V/c`: ``c`` = power-iteration estimate of
        :math:`\sigma_{\max}(V)` (QORNN), the Frobenius norm (an upper bound on
        :math:`\sigma_{\max}`, so the iteration always converges), or ``c = 1``.
    power_iters : int >= 1
        Power iterations for ``scale="power"`` (default 10), from the normalised all-ones
        vector (deterministic, so forward and backward see the same function).

    ``forward(v) -> (w, cache)`` and ``backward(cache, dw) -> dv`` differentiate exactly
    through the scaling (including every power iteration) and all Björck steps.
    Per Björck step the reverse pass costs five matrix products:

    .. math:: \bar W_k = (1+\beta)\bar W_{k+1} - \beta\,(\bar W_{k+1} W_k^\top W_k
              + W_k \bar W_{k+1}^\top W_k + W_k W_k^\top \bar W_{k+1}).
    """

    def __init__(self, iters: int = 15, beta: float = 0.5, scale: str = "power", power_iters: int = 10):
        self.iters = check_int("iters", iters, minimum=0, maximum=10_000)
        self.beta = check_real("beta", beta, low=0.0, high=1.0, low_open=True)
        self.scale = check_choice("scale", scale, ("power", "fro", "none"))
        self.power_iters = check_int("power_iters", power_iters, minimum=1, maximum=10_000)

    def config(self) -> dict:
        return {"iters": self.iters, "beta": self.beta, "scale": self.scale, "power_iters": self.power_iters}

    @classmethod
    def from_config(cls, config: dict) -> "Bjorck":
        return cls(**config)

    def __repr__(self) -> str:
        return "Bjorck(" + ", ".join(f"{k}={v!r}" for k, v in self.config().items()) + ")"

    def __eq__(self, other) -> bool:
        return isinstance(other, Bjorck) and self.config() == other.config()

    def __hash__(self):
        return hash(repr(self.config()))

    def forward(self, v) -> tuple[np.ndarray, tuple]:
        v = _check_matrix("v", v)
        if self.scale == "power":
            x0 = _start_vector(v, None)
            sigma, tape, x, y = _power_forward(v, self.power_iters, x0)
            scale_cache = (tape, x, y, sigma)
        elif self.scale == "fro":
            sigma = np.sqrt(np.sum(v * v))
            if sigma == 0:
                raise ValueError("v is the zero matrix; Björck orthonormalisation needs a non-zero matrix")
            scale_cache = None
        else:
            sigma = v.dtype.type(1.0)
            scale_cache = None
        w = v / sigma
        b = v.dtype.type(self.beta)
        ws = []
        with np.errstate(over="ignore", invalid="ignore"):   # divergence is reported below
            for _ in range(self.iters):
                ws.append(w)
                w = (1 + b) * w - b * (w @ (w.T @ w))
        if not np.all(np.isfinite(w)):
            raise ValueError("Björck iteration diverged (singular values of the scaled input must lie in "
                             f"(0, sqrt((1+beta)/beta)) = (0, {np.sqrt((1 + self.beta) / self.beta):.4g}))")
        return w, (v, sigma, scale_cache, ws)

    def backward(self, cache, dw) -> np.ndarray:
        v, sigma, scale_cache, ws = cache
        g = np.asarray(dw, dtype=v.dtype)
        if g.shape != v.shape:
            raise ValueError(f"dw must have shape {v.shape}, got {g.shape}")
        b = v.dtype.type(self.beta)
        for w in reversed(ws):
            wtw = w.T @ w
            g = (1 + b) * g - b * (g @ wtw + w @ (g.T @ w) + (w @ w.T) @ g)
        # w0 = v / sigma(v)
        dv = g / sigma
        dsigma = -np.sum(g * v) / (sigma * sigma)
        if self.scale == "power":
            tape, x, y, s = scale_cache
            dv = dv + _power_backward(v, tape, x, y, s, dsigma)
        elif self.scale == "fro":
            dv = dv + (dsigma / sigma) * v
        return dv.astype(v.dtype, copy=False)

    def __call__(self, v) -> np.ndarray:
        return self.forward(v)[0]


def bjorck(v, iters: int = 15, beta: float = 0.5, scale: str = "power", power_iters: int = 10) -> np.ndarray:
    """Björck-orthonormalised ``v`` (see :class:`Bjorck`; forward only)."""
    return Bjorck(iters=iters, beta=beta, scale=scale, power_iters=power_iters)(v)
