r"""The one parallel interface of the package: sweeps on an Executor or a dask Client.

Every sweep in approxbounds (the report's bound families, slope fits, checks and figures,
:func:`approxbounds.checks.run_checks`, :func:`approxbounds.experiments.crosscheck.crosscheck`,
:func:`approxbounds.experiments.sweep.run_sweep`) is a list of *jobs*: a module-level pure
function applied to one small, picklable configuration, with every seed taken from that
configuration. Such a sweep gives the same results, in the same order, whatever runs it:

* ``executor=None`` -- serially, in this process;
* a :class:`concurrent.futures.Executor` -- e.g. ``ProcessPoolExecutor(2)`` on this machine;
* a ``distributed.Client`` -- a dask cluster (its own ``map`` returns dask futures, so the
  client is used through ``client.get_executor()``, a true ``concurrent.futures`` executor).

:func:`as_executor` is the only place that tells these apart; :func:`map_ordered` runs a
sweep on any of them, and with a :class:`ResultStore` it writes every result as soon as it
arrives (one JSON file per configuration hash, atomic writes) and skips the configurations
already stored, so an interrupted sweep resumes where it stopped. :func:`open_executor` turns
the CLI options ``--workers N`` / ``--scheduler ADDRESS`` into an executor (docs/parallel.md).

BLAS runs on one thread in every worker (``OMP_NUM_THREADS=1`` etc. in process pools; dask
nannies set the same variables by default), so floating-point results do not depend on
the number of threads.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path

__all__ = ["as_executor", "map_ordered", "ResultStore", "config_hash", "open_executor",
           "is_dask_client", "BLAS_VARIABLES"]

logger = logging.getLogger(__name__)

#: seconds :func:`open_executor` waits for a dask scheduler unless told otherwise
SCHEDULER_TIMEOUT = 30.0

#: environment variables pinned to "1" in every local worker process
BLAS_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# ------------------------------------------------------------------------------ executors
def is_dask_client(obj) -> bool:
    """True for a ``distributed.Client`` (checked without importing dask)."""
    return (type(obj).__module__.split(".")[0] == "distributed"
            and callable(getattr(obj, "get_executor", None))
            and callable(getattr(obj, "gather", None)))


def as_executor(executor):
    """The ``concurrent.futures.Executor`` behind ``executor``.

    Parameters
    ----------
    executor : None, concurrent.futures.Executor or distributed.Client
        ``None`` means serial (returned as ``None``). A dask ``Client`` is wrapped by
        ``client.get_executor(pure=False)`` (every job runs, none is deduplicated).

    Raises
    ------
    TypeError
        For anything else (e.g. a dask ``Client`` class instead of an instance, or a pool
        class instead of a pool).
    """
    if executor is None or isinstance(executor, cf.Executor):
        return executor
    if is_dask_client(executor):
        return executor.get_executor(pure=False)
    raise TypeError("executor must be None, a concurrent.futures.Executor or a "
                    f"distributed.Client, got {type(executor).__name__}")


def _pin_blas_threads() -> None:
    """Process-pool initializer: one BLAS thread (before numpy is imported in the worker)."""
    for var in BLAS_VARIABLES:
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1)


def _mp_context():
    import multiprocessing

    # forkserver/spawn: no fork of a process that may hold threads (tqdm, dask) or locks
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None, *,
                  timeout: float | None = None):
    """Context manager: the executor of the CLI options ``--workers`` / ``--scheduler``.

    Parameters
    ----------
    workers : int >= 1 or None
        Local worker processes (``ProcessPoolExecutor`` with one BLAS thread each). ``None``
        or ``1``: serial, the context yields ``None``.
    scheduler : str or None
        Address of a dask distributed scheduler (``tcp://host:8786``); needs the
        ``[distributed]`` extra. The client is closed on exit.
    timeout : float, optional
        Seconds to wait for the scheduler (default :data:`SCHEDULER_TIMEOUT`).

    Yields
    ------
    concurrent.futures.Executor or None

    Raises
    ------
    ValueError
        Both options given, ``workers < 1``, dask not installed, or the scheduler unreachable.
    """
    from approxbounds._validation import check_int

    if workers is not None:
        workers = check_int("workers", workers, minimum=1, maximum=4096)
    if scheduler is not None and workers is not None:
        raise ValueError("give either workers (local processes) or scheduler (dask), not both")
    if scheduler is not None:
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise ValueError(f"scheduler must be an address such as tcp://127.0.0.1:8786, got {scheduler!r}")
        try:
            from distributed import Client
        except ImportError:
            raise ValueError("scheduler: dask distributed is not installed; "
                             "pip install 'approxbounds[distributed]'") from None
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT if timeout is None else timeout)
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"scheduler: cannot connect to {scheduler!r}: {exc}") from None
        logger.info("dask scheduler %s: %d workers", scheduler,
                    len(client.scheduler_info().get("workers", {})))
        try:
            yield as_executor(client)
        finally:
            client.close()
        return
    if workers is None or workers == 1:
        yield None
        return
    logger.info("%d local worker processes", workers)
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(),
                                  initializer=_pin_blas_threads)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------------------ results
def _canonical(obj) -> str:
    from approxbounds._io import to_json_compatible

    return json.dumps(to_json_compatible(obj), sort_keys=True, separators=(",", ":"),
                      allow_nan=False)


def _function_name(fn) -> str:
    module, name = getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)
    if not module or not name or "<" in name:
        raise TypeError(f"fn must be a module-level function (picklable by name), got {fn!r}")
    return f"{module}.{name}"


def config_hash(fn, config) -> str:
    """SHA-256 (hex) of the job: the function's dotted name, the package version and the
    canonical JSON of ``config`` (sorted keys, finite numbers only)."""
    from approxbounds import __version__

    text = _canonical({"fn": _function_name(fn), "version": __version__, "config": config})
    return hashlib.sha256(text.encode()).hexdigest()


def _json_roundtrip(obj):
    """``obj`` as it reads back from a result file (so fresh and stored results are equal,
    dict key order included)."""
    from approxbounds._io import to_json_compatible

    return json.loads(json.dumps(to_json_compatible(obj), allow_nan=False))


class ResultStore:
    """One JSON file per job, ``<dir>/<config hash>.json``, written atomically.

    A file that cannot be read (a crash can leave none half-written, but a disk can fill up or
    a user can edit it) is treated as missing and recomputed, with a warning.
    """

    def __init__(self, directory):
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str):
        """``(True, result)`` when stored, ``(False, None)`` otherwise."""
        from approxbounds._io import read_json

        path = self.path(key)
        if not path.is_file():
            return False, None
        try:
            record = read_json(path)
        except (ValueError, OSError) as exc:
            logger.warning("ignoring unreadable result file %s (%s); recomputing it", path, exc)
            return False, None
        if not isinstance(record, dict) or record.get("key") != key or "result" not in record:
            logger.warning("ignoring result file %s written for another job; recomputing it", path)
            return False, None
        return True, record["result"]

    def put(self, key: str, result, config=None) -> Path:
        from approxbounds._io import atomic_write_json

        self.directory.mkdir(parents=True, exist_ok=True)
        return atomic_write_json(self.path(key), {"key": key, "config": config, "result": result},
                                 sort_keys=False)

    def clear(self) -> None:
        """Remove every result file (and the directory when it is left empty)."""
        if not self.directory.is_dir():
            return
        for path in self.directory.glob("*.json"):
            path.unlink()
        with contextlib.suppress(OSError):
            self.directory.rmdir()


def map_ordered(fn, configs, executor=None, *, store: ResultStore | None = None,
                key=None, progress=None, on_result=None) -> list:
    """``[fn(c) for c in configs]``, run on ``executor``, results in the order of ``configs``.

    Parameters
    ----------
    fn : callable
        A module-level function (picklable by name) of one configuration; pure: every seed
        comes from the configuration.
    configs : iterable
        Picklable configurations (JSON-compatible when ``store`` is given).
    executor : None, concurrent.futures.Executor or distributed.Client
        See :func:`as_executor`.
    store : ResultStore, optional
        Resume: configurations whose result is stored are not run again; every new result is
        written as soon as it arrives. Results are then JSON data (fresh ones are passed
        through a JSON round trip, so they equal what a resumed run reads back).
    key : callable, optional
        ``key(config) -> str``, the name of a configuration's result in ``store``
        (default :func:`config_hash` of ``fn`` and the whole configuration); ``None`` for a
        configuration whose result is not to be stored (e.g. not JSON data).
    progress : callable, optional
        Called as ``progress(n)`` with the number of newly finished configurations (a tqdm
        ``update``): once for the stored ones, then once per finished job.
    on_result : callable, optional
        Called as ``on_result(i, result)`` when the result of ``configs[i]`` is known (stored
        ones first, then in the order the jobs finish).

    Returns
    -------
    list
        The results in order. If a job raises, the pending jobs are cancelled and the
        exception propagates (results already stored stay stored).
    """
    configs = list(configs)
    if store is not None:
        _function_name(fn)
    ex = as_executor(executor)
    results: list = [None] * len(configs)
    keys = [None] * len(configs)
    todo = []
    for i, c in enumerate(configs):
        if store is not None:
            k = config_hash(fn, c) if key is None else key(c)
            keys[i] = None if k is None else str(k)
        if keys[i] is not None:
            found, value = store.get(keys[i])
            if found:
                results[i] = value
                if on_result is not None:
                    on_result(i, value)
                continue
        todo.append(i)
    n_done = len(configs) - len(todo)
    if store is not None and n_done:
        logger.info("resuming %s: %d of %d results already stored in %s", _function_name(fn),
                    n_done, len(configs), store.directory)
    if progress is not None and n_done:
        progress(n_done)

    def finish(i, value):
        if keys[i] is not None:
            value = _json_roundtrip(value)
            store.put(keys[i], value, configs[i])
        results[i] = value
        if on_result is not None:
            on_result(i, value)
        if progress is not None:
            progress(1)

    if ex is None:
        for i in todo:
            finish(i, fn(configs[i]))
        return results
    futures = {ex.submit(fn, configs[i]): i for i in todo}
    try:
        for fut in cf.as_completed(futures):
            finish(futures[fut], fut.result())
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
    return results
