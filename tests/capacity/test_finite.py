import itertools

import numpy as np

from approxbounds.capacity import Architecture, log2_class_size, log2_growth_bound


def test_sizes():
    assert log2_class_size(Architecture.parse("1,10,1")) is None
    assert log2_class_size(Architecture.parse("1,10,1", bits=4)) is None  # biases float
    b = log2_class_size(Architecture.parse("1,10,1", bits=4, quantize="all"))
    assert b.value == 4 * 31 and b.tag == "P" and b.quantity == "log2_size"
    w = log2_class_size(Architecture.parse("1,10,1", bits=4, n_float=0))
    assert w.value == 4 * 20


def test_enumerated_tiny_class_respects_count():
    # 1 bit per parameter, values {-1, +1}; architecture 1,1,1 has W = 4 parameters
    a = Architecture.parse("1,1,1", bits=1, quantize="all")
    xs = np.linspace(-1.5, 1.5, 7)
    ts = np.linspace(-1.2, 1.3, 5)
    patterns = set()
    for w1, b1, w2, b2 in itertools.product([-1.0, 1.0], repeat=4):
        g = w2 * np.maximum(w1 * xs + b1, 0) + b2
        patterns.add(tuple((g[:, None] > ts[None, :]).ravel()))
    N = xs.size * ts.size
    bound = log2_growth_bound(a, N)
    assert bound.method == "finite_class_count"
    assert np.log2(len(patterns)) <= bound.value == 4


def test_union_bound_reported():
    a = Architecture.parse("1,10,1", bits=2)
    b = log2_growth_bound(a, 10**6)
    cands = b.ingredients["candidates"]
    assert cands["finite_union"] == a.quantization.bits * a.n_quantized + min(
        cands["sauer_shelah"], cands["bhlm2019_product_augmented"])
    assert b.value <= cands["finite_union"]
