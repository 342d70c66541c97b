"""Scale search: agrees with brute force on monotone predicates and smooth scores."""
import math

from hypothesis import given, settings, strategies as st

from approxbounds.lower.search import first_power_of_two, smallest_positive, smallest_true


@settings(max_examples=200, deadline=None)
@given(threshold=st.integers(1, 10**14), lo=st.integers(1, 50))
def test_smallest_true_step_function(threshold, lo):
    calls = []

    def pred(m):
        calls.append(m)
        return m >= threshold

    got = smallest_true(pred, lo, 10**14)
    assert got == max(threshold, lo)
    assert len(calls) <= 2 * 48 + 2  # O(log m) evaluations


@settings(max_examples=200, deadline=None)
@given(d=st.integers(1, 3), V=st.floats(1.0, 1e9), c=st.floats(0.5, 50.0))
def test_smallest_positive_matches_bisection(d, V, c):
    """Score shaped like Theorem L's: ln(m^d / 8) - ln(V log2(c m) + 1)."""

    def score(m):
        lam = m**d / 8.0
        if lam < 1:
            return -math.inf
        return math.log(lam) - math.log(V * math.log2(c * m + 2) + 1.0)

    a = smallest_positive(score, 1, 10**14)
    b = smallest_true(lambda m: score(m) > 0, 1, 10**14)
    assert a == b
    assert a is None or (score(a) > 0 and (a == 1 or score(a - 1) <= 0))


def test_none_when_never_true_and_errors_count_as_false():
    assert smallest_true(lambda m: False, 1, 1000) is None
    assert smallest_positive(lambda m: -1.0, 1, 1000) is None

    def picky(m):
        if m < 10:
            raise ValueError("m too small for this construction")
        return m >= 37

    assert smallest_true(picky) == 37
    assert first_power_of_two(picky) == 64
