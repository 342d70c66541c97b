"""``fit``: a small, deterministic, resumable training loop.

One update (step ``s = 1, 2, ...``; ``s`` counts completed updates)::

    x, y   = batch(s - 1)                       # see "Data" below
    loss, grads = grad_fn(params, (x, y))       # default: forward, loss, backward (no dx)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    params = apply_updates(params, updates, inplace=True)

Speed. ``fit`` works on its own copy of the initial parameters and adds each update into
those arrays in place (bitwise the same values as a fresh ``params + updates``, but no new
memory per step). The arrays passed to ``grad_fn`` and ``eval_fn`` are therefore the live
training parameters: copy them if you keep them beyond the call. The default ``grad_fn``
skips the input gradient (:func:`default_grad_fn`). For the fastest Adam step pass
``adam(..., inplace=True)``, which updates its moments in place (bitwise the same run).

Determinism. All randomness comes from ``seed``: the run's own generator
``numpy.random.default_rng(seed)`` (handed to a data callable) and, for array data, one
permutation per epoch drawn from ``default_rng([seed, epoch])``. Nothing reads global state,
so the same seed and configuration give bitwise-identical parameters.

Resume. A checkpoint stores the model config, parameters, optimizer state, the generator's
``bit_generator.state`` and the step. ``fit(..., resume=True)`` reloads it (refusing another
model, other parameter shapes, another optimizer-state layout, or another seed/batch
configuration), truncates the JSON-lines log to the checkpoint's step and continues; since
batch ``s`` depends only on (seed, s) or on the restored generator, the final state is
bitwise identical to an uninterrupted run.

Non-finite values stop the run at once: ``FloatingPointError`` naming the step and the
tensor (``loss``, ``grads/<path>`` or ``params/<path>``).
"""
from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from approxbounds._io import append_jsonl, atomic_write_jsonl, read_jsonl
from approxbounds._validation import check_int
from approxbounds.nn.base import accepts_need_dx
from approxbounds.nn.checkpoint import config_difference, load_checkpoint, save_checkpoint, generator_from_state
from approxbounds.nn.optim import GradientTransformation, apply_updates
from approxbounds.nn.tree import tree_items, tree_map, tree_structure_equal

__all__ = ["fit", "FitResult", "array_batches", "check_finite_tree", "default_grad_fn"]


@dataclass
class FitResult:
    """Outcome of :func:`fit`.

    Attributes
    ----------
    params, opt_state : tree
        Final parameters and optimizer state.
    history : list of dict
        The logged records (``step``, ``loss`` and evaluation metrics), including those of
        earlier segments when resuming with a log file.
    step : int
        Number of completed updates.
    rng_state : dict
        ``bit_generator.state`` of the run's generator at the end.
    resumed_from : int or None
        Step of the checkpoint the run resumed from.
    """

    params: Any
    opt_state: Any
    history: list = field(default_factory=list)
    step: int = 0
    rng_state: dict | None = None
    resumed_from: int | None = None


def check_finite_tree(tree, name: str, step: int) -> None:
    """Raise ``FloatingPointError`` naming ``name/<path>`` and ``step`` if a leaf is NaN/inf."""
    for path, leaf in tree_items(tree):
        arr = np.asarray(leaf)
        if arr.dtype.kind not in "fc":
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            total = arr.sum()        # no temporary; finite sum => every entry finite
        if np.isfinite(total):
            continue
        if not np.isfinite(arr).all():   # NaN/inf present (not just an overflowing sum)
            bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
            label = f"{name}/{path}" if path else name
            raise FloatingPointError(f"non-finite values in {label} at step {step} "
                                     f"({bad} of {arr.size} entries are NaN or inf)")


def array_batches(x: np.ndarray, y: np.ndarray, batch_size: int | None, seed: int) -> Callable:
    """Mini-batches from arrays: epochs of seeded permutations, without replacement.

    Batch ``k`` (0-based) holds positions ``k·B .. (k+1)·B − 1`` of the concatenation of
    permutations ``π_0, π_1, ...`` with ``π_e = default_rng([seed, e]).permutation(n)``; it
    depends only on ``(seed, k)``, which makes resuming exact without extra state. With
    ``batch_size`` None or >= n, every batch is the full data set in order.
    """
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim < 1 or y.ndim < 1 or x.shape[0] != y.shape[0]:
        raise ValueError(f"data arrays x and y must share their first axis, got shapes {x.shape} and {y.shape}")
    n = x.shape[0]
    if n == 0:
        raise ValueError("data arrays are empty (0 samples)")
    if batch_size is None or batch_size >= n:
        return lambda rng, step: (x, y)
    bs = int(batch_size)
    cache: dict[int, np.ndarray] = {}

    def perm(epoch: int) -> np.ndarray:
        if epoch not in cache:
            if len(cache) > 2:
                cache.pop(min(cache))
            cache[epoch] = np.random.default_rng([seed, epoch]).permutation(n)
        return cache[epoch]

    def batch(rng, step):
        start, stop = step * bs, (step + 1) * bs
        parts = []
        pos = start
        while pos < stop:
            epoch, offset = divmod(pos, n)
            take = min(stop - pos, n - offset)
            parts.append(perm(epoch)[offset:offset + take])
            pos += take
        idx = parts[0] if len(parts) == 1 else np.concatenate(parts)
        return x[idx], y[idx]

    return batch


def _resolve_loss(loss) -> Callable:
    if isinstance(loss, str):
        from approxbounds.nn.losses import get_loss
        return get_loss(loss)
    if not callable(loss):
        raise TypeError(f"loss must be a loss name or a callable (pred, target) -> (value, dpred), got {loss!r}")
    return loss


def default_grad_fn(model, loss_fn) -> Callable:
    """``grad_fn(params, (x, y)) -> (loss, grads, None)``: forward, loss, backward.

    This is what :func:`fit` runs when no ``grad_fn`` is given. The input gradient is never
    needed, so a model whose ``backward`` accepts ``need_dx`` (``Sequential``, ``MLP``,
    ``Dense``; :func:`~approxbounds.nn.base.accepts_need_dx`) is asked not to compute it.
    """
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be a callable (pred, target) -> (value, dpred), got {loss_fn!r}")
    kw = {"need_dx": False} if accepts_need_dx(model) else {}

    def grad_fn(params, batch):
        x, y = batch
        pred, cache = model.forward(params, x)
        value, dpred = loss_fn(pred, y)
        _, grads = model.backward(params, cache, dpred, **kw)
        return value, grads, None
    return grad_fn


def _writable(tree):
    """``tree`` with every read-only array leaf replaced by a writable copy (others kept)."""
    return tree_map(lambda a: a.copy() if isinstance(a, np.ndarray) and not a.flags.writeable else a, tree)


def _metrics(value, step: int) -> dict:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = {"eval": value}
    if not isinstance(value, dict):
        raise TypeError(f"eval_fn must return a float or a dict of floats, got {type(value).__name__}")
    out = {}
    for k, v in value.items():
        if isinstance(v, (numbers.Real, np.floating, np.integer)) and not isinstance(v, bool):
            v = float(v)
            if not math.isfinite(v):
                raise FloatingPointError(f"evaluation metric {k!r} is {v} at step {step}")
        out[str(k)] = v
    return out


def fit(model, params, loss, data, optimizer: GradientTransformation, *, steps: int,
        batch_size: int | None = None, seed: int = 0, eval_every: int = 0,
        eval_fn: Callable | None = None, eval_data=None, log_path=None, log_every: int = 1,
        checkpoint_path=None, checkpoint_every: int = 0, resume: bool = False,
        progress: bool = True, grad_fn: Callable | None = None,
        metadata: dict | None = None) -> FitResult:
    """Train ``params`` of ``model`` for ``steps`` updates.

    Parameters
    ----------
    model : Layer
        Follows the layer protocol (``forward``, ``backward``, ``config``, ``init``).
    params : tree or None
        Initial parameters (not modified: ``fit`` trains a copy). ``None``:
        ``model.init(default_rng(seed))``.
    loss : str or callable
        ``loss(pred, target) -> (value, dvalue/dpred)`` or a name for
        :func:`approxbounds.nn.losses.get_loss`. Unused when ``grad_fn`` is given.
    data : (x, y) arrays or callable
        Arrays are batched by :func:`array_batches`; a callable ``data(rng, step) -> (x, y)``
        gets the run's generator and the 0-based step index.
    optimizer : GradientTransformation
    steps : int
        Total number of updates (including those done before a resume), >= 0.
    batch_size : int, optional
        For array data (None: full batch).
    seed : int
        Seed of all randomness of the run, >= 0.
    eval_every : int
        Evaluate every this many steps and at the end (0: never).
    eval_fn : callable, optional
        ``eval_fn(params) -> float | dict``; logged as ``eval`` or the dict's keys. It sees
        the live parameter arrays, which later steps overwrite: copy what you keep.
    eval_data : (x, y), optional
        Evaluated with ``loss`` on a full forward pass; logged as ``eval_loss``.
    log_path : path, optional
        JSON-lines metrics log, one record per logged step.
    log_every : int
        Log the training loss every this many steps (and at the end).
    checkpoint_path : path, optional
        Atomic checkpoint file, written every ``checkpoint_every`` steps and at the end.
    checkpoint_every : int
        0: only at the end.
    resume : bool
        Continue from ``checkpoint_path`` if that file exists (otherwise start fresh).
    progress : bool
        Show a tqdm progress bar.
    grad_fn : callable, optional
        ``grad_fn(params, (x, y)) -> (loss, grads, aux)`` replacing forward/loss/backward.
    metadata : dict, optional
        JSON data stored in checkpoints under ``metadata["user"]``.

    Returns
    -------
    FitResult

    Raises
    ------
    FloatingPointError
        A loss, gradient, parameter or metric becomes NaN/inf (message names step and tensor).
    ValueError
        Invalid arguments, or a checkpoint of another model/optimizer/run configuration.
    """
    steps = check_int("steps", steps, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    eval_every = check_int("eval_every", eval_every, minimum=0)
    log_every = check_int("log_every", log_every, minimum=1)
    checkpoint_every = check_int("checkpoint_every", checkpoint_every, minimum=0)
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
    if not isinstance(optimizer, GradientTransformation):
        raise TypeError(f"optimizer must be a GradientTransformation, got {type(optimizer).__name__}")
    if not hasattr(model, "config"):
        raise TypeError(f"model must follow the Layer protocol (config/forward/backward), got {type(model).__name__}")
    if resume and checkpoint_path is None:
        raise ValueError("resume=True needs a checkpoint_path")
    if eval_data is not None and eval_fn is not None:
        raise ValueError("give either eval_fn or eval_data, not both")
    if eval_every and eval_fn is None and eval_data is None:
        raise ValueError("eval_every > 0 needs eval_fn or eval_data")

    if grad_fn is None:
        loss_fn = _resolve_loss(loss)
        grad_fn = default_grad_fn(model, loss_fn)
    else:
        loss_fn = _resolve_loss(loss) if loss is not None else None
    if eval_data is not None:
        if loss_fn is None:
            raise ValueError("eval_data needs a loss")
        ex, ey = eval_data
        eval_fn = lambda p: {"eval_loss": loss_fn(model(p, ex), ey)[0]}  # noqa: E731

    if callable(data) and not isinstance(data, (tuple, list)):
        batch_of = data
        data_kind = "callable"
        n_data = None
    else:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise TypeError("data must be a pair (x, y) of arrays or a callable (rng, step) -> (x, y)")
        batch_of = array_batches(data[0], data[1], batch_size, seed)
        data_kind = "arrays"
        n_data = int(np.shape(data[0])[0])

    run_config = {"seed": seed, "batch_size": batch_size, "data": data_kind, "n_data": n_data,
                  "log_every": log_every, "eval_every": eval_every}

    if params is None:
        params = model.init(np.random.default_rng(seed))
    else:   # fit applies its updates in place: work on a private copy of the caller's arrays
        params = tree_map(np.array, params)
    rng = np.random.default_rng(seed)
    opt_state = optimizer.init(params)
    start = 0
    history: list[dict] = []
    resumed_from = None

    if resume and Path(checkpoint_path).exists():
        ck = load_checkpoint(checkpoint_path, expected_config=model.config(), expected_params=params)
        diff = config_difference(ck.metadata.get("run"), run_config, "run")
        if diff:
            raise ValueError(f"checkpoint {os.fspath(checkpoint_path)!r} comes from another run configuration: {diff}")
        if not tree_structure_equal(ck.opt_state, opt_state):
            raise ValueError(f"checkpoint {os.fspath(checkpoint_path)!r}: its optimizer state does not match "
                             "this optimizer (different transform or parameter layout)")
        if ck.step > steps:
            raise ValueError(f"checkpoint is at step {ck.step}, beyond steps={steps}")
        # in-place updates (apply_updates, adam(inplace=True)) need writable arrays
        params, opt_state, start = _writable(ck.params), _writable(ck.opt_state), ck.step
        rng = generator_from_state(ck.rng_state)
        resumed_from = start
        if log_path is not None and Path(log_path).exists():
            history = [r for r in read_jsonl(log_path) if r.get("step", 0) <= start]
            atomic_write_jsonl(log_path, history)
    elif log_path is not None:
        atomic_write_jsonl(log_path, [])

    def save(step_now):
        save_checkpoint(checkpoint_path, model_config=model.config(), params=params, opt_state=opt_state,
                        rng=rng, step=step_now, metadata={"run": run_config, "user": metadata or {}})

    from tqdm.auto import tqdm

    log_fh = open(log_path, "a", encoding="utf-8") if log_path is not None else None
    bar = tqdm(total=steps, initial=start, disable=not progress, desc="fit", leave=False)
    try:
        for index in range(start, steps):
            s = index + 1
            batch = batch_of(rng, index)
            value, grads, _aux = grad_fn(params, batch)
            value = float(value)
            if not math.isfinite(value):
                raise FloatingPointError(f"non-finite loss {value} at step {s}")
            check_finite_tree(grads, "grads", s)
            with np.errstate(over="ignore", invalid="ignore"):   # reported just below, with the step
                updates, opt_state = optimizer.update(grads, opt_state, params)
                params = apply_updates(params, updates, inplace=True)
            check_finite_tree(params, "params", s)

            do_eval = eval_fn is not None and eval_every > 0 and (s % eval_every == 0 or s == steps)
            if s % log_every == 0 or s == steps or do_eval:
                record = {"step": s, "loss": value}
                if do_eval:
                    record.update(_metrics(eval_fn(params), s))
                history.append(record)
                if log_fh is not None:
                    append_jsonl(log_fh, record)
                bar.set_postfix(loss=f"{value:.4g}", refresh=False)
            if checkpoint_path is not None and checkpoint_every and s % checkpoint_every == 0 and s != steps:
                save(s)
            bar.update(1)
        if checkpoint_path is not None:
            save(steps)
    finally:
        bar.close()
        if log_fh is not None:
            log_fh.close()
    return FitResult(params=params, opt_state=opt_state, history=history, step=steps,
                     rng_state=rng.bit_generator.state, resumed_from=resumed_from)
