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

Structure. :func:`train_step` is the whole update (batch in, loss out, the
:class:`TrainState` advanced by one step; no I/O), :func:`fit` a thin loop around it that
adds logging, evaluation, checkpoints and signals.

Interruption. While :func:`fit` runs in the main thread, SIGINT (Ctrl-C) and SIGTERM (``kill``,
a scheduler's pre-emption) do not kill the process mid-step: the current step completes, a
checkpoint of that step is written (when ``checkpoint_path`` is set) and
:class:`TrainingInterrupted` is raised, carrying the step, the signal and the checkpoint path.
Resuming from that checkpoint gives the same parameters, bit for bit, as a run that was never
interrupted (tested with a real SIGTERM to a subprocess).

Wall time. Every logged record carries ``wall_s``: seconds of training since step 0, summed
over resumed segments (the total is stored in each checkpoint).

Fallback. Checkpoints are written with ``keep_previous=True``: the previous file is kept as
``<name>.prev.npz`` and used, with a :class:`~approxbounds.nn.checkpoint.CheckpointFallbackWarning`,
when the latest is corrupt (:func:`~approxbounds.nn.checkpoint.load_latest_checkpoint`).
"""
from __future__ import annotations

import contextlib
import math
import numbers
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from approxbounds._io import append_jsonl, atomic_write_jsonl, read_jsonl
from approxbounds._validation import check_int
from approxbounds.nn.base import accepts_need_dx
from approxbounds.nn.checkpoint import (
    config_difference, generator_from_state, load_latest_checkpoint, save_checkpoint,
)
from approxbounds.nn.optim import GradientTransformation, apply_updates
from approxbounds.nn.tree import tree_items, tree_map, tree_structure_equal

__all__ = ["fit", "FitResult", "TrainState", "train_step", "TrainingInterrupted", "array_batches",
           "check_finite_tree", "default_grad_fn"]


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


@dataclass
class TrainState:
    """Everything that changes from step to step: parameters, optimizer state, the run's
    generator and the number of completed updates."""

    params: Any
    opt_state: Any
    rng: np.random.Generator
    step: int = 0


def train_step(state: TrainState, batch, grad_fn: Callable, optimizer: GradientTransformation) -> float:
    """One update: ``loss, grads = grad_fn(params, batch)``, then the optimizer step.

    Advances ``state`` in place (``params`` are updated in place through
    :func:`~approxbounds.nn.optim.apply_updates`, ``state.step`` += 1) and returns the loss of the
    batch. No I/O, no randomness of its own.

    Raises
    ------
    FloatingPointError
        Non-finite loss, gradient or parameter, naming the step (``state.step + 1``) and tensor.
    """
    s = state.step + 1
    value, grads, _aux = grad_fn(state.params, batch)
    value = float(value)
    if not math.isfinite(value):
        raise FloatingPointError(f"non-finite loss {value} at step {s}")
    check_finite_tree(grads, "grads", s)
    with np.errstate(over="ignore", invalid="ignore"):   # reported just below, with the step
        updates, state.opt_state = optimizer.update(grads, state.opt_state, state.params)
        state.params = apply_updates(state.params, updates, inplace=True)
    check_finite_tree(state.params, "params", s)
    state.step = s
    return value


class TrainingInterrupted(Exception):
    """Training stopped by SIGINT or SIGTERM after a completed step.

    Attributes
    ----------
    step : int
        Completed updates; the checkpoint (if any) holds exactly this step.
    signum : int
        The signal received (``signal.SIGINT`` or ``signal.SIGTERM``).
    checkpoint : str or None
        The checkpoint written at ``step`` (None when the run has no checkpoint path).
    """

    def __init__(self, step: int, signum: int, checkpoint: str | None):
        self.step, self.signum, self.checkpoint = step, signum, checkpoint
        name = signal.Signals(signum).name
        where = f"; checkpoint of step {step} written to {checkpoint!r}" if checkpoint else \
            " (no checkpoint path: nothing was saved)"
        super().__init__(f"training interrupted by {name} after step {step}{where}")

    @property
    def exit_code(self) -> int:
        """Conventional shell exit code 128 + signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + int(self.signum)


@contextlib.contextmanager
def _deferred_signals():
    """Record SIGINT/SIGTERM in a one-element list instead of acting on them (main thread only)."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    def handler(signum, frame):
        received.append(signum)
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


def fit(model, params, loss, data, optimizer: GradientTransformation, *, steps: int,
        batch_size: int | None = None, seed: int = 0, eval_every: int = 0,
        eval_fn: Callable | None = None, eval_data=None, log_path=None, log_every: int = 1,
        checkpoint_path=None, checkpoint_every: int = 0, resume: bool = False,
        progress: bool = True, grad_fn: Callable | None = None,
        metadata: dict | None = None, handle_signals: bool = True) -> FitResult:
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
        JSON-lines metrics log, one record per logged step (``step``, ``loss``, ``wall_s``
        and the evaluation metrics).
    log_every : int
        Log the training loss every this many steps (and at the end).
    checkpoint_path : path, optional
        Atomic checkpoint file, written every ``checkpoint_every`` steps, at the end and on
        SIGINT/SIGTERM; the previous one is kept as ``<stem>.prev<suffix>`` (fallback).
    checkpoint_every : int
        0: only at the end.
    resume : bool
        Continue from ``checkpoint_path`` (or its previous file, with a warning, when the latest
        is corrupt) if one exists (otherwise start fresh).
    progress : bool
        Show a tqdm progress bar.
    grad_fn : callable, optional
        ``grad_fn(params, (x, y)) -> (loss, grads, aux)`` replacing forward/loss/backward.
    metadata : dict, optional
        JSON data stored in checkpoints under ``metadata["user"]``.
    handle_signals : bool
        Turn SIGINT/SIGTERM into a checkpoint and :class:`TrainingInterrupted` (module
        docstring); only in the main thread.

    Returns
    -------
    FitResult

    Raises
    ------
    FloatingPointError
        A loss, gradient, parameter or metric becomes NaN/inf (message names step and tensor).
    TrainingInterrupted
        SIGINT or SIGTERM (after the checkpoint of the completed step is written).
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
    state = TrainState(params, optimizer.init(params), np.random.default_rng(seed), 0)
    history: list[dict] = []
    resumed_from = None
    wall_offset = 0.0
    rotate = True           # keep the previous checkpoint as the fallback on the next save

    ckpt_exists = checkpoint_path is not None and (
        Path(checkpoint_path).exists() or _previous_exists(checkpoint_path))
    if resume and ckpt_exists:
        ck = load_latest_checkpoint(checkpoint_path, expected_config=model.config(), expected_params=params)
        diff = config_difference(ck.metadata.get("run"), run_config, "run")
        if diff:
            raise ValueError(f"checkpoint {os.fspath(checkpoint_path)!r} comes from another run configuration: {diff}")
        if not tree_structure_equal(ck.opt_state, state.opt_state):
            raise ValueError(f"checkpoint {os.fspath(checkpoint_path)!r}: its optimizer state does not match "
                             "this optimizer (different transform or parameter layout)")
        if ck.step > steps:
            raise ValueError(f"checkpoint is at step {ck.step}, beyond steps={steps}")
        # in-place updates (apply_updates, adam(inplace=True)) need writable arrays
        state = TrainState(_writable(ck.params), _writable(ck.opt_state), generator_from_state(ck.rng_state),
                           ck.step)
        resumed_from = ck.step
        # a fallback read the previous file: do not rotate the damaged latest into its place
        rotate = ck.source == os.fspath(Path(checkpoint_path))
        if log_path is not None and Path(log_path).exists():
            history = [r for r in read_jsonl(log_path) if r.get("step", 0) <= ck.step]
            atomic_write_jsonl(log_path, history)
        wall_offset = float(ck.metadata.get("wall_s", 0.0) or 0.0)
        if not wall_offset and history and isinstance(history[-1].get("wall_s"), (int, float)):
            wall_offset = float(history[-1]["wall_s"])
    elif log_path is not None:
        atomic_write_jsonl(log_path, [])

    t0 = time.perf_counter()

    def wall() -> float:
        return wall_offset + (time.perf_counter() - t0)

    def save(step_now):
        nonlocal rotate
        save_checkpoint(checkpoint_path, model_config=model.config(), params=state.params,
                        opt_state=state.opt_state, rng=state.rng, step=step_now,
                        metadata={"run": run_config, "user": metadata or {}, "wall_s": wall()},
                        keep_previous=rotate)
        rotate = True

    from tqdm import tqdm       # plain tqdm: tqdm.auto warns in notebooks without ipywidgets

    log_fh = open(log_path, "a", encoding="utf-8") if log_path is not None else None
    bar = tqdm(total=steps, initial=state.step, disable=not progress, desc="fit", leave=False)
    signals = _deferred_signals() if handle_signals else contextlib.nullcontext([])
    try:
        with signals as received:
            while state.step < steps:
                if received:
                    if checkpoint_path is not None:
                        save(state.step)
                    raise TrainingInterrupted(state.step, received[0],
                                              None if checkpoint_path is None else os.fspath(checkpoint_path))
                value = train_step(state, batch_of(state.rng, state.step), grad_fn, optimizer)
                s = state.step
                do_eval = eval_fn is not None and eval_every > 0 and (s % eval_every == 0 or s == steps)
                if s % log_every == 0 or s == steps or do_eval:
                    record = {"step": s, "loss": value}
                    if do_eval:
                        record.update(_metrics(eval_fn(state.params), s))
                    record["wall_s"] = wall()
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
    return FitResult(params=state.params, opt_state=state.opt_state, history=history, step=steps,
                     rng_state=state.rng.bit_generator.state, resumed_from=resumed_from)


def _previous_exists(checkpoint_path) -> bool:
    from approxbounds.nn.checkpoint import previous_path
    return previous_path(checkpoint_path).exists()
