"""Atomic file output and strict JSON / npz helpers shared by every module that writes files.

A reader must never see a half-written file: every writer here writes to a temporary file
in the *same directory* as the target, flushes and ``fsync``s it, then renames it over the
target with :func:`os.replace` (atomic on POSIX and on Windows for same-volume paths) and
finally ``fsync``s the directory so the rename itself survives a power cut. If anything
fails, the temporary file is removed and the previous content of the target is untouched.

JSON is written strictly: ``NaN``/``Infinity`` are not JSON and raise ``ValueError``;
numpy scalars and small arrays are converted to Python numbers/lists.
"""
from __future__ import annotations

import io
import json
import math
import os
from fractions import Fraction
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_save_npz",
    "read_json",
    "load_npz",
    "to_json_compatible",
    "append_jsonl",
    "read_jsonl",
    "atomic_write_jsonl",
]



def _fsync_dir(directory: Path) -> None:
    """Best-effort ``fsync`` of a directory (not supported on every platform)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same directory, fsync, rename).

    Parameters
    ----------
    path : str or os.PathLike
        Target file. Its parent directory must exist.
    data : bytes
        Full new content.

    Returns
    -------
    pathlib.Path
        The target path.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ValueError(f"path: parent directory {str(directory)!r} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp creates the file 0600; give it the mode an ordinary open() would (0666 & ~umask)
        os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(directory)
    return path


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write a text file (see :func:`atomic_write_bytes`)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, got {type(text).__name__}")
    return atomic_write_bytes(path, text.encode(encoding))


def _plain(obj: Any, where: str, finite: bool) -> Any:
    """numpy arrays and scalars, tuples and paths as plain Python data; with ``finite`` a
    NaN or infinite float is a ``ValueError`` naming where it is."""
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        obj = float(obj)
    if isinstance(obj, float):
        if finite and not math.isfinite(obj):
            raise ValueError(f"{where} is {obj}; this file allows only finite numbers")
        return obj
    if obj is None or isinstance(obj, (bool, str, int, Fraction)):
        return obj
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist(), where, finite)
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"{where}: JSON object keys must be str, got {k!r}")
            out[k] = _plain(v, f"{where}[{k!r}]", finite)
        return out
    if isinstance(obj, (list, tuple)):
        return [_plain(v, f"{where}[{i}]", finite) for i, v in enumerate(obj)]
    if callable(getattr(obj, "to_dict", None)):
        return _plain(obj.to_dict(), where, finite)
    raise TypeError(f"{where}: object of type {type(obj).__name__} is not JSON serialisable")


def to_json_compatible(obj: Any, _where: str = "value", *, finite: bool = True) -> Any:
    """Plain JSON data under the package's one policy for exact values
    (:mod:`approxbounds._json`): numpy scalars/arrays, tuples and paths are converted; a huge
    integer or a ``Fraction`` inside a dict becomes the nearest double next to a
    ``<key>_exact`` string. Run files (metrics, checkpoints) are strict: with ``finite=True``
    (default) a NaN or infinite float raises; with ``finite=False`` it is written as ``null``
    with ``"<key>_exact": "nan"`` / ``"inf"`` like every other special value.

    Raises
    ------
    TypeError
        If an object has no JSON form (the message names where).
    ValueError
        A non-finite float with ``finite=True`` (names where), or a special number with no key
        to attach its exact form to (a bare value).
    """
    from approxbounds._json import to_json

    return to_json(_plain(obj, _where, finite))


def atomic_write_json(path, obj: Any, *, indent: int | None = 2, sort_keys: bool = True,
                      finite: bool = True) -> Path:
    """Atomically write ``obj`` as strict JSON (:func:`to_json_compatible`; with
    ``finite=True`` non-finite floats are refused, else written by the exact-value policy)."""
    text = json.dumps(to_json_compatible(obj, finite=finite), indent=indent, sort_keys=sort_keys,
                      allow_nan=False)
    return atomic_write_text(path, text + "\n")


def read_json(path) -> Any:
    """Read a JSON file; a malformed file raises ``ValueError`` naming the path."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not UTF-8 text: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not valid JSON (truncated or corrupted?): {exc}") from None


def atomic_save_npz(path, arrays: Mapping[str, np.ndarray], *, compress: bool = False) -> Path:
    """Atomically write ``arrays`` as an ``.npz`` archive (exact dtypes and shapes).

    The archive is built in memory and then written with :func:`atomic_write_bytes`, so the
    target path is used verbatim (numpy's habit of appending ``.npz`` does not apply).
    Object arrays are refused: they would need pickle to load.
    """
    for name, arr in arrays.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"array names must be non-empty str, got {name!r}")
        if np.asarray(arr).dtype == object:
            raise TypeError(f"array {name!r} has dtype object; only numeric arrays can be saved")
    buffer = io.BytesIO()
    saver = np.savez_compressed if compress else np.savez
    saver(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    return atomic_write_bytes(path, buffer.getvalue())


def load_npz(path) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` file eagerly (no pickle).

    A truncated or corrupted archive raises ``ValueError`` naming the path: every member's
    CRC-32 is verified (``ZipFile.testzip``) before the arrays are parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    try:
        with zipfile.ZipFile(path) as zf:            # reads every member and checks its CRC-32
            bad = zf.testzip()
        if bad is not None:
            raise zipfile.BadZipFile(f"CRC-32 mismatch in member {bad!r}")
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{str(path)!r} is not a readable .npz archive (truncated or corrupted?): "
                         f"{type(exc).__name__}: {exc}") from None


def append_jsonl(fh, record: Mapping[str, Any]) -> None:
    """Append one strict-JSON record as a line to an open text file and flush it."""
    fh.write(json.dumps(to_json_compatible(record), sort_keys=True, allow_nan=False) + "\n")
    fh.flush()


def read_jsonl(path, *, drop_partial_last_line: bool = True) -> list[dict]:
    """Read a JSON-lines file.

    A final line without a newline (a write interrupted by a crash) is dropped when
    ``drop_partial_last_line`` is true; any other malformed line raises ``ValueError``.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    records = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if i == len(lines) - 1 and drop_partial_last_line:
                break  # an unterminated last line is an interrupted append
            raise ValueError(f"{str(path)!r} line {i + 1} is not valid JSON: {exc}") from None
    return records


def atomic_write_jsonl(path, records: Iterable[Mapping[str, Any]]) -> Path:
    """Atomically (re)write a whole JSON-lines file."""
    lines = [json.dumps(to_json_compatible(r), sort_keys=True, allow_nan=False) + "\n" for r in records]
    return atomic_write_text(path, "".join(lines))
