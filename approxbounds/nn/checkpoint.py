"""Training checkpoints: one atomic ``.npz`` file holding everything needed to resume exactly.

Layout of the file (a standard zip/npz, loadable with ``np.load(allow_pickle=False)``):

* ``__checkpoint__``: a ``uint8`` array holding UTF-8 JSON with the format tag and version,
  the model config, the step, the metadata, the numpy ``bit_generator.state`` of the run's
  random generator, and a *skeleton* of the parameter and optimizer-state trees in which
  each array leaf is replaced by ``{"__array__": "a<k>"}`` (Python ``int`` counters stay
  inline). Empty sub-trees (layers without parameters) are kept.
* ``a0``, ``a1``, ...: the array leaves, with exact dtype and shape (bitwise round trip).

The file is written with :func:`approxbounds._io.atomic_save_npz` (temp file, fsync, rename),
so a crash during saving leaves the previous checkpoint intact. Zip CRC-32 checks catch a
corrupted member; a truncated file fails to open; both raise :class:`CorruptCheckpointError`
(a ``ValueError``).

Fallback. ``save_checkpoint(..., keep_previous=True)`` first renames the existing file to
:func:`previous_path` (``checkpoint.npz`` → ``checkpoint.prev.npz``), so the checkpoint before
the latest survives a latest one that is later damaged on disk (a bad sector, a copy
interrupted half-way, a full disk...). :func:`load_latest_checkpoint` reads the latest and, when
it is missing or corrupt but the previous one is readable, returns the previous one with a
:class:`CheckpointFallbackWarning` naming both files and the step it falls back to.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from approxbounds._io import atomic_save_npz, load_npz, to_json_compatible
from approxbounds._validation import check_int

__all__ = ["Checkpoint", "save_checkpoint", "load_checkpoint", "load_latest_checkpoint", "previous_path",
           "config_difference", "generator_from_state", "CorruptCheckpointError",
           "CheckpointFallbackWarning"]

FORMAT = "approxbounds.checkpoint"
VERSION = 1
_META = "__checkpoint__"


class CorruptCheckpointError(ValueError):
    """A checkpoint file that cannot be read: truncated, CRC mismatch, damaged header."""


class CheckpointFallbackWarning(UserWarning):
    """The latest checkpoint was unreadable; the previous one is used instead."""


@dataclass
class Checkpoint:
    """Contents of a checkpoint file (``source``: the file it was read from)."""

    model_config: dict
    params: Any
    opt_state: Any
    rng_state: dict | None
    step: int
    metadata: dict = field(default_factory=dict)
    source: str | None = None

    def generator(self) -> np.random.Generator:
        """A fresh ``numpy.random.Generator`` in the saved state."""
        if self.rng_state is None:
            raise ValueError("this checkpoint holds no RNG state")
        return generator_from_state(self.rng_state)


def generator_from_state(state: dict) -> np.random.Generator:
    """Rebuild a ``Generator`` from ``bit_generator.state`` (PCG64, PCG64DXSM, Philox, SFC64, MT19937)."""
    if not isinstance(state, dict) or "bit_generator" not in state:
        raise ValueError("rng_state must be a numpy bit_generator.state dict with a 'bit_generator' key")
    name = state["bit_generator"]
    allowed = ("PCG64", "PCG64DXSM", "Philox", "SFC64", "MT19937")
    if name not in allowed:
        raise ValueError(f"unknown bit generator {name!r}; valid values: {', '.join(allowed)}")
    bitgen = getattr(np.random, name)()
    bitgen.state = state
    return np.random.Generator(bitgen)


# --- tree <-> (skeleton, arrays) -------------------------------------------------------------

def _encode(obj, arrays: dict, where: str):
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, str):
                raise TypeError(f"{where}: tree keys must be str, got {k!r}")
            if k.startswith("__") and k.endswith("__"):
                raise ValueError(f"{where}: key {k!r} is reserved")
        return {k: _encode(obj[k], arrays, f"{where}/{k}") for k in sorted(obj)}
    if isinstance(obj, (list, tuple)):
        return {"__seq__": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)],
                "__tuple__": isinstance(obj, tuple)}
    if isinstance(obj, np.ndarray) or (isinstance(obj, np.generic) and not isinstance(obj, np.bool_)):
        arr = np.asarray(obj)
        if arr.dtype == object:
            raise TypeError(f"{where}: object arrays cannot be checkpointed")
        name = f"a{len(arrays)}"
        arrays[name] = arr
        return {"__array__": name, "__scalar__": isinstance(obj, np.generic)}
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"{where}: non-finite float {obj} cannot be checkpointed")
        return obj
    if isinstance(obj, np.bool_):
        return bool(obj)
    raise TypeError(f"{where}: cannot checkpoint a leaf of type {type(obj).__name__}")


def _decode(obj, arrays: dict, where: str):
    if isinstance(obj, dict):
        if "__array__" in obj:
            name = obj["__array__"]
            if name not in arrays:
                raise ValueError(f"checkpoint is inconsistent: array {name!r} for {where} is missing")
            arr = arrays[name]
            return arr[()] if obj.get("__scalar__") else arr
        if "__seq__" in obj:
            seq = [_decode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj["__seq__"])]
            return tuple(seq) if obj.get("__tuple__") else seq
        return {k: _decode(v, arrays, f"{where}/{k}") for k, v in obj.items()}
    return obj


# --- comparisons -------------------------------------------------------------------------------

def config_difference(found: Any, expected: Any, where: str = "config") -> str | None:
    """First difference between two JSON-like configs, as text; ``None`` when equal."""
    if isinstance(found, dict) and isinstance(expected, dict):
        for k in sorted(set(found) | set(expected), key=str):
            if k not in found:
                return f"{where}[{k!r}] is missing in the checkpoint (expected {expected[k]!r})"
            if k not in expected:
                return f"{where}[{k!r}] = {found[k]!r} in the checkpoint is not in the expected config"
            diff = config_difference(found[k], expected[k], f"{where}[{k!r}]")
            if diff:
                return diff
        return None
    if isinstance(found, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(found) != len(expected):
            return f"{where} has length {len(found)} in the checkpoint, expected {len(expected)}"
        for i, (a, b) in enumerate(zip(found, expected)):
            diff = config_difference(a, b, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if found != expected or isinstance(found, bool) != isinstance(expected, bool):
        return f"{where}: checkpoint has {found!r}, expected {expected!r}"
    return None


def _shape_difference(found, expected, where: str = "params") -> str | None:
    if isinstance(found, dict) != isinstance(expected, dict):
        return f"{where}: checkpoint has a {'subtree' if isinstance(found, dict) else 'leaf'}, expected a " \
               f"{'subtree' if isinstance(expected, dict) else 'leaf'}"
    if isinstance(found, dict):
        if set(found) != set(expected):
            return f"{where}: checkpoint keys {sorted(found)}, expected {sorted(expected)}"
        for k in sorted(found):
            diff = _shape_difference(found[k], expected[k], f"{where}/{k}")
            if diff:
                return diff
        return None
    fs, es = np.shape(found), np.shape(expected)
    if fs != es:
        return f"{where}: checkpoint has shape {fs}, expected {es}"
    fd, ed = np.asarray(found).dtype, np.asarray(expected).dtype
    if fd != ed:
        return f"{where}: checkpoint has dtype {fd}, expected {ed}"
    return None


def _as_config(model_or_config) -> dict:
    if isinstance(model_or_config, dict):
        return model_or_config
    if hasattr(model_or_config, "config") and callable(model_or_config.config):
        return model_or_config.config()
    raise TypeError(f"expected a config dict or a model with config(), got {type(model_or_config).__name__}")


# --- public API --------------------------------------------------------------------------------

def previous_path(path) -> Path:
    """Where :func:`save_checkpoint` keeps the previous checkpoint: ``<stem>.prev<suffix>``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.prev{path.suffix}")


def save_checkpoint(path, *, model_config, params, opt_state=None, rng=None, step: int = 0,
                    metadata: dict | None = None, keep_previous: bool = False) -> Path:
    """Write a checkpoint atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Target file (written verbatim; the ``.npz`` suffix is conventional, not required).
    model_config : dict or Layer
        JSON config of the model (``layer.config()``); a layer is accepted too.
    params, opt_state : tree
        Nested dicts of arrays (optimizer state may also hold Python ints).
    rng : numpy.random.Generator or dict or None
        The run's generator (its ``bit_generator.state`` is stored) or that state dict.
    step : int
        Number of completed updates, >= 0.
    metadata : dict, optional
        Any JSON data (finite numbers only).
    keep_previous : bool
        Rename an existing ``path`` to :func:`previous_path` first (the fallback of
        :func:`load_latest_checkpoint`). The new file is encoded before anything is renamed.
    """
    step = check_int("step", step, minimum=0)
    config = to_json_compatible(_as_config(model_config), "model_config")
    if isinstance(rng, np.random.Generator):
        rng_state = rng.bit_generator.state
    elif rng is None or isinstance(rng, dict):
        rng_state = rng
    else:
        raise TypeError(f"rng must be a numpy Generator, a bit_generator.state dict or None, got {type(rng).__name__}")
    arrays: dict[str, np.ndarray] = {}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "model_config": config,
        "step": step,
        "metadata": to_json_compatible(metadata or {}, "metadata"),
        "rng_state": _encode(rng_state, arrays, "rng_state"),
        "params": _encode(params, arrays, "params"),
        "opt_state": _encode(opt_state, arrays, "opt_state"),
    }
    blob = json.dumps(header, sort_keys=True, allow_nan=False).encode("utf-8")
    arrays[_META] = np.frombuffer(blob, dtype=np.uint8)
    path = Path(path)
    if keep_previous and path.is_file():
        os.replace(path, previous_path(path))   # atomic; a crash before the write below leaves
        #                                         only the previous file, which the loader uses
    return atomic_save_npz(path, arrays)


def load_checkpoint(path, expected_config=None, expected_params=None) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Parameters
    ----------
    path : str or os.PathLike
        Checkpoint file.
    expected_config : dict or Layer, optional
        If given, the stored model config must equal it; otherwise ``ValueError`` names the
        first differing entry.
    expected_params : tree, optional
        If given (e.g. freshly initialised parameters), the stored parameters must have the
        same keys, shapes and dtypes; otherwise ``ValueError`` names the tensor.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    CorruptCheckpointError
        Truncated or corrupted file (a ``ValueError``).
    ValueError
        Not a checkpoint, unsupported version, or a mismatch.
    """
    path = Path(path)
    try:
        arrays = load_npz(path)
    except ValueError as exc:
        raise CorruptCheckpointError(str(exc)) from None
    if _META not in arrays:
        raise ValueError(f"{str(path)!r} is not an approxbounds checkpoint (no {_META} member)")
    meta = arrays.pop(_META)
    try:
        header = json.loads(meta.astype(np.uint8).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptCheckpointError(f"{str(path)!r}: checkpoint header is corrupted: {exc}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{str(path)!r} is not an approxbounds checkpoint (format {header.get('format')!r})"
                         if isinstance(header, dict) else f"{str(path)!r}: checkpoint header is not an object")
    if header.get("version") != VERSION:
        raise ValueError(f"{str(path)!r}: checkpoint version {header.get('version')!r} is not supported "
                         f"(this code reads version {VERSION})")
    ckpt = Checkpoint(
        model_config=header["model_config"],
        params=_decode(header["params"], arrays, "params"),
        opt_state=_decode(header["opt_state"], arrays, "opt_state"),
        rng_state=_decode(header["rng_state"], arrays, "rng_state"),
        step=int(header["step"]),
        metadata=header.get("metadata", {}),
        source=str(path),
    )
    if expected_config is not None:
        expected = to_json_compatible(_as_config(expected_config), "expected_config")
        diff = config_difference(ckpt.model_config, expected, "model_config")
        if diff:
            raise ValueError(f"checkpoint {str(path)!r} is for another model: {diff}")
    if expected_params is not None:
        diff = _shape_difference(ckpt.params, expected_params)
        if diff:
            raise ValueError(f"checkpoint {str(path)!r} has other parameter shapes: {diff}")
    return ckpt


def load_latest_checkpoint(path, expected_config=None, expected_params=None) -> Checkpoint:
    """:func:`load_checkpoint` of ``path``, falling back to :func:`previous_path` when ``path``
    is missing or corrupt (:class:`CorruptCheckpointError`) and the previous file is readable.

    The fallback emits a :class:`CheckpointFallbackWarning` naming both files, the reason and
    the step of the previous checkpoint; ``Checkpoint.source`` tells which file was read.
    Mismatches (another model, other shapes) are never "repaired" by the fallback: they raise
    as in :func:`load_checkpoint`.

    Raises
    ------
    FileNotFoundError
        Neither file exists.
    CorruptCheckpointError
        The latest is corrupt and there is no readable previous checkpoint.
    """
    path = Path(path)
    prev = previous_path(path)
    try:
        return load_checkpoint(path, expected_config, expected_params)
    except (FileNotFoundError, CorruptCheckpointError) as exc:
        if not prev.is_file():
            raise
        reason = "is missing" if isinstance(exc, FileNotFoundError) else f"is unreadable ({exc})"
        try:
            ck = load_checkpoint(prev, expected_config, expected_params)
        except CorruptCheckpointError as exc2:
            raise CorruptCheckpointError(f"checkpoint {str(path)!r} {reason}, and the previous one is "
                                         f"unreadable too ({exc2})") from None
        warnings.warn(f"checkpoint {str(path)!r} {reason}; using the previous checkpoint {str(prev)!r} "
                      f"(step {ck.step})", CheckpointFallbackWarning, stacklevel=2)
        return ck
