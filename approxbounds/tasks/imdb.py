r"""IMDB sentiment classification: Keras ``imdb.npz`` loader and a labelled synthetic stand-in.

Layout of Keras's ``imdb.npz`` (Maas et al., ACL 2011 reviews as prepared by Keras): arrays
``x_train``, ``y_train``, ``x_test``, ``y_test``; each ``x_*`` is an *object* array of Python
int lists holding word frequency ranks (1 = most frequent word), ``y_*`` holds 0/1 labels.
:func:`load_imdb` applies Keras's ``load_data`` conventions:

* 0 is padding, 1 marks the start of a review, 2 is out-of-vocabulary, and word rank ``r``
  becomes index ``r + index_from`` (``index_from = 3``);
* indices ``>= num_words`` (vocabulary 10,000, as in the HadamRNN paper's IMDB setting) become 2 (OOV);
* each review keeps its **last** ``maxlen = 500`` tokens and is left-padded with 0 to that
  length (Keras ``pad_sequences`` defaults ``padding="pre"``, ``truncating="pre"``).

Reading object arrays needs pickle: only load ``imdb.npz`` files you trust (the Keras file).

No package ships IMDB. For tests and the offline demo, :func:`synthetic_imdb` builds a seeded
stand-in **with the same raw layout**: reviews of Zipf-distributed background words in which
label-dependent "sentiment" words are planted, so the label is learnable from the tokens (a
bag-of-words count separates the classes). Data built this way carries ``synthetic=True``,
which the experiments propagate into their configs, metrics and printed output; it says
nothing about the real IMDB benchmark.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from approxbounds._io import atomic_write_bytes
from approxbounds._validation import check_int, check_real
from approxbounds.tasks._keras import KERAS_KEYS as KEYS
from approxbounds.tasks._keras import read_keras_npz

__all__ = ["IMDBData", "load_imdb", "preprocess_reviews", "synthetic_imdb", "synthetic_imdb_raw",
           "save_imdb_npz", "PAD", "START", "OOV", "INDEX_FROM"]

PAD, START, OOV, INDEX_FROM = 0, 1, 2, 3


@dataclass
class IMDBData:
    """Token ids ``int32 (N, maxlen)`` (left-padded) and labels ``int64 (N,)`` in {0, 1}.

    ``synthetic`` is ``True`` for the stand-in of :func:`synthetic_imdb`; keep it attached to
    every number computed from this data.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_words: int
    maxlen: int
    synthetic: bool
    source: str
    info: dict = field(default_factory=dict)

    def describe(self) -> dict:
        return {"source": self.source, "synthetic": self.synthetic, "num_words": self.num_words,
                "maxlen": self.maxlen, "n_train": int(len(self.y_train)),
                "n_test": int(len(self.y_test)), **self.info}


def preprocess_reviews(reviews, *, num_words: int = 10000, maxlen: int = 500,
                       index_from: int = INDEX_FROM, where: str = "reviews") -> np.ndarray:
    """Raw rank lists → left-padded ``int32 (N, maxlen)`` ids (start 1, OOV 2, shift ``index_from``)."""
    num_words = check_int("num_words", num_words, minimum=index_from + 1)
    maxlen = check_int("maxlen", maxlen, minimum=1)
    out = np.zeros((len(reviews), maxlen), dtype=np.int32)
    for i, review in enumerate(reviews):
        try:
            r = np.asarray(review, dtype=np.int64).reshape(-1)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{where}[{i}] is not a list of integers") from None
        if np.asarray(review).dtype.kind not in "iu" and len(r):
            raise ValueError(f"{where}[{i}] is not a list of integers (dtype {np.asarray(review).dtype})")
        if r.size and r.min() < 1:
            raise ValueError(f"{where}[{i}] holds word rank {int(r.min())}; ranks must be >= 1")
        ids = np.concatenate([[START], r + index_from])
        ids[ids >= num_words] = OOV
        ids = ids[-maxlen:]
        out[i, maxlen - ids.size:] = ids
    return out


def _labels(y, where: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iub" or (y.size and not np.isin(y, (0, 1)).all()):
        raise ValueError(f"{where}: labels must be a 1-D integer array of 0/1, got dtype {y.dtype}, "
                         f"shape {y.shape}")
    return y.astype(np.int64)


def _from_raw(raw: dict, *, num_words, maxlen, synthetic, source, info) -> IMDBData:
    out = {}
    for split in ("train", "test"):
        xs, ys = raw[f"x_{split}"], raw[f"y_{split}"]
        where = f"{source}: x_{split}"
        if len(xs) != len(ys):
            raise ValueError(f"{source}: x_{split} has {len(xs)} reviews but y_{split} has {len(ys)} labels")
        if len(xs) == 0:
            raise ValueError(f"{source}: the {split} split is empty")
        out[f"x_{split}"] = preprocess_reviews(xs, num_words=num_words, maxlen=maxlen, where=where)
        out[f"y_{split}"] = _labels(ys, f"{source}: y_{split}")
    return IMDBData(num_words=num_words, maxlen=maxlen, synthetic=synthetic, source=source,
                    info=info, **out)


def load_imdb(path, *, num_words: int = 10000, maxlen: int = 500) -> IMDBData:
    """Read a Keras-layout ``imdb.npz`` (trusted file: object arrays need pickle).

    Raises
    ------
    ValueError
        Missing file or arrays, corrupt archive, non-integer tokens or labels outside {0, 1};
        the message names the file.
    """
    if path is None:
        raise ValueError("IMDB is not shipped with any package: give the path of a Keras-layout "
                         "imdb.npz, or use synthetic_imdb() (clearly labelled synthetic)")
    path = Path(path)
    if path.is_dir():
        path = path / "imdb.npz"
    if not path.is_file():
        raise ValueError(f"IMDB file {str(path)!r} does not exist")
    raw = read_keras_npz(path, allow_pickle=True, what="imdb.npz")
    return _from_raw(raw, num_words=num_words, maxlen=maxlen, synthetic=False, source=str(path),
                     info={})


def synthetic_imdb_raw(seed: int = 0, *, n_train: int = 2000, n_test: int = 500,
                       vocab: int = 12000, min_len: int = 50, max_len: int = 200,
                       n_sentiment: int = 40, sentiment_rate: float = 0.12,
                       label_noise_words: float = 0.15) -> dict:
    r"""Seeded synthetic reviews in the raw Keras layout (rank lists, object arrays).

    Generative model: label ``y ~ Bernoulli(1/2)``; length uniform on
    ``[min_len, max_len]``; each token is, with probability ``1 − sentiment_rate``, a
    background word with rank ``⌈Z⌉``, ``Z`` Pareto-like (``vocab^U``, ``U`` uniform — a
    log-uniform, Zipf-like rank law on ``1..vocab``), and otherwise a sentiment word drawn from the
    label's own set of ``n_sentiment`` ranks (probability ``1 − label_noise_words``) or from the
    opposite set. The two sets are disjoint ranks in 20..2000 fixed by the seed, so after the
    ``+3`` shift they lie inside a 10k vocabulary: the label is learnable from the tokens.
    """
    seed = check_int("seed", seed, minimum=0)
    n_train = check_int("n_train", n_train, minimum=1)
    n_test = check_int("n_test", n_test, minimum=1)
    vocab = check_int("vocab", vocab, minimum=2010)
    min_len = check_int("min_len", min_len, minimum=1)
    max_len = check_int("max_len", max_len, minimum=min_len)
    n_sentiment = check_int("n_sentiment", n_sentiment, minimum=1, maximum=990)
    sentiment_rate = check_real("sentiment_rate", sentiment_rate, low=0.0, high=1.0, low_open=True)
    label_noise_words = check_real("label_noise_words", label_noise_words, low=0.0, high=0.5, high_open=True)
    rng = np.random.default_rng([seed, 1310])          # 1310: fixed stream tag of this generator
    words = rng.choice(np.arange(20, 2001), size=2 * n_sentiment, replace=False)
    sets = (words[:n_sentiment], words[n_sentiment:])        # sets[y]: words planted for label y
    out = {}
    for split, n in (("train", n_train), ("test", n_test)):
        y = rng.integers(0, 2, size=n)
        reviews = np.empty(n, dtype=object)
        for i in range(n):
            length = int(rng.integers(min_len, max_len + 1))
            tokens = np.ceil(vocab ** rng.random(length)).astype(np.int64)
            np.clip(tokens, 1, vocab, out=tokens)
            planted = rng.random(length) < sentiment_rate
            k = int(planted.sum())
            own = rng.random(k) >= label_noise_words
            label_set = np.where(own, y[i], 1 - y[i])
            picks = rng.integers(0, n_sentiment, size=k)
            tokens[planted] = np.where(label_set == 1, sets[1][picks], sets[0][picks])
            reviews[i] = tokens.tolist()
        out[f"x_{split}"] = reviews
        out[f"y_{split}"] = y.astype(np.int64)
    return out


def synthetic_imdb(seed: int = 0, *, num_words: int = 10000, maxlen: int = 500, **kw) -> IMDBData:
    """The synthetic stand-in of :func:`synthetic_imdb_raw`, preprocessed like :func:`load_imdb`.

    The result has ``synthetic=True`` and ``source="synthetic(seed=...)"``.
    """
    raw = synthetic_imdb_raw(seed, **kw)
    return _from_raw(raw, num_words=num_words, maxlen=maxlen, synthetic=True,
                     source=f"synthetic(seed={seed})", info={"generator": "synthetic_imdb_raw", **kw})


def save_imdb_npz(path, raw: dict) -> Path:
    """Write ``raw`` (object arrays of rank lists and labels) in the Keras ``imdb.npz`` layout,
    atomically."""
    missing = [k for k in KEYS if k not in raw]
    if missing:
        raise ValueError(f"raw must hold {', '.join(KEYS)}; missing {missing}")
    arrays = {}
    for k in KEYS:
        if k.startswith("x"):
            a = np.empty(len(raw[k]), dtype=object)
            for i, r in enumerate(raw[k]):
                a[i] = list(map(int, r))
            arrays[k] = a
        else:
            arrays[k] = np.asarray(raw[k], dtype=np.int64)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return atomic_write_bytes(os.fspath(path), buf.getvalue())
