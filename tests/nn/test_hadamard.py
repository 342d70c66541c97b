"""Tests of approxbounds.nn.hadamard: Sylvester matrices, FWHT, block and Kronecker variants."""
import numpy as np
import pytest

from approxbounds.nn.hadamard import (
    OPERATOR_PATHS, SignedHadamard, block_fwht, block_sylvester, check_power_of_two, fwht, hadamard_kron,
    is_power_of_two, kron_factors, kron_split, sylvester,
)

H2 = np.array([[1.0, 1.0], [1.0, -1.0]])


@pytest.mark.parametrize("k", range(0, 8))
def test_sylvester_recursion_and_properties(k):
    n = 2 ** k
    s = sylvester(n)
    # the defining recursion S_{2m} = S_m ⊗ H2
    if k:
        np.testing.assert_array_equal(s, np.kron(sylvester(n // 2), H2))
    else:
        np.testing.assert_array_equal(s, [[1.0]])
    assert set(np.unique(s)) <= {-1.0, 1.0}
    np.testing.assert_array_equal(s, s.T)
    np.testing.assert_array_equal(s @ s, n * np.eye(n))      # exact in float64 for these sizes
    # closed form (-1)^{popcount(i & j)}
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    pc = np.vectorize(lambda v: bin(int(v)).count("1"))(i & j) if n > 1 else np.zeros((1, 1), int)
    np.testing.assert_array_equal(s, (-1.0) ** pc)


def test_sylvester_dtype_and_validation():
    assert sylvester(8, np.float32).dtype == np.float32
    for bad in (3, 6, 12, 100):
        with pytest.raises(ValueError, match="power of two"):
            sylvester(bad)
    with pytest.raises(ValueError, match="n"):
        sylvester(0)
    with pytest.raises(TypeError, match="n"):
        sylvester(4.0)
    with pytest.raises(ValueError, match="<= 8192"):
        sylvester(2 ** 14)
    with pytest.raises(ValueError, match="dtype"):
        sylvester(4, np.int64)
    assert [is_power_of_two(v) for v in (1, 2, 3, 4, 0, -2, True)] == [True, True, False, True, False, False, False]
    assert check_power_of_two("m", 16) == 16


@pytest.mark.parametrize("n", [1, 2, 4, 8, 32, 128])
def test_fwht_equals_dense_product_exactly_on_integers(n):
    rng = np.random.default_rng(n)
    x = rng.integers(-50, 50, (3, 5, n)).astype(np.float64)     # batched over two leading axes
    np.testing.assert_array_equal(fwht(x), x @ sylvester(n))
    np.testing.assert_array_equal(hadamard_kron(x), x @ sylvester(n))


@pytest.mark.parametrize("dtype,rtol", [(np.float64, 1e-13), (np.float32, 2e-6)])
def test_fwht_float_and_involution(dtype, rtol):
    rng = np.random.default_rng(1)
    n = 256
    x = rng.standard_normal((7, n)).astype(dtype)
    y = fwht(x)
    assert y.dtype == dtype and x.dtype == dtype
    ref = x.astype(np.float64) @ sylvester(n)
    np.testing.assert_allclose(y, ref, rtol=rtol, atol=rtol * np.abs(ref).max())
    # orthonormal version is an involution and preserves norms
    z = fwht(fwht(x, scale=1 / np.sqrt(n)), scale=1 / np.sqrt(n))
    np.testing.assert_allclose(z, x, rtol=rtol * 10, atol=rtol * 10)
    np.testing.assert_allclose(np.linalg.norm(fwht(x, scale=1 / np.sqrt(n)), axis=1),
                               np.linalg.norm(x, axis=1), rtol=rtol * 10)


def test_fwht_in_place_and_out_and_input_untouched():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 16))
    x0 = x.copy()
    ref = x @ sylvester(16)
    y = fwht(x)
    np.testing.assert_array_equal(x, x0)
    out = np.empty_like(x)
    assert fwht(x, out=out) is out
    np.testing.assert_allclose(out, ref, rtol=1e-14)
    fwht(x, out=x)
    np.testing.assert_allclose(x, ref, rtol=1e-14)
    np.testing.assert_allclose(y, ref, rtol=1e-14)
    # non-contiguous input is fine
    xt = rng.standard_normal((16, 4)).T
    np.testing.assert_allclose(fwht(xt), xt @ sylvester(16), rtol=1e-13)


def test_fwht_validation():
    with pytest.raises(ValueError, match="power of two"):
        fwht(np.ones((2, 6)))
    with pytest.raises(TypeError, match="float32 or float64"):
        fwht(np.ones(4, dtype=int))
    with pytest.raises(ValueError, match="out"):
        fwht(np.ones(4), out=np.ones(8))
    with pytest.raises(ValueError, match="at least one axis"):
        fwht(np.float64(1.0))


@pytest.mark.parametrize("n,m", [(16, 1), (16, 2), (16, 4), (16, 16), (24, 8), (64, 16)])
def test_block_variants(n, m):
    bs = block_sylvester(n, m)
    q = n // m
    # I_q ⊗ S_m: block diagonal, non-zero fraction 1/q, (bs/√m) orthogonal
    np.testing.assert_array_equal(bs, np.kron(np.eye(q), sylvester(m)))
    assert np.count_nonzero(bs) == q * m * m
    np.testing.assert_allclose((bs / np.sqrt(m)) @ (bs / np.sqrt(m)).T, np.eye(n), atol=1e-14)
    rng = np.random.default_rng(n + m)
    x = rng.integers(-9, 9, (3, n)).astype(np.float64)
    np.testing.assert_array_equal(block_fwht(x, m), x @ bs)
    np.testing.assert_array_equal(hadamard_kron(x, m), x @ bs)


def test_block_validation():
    with pytest.raises(ValueError, match="multiple"):
        block_sylvester(12, 8)
    with pytest.raises(ValueError, match="power of two"):
        block_sylvester(12, 3)
    with pytest.raises(ValueError, match="multiple"):
        block_fwht(np.ones((2, 12)), 8)
    with pytest.raises(ValueError, match="multiple"):
        hadamard_kron(np.ones((2, 12)), 8)


def test_kron_factors():
    for k in range(11):
        m = 2 ** k
        a, b = kron_factors(m)
        assert a * b == m and a <= b <= 2 * a
        np.testing.assert_array_equal(np.kron(sylvester(a), sylvester(b)), sylvester(m))


# ----------------------------------------------------------------- SignedHadamard (HadamRNN's W)
@pytest.mark.parametrize("path", OPERATOR_PATHS)
@pytest.mark.parametrize("n,m", [(1, 1), (2, 2), (8, 8), (32, 8), (128, 128), (64, 4)])
@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-13), (np.float32, 2e-6)])
def test_signed_hadamard_all_four_products_equal_the_dense_matrix(path, n, m, dtype, tol):
    rng = np.random.default_rng(n * 31 + m)
    s = np.where(rng.standard_normal(n) >= 0, 1.0, -1.0).astype(dtype)
    W = (s[:, None] * block_sylvester(n, m) / np.sqrt(m))          # independent construction, float64
    B = 5
    op = SignedHadamard(s, m, B, path=path)
    np.testing.assert_array_equal(op.matrix(), W.astype(dtype))
    h = rng.standard_normal((B, n)).astype(dtype)
    base = rng.standard_normal((B, n)).astype(dtype)
    scale = tol * np.sqrt(n) * np.abs(h).max()
    out = np.full((B, n), np.nan, dtype=dtype)
    op.forward(h, out)
    np.testing.assert_allclose(out, h @ W.T, atol=scale)            # h Wᵀ (row convention)
    acc = base.copy()
    op.add_forward(h, acc)
    np.testing.assert_allclose(acc, base + h @ W.T, atol=2 * scale)
    g = h.copy()
    op.backward(g, g)                                               # in place allowed
    np.testing.assert_allclose(g, h @ W, atol=scale)
    out2 = np.empty_like(h)
    op.backward(h, out2)
    np.testing.assert_array_equal(out2, g)
    acc = base.copy()
    op.add_backward(h, acc)
    np.testing.assert_allclose(acc, base + h @ W, atol=2 * scale)
    assert out.dtype == acc.dtype == dtype


def test_signed_hadamard_real_diagonal_and_orthogonality():
    rng = np.random.default_rng(5)
    s = rng.standard_normal(16)                                     # a free real vector (STE surrogate)
    for path in OPERATOR_PATHS:
        op = SignedHadamard(s, 4, 3, path=path)
        h = rng.standard_normal((3, 16))
        out = np.empty_like(h)
        op.forward(h, out)
        np.testing.assert_allclose(out, h @ (s[:, None] * block_sylvester(16, 4) / 2.0).T, atol=1e-13)
    # ±1 signs: W orthogonal, so backward(forward(h)) = h Wᵀ W = h
    s = np.where(rng.standard_normal(64) >= 0, 1.0, -1.0)
    op = SignedHadamard(s, 64, 2, path="kron")
    h = rng.standard_normal((2, 64))
    out = np.empty_like(h)
    op.forward(h, out)
    op.backward(out, out)
    np.testing.assert_allclose(out, h, atol=1e-13)


def test_signed_hadamard_validation():
    with pytest.raises(TypeError, match="s must be a 1-d float"):
        SignedHadamard(np.ones(4, dtype=int), 4, 1)
    with pytest.raises(TypeError, match="s must be a 1-d float"):
        SignedHadamard(np.ones((2, 2)), 2, 1)
    with pytest.raises(ValueError, match="multiple of the block size"):
        SignedHadamard(np.ones(12), 8, 1)
    with pytest.raises(ValueError, match="power of two"):
        SignedHadamard(np.ones(12), 3, 1)
    with pytest.raises(ValueError, match="batch"):
        SignedHadamard(np.ones(4), 4, 0)
    with pytest.raises(ValueError, match="path"):
        SignedHadamard(np.ones(4), 4, 1, path="fft")


@pytest.mark.parametrize("path", OPERATOR_PATHS)
@pytest.mark.parametrize("n,m", [(8, 8), (64, 16), (64, 32), (128, 128), (1024, 1024)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("zero_sign", [False, True])
def test_signed_hadamard_scans_equal_the_single_steps(path, n, m, dtype, zero_sign):
    """forward_scan / backward_scan = loops of the single-step closures: bitwise for the dense
    and fwht paths, to rounding for kron (its scans reorder the S_a, S_b stages and accumulate
    inside the GEMM); the input_scale contract of forward_scan."""
    rng = np.random.default_rng(n + m)
    s = np.where(rng.standard_normal(n) >= 0, 1.0, -1.0).astype(dtype)
    if zero_sign:
        s[3] = 0                                    # sgn 0 = 0: W loses a row
    B, T = 3, 6
    op = SignedHadamard(s, m, B, path=path)
    if path == "kron" and not zero_sign:
        np.testing.assert_array_equal(op.input_scale, s)
    else:
        assert op.input_scale is None
    tol = dict(rtol=0, atol=0) if path != "kron" else dict(rtol=1e-5 if dtype == np.float32 else 1e-13,
                                                            atol=1e-6 if dtype == np.float32 else 1e-14)
    Z = (rng.standard_normal((T, B, n)) * 0.1).astype(dtype)
    H = Z.copy()
    if op.input_scale is not None:
        H[2:5] *= op.input_scale                    # the caller's side of the contract
    op.forward_scan(H, 2, 5)
    ref = Z.copy()
    for t in range(2, 5):
        op.add_forward(ref[t - 1], ref[t])
    np.testing.assert_allclose(H[:5], ref[:5], **tol)
    for accumulate in (True, False):
        G, ref = Z.copy(), Z.copy()
        op.backward_scan(G, T - 2, accumulate)
        for j in range(T - 2, 0, -1):
            (op.add_backward if accumulate else op.backward)(ref[j], ref[j - 1])
        np.testing.assert_allclose(G, ref, **tol)
        np.testing.assert_array_equal(G[T - 1], Z[T - 1])
    # and the forward scan is the recurrence with the dense matrix
    W = op.matrix().astype(np.float64)
    H = Z.copy()
    if op.input_scale is not None:
        H[1:] *= op.input_scale
    op.forward_scan(H, 1, T)
    h = Z[0].astype(np.float64)
    for t in range(1, T):
        h = Z[t] + h @ W.T
        np.testing.assert_allclose(H[t], h, rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-5)


def test_kron_split():
    for k in range(0, 14):
        m = 2 ** k
        a, b = kron_split(m)
        assert a * b == m and b == (m if m < 32 else 16 if m <= 512 else 32)
        if m <= 1024:                                  # dense check (the largest is 512 MiB)
            np.testing.assert_array_equal(np.kron(sylvester(a), sylvester(b)), sylvester(m))
    with pytest.raises(ValueError, match="power of two"):
        kron_split(24)
