"""Tests for approxbounds.report.sections: the section list, one sweep on any executor,
resume after an interruption, and adding a section."""
import concurrent.futures as cf

import pytest

from approxbounds.parallel import ResultStore
from approxbounds.report import SECTIONS, Section, render_markdown, report_data
from approxbounds.report import sweep as sweep_mod
from approxbounds.report.sections import Job, job_key, run_job
from approxbounds.report.sweep import ReportConfig

TINY = ReportConfig(classes=(("holder", 2, 1.0), ("monotone", 3)), norms=(2, "sup"), depths=(2, 3),
                    n_W=3, slope_n=6, W_max=1e6, W_fit_min=1e4, checks=("sauer", "clipping"),
                    smoke=True)


@pytest.fixture(scope="module")
def serial():
    return report_data(TINY, progress=False)


def test_sections_in_markdown_order(serial):
    assert [s.key for s in SECTIONS] == ["done_when", "slopes", "bounds", "bands", "recurrent",
                                         "checks", "figures"]
    assert set(serial) >= {s.key for s in SECTIONS} | {"settings", "command", "version"}
    assert len(serial["bounds"]) == 2 * 2 * 2 * 3 and serial["figures"] == {}
    md = render_markdown(serial)
    positions = [md.index(h) for h in ("## Slope checks", "## Fitted slopes", "## Certified lower bounds",
                                       "## The certified band", "## Recurrent and quantized",
                                       "## Numeric proof checks", "## Figures")]
    assert positions == sorted(positions)


def test_thread_pool_gives_the_serial_report(serial):
    with cf.ThreadPoolExecutor(2) as ex:
        assert report_data(TINY, progress=False, executor=ex) == serial


def test_interrupted_report_resumes_from_stored_results(serial, tmp_path, monkeypatch):
    store = ResultStore(tmp_path / ".partial")
    real = sweep_mod.bound_family
    calls = []

    def failing(job):
        calls.append(job)
        if len(calls) == 3:
            raise KeyboardInterrupt                   # as if the user pressed Ctrl-C
        return real(job)

    monkeypatch.setattr(sweep_mod, "bound_family", failing)
    with pytest.raises(KeyboardInterrupt):
        report_data(TINY, progress=False, store=store)
    stored = len(list((tmp_path / ".partial").glob("*.json")))
    assert stored == len(serial["slopes"]) + 2        # the slope fits (first section), 2 families
    calls.clear()
    monkeypatch.setattr(sweep_mod, "bound_family", lambda job: calls.append(job) or real(job))
    resumed = report_data(TINY, progress=False, store=store)
    assert len(calls) == 8 - 2                        # only the families not stored yet
    assert resumed == serial


def test_a_new_section_is_one_entry(serial):
    def jobs(ctx):
        return [Job("approxbounds.report.sweep:slope_fit", c) for c in sweep_mod.slope_jobs(ctx.cfg)[:1]]

    extra = Section("extra", jobs=jobs, collect=lambda ctx, results, data: {"n": len(results),
                                                                            "slope": results[0]["fitted_slope"]},
                    markdown=lambda data: ["## Extra", "", f"slope {data['extra']['slope']:.4f}", ""])
    data = report_data(TINY, progress=False, sections=[*SECTIONS, extra])
    assert data["extra"] == {"n": 1, "slope": serial["slopes"][0]["fitted_slope"]}
    assert {k: v for k, v in data.items() if k != "extra"} == serial
    md = render_markdown(data, sections=[*SECTIONS, extra])
    assert md.rstrip().endswith(f"slope {serial['slopes'][0]['fitted_slope']:.4f}")


def test_jobs_are_named_functions_of_the_package():
    with pytest.raises(ValueError, match="approxbounds"):
        run_job({"fn": "os:system", "config": "true"})
    assert job_key({"fn": "approxbounds.x:y", "config": 1, "store": False}) is None
    assert job_key({"fn": "approxbounds.x:y", "config": 1}) != job_key({"fn": "approxbounds.x:y", "config": 2})
