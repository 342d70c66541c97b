"""Tests for approxbounds._outdir.prepare_output_dir."""
import errno
import os

import pytest

from approxbounds._outdir import prepare_output_dir


def test_creates_and_accepts_existing(tmp_path):
    out = prepare_output_dir(tmp_path / "new")
    assert out.is_dir()
    assert prepare_output_dir(out) == out
    assert not list(out.iterdir())          # the write probe leaves nothing behind


@pytest.mark.parametrize("make, match", [
    (lambda p: (p / "f").write_text("x") and p / "f", "exists and is not a directory"),
    (lambda p: p / "missing" / "deeper", "parent directory .* does not exist"),
    (lambda p: (p / "f").write_text("x") and p / "f" / "sub", "is not a directory"),
])
def test_bad_paths(tmp_path, make, match):
    with pytest.raises(ValueError, match=match):
        prepare_output_dir(make(tmp_path), name="out")


def test_cannot_create_or_write(tmp_path, monkeypatch):
    if os.path.isdir("/proc/self"):
        with pytest.raises(ValueError, match="cannot create directory"):
            prepare_output_dir("/proc/approxbounds-test")
    import tempfile

    def refuse(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    with pytest.raises(ValueError, match="not writable: Permission denied"):
        prepare_output_dir(tmp_path)
    with pytest.raises(TypeError, match="path"):
        prepare_output_dir(3)
