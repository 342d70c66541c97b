"""Fashion-MNIST loader: tiny IDX directories written here (the default suite never needs the
Debian package), the default-directory search, the error naming --data, and — only when the
package is installed — the real files."""
from pathlib import Path

import numpy as np
import pytest

from approxbounds.tasks import fashion_mnist as F
from approxbounds.tasks.mnist import save_idx, to_sequences


def write_fake_fashion(directory, n_train=12, n_test=6, seed=0, gz=True):
    """Four IDX files with random 28x28 images and labels 0..9 (MNIST/Fashion-MNIST layout)."""
    rng = np.random.default_rng(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    suf = ".gz" if gz else ""
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "train-labels-idx1-ubyte": rng.integers(0, 10, n_train).astype(np.uint8),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test).astype(np.uint8)}
    for name, arr in arrays.items():
        save_idx(directory / (name + suf), arr)
    return arrays


@pytest.mark.parametrize("gz", [True, False])
def test_reads_a_given_directory_exactly(tmp_path, gz):
    arrays = write_fake_fashion(tmp_path / "fm", gz=gz)
    d = F.load_fashion_mnist(tmp_path / "fm")
    np.testing.assert_array_equal(d.x_train, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(d.y_train, arrays["train-labels-idx1-ubyte"])
    np.testing.assert_array_equal(d.x_test, arrays["t10k-images-idx3-ubyte"])
    np.testing.assert_array_equal(d.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert d.y_train.dtype == np.int64 and d.kind == "fashion-mnist"
    desc = d.describe()
    assert desc["dataset"] == "fashion-mnist" and desc["n_train"] == 12 and desc["n_test"] == 6
    assert len(desc["sha256"]) == 4 and all(len(h) == 64 for h in desc["sha256"].values())


def test_default_directory_search(tmp_path, monkeypatch):
    write_fake_fashion(tmp_path / "pkg")
    monkeypatch.setattr(F, "DEFAULT_DIRS", (str(tmp_path / "absent"), str(tmp_path / "pkg")))
    assert F.fashion_mnist_dir() == tmp_path / "pkg"
    assert F.load_fashion_mnist().source == str(tmp_path / "pkg")


def test_absent_data_error_names_data_flag_and_package(tmp_path, monkeypatch):
    monkeypatch.setattr(F, "DEFAULT_DIRS", (str(tmp_path / "absent"),))
    with pytest.raises(ValueError, match=r"Fashion-MNIST not found.*apt-get install dataset-fashion-mnist.*--data"):
        F.load_fashion_mnist()
    with pytest.raises(ValueError, match=r"--data.*does not exist"):
        F.load_fashion_mnist(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="must be a directory"):
        F.load_fashion_mnist(tmp_path / "file")
    (tmp_path / "partial").mkdir()
    save_idx(tmp_path / "partial" / "train-images-idx3-ubyte.gz", np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*not found"):
        F.load_fashion_mnist(tmp_path / "partial")
    with pytest.raises(TypeError):
        F.load_fashion_mnist(3)


def test_save_idx_round_trip_and_validation(tmp_path):
    from approxbounds.tasks.mnist import load_mnist_idx
    write_fake_fashion(tmp_path, gz=False)
    assert (tmp_path / "train-images-idx3-ubyte").read_bytes()[:4] == bytes([0, 0, 8, 3])   # 2051
    assert (tmp_path / "train-labels-idx1-ubyte").read_bytes()[:4] == bytes([0, 0, 8, 1])   # 2049
    assert load_mnist_idx(tmp_path).x_train.shape == (12, 28, 28)
    with pytest.raises(ValueError, match="unsigned bytes"):
        save_idx(tmp_path / "bad", np.array([256]))
    with pytest.raises(ValueError, match="3-d images or 1-d labels"):
        save_idx(tmp_path / "bad", np.zeros((2, 2)))


def test_real_package_files_when_installed():
    """The only test that needs the Debian package dataset-fashion-mnist; skipped without it."""
    if not any(F._has_idx(Path(d)) for d in F.DEFAULT_DIRS):
        pytest.skip("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)")
    d = F.load_fashion_mnist()
    assert d.x_train.shape == (60000, 28, 28) and d.x_test.shape == (10000, 28, 28)
    assert np.bincount(d.y_train).tolist() == [6000] * 10            # balanced classes
    assert np.bincount(d.y_test).tolist() == [1000] * 10
    # clothing images: mean intensity well above MNIST's (~0.13), trousers are tall and narrow
    s = to_sequences(d.x_test[:500])
    assert 0.2 < s.mean() < 0.45
    trousers = d.x_train[d.y_train == 1][:200].astype(float).mean(axis=0)
    legs, gap = trousers[20:28, 10:13].mean(), trousers[20:28, 14].mean()   # lower rows, mean image
    assert gap < 0.3 * legs                                          # the gap between the legs
