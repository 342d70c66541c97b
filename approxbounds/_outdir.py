"""Output directories: check once, at the public edge, that a directory can be written.

:func:`prepare_output_dir` is used by every writer of a *directory* of results (the report,
the figures, the training sweeps) before any work starts, so that a bad ``--out`` is one
clear ``ValueError`` (the CLI: one line, exit 2) instead of a traceback after minutes of
computation.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["prepare_output_dir"]


def prepare_output_dir(path, *, name: str = "out") -> Path:
    """Create directory ``path`` if needed (its parent must exist) and check it is writable.

    Parameters
    ----------
    path : str or os.PathLike
    name : str
        Parameter name used in error messages.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    TypeError
        ``path`` is not a path.
    ValueError
        ``path`` exists and is not a directory; its parent does not exist or is not a
        directory; it cannot be created; or a file cannot be written in it.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path, got {type(path).__name__}")
    out = Path(path)
    if not str(out).strip():
        raise ValueError(f"{name} must not be empty")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{name}: {str(out)!r} exists and is not a directory")
    if not out.exists():
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.exists():
            raise ValueError(f"{name}: parent directory {str(parent)!r} does not exist")
        if not parent.is_dir():
            raise ValueError(f"{name}: parent {str(parent)!r} is not a directory")
        try:
            out.mkdir()
        except FileExistsError:
            if not out.is_dir():
                raise ValueError(f"{name}: {str(out)!r} exists and is not a directory") from None
        except OSError as exc:
            raise ValueError(f"{name}: cannot create directory {str(out)!r}: "
                             f"{exc.strerror or exc}") from None
    try:   # a real write (permissions, read-only file systems, quotas), then removed
        with tempfile.TemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ValueError(f"{name}: directory {str(out)!r} is not writable: {exc.strerror or exc}") from None
    return out
