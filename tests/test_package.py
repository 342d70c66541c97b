"""The top-level package: lazy public names are listed by dir() and all resolve."""
import importlib

import approxbounds as ab


def test_dir_lists_every_lazy_name():
    names = dir(ab)
    for name in ab._LAZY:
        assert name in names
    assert "__version__" in names and "crosscheck" in names and "fitted_slope" in names


def test_every_lazy_name_resolves_to_the_module_attribute():
    for name, module in ab._LAZY.items():
        obj = getattr(ab, name)
        assert obj is getattr(importlib.import_module(module), name)
        assert callable(obj)
    assert set(ab.__all__) == {"__version__", *ab._LAZY}


def test_unknown_name_raises_attribute_error():
    try:
        ab.no_such_name
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_docstring_lists_the_public_api():
    for name in ab._LAZY:
        assert f"``{name}``" in ab.__doc__
