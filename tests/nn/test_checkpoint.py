"""Checkpoint files: exact round trip, refusal of other models, corruption, atomicity."""
import os

import numpy as np
import pytest

from approxbounds import _io
from approxbounds.nn import checkpoint as C
from approxbounds.nn.optim import adam, chain, clip_by_global_norm


def _tree(rng):
    return {"000": {"W": rng.standard_normal((3, 4)).astype(np.float32), "b": np.zeros(4, np.float32)},
            "001": {},                                   # a parameter-free layer
            "002": {"W": rng.standard_normal((4, 1)), "b": np.array([0.5])}}


CONFIG = {"kind": "sequential", "layers": [{"kind": "dense", "n_in": 3, "n_out": 4}, {"kind": "relu"},
                                          {"kind": "dense", "n_in": 4, "n_out": 1}]}


def _save(path, rng, **kw):
    params = _tree(rng)
    opt = chain(clip_by_global_norm(1.0), adam(1e-3))
    state = opt.init(params)
    gen = np.random.default_rng(123)
    gen.random(5)
    args = dict(model_config=CONFIG, params=params, opt_state=state, rng=gen, step=7,
                metadata={"note": "x", "loss": 0.25})
    args.update(kw)
    C.save_checkpoint(path, **args)
    return params, state, gen


def _tree_equal(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(_tree_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def test_round_trip_is_bitwise(tmp_path, rng):
    path = tmp_path / "ck.npz"
    params, state, gen = _save(path, rng)
    ck = C.load_checkpoint(path, expected_config=CONFIG, expected_params=params)
    assert _tree_equal(ck.params, params)                     # includes the empty "001" subtree
    assert _tree_equal(ck.opt_state, state)                   # int counters stay ints
    assert ck.step == 7 and ck.model_config == CONFIG
    assert ck.metadata == {"note": "x", "loss": 0.25}
    # the restored generator continues the same stream
    assert np.array_equal(ck.generator().random(10), gen.random(10))


def test_other_model_is_refused_with_the_difference(tmp_path, rng):
    path = tmp_path / "ck.npz"
    params, _, _ = _save(path, rng)
    other = {**CONFIG, "layers": [dict(CONFIG["layers"][0], n_out=5), *CONFIG["layers"][1:]]}
    with pytest.raises(ValueError, match=r"another model.*\['n_out'\]: checkpoint has 4, expected 5"):
        C.load_checkpoint(path, expected_config=other)
    wrong = dict(params, **{"002": {"W": np.zeros((4, 2)), "b": np.zeros(2)}})
    with pytest.raises(ValueError, match=r"params/002/W: checkpoint has shape \(4, 1\), expected \(4, 2\)"):
        C.load_checkpoint(path, expected_params=wrong)
    wrong_dtype = dict(params, **{"000": {k: v.astype(np.float64) for k, v in params["000"].items()}})
    with pytest.raises(ValueError, match="dtype float32, expected float64"):
        C.load_checkpoint(path, expected_params=wrong_dtype)


def test_model_objects_are_accepted_as_config(tmp_path, rng):
    from approxbounds.nn.mlp import MLP
    model = MLP(2, [3], 1)
    params = model.init(rng)
    path = tmp_path / "m.npz"
    C.save_checkpoint(path, model_config=model, params=params, step=0)
    assert C.load_checkpoint(path, expected_config=model).model_config == model.config()
    with pytest.raises(ValueError, match="another model"):
        C.load_checkpoint(path, expected_config=MLP(2, [3], 1, activation="tanh"))


def test_truncated_and_corrupted_files_raise(tmp_path, rng):
    path = tmp_path / "ck.npz"
    _save(path, rng)
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) - 200])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        C.load_checkpoint(path)
    # flip one byte inside the first array's data: the zip CRC-32 catches it
    corrupt = bytearray(blob)
    offset = blob.index(b"NUMPY") - 1 + 128 + 5      # npy v1 header is 128 bytes
    corrupt[offset] ^= 0xFF
    path.write_bytes(bytes(corrupt))
    with pytest.raises(ValueError, match="truncated or corrupted"):
        C.load_checkpoint(path)


def test_other_files_are_not_checkpoints(tmp_path):
    plain = tmp_path / "plain.npz"
    _io.atomic_save_npz(plain, {"x": np.zeros(2)})
    with pytest.raises(ValueError, match="not an approxbounds checkpoint"):
        C.load_checkpoint(plain)
    with pytest.raises(FileNotFoundError):
        C.load_checkpoint(tmp_path / "missing.npz")


def test_failed_save_keeps_the_previous_checkpoint(tmp_path, rng, monkeypatch):
    path = tmp_path / "ck.npz"
    _save(path, rng)

    def boom(src, dst):
        raise OSError("crash during rename (simulated)")

    monkeypatch.setattr(_io.os, "replace", boom)
    with pytest.raises(OSError):
        _save(path, rng, step=99)
    monkeypatch.undo()
    assert C.load_checkpoint(path).step == 7
    assert [n for n in os.listdir(tmp_path) if n.endswith(".tmp")] == []


def test_invalid_inputs(tmp_path, rng):
    with pytest.raises(ValueError, match="metadata.*nan"):
        _save(tmp_path / "a.npz", rng, metadata={"loss": float("nan")})
    with pytest.raises(ValueError, match="step"):
        _save(tmp_path / "b.npz", rng, step=-1)
    with pytest.raises(TypeError, match="rng"):
        _save(tmp_path / "c.npz", rng, rng=42)
    with pytest.raises(ValueError, match="bit generator"):
        C.generator_from_state({"bit_generator": "Nope"})
    assert not (tmp_path / "a.npz").exists()


def test_keep_previous_and_fallback_to_it_when_the_latest_is_corrupt(tmp_path, rng):
    path = tmp_path / "ck.npz"
    prev = C.previous_path(path)
    assert prev.name == "ck.prev.npz"
    _save(path, rng, step=5, keep_previous=True)
    assert not prev.exists()                          # nothing to keep yet
    _save(path, rng, step=9, keep_previous=True)
    assert C.load_checkpoint(prev).step == 5 and C.load_checkpoint(path).step == 9
    ck = C.load_latest_checkpoint(path)
    assert ck.step == 9 and ck.source == str(path)
    # damage the latest: truncation, then a flipped byte inside the archive
    good = path.read_bytes()
    for damaged in (good[: len(good) // 2], good[:200] + bytes([good[200] ^ 0xFF]) + good[201:]):
        path.write_bytes(damaged)
        with pytest.raises(C.CorruptCheckpointError):
            C.load_checkpoint(path)
        with pytest.warns(C.CheckpointFallbackWarning, match=r"ck\.npz.*unreadable.*ck\.prev\.npz.*step 5"):
            ck = C.load_latest_checkpoint(path)
        assert ck.step == 5 and ck.source == str(prev)
    # latest missing (crash between the rename and the write): the previous one is used too
    path.unlink()
    with pytest.warns(C.CheckpointFallbackWarning, match="is missing"):
        assert C.load_latest_checkpoint(path).step == 5
    # both unreadable: a clear error, no silent fresh start
    path.write_bytes(good[:100])
    prev.write_bytes(good[:100])
    with pytest.raises(C.CorruptCheckpointError, match="previous one is unreadable too"):
        C.load_latest_checkpoint(path)
    prev.unlink()
    with pytest.raises(C.CorruptCheckpointError):
        C.load_latest_checkpoint(path)
    path.unlink()
    with pytest.raises(FileNotFoundError):
        C.load_latest_checkpoint(path)


def test_fallback_never_hides_a_model_mismatch(tmp_path, rng):
    path = tmp_path / "ck.npz"
    _save(path, rng, step=1, keep_previous=True)
    _save(path, rng, step=2, keep_previous=True)
    with pytest.raises(ValueError, match="another model"):
        C.load_latest_checkpoint(path, expected_config={"kind": "other"})
