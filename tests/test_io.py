"""Atomic writes and strict JSON / npz helpers (approxbounds._io)."""
import json
import os

import numpy as np
import pytest

from approxbounds import _io


def _no_temp_files(directory):
    return [n for n in os.listdir(directory) if n.endswith(".tmp")] == []


def test_atomic_write_bytes_replaces_content_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.bin"
    _io.atomic_write_bytes(target, b"first")
    _io.atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert _no_temp_files(tmp_path)


def test_failed_write_keeps_old_content_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    _io.atomic_write_json(target, {"a": 1})

    def boom(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_io.os, "replace", boom)
    with pytest.raises(OSError, match="simulated"):
        _io.atomic_write_json(target, {"a": 2})
    monkeypatch.undo()
    assert _io.read_json(target) == {"a": 1}
    assert _no_temp_files(tmp_path)


def test_missing_parent_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="parent directory"):
        _io.atomic_write_text(tmp_path / "nope" / "x.txt", "hi")


def test_json_is_strict_and_converts_numpy(tmp_path):
    target = tmp_path / "r.json"
    obj = {"n": np.int64(3), "x": np.float32(0.5), "v": np.arange(3), "t": (1, 2), "b": np.bool_(True)}
    _io.atomic_write_json(target, obj)
    assert _io.read_json(target) == {"n": 3, "x": 0.5, "v": [0, 1, 2], "t": [1, 2], "b": True}
    with pytest.raises(ValueError, match=r"value\['bad'\] is nan"):
        _io.atomic_write_json(target, {"bad": float("nan")})
    with pytest.raises(TypeError, match="not JSON serialisable"):
        _io.atomic_write_json(target, {"o": object()})
    assert _io.read_json(target)["n"] == 3          # the failed writes left the file intact


def test_json_uses_the_one_exact_value_policy(tmp_path):
    """Non-finite floats, huge ints and Fractions get a ``<key>_exact`` string (the policy of
    approxbounds._json), in reports and run files as in certificates; never a bare NaN."""
    from fractions import Fraction

    from approxbounds._json import read_exact

    target = tmp_path / "e.json"
    obj = {"bad": float("nan"), "big": 3**100, "q": Fraction(1, 3), "arr": np.array([np.inf, 1.0])}
    _io.atomic_write_json(target, obj, finite=False)
    back = _io.read_json(target)
    assert back["bad"] is None and back["bad_exact"] == "nan"
    assert read_exact(back, "big") == 3**100 and read_exact(back, "q") == Fraction(1, 3)
    assert back["arr"] == [None, 1.0] and back["arr_exact"] == ["inf", 1.0]
    assert "NaN" not in target.read_text()


def test_read_json_reports_truncation(tmp_path):
    target = tmp_path / "t.json"
    target.write_text('{"a": [1, 2')
    with pytest.raises(ValueError, match="not valid JSON"):
        _io.read_json(target)


def test_npz_round_trip_is_exact_and_path_verbatim(tmp_path):
    arrays = {"a": np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32),
              "b": np.arange(5, dtype=np.int64), "c": np.array(2.5), "d/e": np.zeros((0, 2))}
    target = tmp_path / "ckpt.bin"                 # no .npz suffix appended
    _io.atomic_save_npz(target, arrays)
    assert target.exists() and not (tmp_path / "ckpt.bin.npz").exists()
    back = _io.load_npz(target)
    assert set(back) == set(arrays)
    for k in arrays:
        assert back[k].dtype == arrays[k].dtype and back[k].shape == arrays[k].shape
        assert np.array_equal(back[k], arrays[k])


def test_npz_refuses_object_arrays_and_reports_truncation(tmp_path):
    with pytest.raises(TypeError, match="dtype object"):
        _io.atomic_save_npz(tmp_path / "x.npz", {"o": np.array([None, 1], dtype=object)})
    target = tmp_path / "y.npz"
    _io.atomic_save_npz(target, {"a": np.arange(1000.0)})
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        _io.load_npz(target)
    with pytest.raises(FileNotFoundError):
        _io.load_npz(tmp_path / "missing.npz")


def test_jsonl_append_read_and_partial_last_line(tmp_path):
    target = tmp_path / "log.jsonl"
    with open(target, "w") as fh:
        for i in range(3):
            _io.append_jsonl(fh, {"step": i, "loss": np.float64(i / 2)})
        fh.write('{"step": 3, "lo')                # a crash in the middle of an append
    records = _io.read_jsonl(target)
    assert records == [{"step": i, "loss": i / 2} for i in range(3)]
    target.write_text('{"step": 0}\n{oops\n{"step": 2}\n')
    with pytest.raises(ValueError, match="line 2"):
        _io.read_jsonl(target)
    _io.atomic_write_jsonl(target, [{"a": 1}, {"b": 2}])
    assert [json.loads(l) for l in target.read_text().splitlines()] == [{"a": 1}, {"b": 2}]


def test_atomic_write_uses_ordinary_file_mode(tmp_path):
    """mkstemp makes 0600 files; written results must get the mode open() would give."""
    import os
    import stat

    from approxbounds._io import atomic_write_text

    mask = os.umask(0o022)
    try:
        target = atomic_write_text(tmp_path / "report.md", "hello")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
