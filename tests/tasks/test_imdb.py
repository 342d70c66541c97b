import numpy as np
import pytest

from approxbounds.tasks import imdb as I


def test_preprocess_keras_conventions():
    reviews = [[1, 2, 3], [5000, 9997, 9996, 1]]
    out = I.preprocess_reviews(reviews, num_words=10000, maxlen=4)
    # start token 1, ranks shifted by 3, index >= 10000 -> OOV 2, last maxlen kept, left pad 0
    np.testing.assert_array_equal(out[0], [1, 4, 5, 6])
    np.testing.assert_array_equal(out[1], [5003, 2, 9999, 4])
    out = I.preprocess_reviews([[7]], maxlen=5)
    np.testing.assert_array_equal(out[0], [0, 0, 0, 1, 10])
    with pytest.raises(ValueError, match="rank"):
        I.preprocess_reviews([[0, 1]])
    with pytest.raises(ValueError, match="integers"):
        I.preprocess_reviews([["a"]])


def test_load_keras_layout(tmp_path):
    raw = {"x_train": [[1, 2], [3, 4, 5], [20000]], "y_train": [0, 1, 1],
           "x_test": [[6]], "y_test": [1]}
    path = tmp_path / "imdb.npz"
    I.save_imdb_npz(path, raw)
    d = I.load_imdb(path, maxlen=3)
    assert d.synthetic is False and d.source == str(path)
    np.testing.assert_array_equal(d.x_train, [[1, 4, 5], [6, 7, 8], [0, 1, 2]])
    np.testing.assert_array_equal(d.y_train, [0, 1, 1])
    assert d.x_train.dtype == np.int32 and d.describe()["synthetic"] is False
    assert I.load_imdb(tmp_path, maxlen=3).x_test.tolist() == [[0, 1, 9]]   # directory form


def test_load_errors(tmp_path):
    with pytest.raises(ValueError, match="not shipped"):
        I.load_imdb(None)
    with pytest.raises(ValueError, match="does not exist"):
        I.load_imdb(tmp_path / "nope.npz")
    p = tmp_path / "a.npz"
    np.savez(p, x_train=np.zeros(3))
    with pytest.raises(ValueError, match="a.npz.*missing arrays"):
        I.load_imdb(p)
    raw = {"x_train": [[1], [2]], "y_train": [0], "x_test": [[1]], "y_test": [0]}
    I.save_imdb_npz(tmp_path / "b.npz", raw)
    with pytest.raises(ValueError, match="2 reviews but y_train has 1"):
        I.load_imdb(tmp_path / "b.npz")
    raw = {"x_train": [[1]], "y_train": [3], "x_test": [[1]], "y_test": [0]}
    I.save_imdb_npz(tmp_path / "c.npz", raw)
    with pytest.raises(ValueError, match="0/1"):
        I.load_imdb(tmp_path / "c.npz")
    good = tmp_path / "good.npz"
    I.save_imdb_npz(good, {"x_train": [[1]], "y_train": [0], "x_test": [[1]], "y_test": [0]})
    (tmp_path / "trunc.npz").write_bytes(good.read_bytes()[:100])
    with pytest.raises(ValueError, match="trunc.npz"):
        I.load_imdb(tmp_path / "trunc.npz")


def test_synthetic_same_layout_and_labelled(tmp_path):
    raw = I.synthetic_imdb_raw(3, n_train=50, n_test=20)
    assert raw["x_train"].dtype == object and isinstance(raw["x_train"][0], list)
    assert set(np.unique(raw["y_train"])) <= {0, 1}
    path = tmp_path / "imdb.npz"
    I.save_imdb_npz(path, raw)
    via_file = I.load_imdb(path)
    direct = I.synthetic_imdb(3, n_train=50, n_test=20)
    np.testing.assert_array_equal(via_file.x_train, direct.x_train)
    assert direct.synthetic is True and "synthetic" in direct.source
    assert direct.x_train.shape == (50, 500) and direct.x_train.max() < 10000
    again = I.synthetic_imdb(3, n_train=50, n_test=20)
    np.testing.assert_array_equal(again.x_test, direct.x_test)
    other = I.synthetic_imdb(4, n_train=50, n_test=20)
    assert not np.array_equal(other.x_train, direct.x_train)


def test_synthetic_labels_learnable():
    """A bag-of-words mean-difference classifier (top-100 words) fitted on train beats 85 %
    on the test split, while the same fit on shuffled labels stays near chance."""
    d = I.synthetic_imdb(0, n_train=1500, n_test=500, num_words=10000)

    def bow(x):
        m = np.zeros((len(x), 10000))
        for i, r in enumerate(x):
            np.add.at(m[i], r[r > 2], 1.0)
        return m

    xtr, xte = bow(d.x_train), bow(d.x_test)
    w = (xtr[d.y_train == 1].mean(0) - xtr[d.y_train == 0].mean(0))
    w[np.argsort(-np.abs(w))[100:]] = 0.0
    score_tr, score_te = xtr @ w, xte @ w
    thr = np.median(score_tr)
    acc = np.mean((score_te > thr) == (d.y_test == 1))
    assert acc > 0.85
    # and a shuffled-label control is at chance: the signal is the tokens, not the layout
    perm = np.random.default_rng(0).permutation(len(d.y_train))
    w0 = xtr[d.y_train[perm] == 1].mean(0) - xtr[d.y_train[perm] == 0].mean(0)
    w0[np.argsort(-np.abs(w0))[100:]] = 0.0
    acc0 = np.mean((xte @ w0 > np.median(xtr @ w0)) == (d.y_test == 1))
    assert acc0 < 0.7
