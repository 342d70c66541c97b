"""Per-thread scratch buffers for the numpy training hot paths.

Allocating a large array anew on every training step while the previous one is still alive
makes glibc hand the memory back to the OS and fault it in again on first touch (measured on
a 67 MB HadamRNN state buffer: ≈ 20 ms of page faults per step, ``resource.getrusage``;
``benchmarks/README.md``). :func:`scratch` keeps one buffer per thread and name instead, reused
while the requested shape and dtype stay the same.

Rules for callers: the contents of a scratch buffer are undefined on entry; a scratch buffer
(or a view of it) must never be returned to a caller or stored in anything that outlives the
call, since the next call in the same thread overwrites it.
"""
from __future__ import annotations

import threading

import numpy as np

__all__ = ["scratch", "zeros", "release"]

_LOCAL = threading.local()


def _store() -> dict:
    d = getattr(_LOCAL, "buffers", None)
    if d is None:
        d = _LOCAL.buffers = {}
    return d


def scratch(name: str, shape: tuple, dtype) -> np.ndarray:
    """A C-contiguous per-thread buffer of ``shape`` and ``dtype`` for ``name`` (contents undefined)."""
    dtype = np.dtype(dtype)
    shape = tuple(int(v) for v in shape)
    d = _store()
    buf = d.get(name)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        d.pop(name, None)          # drop the old buffer before allocating the new one
        buf = np.empty(shape, dtype=dtype)
        d[name] = buf
    return buf


def zeros(name: str, shape: tuple, dtype) -> np.ndarray:
    """A per-thread READ-ONLY array of zeros (e.g. the second operand of ``np.maximum``, which
    is ≈ 2.5x faster with a full array than with the scalar 0 on numpy 2.4)."""
    dtype = np.dtype(dtype)
    shape = tuple(int(v) for v in shape)
    d = _store()
    key = ("zeros", name)
    buf = d.get(key)
    if buf is None or buf.shape != shape or buf.dtype != dtype:
        d.pop(key, None)
        buf = np.zeros(shape, dtype=dtype)
        buf.flags.writeable = False
        d[key] = buf
    return buf


def release() -> None:
    """Free every scratch buffer of the calling thread."""
    _store().clear()
