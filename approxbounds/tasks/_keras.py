"""Reading Keras-layout ``.npz`` data files (``x_train``, ``y_train``, ``x_test``, ``y_test``).

Shared by :mod:`approxbounds.tasks.mnist` and :mod:`approxbounds.tasks.imdb`.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

__all__ = ["KERAS_KEYS", "read_keras_npz"]

KERAS_KEYS = ("x_train", "y_train", "x_test", "y_test")


def read_keras_npz(path: Path, *, allow_pickle: bool, what: str) -> dict:
    """The four Keras arrays of the existing file ``path``, after checking every member's CRC-32.

    ``allow_pickle`` is needed for object arrays (IMDB's token lists: trusted files only).

    Raises
    ------
    ValueError
        Corrupt archive, CRC mismatch or missing arrays; the message names ``path`` and says it
        is not a valid Keras-layout ``what`` (e.g. ``"mnist.npz"``).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise ValueError(f"CRC-32 mismatch in member {bad!r}")
        with np.load(path, allow_pickle=allow_pickle) as f:
            missing = [k for k in KERAS_KEYS if k not in f.files]
            if missing:
                raise KeyError(f"missing arrays {missing} (Keras layout: {', '.join(KERAS_KEYS)}; "
                               f"found {sorted(f.files)})")
            return {k: f[k] for k in KERAS_KEYS}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        raise ValueError(f"{str(path)!r}: not a valid Keras-layout {what}: "
                         f"{type(exc).__name__}: {exc}") from None
