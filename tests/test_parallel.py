"""Tests for approxbounds.parallel: one adapter for serial runs, Executors and dask Clients,
ordered results, per-config result files and resume."""
import concurrent.futures as cf
import json
import math
import operator

import pytest

from approxbounds.parallel import (ResultStore, as_executor, config_hash, is_dask_client,
                                   map_ordered, open_executor)

CALLS = []


def _record_square(x):
    CALLS.append(x)
    if x == FAIL_AT[0]:
        raise RuntimeError(f"interrupted at {x}")
    return {"x": x, "square": x * x, "root": math.sqrt(x)}


FAIL_AT = [None]


def test_serial_and_pools_give_the_same_ordered_results():
    items = list(range(12, 0, -1))
    serial = map_ordered(math.factorial, items)
    assert serial == [math.factorial(i) for i in items]
    with cf.ThreadPoolExecutor(3) as ex:
        assert map_ordered(math.factorial, items, ex) == serial
    with open_executor(workers=2) as ex:
        assert isinstance(ex, cf.ProcessPoolExecutor)
        assert map_ordered(math.factorial, items, ex) == serial


def test_errors_propagate_and_progress_counts():
    seen = []
    with cf.ThreadPoolExecutor(2) as ex:
        with pytest.raises(ValueError):
            map_ordered(math.factorial, [3, -1, 4], ex)
        out = map_ordered(operator.neg, [1, 2, 3], ex, progress=seen.append,
                          on_result=lambda i, r: seen.append((i, r)))
    assert out == [-1, -2, -3]
    assert seen.count(1) == 3 and sorted(s for s in seen if isinstance(s, tuple)) == [(0, -1), (1, -2), (2, -3)]


def test_as_executor_rejects_what_is_not_an_executor():
    assert as_executor(None) is None
    with cf.ThreadPoolExecutor(1) as ex:
        assert as_executor(ex) is ex
    for bad in (cf.ThreadPoolExecutor, 2, "tcp://x"):
        with pytest.raises(TypeError, match="executor"):
            as_executor(bad)
    assert not is_dask_client(object())


def test_open_executor_validation():
    with open_executor() as ex:
        assert ex is None
    with open_executor(workers=1) as ex:
        assert ex is None
    with pytest.raises(ValueError, match="not both"):
        with open_executor(workers=2, scheduler="tcp://127.0.0.1:1"):
            pass
    with pytest.raises(ValueError, match="workers"):
        with open_executor(workers=0):
            pass
    with pytest.raises(TypeError, match="workers"):
        with open_executor(workers=2.0):
            pass


def test_config_hash_is_canonical_and_names_the_function():
    a = config_hash(math.factorial, {"b": 1, "a": [1, 2.5]})
    assert a == config_hash(math.factorial, {"a": (1, 2.5), "b": 1})      # key order, tuple vs list
    assert a != config_hash(math.factorial, {"a": [1, 2.5], "b": 2})
    assert a != config_hash(math.isqrt, {"a": [1, 2.5], "b": 1})
    assert len(a) == 64
    with pytest.raises(ValueError):
        config_hash(math.factorial, {"x": float("nan")})
    with pytest.raises(TypeError, match="module-level"):
        config_hash(lambda c: c, 1)


def test_interrupted_sweep_resumes_from_the_stored_results(tmp_path):
    store = ResultStore(tmp_path / "results")
    items = [4, 9, 16, 25, 36]
    CALLS.clear()
    FAIL_AT[0] = 16
    with pytest.raises(RuntimeError, match="interrupted"):
        map_ordered(_record_square, items, store=store)
    assert CALLS == [4, 9, 16]
    files = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(files) == 2 and not [f for f in files if not f.endswith(".json")]   # no temp files
    FAIL_AT[0] = None
    CALLS.clear()
    ticks = []
    resumed = map_ordered(_record_square, items, store=store, progress=ticks.append)
    assert CALLS == [16, 25, 36]                 # the two stored results are not recomputed
    assert ticks == [2, 1, 1, 1]
    CALLS.clear()
    fresh = [_record_square(x) for x in items]
    assert resumed == fresh                      # stored results read back equal to fresh ones
    again = map_ordered(_record_square, items, store=store)
    assert again == fresh and CALLS == items     # (the list comprehension above made the calls)


def test_corrupt_or_foreign_result_files_are_recomputed(tmp_path, caplog):
    store = ResultStore(tmp_path)
    key = config_hash(_record_square, 3)
    store.path(key).write_text("{truncated")
    other = config_hash(_record_square, 5)
    store.put(other, {"x": 5}, 5)
    store.path(key).with_name(f"{key}.json")
    (tmp_path / f"{config_hash(_record_square, 7)}.json").write_text(json.dumps({"key": other, "result": 1}))
    CALLS.clear()
    with caplog.at_level("WARNING", logger="approxbounds.parallel"):
        out = map_ordered(_record_square, [3, 5, 7], store=store)
    assert CALLS == [3, 7] and out[1] == {"x": 5}
    assert "unreadable" in caplog.text and "another job" in caplog.text
    store.clear()
    assert not tmp_path.exists() or not list(tmp_path.glob("*.json"))
