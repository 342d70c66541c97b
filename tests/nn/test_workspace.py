"""Per-thread scratch buffers (approxbounds.nn.workspace)."""
import threading

import numpy as np
import pytest

from approxbounds.nn.workspace import release, scratch, zeros


def test_scratch_is_reused_for_the_same_shape_and_dtype_only():
    a = scratch("test.a", (3, 4), np.float32)
    assert a.shape == (3, 4) and a.dtype == np.float32 and a.flags.c_contiguous
    assert scratch("test.a", (3, 4), "float32") is a
    b = scratch("test.a", (3, 5), np.float32)
    assert b is not a and b.shape == (3, 5)
    assert scratch("test.a", (3, 5), np.float64) is not b
    assert scratch("test.other", (3, 5), np.float64) is not scratch("test.a", (3, 5), np.float64)


def test_zeros_are_zero_and_read_only():
    z = zeros("test.z", (2, 3), np.float32)
    assert not z.any() and z.dtype == np.float32
    with pytest.raises(ValueError):
        z[0, 0] = 1
    assert zeros("test.z", (2, 3), np.float32) is z
    # a scratch buffer of the same name is a different object
    assert scratch("test.z", (2, 3), np.float32) is not z


def test_buffers_are_per_thread_and_release_frees_them():
    main = scratch("test.t", (4,), np.float64)
    seen = []
    th = threading.Thread(target=lambda: seen.append(scratch("test.t", (4,), np.float64)))
    th.start()
    th.join()
    assert seen[0] is not main
    release()
    assert scratch("test.t", (4,), np.float64) is not main
