"""The storage class "any network stored in B bits": description, registry, capacity, and a
brute-force check on tiny decoders that a B-bit format never exceeds its counting bounds."""
import itertools

import mpmath
import numpy as np
import pytest

from approxbounds.capacity.growth import growth_model
from approxbounds.capacity.networks import as_network_class, network_from_dict
from approxbounds.capacity.storage import StorageClass, check_domain, model_storage_bits


def test_description_round_trip_and_registry():
    for G in (StorageClass(40_000, ("sequence", 1, 50)), StorageClass(7, ("cube", 3))):
        desc = G.to_dict()
        assert desc["kind"] == "storage"
        assert network_from_dict(desc) == G
        assert as_network_class(G) is G
        assert "stored in" in G.label()


@pytest.mark.parametrize("desc, match", [
    ({"kind": "storage", "bits": 0, "domain": ["cube", 1]}, "bits"),
    ({"kind": "storage", "bits": 3, "domain": ["cube", 0]}, "dimension"),
    ({"kind": "storage", "bits": 3, "domain": ["sequence", 1, 0]}, "length"),
    ({"kind": "storage", "bits": 3, "domain": ["torus", 1]}, "domain"),
    ({"kind": "storage", "bits": 3, "domain": ("cube", 1)}, "list"),
    ({"kind": "storage", "bits": 3}, "missing"),
    ({"kind": "storage", "bits": 3, "domain": ["cube", 1], "x": 1}, "unexpected"),
    ({"kind": "storage", "bits": 3.0, "domain": ["cube", 1]}, "bits"),
])
def test_bad_descriptions_are_rejected(desc, match):
    with pytest.raises(ValueError, match=match):
        network_from_dict(desc)


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="bits"):
        StorageClass(0, ("cube", 1))
    with pytest.raises(TypeError, match="bits"):
        StorageClass(2.5, ("cube", 1))
    with pytest.raises(ValueError, match="domain"):
        check_domain(("sequence", 1))


def test_growth_model_is_min_of_n_and_b():
    G = StorageClass(100, ("cube", 2))
    model = growth_model(G)
    assert model.size_bound.value == 100 and model.size_bound.tag == "P"
    assert model.vcdim.value == 100 and model.pdim.value == 100
    assert model.fast(7).value == 7 and model.fast(7).method == "trivial"
    assert model.fast(10**30).value == 100 and model.fast(10**30).method == "finite_class_count"
    with mpmath.workdps(30):
        assert model.log2_growth_mp("finite_class_count", 10**30) == 100
        assert model.log2_growth_mp("trivial", 7) == 7
        assert model.size_mp() == 100 and model.vcdim_mp() == 100
    with pytest.raises(ValueError, match="evaluator"):
        model.log2_growth_mp("sauer_shelah", 10)
    assert growth_model(G) is model   # cached


def _decoder_tiny_net(bits_per_weight):
    """All functions x -> relu(w1 x + b1) * w2 on a grid of 2**k values per parameter."""
    levels = np.linspace(-1, 1, 2 ** bits_per_weight)

    def functions():
        for w1, b1, w2 in itertools.product(levels, levels, levels):
            yield lambda x, w1=w1, b1=b1, w2=w2: np.maximum(w1 * x + b1, 0.0) * w2
    return functions


@pytest.mark.parametrize("k", [1, 2])
def test_brute_force_patterns_never_exceed_the_storage_bounds(k):
    """A 3-parameter net on a k-bit grid is stored in B = 3k bits: on N points with thresholds
    the thresholded class shows at most min(2^N, 2^B) patterns, and it shatters no B + 1 points."""
    B = 3 * k
    model = growth_model(StorageClass(B, ("cube", 1)))
    rng = np.random.default_rng(k)
    for N in (2, 4, 8, 12):
        x = rng.uniform(0, 1, N)
        t = rng.uniform(-0.5, 0.5, N)
        patterns = {tuple((f(x) > t).astype(int)) for f in _decoder_tiny_net(k)()}
        assert np.log2(len(patterns)) <= model.fast(N).value + 1e-12
    # VC: no set of B + 1 points is shattered by sgn G (try random sets)
    for _ in range(20):
        x = rng.uniform(-1, 1, B + 1)
        pats = {tuple((f(x) > 0).astype(int)) for f in _decoder_tiny_net(k)()}
        assert len(pats) < 2 ** (B + 1)


def test_for_model_uses_the_exact_storage_account():
    from approxbounds.models import HadamRNN, QORNN

    h = HadamRNN(1, 64, 1, bits=4, output="last")
    G = StorageClass.for_model(h, 50)
    assert G.bits == h.storage_bits() == 64 + 64 * 4 + 64 * 4 + 32 * 65 + 64
    assert G.domain == ("sequence", 1, 50)
    q = QORNN(1, 16, 1, bits=3, output="last")
    assert model_storage_bits(q) == q.storage().total_bits
    with pytest.raises(TypeError, match="storage"):
        model_storage_bits(object())
