r"""Vectorised BHLM 2019 Thm 7 VC bound over families of uniform-width MLPs.

Family: input dimension ``d``, ``h`` hidden layers of width ``k``, one linear output
(``L = h + 1``). Closed forms (``P_i`` = parameters of layer ``i``):

.. math::

    W = k(d+1) + (h-1)k(k+1) + (k+1), \qquad U = hk + 1,

    \sum_i W_i = h k (d+1) + k(k+1)\tfrac{h(h-1)}{2} + W \quad (\nu > 0), \qquad
    \sum_i W_i = W \quad (\nu = 0),

    R = k h + k S_h + 1 + h\nu^h, \qquad S_h = \sum_{j=0}^{h-1} j\nu^j
      = \frac{\nu\,(\nu^{h-1}((h-1)\nu - h) + 1)}{(\nu-1)^2}\ (\nu \ne 1),
      \quad S_h = \tfrac{h(h-1)}{2}\ (\nu = 1).

``log2 R`` is formed in the log domain so large ν and depths do not overflow. The closed
form of Thm 7 needs ``U > 2`` (``h k >= 2``); other entries raise ``ValueError``.
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_choice, check_int
from approxbounds.capacity.activation import Activation
from approxbounds.capacity.architecture import Architecture

__all__ = ["bhlm_vcdim_grid", "evaluate", "uniform_mlp"]

_LOG2E = float(np.log2(np.e))

#: architectures per block of the vectorised grid (float64 temporaries of 512 KiB each)
GRID_BLOCK = 1 << 16


def _int_array(name, x):
    a = np.asarray(x)
    if a.dtype == bool or not np.issubdtype(a.dtype, np.integer):
        if np.issubdtype(a.dtype, np.floating) and np.all(np.isfinite(a)) and np.all(a == np.round(a)):
            if a.size and np.max(np.abs(a)) > 2.0**53:
                raise ValueError(f"{name} must be <= 2**53 when given as floats (exact "
                                 f"integers), got maximum {np.max(np.abs(a)):g}")
            a = a.astype(np.int64)
        else:
            raise TypeError(f"{name} must be an integer array, got dtype {a.dtype}")
    if a.size and a.min() < 1:
        raise ValueError(f"{name} must be >= 1, got minimum {a.min()}")
    return a.astype(np.float64)


def bhlm_vcdim_grid(d_in, widths, depths, pieces=2, degree=1, *, small_u="inversion"):
    """BHLM Thm 7 VC bound for uniform MLPs, broadcasting ``d_in``, ``widths``, ``depths``.

    Parameters
    ----------
    d_in, widths, depths : int or array of int (>= 1)
        Input dimension, hidden width ``k`` and number of hidden layers ``h``; broadcast
        together (e.g. ``widths[:, None]`` and ``depths[None, :]`` for a grid).
    pieces, degree : int
        Activation pieces (``>= 1``) and degree ν (``>= 0``); ReLU is (2, 1).
    small_u : {"inversion", "raise"}
        Entries with ``U <= 2`` (one hidden unit), where the closed form is not stated:
        ``"inversion"`` fills them with the certified growth-inversion bound
        (:func:`~approxbounds.capacity.bhlm.bhlm_vcdim_by_growth`, scalar path);
        ``"raise"`` raises ``ValueError``.

    Returns
    -------
    numpy.ndarray of float64
        The same numbers as :func:`approxbounds.capacity.bhlm.bhlm_vcdim` on each entry
        (agreement to ~1e-12 relative; floats are exact for W below 2**53).
    """
    act = Activation.from_pieces(pieces, degree)
    p = float(act.bhlm_p)
    nu = act.degree
    d = _int_array("d_in", d_in)
    k = _int_array("widths", widths)
    h = _int_array("depths", depths)
    check_choice("small_u", small_u, ("inversion", "raise"))
    maybe_small = (k.size == 0 or k.min() < 2) and (h.size == 0 or h.min() < 2)   # U <= 2 iff k = h = 1
    d, k, h = np.broadcast_arrays(d, k, h)
    small = (h * k < 2) if maybe_small else np.zeros((), dtype=bool)
    if small_u == "raise" and np.any(small):
        raise ValueError("BHLM Thm 7 closed form needs U = depth*width + 1 > 2 "
                         "(depth*width >= 2); use small_u='inversion' or vcdim_bound")
    # elementwise closed form, evaluated block by block (np.nditer with buffering: the
    # broadcast inputs are never materialised and every temporary of a block stays in cache,
    # so the cost per architecture does not grow with the grid; benchmarks/README.md)
    it = np.nditer([d, k, h, None], flags=["external_loop", "buffered", "zerosize_ok"],
                   op_flags=[["readonly"], ["readonly"], ["readonly"], ["writeonly", "allocate"]],
                   op_dtypes=[np.float64] * 4, buffersize=GRID_BLOCK)
    with it:
        for db, kb, hb, ob in it:
            ob[...] = _bhlm_closed_form(db, kb, hb, nu, p)
        out = it.operands[3]
    if np.any(small):
        from approxbounds.capacity.bhlm import bhlm_vcdim_by_growth
        out = np.array(out, dtype=np.float64)
        for idx in zip(*np.nonzero(small)):
            arch = uniform_mlp(int(d[idx]), 1, 1, pieces, degree)
            out[idx] = bhlm_vcdim_by_growth(arch).value
    return out[()] if out.ndim == 0 else out


def _bhlm_closed_form(d, k, h, nu: int, p: float):
    """BHLM Thm 7 closed form on 1-d float64 blocks (module docstring)."""
    L = h + 1
    W = k * (d + 1) + (h - 1) * k * (k + 1) + (k + 1)
    U = h * k + 1
    if nu == 0:
        mult = W
        log2_size = np.log2(U)
    else:
        mult = h * k * (d + 1) + k * (k + 1) * h * (h - 1) / 2.0 + W
        log2_size = _log2_R(k, h, float(nu))
    log2_p = np.log2(p)
    log2_2eps = 1.0 + _LOG2E + log2_p + log2_size
    log2_arg = 2.0 + _LOG2E + log2_p + log2_size + np.log2(log2_2eps)
    return L + mult * log2_arg


def _log2_R(k, h, nu):
    """log2 of R = k h + k S_h + 1 + h nu^h, without overflow."""
    if nu == 1.0:
        return np.log2(k * h + k * h * (h - 1) / 2.0 + 1.0 + h)
    log2_nu = np.log2(nu)
    # S_h = nu (nu^(h-1) a + 1) / (nu-1)^2, a = (h-1) nu - h; S_h = 0 iff h == 1
    a = (h - 1) * nu - h
    with np.errstate(divide="ignore", invalid="ignore"):
        log2_inner = np.where(
            a > 0, np.logaddexp2((h - 1) * log2_nu + np.log2(np.where(a > 0, a, 1.0)), 0.0),
            np.where(a == 0, 0.0, -np.inf))  # a < 0 only for h == 1 (inner = 0)
        log2_S = log2_nu + log2_inner - 2.0 * np.log2(abs(nu - 1.0))
        log2_kS = np.where(h > 1, np.log2(k) + log2_S, -np.inf)
    base = np.log2(k * h + 1.0)
    tail = np.log2(h) + h * log2_nu          # log2(h nu^h)
    return np.logaddexp2(np.logaddexp2(base, tail), log2_kS)


def evaluate(archs, fn=None) -> list:
    """Apply ``fn`` (default :func:`~approxbounds.capacity.vcdim.vcdim_bound`) to each
    :class:`Architecture` in ``archs`` and return the list of results."""
    from approxbounds.capacity.vcdim import vcdim_bound
    fn = vcdim_bound if fn is None else fn
    if not callable(fn):
        raise TypeError(f"fn must be callable (Architecture -> result), got {type(fn).__name__}")
    if isinstance(archs, (str, bytes)) or not hasattr(archs, "__iter__"):
        raise TypeError(f"archs must be an iterable of Architecture, got {type(archs).__name__}")
    out = []
    for i, a in enumerate(archs):
        if not isinstance(a, Architecture):
            raise TypeError(f"archs[{i}] must be an Architecture, got {type(a).__name__}")
        out.append(fn(a))
    return out


def uniform_mlp(d_in: int, width: int, depth: int, pieces: int = 2, degree: int = 1):
    """The scalar :class:`Architecture` matching one grid entry (for cross-checks)."""
    d_in = check_int("d_in", d_in, minimum=1)
    width = check_int("width", width, minimum=1)
    depth = check_int("depth", depth, minimum=1)
    return Architecture.mlp(d_in, [width] * depth, Activation.from_pieces(pieces, degree))
