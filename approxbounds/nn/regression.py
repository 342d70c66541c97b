r"""Regression of given functions on :math:`[0,1]^d` with MLPs, and empirical :math:`L^p` errors.

``f`` is any *vectorised* callable: it receives an array of shape ``(n, d)`` and returns
``(n,)`` or ``(n, 1)`` values (packing members of :mod:`approxbounds.classes` have this form).

The error of a predictor ``g`` is :math:`\lVert f-g\rVert_{L^p(U)} = (\mathbb E|f(X)-g(X)|^p)^{1/p}`
with :math:`X\sim U([0,1]^d)`. Estimators:

* **Fresh uniform sample** (:func:`empirical_lp_error`): with :math:`Z_i = |f(X_i)-g(X_i)|^p`,
  the estimate is :math:`\bar Z^{1/p}`. Two intervals for :math:`\mu = \mathbb E Z`, mapped to
  the norm by the increasing map :math:`z\mapsto z^{1/p}` (so coverage is preserved):

  - *CLT* (asymptotic, no assumption beyond :math:`\mathbb E Z^2<\infty`):
    :math:`\bar Z \pm z_{1-\alpha/2}\, s/\sqrt n` (``s`` the sample standard deviation,
    lower end clipped at 0). Approximate for finite ``n``; poor when ``Z`` is heavy-tailed.
  - *Hoeffding* (non-asymptotic, exact level, needs a bound :math:`|f-g|\le M` supplied by the
    caller): :math:`Z_i\in[0, M^p]`, and Hoeffding's inequality (1963, Thm 2)
    :math:`P(|\bar Z-\mu|\ge t)\le 2\exp(-2nt^2/M^{2p})` gives
    :math:`\bar Z \pm M^p\sqrt{\ln(2/\alpha)/(2n)}`, clipped to :math:`[0, M^p]`.
    A sample violating the bound raises ``ValueError`` (the bound is then false).

  Residuals are divided by their maximum (or by ``M``) before the ``p``-th power, so large
  ``p`` cannot overflow.
* **Midpoint grid** (:func:`grid_lp_error`): the average over the :math:`m^d` cell centres
  :math:`((i_1+\tfrac12)/m, \dots)`, a deterministic quadrature; no interval is attached
  (its error depends on the smoothness of :math:`|f-g|^p`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, asdict
from statistics import NormalDist
from typing import Any, Callable

import numpy as np

from approxbounds._validation import check_choice, check_int, check_probability, check_real
from approxbounds.norms import Norm

__all__ = ["LpErrorEstimate", "RegressionResult", "uniform_points", "grid_points",
           "empirical_lp_error", "grid_lp_error", "fit_regression"]

_MAX_GRID_POINTS = 10_000_000
_CHUNK = 65_536


@dataclass(frozen=True)
class LpErrorEstimate:
    r"""An estimate of :math:`\lVert f - g\rVert_{L^p([0,1]^d)}` (uniform measure).

    Attributes
    ----------
    p : float
        Exponent in [1, ∞).
    n : int
        Number of evaluation points.
    design : str
        ``"uniform"`` (fresh i.i.d. sample) or ``"grid"`` (midpoint grid).
    estimate : float
        :math:`(\frac1n\sum_i |f-g|^p(x_i))^{1/p}`.
    max_abs_error : float
        :math:`\max_i |f-g|(x_i)` (a lower estimate of the sup-norm error).
    confidence : float or None
        Level of the intervals.
    ci_clt : (float, float) or None
        Asymptotic CLT interval for the norm (uniform design only).
    ci_hoeffding : (float, float) or None
        Exact-level Hoeffding interval for the norm (only when ``bound`` was given).
    bound : float or None
        The bound :math:`M \ge |f-g|` used by the Hoeffding interval.
    """

    p: float
    n: int
    design: str
    estimate: float
    max_abs_error: float
    confidence: float | None = None
    ci_clt: tuple[float, float] | None = None
    ci_hoeffding: tuple[float, float] | None = None
    bound: float | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("ci_clt", "ci_hoeffding"):
            if d[k] is not None:
                d[k] = list(d[k])
        return d


@dataclass
class RegressionResult:
    """Outcome of :func:`fit_regression`: the model, its trained parameters and the error."""

    model: Any
    params: Any
    error: LpErrorEstimate
    history: list = field(default_factory=list)
    fit_result: Any = None

    def predict(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.model.dtype)
        return self.model(self.params, x)


def uniform_points(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` i.i.d. uniform points of :math:`[0,1]^d`, shape ``(n, d)``, float64."""
    d = check_int("d", d, minimum=1)
    n = check_int("n", n, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return rng.random((n, d))


def grid_points(d: int, per_axis: int) -> np.ndarray:
    """Midpoint grid: all :math:`((i_1+\\frac12)/m, \\dots, (i_d+\\frac12)/m)`, shape ``(m^d, d)``."""
    d = check_int("d", d, minimum=1)
    m = check_int("per_axis", per_axis, minimum=1)
    if m ** d > _MAX_GRID_POINTS:
        raise ValueError(f"per_axis**d = {m}**{d} exceeds {_MAX_GRID_POINTS} grid points; lower per_axis")
    axis = (np.arange(m, dtype=np.float64) + 0.5) / m
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([g.ravel() for g in mesh], axis=1)


def _values(fn: Callable, x: np.ndarray, name: str) -> np.ndarray:
    """Evaluate a vectorised scalar function; check shape and finiteness."""
    y = np.asarray(fn(x))
    n = x.shape[0]
    if y.shape not in ((n,), (n, 1)):
        raise ValueError(f"{name} must map an (n, d) array to shape (n,) or (n, 1); for n={n} it returned "
                         f"shape {y.shape}")
    y = y.reshape(n).astype(np.float64)
    if not np.isfinite(y).all():
        raise ValueError(f"{name} returned non-finite values at {int(np.count_nonzero(~np.isfinite(y)))} points")
    return y


def _abs_residuals(predict, f, x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape[0])
    for lo in range(0, x.shape[0], _CHUNK):
        xs = x[lo:lo + _CHUNK]
        out[lo:lo + _CHUNK] = np.abs(_values(f, xs, "f") - _values(predict, xs, "predict"))
    return out


def _check_p(p) -> float:
    """A finite norm exponent (parsed by :meth:`approxbounds.norms.Norm.parse`)."""
    norm = Norm.parse(p, "p")
    if norm.is_sup:
        raise ValueError("p must be a finite exponent 1 <= p < inf for an L^p error estimate, "
                         "got the sup norm")
    return norm.p


def _pth_mean_root(scaled_mean: float, scale: float, p: float) -> float:
    return scale * max(scaled_mean, 0.0) ** (1.0 / p)


def _estimate(r: np.ndarray, p: float, design: str, confidence, bound) -> LpErrorEstimate:
    n = r.size
    r_max = float(r.max())
    if r_max == 0.0:
        u = np.zeros(n)
        mean_u = 0.0
    else:
        u = (r / r_max) ** p
        mean_u = float(np.mean(u))
    estimate = _pth_mean_root(mean_u, r_max, p)
    ci_clt = ci_h = None
    if confidence is not None and design == "uniform":
        z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
        s = float(np.std(u, ddof=1)) if n > 1 else math.inf
        half = z * s / math.sqrt(n)
        if math.isfinite(half):
            ci_clt = (_pth_mean_root(mean_u - half, r_max, p), _pth_mean_root(mean_u + half, r_max, p))
        if bound is not None:
            if r_max > bound:
                raise ValueError(f"bound={bound} is violated: the sample has |f - g| = {r_max} > bound")
            v_mean = float(np.mean((r / bound) ** p))
            t = math.sqrt(math.log(2.0 / (1.0 - confidence)) / (2.0 * n))
            ci_h = (_pth_mean_root(v_mean - t, bound, p), _pth_mean_root(min(v_mean + t, 1.0), bound, p))
    return LpErrorEstimate(p=p, n=n, design=design, estimate=estimate, max_abs_error=r_max,
                           confidence=confidence if design == "uniform" else None,
                           ci_clt=ci_clt, ci_hoeffding=ci_h, bound=bound)


def empirical_lp_error(predict: Callable, f: Callable, d: int, p: float = 2.0, n: int = 10_000,
                       rng: np.random.Generator | None = None, *, bound: float | None = None,
                       confidence: float = 0.95) -> LpErrorEstimate:
    r"""Estimate :math:`\lVert f-g\rVert_{L^p([0,1]^d)}` on ``n`` fresh uniform points, with intervals.

    Parameters
    ----------
    predict, f : callable
        Vectorised: ``(n, d)`` float64 array -> ``(n,)`` or ``(n, 1)``.
    d : int
        Input dimension, >= 1.
    p : float
        Exponent in [1, ∞).
    n : int
        Sample size, >= 2.
    rng : numpy.random.Generator
        Source of the sample (required; pass a fresh, seeded generator).
    bound : float, optional
        A known :math:`M>0` with :math:`|f-g|\le M` on :math:`[0,1]^d`; enables the Hoeffding
        interval.
    confidence : float
        Level in (0, 1) of both intervals.

    Returns
    -------
    LpErrorEstimate
        See the module docstring for the two intervals.
    """
    p = _check_p(p)
    n = check_int("n", n, minimum=2)
    confidence = check_probability("confidence", confidence)
    if bound is not None:
        bound = check_real("bound", bound, low=0.0, low_open=True)
    if rng is None:
        raise TypeError("rng is required: pass a seeded numpy.random.Generator")
    x = uniform_points(d, n, rng)
    return _estimate(_abs_residuals(predict, f, x), p, "uniform", confidence, bound)


def grid_lp_error(predict: Callable, f: Callable, d: int, p: float = 2.0, per_axis: int = 64) -> LpErrorEstimate:
    r"""Midpoint-rule value of :math:`\lVert f-g\rVert_{L^p([0,1]^d)}` on ``per_axis**d`` cell centres."""
    p = _check_p(p)
    x = grid_points(d, per_axis)
    return _estimate(_abs_residuals(predict, f, x), p, "grid", None, None)


def fit_regression(f: Callable, d: int, hidden, activation="relu", steps: int = 500, *,
                   lr: float = 1e-2, optimizer=None, batch_size: int = 128, n_train: int | None = None,
                   design: str = "uniform", grid_per_axis: int | None = None, seed: int = 0,
                   dtype="float64", loss="mse", p: float = 2.0, n_eval: int = 20_000,
                   bound: float | None = None, confidence: float = 0.95, progress: bool = False,
                   **fit_kwargs) -> RegressionResult:
    r"""Fit ``MLP(d, hidden, 1, activation)`` to ``f`` on :math:`[0,1]^d`, then estimate the error.

    Parameters
    ----------
    f : callable
        Vectorised target, ``(n, d) -> (n,)`` or ``(n, 1)``.
    d : int
        Input dimension.
    hidden : sequence of int
        Hidden widths of the MLP.
    activation : str
        Hidden activation (any name of :func:`approxbounds.nn.activations.get_activation`).
    steps : int
        Number of optimizer updates.
    lr : float
        Learning rate of the default optimizer, Adam.
    optimizer : GradientTransformation, optional
        Replaces Adam(lr).
    batch_size : int
        Mini-batch size.
    n_train : int, optional
        ``design="uniform"``: None draws a fresh uniform batch at every step (infinite data);
        an int fixes a training sample of that size.
    design : {"uniform", "grid"}
        Training inputs: uniform samples, or the midpoint grid with ``grid_per_axis`` points
        per axis (default: about 4096 points in total).
    seed : int
        Seeds initialisation, data and the evaluation sample (all independent streams).
    dtype : str
        ``float32`` or ``float64`` for the network.
    loss : str or callable
        Training loss (default mean squared error).
    p, n_eval, bound, confidence
        Passed to :func:`empirical_lp_error` on a fresh sample of ``n_eval`` points.
    **fit_kwargs
        Passed to :func:`approxbounds.nn.trainer.fit` (e.g. ``log_path``, ``checkpoint_path``).
    """
    from approxbounds.nn.mlp import MLP
    from approxbounds.nn.optim import adam
    from approxbounds.nn.trainer import fit

    if not callable(f):
        raise TypeError(f"f must be a vectorised callable, got {type(f).__name__}")
    d = check_int("d", d, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    check_choice("design", design, ("uniform", "grid"))
    batch_size = check_int("batch_size", batch_size, minimum=1)
    model = MLP(d, list(hidden), 1, activation=activation, dtype=dtype)
    dt = model.dtype
    params = model.init(np.random.default_rng([seed, 0]))
    opt = optimizer if optimizer is not None else adam(lr)

    def targets(x):
        return _values(f, x, "f").reshape(-1, 1).astype(dt)

    if design == "grid":
        m = grid_per_axis if grid_per_axis is not None else max(2, round(4096 ** (1.0 / d)))
        x_train = grid_points(d, m)
        data = (x_train.astype(dt), targets(x_train))
    elif n_train is None:
        def data(rng, step):
            x = rng.random((batch_size, d))
            return x.astype(dt), targets(x)
    else:
        n_train = check_int("n_train", n_train, minimum=1)
        x_train = uniform_points(d, n_train, np.random.default_rng([seed, 1]))
        data = (x_train.astype(dt), targets(x_train))

    result = fit(model, params, loss, data, opt, steps=steps, batch_size=batch_size, seed=seed,
                 progress=progress, **fit_kwargs)
    trained = result.params

    def predict(x):
        return model(trained, np.asarray(x, dtype=dt))

    error = empirical_lp_error(predict, f, d, p, n_eval, np.random.default_rng([seed, 2]),
                               bound=bound, confidence=confidence)
    return RegressionResult(model=model, params=trained, error=error, history=result.history, fit_result=result)
