"""approxbounds.classes.base: the checks every function class shares."""
import pytest

from approxbounds.classes import DelayedHolder, Holder, Monotone


@pytest.mark.parametrize("make", [lambda d: Holder(d, 1.0), lambda d: Monotone(d),
                                  lambda d: DelayedHolder(d, 1.0, 1, 4)],
                         ids=["holder", "monotone", "delayed"])
def test_dimension_range_is_checked_once_for_every_class(make):
    from approxbounds.classes.base import D_MAX

    assert make(D_MAX).d == D_MAX
    for bad in (0, D_MAX + 1, 10**400):
        with pytest.raises(ValueError, match=r"^d must be "):
            make(bad)
    with pytest.raises(TypeError, match="d must be an integer"):
        make(2.0)
