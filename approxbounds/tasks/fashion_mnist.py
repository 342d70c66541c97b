r"""Fashion-MNIST, full size and offline: the data behind the sequential / permuted tasks
``sfmnist`` and ``pfmnist``.

Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv 1708.07747) has MNIST's format exactly —
60,000 training and 10,000 test 28×28 grey-scale images of 10 clothing classes, in the four
IDX files ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
``t10k-labels-idx1-ubyte`` (optionally ``.gz``) — so it is read by
:func:`approxbounds.tasks.mnist.load_mnist_idx` and shown to a recurrent model exactly as
sMNIST / pMNIST (:func:`approxbounds.tasks.mnist.to_sequences`: 784 steps of one pixel in
``[0, 1]``, row-major or in the fixed pMNIST order). Sequential and permuted Fashion-MNIST are
harder than their MNIST counterparts (classes like shirt / T-shirt / pullover overlap).

Where the files come from (nothing is ever downloaded):

1. ``source`` — a directory holding the four files (``--data DIR`` on the command line);
2. otherwise the first existing directory of :data:`DEFAULT_DIRS`: the Debian/Ubuntu package
   ``dataset-fashion-mnist`` (``apt-get install dataset-fashion-mnist``) installs the gzipped
   files under ``/usr/share/datasets/fashion-mnist``.

When neither exists, :func:`load_fashion_mnist` raises ``ValueError`` saying how to get the data
(the command-line tools turn it into ``error: ...`` and exit code 2). The provenance
(directory, SHA-256 of every file) goes into :meth:`MNISTData.describe`, so a resumed run
refuses other data behind the same configuration.
"""
from __future__ import annotations

import os
from pathlib import Path

from approxbounds.tasks.mnist import IDX_NAMES, MNISTData, _find_idx, load_mnist_idx, sha256_file

__all__ = ["DEFAULT_DIRS", "DEBIAN_PACKAGE", "N_CLASSES", "CLASS_NAMES", "fashion_mnist_dir",
           "load_fashion_mnist"]

DEBIAN_PACKAGE = "dataset-fashion-mnist"
#: directories searched, in order, when no source is given
DEFAULT_DIRS = ("/usr/share/datasets/fashion-mnist",)
N_CLASSES = 10
#: label names of Fashion-MNIST (labels 0..9)
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
               "Bag", "Ankle boot")


def _has_idx(directory: Path) -> bool:
    return directory.is_dir() and all(_find_idx(directory, stem) is not None for stem in IDX_NAMES.values())


def fashion_mnist_dir(source=None) -> Path:
    """The directory to read: ``source`` if given, else the first of :data:`DEFAULT_DIRS` that
    holds the four IDX files.

    Raises
    ------
    ValueError
        ``source`` does not exist / is not a directory with the four files, or no default
        directory holds them (the message says how to install the package or pass ``--data``).
    """
    if source is not None:
        if not isinstance(source, (str, os.PathLike)):
            raise TypeError(f"Fashion-MNIST source must be a directory path or None, got {type(source).__name__}")
        path = Path(source)
        if not path.exists():
            raise ValueError(f"Fashion-MNIST directory {str(path)!r} (--data) does not exist")
        if not path.is_dir():
            raise ValueError(f"Fashion-MNIST --data must be a directory holding the four IDX files "
                             f"({', '.join(IDX_NAMES.values())}, optionally .gz), got the file {str(path)!r}")
        return path
    for d in DEFAULT_DIRS:
        if _has_idx(Path(d)):
            return Path(d)
    raise ValueError(f"Fashion-MNIST not found (looked in {', '.join(DEFAULT_DIRS)}): install it with "
                     f"'apt-get install {DEBIAN_PACKAGE}' or pass --data DIR, a directory holding "
                     f"the four IDX files ({', '.join(IDX_NAMES.values())}, optionally .gz)")


def load_fashion_mnist(source=None) -> MNISTData:
    """Fashion-MNIST as :class:`~approxbounds.tasks.mnist.MNISTData` (``kind="fashion-mnist"``).

    Parameters
    ----------
    source : path or None
        Directory with the four IDX files; ``None`` searches :data:`DEFAULT_DIRS`.

    Returns
    -------
    MNISTData
        ``x_* uint8 (N, 28, 28)``, ``y_* int64`` in 0..9, the official train/test split
        unchanged; ``info`` holds ``dataset``, the SHA-256 of each file read and the class names.
    """
    directory = fashion_mnist_dir(source)
    data = load_mnist_idx(directory)
    digests = {}
    for stem in IDX_NAMES.values():
        p = _find_idx(directory, stem)
        digests[p.name] = sha256_file(p)
    data.kind = "fashion-mnist"
    data.info = {"dataset": "fashion-mnist", "sha256": digests}
    return data
