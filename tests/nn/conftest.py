"""Fixtures shared by the training-backend tests: seeded RNGs and dtype-aware closeness."""
import zlib

import numpy as np
import pytest

#: relative tolerance per dtype for comparing two implementations of the same maths
RTOL = {np.dtype(np.float32): 2e-5, np.dtype(np.float64): 1e-11}


@pytest.fixture
def rng(request):
    """A Generator seeded from the test's name: every test draws its own reproducible data."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)


@pytest.fixture
def assert_close():
    """``assert_close(actual, desired, atol=0)``: rtol chosen from the dtype of ``actual``."""

    def _check(actual, desired, atol=0.0, rtol=None):
        actual = np.asarray(actual)
        if rtol is None:
            rtol = RTOL.get(actual.dtype, 1e-11)
        np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol)

    return _check
