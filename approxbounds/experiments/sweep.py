"""Multi-seed (or any multi-configuration) training sweeps, resumable, on any executor.

:func:`run_sweep` trains every :class:`~approxbounds.experiments.train_run.TrainConfig` of a
list with :func:`~approxbounds.experiments.train_run.train`, each into its own run directory
``out_dir/<task>-<model>-s<seed>-<hash>`` (``hash``: the first 12 hex digits of the
configuration's SHA-256, :func:`approxbounds.parallel.config_hash`). The final metrics of every
finished run are written atomically to ``out_dir/results/<hash>.json``; an interrupted sweep,
started again with the same arguments, skips the finished runs and continues the interrupted
ones from their last checkpoint (``train(..., resume=True)``).

Runs are pure functions of their configuration (every seed is in it), so the metrics do not
depend on the executor (serial, ``ProcessPoolExecutor``, dask ``Client``) apart from the
wall-clock ``seconds`` and ``resumed_from``; they come back in the order of ``configs``.
"""
from __future__ import annotations

import dataclasses
import logging

__all__ = ["run_sweep", "seed_configs", "train_job", "run_name"]

logger = logging.getLogger(__name__)

_RESULTS = "results"


def seed_configs(config, seeds) -> list:
    """``config`` once per seed (``dataclasses.replace(config, seed=s)``), in the given order."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must not repeat, got {seeds}")
    return [dataclasses.replace(config, seed=s) for s in seeds]


def _config_key(job: dict) -> str:
    from approxbounds.parallel import config_hash

    return config_hash(train_job, job["config"])


def run_name(config) -> str:
    """Run directory name of a configuration: ``<task>-<model>-s<seed>-<hash12>``."""
    d = config.to_dict()
    return f"{d['task']}-{d['model']}-s{d['seed']}-{_config_key({'config': d})[:12]}"


def train_job(job: dict) -> dict:
    """Train one run (module level, picklable): ``job = {"config": TrainConfig.to_dict(),
    "run_dir": path}``; returns the final metrics. Continues a run interrupted in ``run_dir``."""
    from approxbounds.experiments.train_run import TrainConfig, train

    cfg = TrainConfig.from_dict(job["config"])
    return train(cfg, job["run_dir"], resume=True).metrics


def run_sweep(configs, out_dir, executor=None, *, progress: bool = False) -> list[dict]:
    """Train every configuration into ``out_dir`` and return their final metrics, in order.

    Parameters
    ----------
    configs : iterable of TrainConfig
        E.g. :func:`seed_configs` of one configuration; no two may be equal.
    out_dir : path
        Sweep directory (created if needed; its parent must exist): one run directory per
        configuration and ``results/`` (one JSON file per finished run).
    executor : None, concurrent.futures.Executor or distributed.Client
        Where the runs train (:func:`approxbounds.parallel.map_ordered`); with a dask cluster
        ``out_dir`` must be on a file system every worker sees.
    progress : bool
        A tqdm bar over the runs (stderr).

    Returns
    -------
    list of dict
        The ``metrics`` of each run (:func:`~approxbounds.experiments.train_run.train`).
    """
    from approxbounds._outdir import prepare_output_dir
    from approxbounds.experiments.train_run import TrainConfig
    from approxbounds.parallel import ResultStore, map_ordered

    configs = list(configs)
    if not configs:
        raise ValueError("configs must hold at least one TrainConfig")
    for i, c in enumerate(configs):
        if not isinstance(c, TrainConfig):
            raise TypeError(f"configs[{i}] must be a TrainConfig, got {type(c).__name__}")
    names = [run_name(c) for c in configs]
    if len(set(names)) != len(names):
        raise ValueError("configs must be distinct (two equal configurations would share a run directory)")
    out = prepare_output_dir(out_dir, name="out_dir").resolve()
    jobs = [{"config": c.to_dict(), "run_dir": str(out / name)} for c, name in zip(configs, names)]
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="sweep", unit="run")
    try:
        metrics = map_ordered(train_job, jobs, executor, store=ResultStore(out / _RESULTS),
                              key=_config_key, progress=None if bar is None else bar.update,
                              on_result=lambda i, m: logger.info("run %s finished", names[i]))
    finally:
        if bar is not None:
            bar.close()
    return metrics
