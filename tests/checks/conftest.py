"""One full run of every numeric check, shared by the tests of this directory."""
import pytest


@pytest.fixture(scope="session")
def all_results():
    from approxbounds.checks import run_checks

    return run_checks(seed=0)


@pytest.fixture(scope="session")
def by_name(all_results):
    out = {}
    for r in all_results:
        out.setdefault(r.name, []).append(r)
    return out
