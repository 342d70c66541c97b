r"""Sylvester Hadamard matrices and the fast Walsh–Hadamard transform (FWHT).

Sylvester's construction (Sylvester 1867): :math:`S_1 = [1]`,
:math:`S_{2m} = S_m \otimes \begin{pmatrix}1&1\\1&-1\end{pmatrix}`, so for :math:`n = 2^k`

.. math:: (S_n)_{ij} = (-1)^{\langle i, j\rangle}, \qquad S_n = S_n^\top,\quad S_n^2 = n I,

where :math:`\langle i, j\rangle` counts the common 1-bits of the binary digits of the
indices 0..n−1 (natural or "Hadamard" order). Hence :math:`S_n/\sqrt n` is symmetric and
orthogonal.

:func:`fwht` computes :math:`x S_n` (equal to :math:`S_n x` for a vector, by symmetry)
along the last axis with :math:`k = \log_2 n` butterfly stages of :math:`n` additions each,
i.e. :math:`n\log_2 n` operations instead of :math:`n^2` (Fino & Algazi, *IEEE Trans.
Comput.* C-25, 1976). Leading axes are batch axes. :func:`hadamard_kron` uses the
two-factor form :math:`S_n = S_a \otimes S_b` (``n = ab``): reshaping a row to an
:math:`a\times b` matrix :math:`X`, :math:`x S_n \leftrightarrow S_a X S_b`, i.e. two small matrix
products with :math:`n(a+b)` multiply-adds per vector. With NumPy this is usually the fastest
option at moderate n, since each butterfly stage of :func:`fwht` costs a few array passes. Block variants act with
:math:`I_q \otimes S_m` (HadamRNN's Block-HadamRNN, Foucault et al., ICLR 2025).
"""
from __future__ import annotations

import math

import numpy as np

from approxbounds._validation import check_choice, check_int

__all__ = ["is_power_of_two", "check_power_of_two", "sylvester", "block_sylvester", "fwht",
           "block_fwht", "kron_factors", "hadamard_kron", "kron_split", "SignedHadamard", "OPERATOR_PATHS", "MAX_DENSE_N"]

#: largest order :func:`sylvester` builds densely (a 2^14 x 2^14 float64 matrix is 2 GiB)
MAX_DENSE_N = 2 ** 13


def is_power_of_two(n) -> bool:
    """True for the integers 1, 2, 4, 8, ..."""
    return isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 and (int(n) & (int(n) - 1)) == 0


def check_power_of_two(name: str, n, *, maximum: int | None = None) -> int:
    """Return ``n`` as an int if it is a power of two (>= 1); otherwise ``ValueError``/``TypeError``."""
    n = check_int(name, n, minimum=1, maximum=maximum)
    if n & (n - 1):
        raise ValueError(f"{name} must be a power of two (1, 2, 4, 8, ...), got {n}")
    return n


def _float_dtype(dtype) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dt}")
    return dt


def sylvester(n: int, dtype=np.float64) -> np.ndarray:
    r"""The Sylvester Hadamard matrix :math:`S_n` (entries ±1, natural order), ``n = 2^k <= 8192``."""
    n = check_power_of_two("n", n, maximum=MAX_DENSE_N)
    dt = _float_dtype(dtype)
    i = np.arange(n, dtype=np.uint64)
    bits = np.bitwise_and(i[:, None], i[None, :])
    # parity of popcount by folding (n <= 2^13, so 16 bits suffice)
    for shift in (8, 4, 2, 1):
        bits ^= bits >> np.uint64(shift)
    return np.where(bits & np.uint64(1), -1.0, 1.0).astype(dt)


def block_sylvester(n: int, m: int, dtype=np.float64) -> np.ndarray:
    r"""Block-diagonal :math:`I_q \otimes S_m` of order ``n = q·m`` (``m`` a power of two dividing ``n``)."""
    n = check_int("n", n, minimum=1, maximum=MAX_DENSE_N)
    m = check_power_of_two("m", m, maximum=MAX_DENSE_N)
    if n % m:
        raise ValueError(f"n must be a multiple of the block size m={m}, got n={n}")
    return np.kron(np.eye(n // m, dtype=_float_dtype(dtype)), sylvester(m, dtype))


def fwht(x, *, out: np.ndarray | None = None, scale: float | None = None) -> np.ndarray:
    r"""Fast Walsh–Hadamard transform along the last axis: ``x @ S_n`` (natural order).

    Parameters
    ----------
    x : array (..., n), float32 or float64, ``n`` a power of two
        Leading axes are batch axes. ``x`` is not modified.
    out : array like ``x``, optional
        Destination (may be ``x`` itself for an in-place transform).
    scale : float, optional
        Multiply the result by ``scale`` (e.g. ``1/sqrt(n)`` for the orthonormal transform).

    Returns
    -------
    array of the shape and dtype of ``x``; equal to ``x @ sylvester(n)`` up to rounding
    (exactly, for integer-valued inputs of moderate size).
    """
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"x must be a float32 or float64 array, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError("x must have at least one axis (the transformed last axis)")
    n = check_power_of_two("x.shape[-1]", x.shape[-1])
    if out is None:
        out = np.array(x, order="C", copy=True)
    else:
        if out.shape != x.shape or out.dtype != x.dtype:
            raise ValueError(f"out must have shape {x.shape} and dtype {x.dtype}, got {out.shape}, {out.dtype}")
        if not out.flags.c_contiguous:
            raise ValueError("out must be C-contiguous")
        if out is not x:
            np.copyto(out, x)
    y = out.reshape(-1, n)
    tmp = np.empty((y.shape[0], n // 2), dtype=x.dtype)
    h = 1
    while h < n:
        v = y.reshape(y.shape[0], n // (2 * h), 2, h)
        a = v[:, :, 0, :]
        b = v[:, :, 1, :]
        t = tmp.reshape(y.shape[0], n // (2 * h), h)
        np.subtract(a, b, out=t)   # t = a - b
        a += b                     # a = a + b
        b[...] = t                 # b = a_old - b
        h *= 2
    if scale is not None:
        out *= x.dtype.type(scale)
    return out


def block_fwht(x, m: int, *, out: np.ndarray | None = None, scale: float | None = None) -> np.ndarray:
    r"""``x @ (I_q ⊗ S_m)`` along the last axis (length ``n = q·m``): FWHT of each length-``m`` block."""
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("x must have at least one axis (the transformed last axis)")
    m = check_power_of_two("m", m)
    n = x.shape[-1]
    if n % m:
        raise ValueError(f"x.shape[-1] must be a multiple of the block size m={m}, got {n}")
    xr = x.reshape(x.shape[:-1] + (n // m, m))
    o = None if out is None else out.reshape(xr.shape)
    if out is not None and not np.shares_memory(o, out):
        raise ValueError("out must be C-contiguous")
    return fwht(xr, out=o, scale=scale).reshape(x.shape)


def kron_factors(m: int) -> tuple[int, int]:
    """Split ``m = 2^k`` as ``a·b`` with ``a = 2^(k//2)``, ``b = m/a`` (``b >= a``)."""
    m = check_power_of_two("m", m)
    a = 1 << ((m.bit_length() - 1) // 2)
    return a, m // a


def hadamard_kron(x, m: int | None = None, *, scale: float | None = None) -> np.ndarray:
    r"""``x @ (I_q ⊗ S_m)`` along the last axis via :math:`S_m = S_a \otimes S_b` (two small GEMMs).

    ``m`` defaults to the full length ``n`` (plain Hadamard transform). Same result as
    :func:`block_fwht` / :func:`fwht` up to rounding.
    """
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"x must be a float32 or float64 array, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError("x must have at least one axis (the transformed last axis)")
    n = x.shape[-1]
    m = n if m is None else m
    m = check_power_of_two("m", m)
    if n % m:
        raise ValueError(f"x.shape[-1] must be a multiple of the block size m={m}, got {n}")
    a, b = kron_factors(m)
    sa = sylvester(a, x.dtype)
    if scale is not None:
        sa = sa * x.dtype.type(scale)
    y = np.ascontiguousarray(x).reshape(-1, b) @ sylvester(b, x.dtype)
    y = np.matmul(sa, y.reshape(-1, a, b))
    return y.reshape(x.shape)


#: ways :class:`SignedHadamard` can apply the matrix (same maths, different speed)
OPERATOR_PATHS = ("dense", "fwht", "kron")


def kron_split(m: int) -> tuple[int, int]:
    """Speed-tuned split ``m = a·b`` for :class:`SignedHadamard`'s ``"kron"`` path.

    ``b = 16`` (one AVX-512 register of float32) for ``32 <= m <= 512``, ``b = 32`` above,
    ``b = m`` (a = 1, one GEMM) below 32. Measured on the development machine (one thread,
    float32, ``benchmarks/README.md``): among all splits these were the fastest or within 10 %
    of it for m = 32 ... 2048 and batches 32-128 (e.g. m = 512, B = 64: 34 µs for (32, 16)
    against 39 µs for :func:`kron_factors`' (16, 32)).
    """
    m = check_power_of_two("m", m)
    b = m if m < 32 else (16 if m <= 512 else 32)
    return m // b, b


def _inplace_gemm(dtype):
    """``gemm(x, SF, c, beta)``: ``c = x·S + beta·c`` in place, for C-contiguous 2-d ``x`` and
    ``c`` and the Fortran-ordered symmetric ``SF``, through BLAS ``?gemm`` on the transposed
    (Fortran) views (``scipy.linalg.blas``, ``overwrite_c``). Returns None when the BLAS
    wrapper would copy instead of writing in place (checked once on a small problem)."""
    from scipy.linalg.blas import get_blas_funcs

    f = get_blas_funcs("gemm", dtype=dtype)
    probe_c = np.zeros((4, 2), dtype=dtype)
    probe = f(1.0, np.asfortranarray(np.eye(2, dtype=dtype)), np.ones((4, 2), dtype=dtype).T, 1.0,
              probe_c.T, overwrite_c=1)
    if not (np.shares_memory(probe, probe_c) and np.all(probe_c == 1)):
        return None

    def gemm(x, SF, c, beta):
        f(1.0, SF, x.T, beta, c.T, overwrite_c=1)
    return gemm


class SignedHadamard:
    r"""The recurrent matrix :math:`W = \operatorname{diag}(s)\,(I_q\otimes S_m)/\sqrt m` of
    (Block-)HadamRNN acting on a batch of row vectors, with preallocated scratch buffers.

    Row convention for a batch :math:`h \in \mathbb R^{B\times n}` (:math:`n = qm`, S symmetric):

    .. math::

        \text{forward: } h W^\top = \big(h\,(I_q\otimes S_m)/\sqrt m\big)\odot s, \qquad
        \text{backward: } g W = \big((g\odot s)\,(I_q\otimes S_m)\big)/\sqrt m .

    ``path`` chooses how :math:`x(I_q\otimes S_m)` is formed (module docstring): ``"dense"``
    (one BLAS product with the explicit :math:`W`, built in float64 and rounded once),
    ``"fwht"`` (:func:`block_fwht`, scaled signs) or ``"kron"`` (:math:`S_m = S_a\otimes S_b`
    with :func:`kron_split`: one GEMM :math:`(Bn/b, b)\cdot(b, b)` and one batched
    :math:`(a, a)\cdot(a, b)` product over the :math:`Bn/m` blocks, then the sign multiply;
    :math:`2n(a+b)` flops per row instead of :math:`2n^2`). All three give :math:`hW^\top`
    up to rounding; for a fixed path the results are bitwise reproducible.

    Parameters
    ----------
    s : ndarray (n,), float32 or float64
        The diagonal (±1 signs for HadamRNN; any real vector is accepted, e.g. the STE
        surrogate's free vector). Its dtype is the dtype of every product.
    m : int
        Block size, a power of two dividing n (m = n: plain HadamRNN).
    batch : int >= 1
        Number of rows B of every ``h``/``g`` passed later (scratch buffers are (B, n)).
    path : ``"dense"``, ``"fwht"`` or ``"kron"``

    Notes
    -----
    Single products (closures built once, no validation): ``forward(h, out)``,
    ``add_forward(h, out)`` (``out += hWᵀ``), ``backward(g, out)`` and ``add_backward(g, out)``
    (``out += gW``); ``h``/``g`` and ``out`` are C-contiguous (B, n) arrays of the operator's
    dtype; ``out`` must not overlap ``h``/``g`` except in ``backward`` and ``add_backward``,
    where ``g`` may be ``out`` itself.

    Whole recurrences on a C-contiguous (T, B, n) buffer, with the per-step Python overhead
    cut to three or four numpy/BLAS calls: ``forward_scan(H, start, stop)`` turns
    :math:`H_t = c\odot z_t` into :math:`h_t = z_t + h_{t-1}W^\top` for
    ``t = start..stop-1`` (``start >= 1``, :math:`h_{t-1}` = ``H[t-1]`` already final), where
    :math:`c` is ``input_scale`` (``None`` means :math:`c = 1`: the caller stores the plain
    inputs); ``backward_scan(G, top, accumulate)`` runs :math:`G_{j-1} \mathrel{+}= G_j W` (or
    :math:`G_{j-1} = G_j W` when ``accumulate`` is false) for ``j = top..1``.

    The ``"kron"`` scans apply :math:`I\otimes S_a` first (one batched product) and then
    :math:`I\otimes S_b` as ONE GEMM that accumulates into the destination (BLAS ``?gemm``
    with :math:`\beta = 1` through ``scipy.linalg.blas`` on the Fortran views: no separate
    add pass). When every :math:`s_i = \pm 1`, ``input_scale`` is :math:`s` and the forward
    step is :math:`H_t \leftarrow s\odot(H_t + \tilde S h_{t-1})` with :math:`H_t = s\odot
    z_t`, which equals :math:`z_t + s\odot\tilde S h_{t-1}` exactly (multiplying by ±1 commutes
    with rounding): one GEMM with :math:`\beta=1` and one in-place multiply instead of a
    multiply, a temporary and an add. The scans equal the single-step closures up to the
    rounding of the reordered :math:`S_a, S_b` stages (bitwise for the other paths).
    ``matrix()`` returns the dense W (float64 construction rounded once to the dtype).
    """

    def __init__(self, s, m: int, batch: int, path: str = "kron"):
        s = np.asarray(s)
        if s.ndim != 1 or s.dtype not in (np.float32, np.float64):
            raise TypeError(f"s must be a 1-d float32 or float64 array, got dtype {s.dtype}, shape {s.shape}")
        n = s.shape[0]
        self.m = check_power_of_two("m", m, maximum=MAX_DENSE_N)
        if n % self.m:
            raise ValueError(f"len(s)={n} must be a multiple of the block size m={self.m}")
        self.n = n
        self.batch = check_int("batch", batch, minimum=1)
        self.path = check_choice("path", path, OPERATOR_PATHS)
        self.dtype = dt = s.dtype
        self.s = s
        tmp = np.empty((self.batch, n), dtype=dt)
        matmul, multiply, add = np.matmul, np.multiply, np.add
        self.input_scale = None
        if self.path == "dense":
            W = self.matrix()
            Wt = np.ascontiguousarray(W.T)

            def forward(h, out):
                matmul(h, Wt, out=out)

            def add_forward(h, out):
                matmul(h, Wt, out=tmp)
                add(out, tmp, out=out)

            def backward(g, out):
                matmul(g, W, out=tmp if g is out else out)
                if g is out:
                    out[...] = tmp

            def add_backward(g, out):
                matmul(g, W, out=tmp)
                add(out, tmp, out=out)

            def forward_scan(H, start, stop):
                for t in range(start, stop):
                    matmul(H[t - 1], Wt, out=tmp)
                    Ht = H[t]
                    add(Ht, tmp, out=Ht)

            def backward_scan(G, top, accumulate):
                for j in range(top, 0, -1):
                    if accumulate:
                        matmul(G[j], W, out=tmp)
                        Gj = G[j - 1]
                        add(Gj, tmp, out=Gj)
                    else:
                        matmul(G[j], W, out=G[j - 1])
        elif self.path == "kron":
            a, b = kron_split(self.m)
            Sb = sylvester(b, np.float64)
            if a == 1:
                Sb = Sb / math.sqrt(self.m)
            Sb = Sb.astype(dt)
            SbF = np.asfortranarray(Sb)      # = Sbᵀ: the Fortran view of the symmetric factor
            Sa = (sylvester(a, np.float64) / math.sqrt(self.m)).astype(dt)
            t1 = np.empty((self.batch, n), dtype=dt)
            t1_rows, t1_blocks = t1.reshape(-1, b), t1.reshape(-1, a, b)
            tmp_rows, tmp_blocks = tmp.reshape(-1, b), tmp.reshape(-1, a, b)
            gemm = _inplace_gemm(dt)

            def kron(x, out):            # out = x (I_q ⊗ S_a ⊗ S_b) / √m; out may be x
                if a == 1:
                    matmul(x.reshape(-1, b), Sb, out=out.reshape(-1, b))
                else:
                    matmul(x.reshape(-1, b), Sb, out=t1_rows)
                    matmul(Sa, t1_blocks, out=out.reshape(-1, a, b))

            def forward(h, out):
                kron(h, out)
                multiply(out, s, out=out)

            def add_forward(h, out):
                kron(h, tmp)
                multiply(tmp, s, out=tmp)
                add(out, tmp, out=out)

            def backward(g, out):
                multiply(g, s, out=out)
                kron(out, out)

            def add_backward(g, out):
                multiply(g, s, out=tmp)
                kron(tmp, tmp)
                add(out, tmp, out=out)

            # whole recurrences: (I ⊗ S_a) first (batched), then (I ⊗ S_b) as ONE GEMM that
            # accumulates into the destination (BLAS beta = 1: no separate add pass)
            signed = gemm is not None and bool(np.all(np.abs(s) == 1))
            self.input_scale = s if signed else None

            if signed:
                def forward_scan(H, start, stop):
                    # H[t] holds s ⊙ z_t (input_scale); h_t = s ⊙ (s ⊙ z_t + S̃ h_{t-1}) = z_t + s ⊙ S̃ h_{t-1}
                    rows = H.reshape(H.shape[0], -1, b)
                    blocks = H.reshape(H.shape[0], -1, a, b)
                    for t in range(start, stop):
                        if a == 1:
                            gemm(rows[t - 1], SbF, rows[t], 1.0)
                        else:
                            matmul(Sa, blocks[t - 1], out=t1_blocks)
                            gemm(t1_rows, SbF, rows[t], 1.0)
                        Ht = H[t]
                        multiply(Ht, s, out=Ht)
            else:
                def forward_scan(H, start, stop):
                    rows = H.reshape(H.shape[0], -1, b)
                    for t in range(start, stop):
                        if a == 1:
                            matmul(rows[t - 1], Sb, out=tmp_rows)
                        else:
                            matmul(rows[t - 1], Sb, out=t1_rows)
                            matmul(Sa, t1_blocks, out=tmp_blocks)
                        multiply(tmp, s, out=tmp)
                        Ht = H[t]
                        add(Ht, tmp, out=Ht)

            if gemm is not None:
                def backward_scan(G, top, accumulate):
                    rows = G.reshape(G.shape[0], -1, b)
                    beta = 1.0 if accumulate else 0.0
                    for j in range(top, 0, -1):
                        multiply(G[j], s, out=tmp)
                        if a == 1:
                            gemm(tmp_rows, SbF, rows[j - 1], beta)
                        else:
                            matmul(Sa, tmp_blocks, out=t1_blocks)
                            gemm(t1_rows, SbF, rows[j - 1], beta)
            else:
                def backward_scan(G, top, accumulate):
                    step = add_backward if accumulate else backward
                    for j in range(top, 0, -1):
                        step(G[j], G[j - 1])
        else:
            s_scaled = (s * dt.type(1.0 / math.sqrt(self.m))).astype(dt)
            m_ = self.m

            def fw(x, out):
                if m_ == n:
                    fwht(x, out=out)
                else:
                    block_fwht(x, m_, out=out)

            def forward(h, out):
                fw(h, out)
                multiply(out, s_scaled, out=out)

            def add_forward(h, out):
                fw(h, tmp)
                multiply(tmp, s_scaled, out=tmp)
                add(out, tmp, out=out)

            def backward(g, out):
                multiply(g, s_scaled, out=out)
                fw(out, out)

            def add_backward(g, out):
                multiply(g, s_scaled, out=tmp)
                fw(tmp, tmp)
                add(out, tmp, out=out)

            def forward_scan(H, start, stop):
                for t in range(start, stop):
                    add_forward(H[t - 1], H[t])

            def backward_scan(G, top, accumulate):
                step = add_backward if accumulate else backward
                for j in range(top, 0, -1):
                    step(G[j], G[j - 1])
        self.forward, self.add_forward = forward, add_forward
        self.backward, self.add_backward = backward, add_backward
        self.forward_scan, self.backward_scan = forward_scan, backward_scan

    def matrix(self) -> np.ndarray:
        r"""The dense :math:`W = \operatorname{diag}(s)(I_q\otimes S_m)/\sqrt m` (float64, rounded once)."""
        base = block_sylvester(self.n, self.m) / math.sqrt(self.m)
        return (self.s.astype(np.float64)[:, None] * base).astype(self.dtype)
