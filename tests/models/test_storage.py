"""Tests of approxbounds.models.storage: exact bit accounts (rnn.md §4)."""
import pytest

from approxbounds.models import HadamRNN
from approxbounds.models.storage import FP_BITS, hadamrnn_storage, model_storage, tensor_bits


def test_pmnist_hadamrnn_vs_fp32_ornn():
    # paper's pMNIST config: n = 512, d_in = 1, d_out = 10, p = 4
    acc = hadamrnn_storage(HadamRNN(1, 512, 10, bits=4, output="last"))
    weights = 512 + 512 * 1 * 4 + 10 * 512 * 4 + 32 * (512 + 10)
    assert weights == 39_744
    assert hadamrnn_storage(HadamRNN(1, 512, 10), scales=False).total_bits == weights
    expected = weights + 2 * 32                               # + the fp32 scales of Q(U), Q(V)
    assert acc.total_bits == expected == 39_808
    assert acc.kbit == pytest.approx(39.8, abs=0.05)
    assert acc.total_bytes == 4976 and acc.total_bytes / 1024 == pytest.approx(4.86, abs=0.01)  # ≈ 4.9 kB
    assert HadamRNN(1, 512, 10).storage_bits() == expected
    # fp32 ORNN of the same size: W, U, b, V, c and a modReLU offset per unit
    ornn = model_storage({"W": (512, 512), "U": (512, 1), "b": (512,), "V": (10, 512), "c": (10,),
                          "beta": (512,)}, model="ORNN")
    assert ornn.total_bits == 32 * (512 * 512 + 512 + 512 + 5120 + 10 + 512)
    assert ornn.total_bytes / 1e6 == pytest.approx(1.075, abs=0.001)   # ≈ 1.07 MB
    assert ornn.total_bits / acc.total_bits > 200


def test_explicit_W_and_block_accounts():
    m = HadamRNN(10, 128, 9, bits=4)
    assert hadamrnn_storage(m).items["W"][2] == 128
    assert hadamrnn_storage(m, explicit_W=True).items["W"][2] == 128 * 128
    assert m.storage_bits(explicit_W=True) - m.storage_bits() == 128 * 128 - 128
    blk = HadamRNN(1, 512, 10, blocks=4)                     # paper's Block config: m = 128, q = 4
    assert hadamrnn_storage(blk).items["W"][2] == 512
    assert hadamrnn_storage(blk, explicit_W=True).items["W"][2] == 4 * 128 * 128   # non-zeros only
    assert hadamrnn_storage(blk).model == "Block-HadamRNN(q=4)"


def test_embedding_and_full_precision_variants():
    m = HadamRNN(512, 128, 1, bits=4, embedding=(10_000, 512), output="last")   # IMDB config
    acc = hadamrnn_storage(m)
    assert acc.items["E"] == (10_000 * 512, 32, 32 * 10_000 * 512)
    assert acc.total_bits == 128 + 128 * 512 * 4 + 128 * 4 + 32 * (128 + 1) + 32 * 10_000 * 512 + 64
    fp = hadamrnn_storage(HadamRNN(3, 8, 2, bits=None))
    assert fp.items["U"] == (24, FP_BITS, 24 * FP_BITS)
    assert "alpha_U" not in fp.items                        # nothing quantized, no scales


def test_qornn_kbit_account_and_table():
    shapes = {"W": (128, 128), "U": (128, 10), "b": (128,), "V": (9, 128), "c": (9,)}
    acc = model_storage(shapes, {"W": 3, "U": 3}, model="QORNN")
    assert acc.total_bits == 3 * 128 * 128 + 3 * 1280 + 32 * (128 + 9 * 128 + 9) + 2 * 32
    assert model_storage(shapes, {"W": 3, "U": 3}, scales=False).total_bits == acc.total_bits - 64
    assert "QORNN" in acc.table() and "W" in acc.table()
    d = acc.to_dict()
    assert d["total_bits"] == acc.total_bits and d["items"]["W"]["bits_per_entry"] == 3


def test_validation():
    with pytest.raises(ValueError, match="not parameters"):
        model_storage({"W": (2, 2)}, {"Q": 3})
    with pytest.raises(TypeError, match="param_shapes"):
        model_storage({})
    with pytest.raises(ValueError, match="bits_per_entry"):
        tensor_bits((2, 2), 0)
    assert tensor_bits((3, 0), 4) == (0, 4, 0)
    assert tensor_bits((10 ** 6, 10 ** 6), 32)[2] == 32 * 10 ** 12    # exact integers


def test_one_bit_is_ternary_and_costs_two_bits_per_entry():
    """The official 1-bit Q_1 has 3 levels {-a, 0, a}: ⌈log2 3⌉ = 2 bits per stored entry."""
    from approxbounds.models.qornn import QORNN
    m = HadamRNN(10, 128, 9, bits=1)
    acc = hadamrnn_storage(m)
    assert acc.items["U"] == (1280, 2, 2560) and acc.items["V"] == (1152, 2, 2304)
    q = QORNN(10, 32, 9, variant="bjorck", bits=1, quantize_input=True)
    assert q.storage().items["W"] == (1024, 2, 2048) and q.storage().items["U"] == (320, 2, 640)
    assert QORNN(10, 32, 9, variant="bjorck", bits=3).storage().items["W"] == (1024, 3, 3072)
