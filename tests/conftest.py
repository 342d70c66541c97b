"""Shared pytest configuration: Agg backend for every plot, one BLAS thread; the ``json_edits``
fixture of the certificate property tests (tests/lower, tests/upper)."""
import copy
import os

os.environ.setdefault("MPLBACKEND", "Agg")
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib
import pytest

matplotlib.use("Agg")


class JsonEdits:
    """Single-field edits of a JSON document (a certificate file), for property tests that
    edit every field and expect a rejection."""

    @staticmethod
    def leaves(obj, path=(), *, containers=False):
        """``(path, value)`` of every leaf of ``obj`` (and of every dict/list when
        ``containers``, the container before its entries); paths are tuples of keys/indices."""
        if isinstance(obj, dict):
            if containers:
                yield path, obj
            for k, v in obj.items():
                yield from JsonEdits.leaves(v, path + (k,), containers=containers)
        elif isinstance(obj, list):
            if containers:
                yield path, obj
            for i, v in enumerate(obj):
                yield from JsonEdits.leaves(v, path + (i,), containers=containers)
        else:
            yield path, obj

    @staticmethod
    def edited(doc, section, path, value):
        """A deep copy of ``doc`` with ``doc[section][path...]`` set to ``value`` (the whole
        section for the empty path)."""
        out = copy.deepcopy(doc)
        if not path:
            out[section] = value
            return out
        node = out[section]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return out


@pytest.fixture
def json_edits():
    """:class:`JsonEdits`: ``leaves(obj, containers=False)`` and ``edited(doc, section, path, value)``."""
    return JsonEdits
