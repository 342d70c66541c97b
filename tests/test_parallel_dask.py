"""A real dask ``distributed.LocalCluster`` (2 worker processes): the report sweep, the
cross-check, the numeric checks and a training sweep give exactly the serial results, in order
(issue 13). Needs the ``[distributed]`` extra (part of ``[test]``)."""
import pytest

distributed = pytest.importorskip("distributed")

from approxbounds.checks.registry import run_checks  # noqa: E402
from approxbounds.classes import Monotone  # noqa: E402
from approxbounds.experiments.crosscheck import crosscheck  # noqa: E402
from approxbounds.parallel import as_executor, is_dask_client  # noqa: E402
from approxbounds.report import report_data  # noqa: E402
from approxbounds.report.sweep import ReportConfig  # noqa: E402

TINY = ReportConfig(classes=(("holder", 2, 1.0), ("monotone", 3)), norms=(2, "sup"), depths=(2, 3),
                    n_W=3, slope_n=6, W_max=1e6, W_fit_min=1e4, checks=("sauer", "clipping", "yarotsky"),
                    smoke=True)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def test_client_is_recognised(client):
    import concurrent.futures as cf

    assert is_dask_client(client)
    assert isinstance(as_executor(client), cf.Executor)
    assert len(client.scheduler_info()["workers"]) == 2


def test_report_sweep_on_the_cluster_is_the_serial_one(client):
    serial = report_data(TINY, progress=False)
    parallel = report_data(TINY, progress=False, executor=client)
    assert parallel == serial
    assert [r["W"] for r in parallel["bounds"]] == [r["W"] for r in serial["bounds"]]   # same order
    assert parallel["done_when"]["passed"]


def test_crosscheck_on_the_cluster_is_the_serial_one(client):
    kw = dict(n_members=2, steps=20, n_eval=1000, seed=11, kinds=("fit", "certificate"))
    serial = crosscheck(Monotone(2), [3], **kw)
    parallel = crosscheck(Monotone(2), [3], executor=client, **kw)
    assert type(parallel.members[0]) is type(serial.members[0])      # results, not dask futures
    assert parallel.to_dict() == serial.to_dict()


def test_checks_on_the_cluster(client):
    names = ["sauer", "clipping", "yarotsky"]
    serial = [r.to_dict() for r in run_checks(names, seed=3)]
    assert [r.to_dict() for r in run_checks(names, seed=3, executor=client)] == serial


def test_training_sweep_on_the_cluster(client, tmp_path):
    from approxbounds.experiments.sweep import run_sweep, seed_configs
    from approxbounds.experiments.train_run import TrainConfig

    cfg = TrainConfig(task="copy", model="ornn", hidden=8, length=20, steps=4, batch=8, n_val=16)
    cfgs = seed_configs(cfg, [0, 1])
    drop = ("seconds", "out_dir", "resumed_from")
    serial = run_sweep(cfgs, tmp_path / "s")
    parallel = run_sweep(cfgs, tmp_path / "p", client)
    assert [{k: v for k, v in m.items() if k not in drop} for m in parallel] == \
        [{k: v for k, v in m.items() if k not in drop} for m in serial]
