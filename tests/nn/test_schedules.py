"""Learning-rate schedules."""
import math
from fractions import Fraction

import pytest

from approxbounds.nn import schedules as S


def test_step_decay_matches_the_formula_exactly():
    sch = S.step_decay(0.1, 0.5, every=3)
    assert [sch(t) for t in range(8)] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]
    # exact rational check for a power-of-two rate
    sch = S.step_decay(1.0, 0.5, every=4)
    assert all(Fraction(sch(t)) == Fraction(1, 2 ** (t // 4)) for t in range(200))


def test_exponential_and_constant():
    assert S.exponential(1.0, 0.5)(10) == 2.0 ** -10
    assert S.exponential(3.0, 1.0)(10 ** 9) == 3.0
    assert S.constant(0.3)(12345) == 0.3
    assert math.isclose(S.exponential(0.1, 0.9)(7), 0.1 * 0.9 ** 7, rel_tol=1e-15)


def test_decay_underflows_to_zero_not_nan():
    value = S.exponential(1.0, 0.5)(10 ** 6)
    assert value == 0.0
    assert S.step_decay(1.0, 1e-3, every=1)(10 ** 5) == 0.0


def test_warmup_is_linear_then_follows_the_base():
    base = S.step_decay(0.4, 0.5, every=2)
    sch = S.warmup(base, steps=4)
    assert [sch(t) for t in range(4)] == pytest.approx([0.1, 0.2, 0.3, 0.4], rel=1e-15)
    assert [sch(t) for t in range(4, 9)] == [base(t - 4) for t in range(4, 9)]
    assert S.warmup(0.2, steps=2)(5) == 0.2


@pytest.mark.parametrize("make, match", [
    (lambda: S.constant(0.0), "lr"),
    (lambda: S.constant(-1e-3), "lr"),
    (lambda: S.step_decay(0.1, 1.5, 2), "gamma"),
    (lambda: S.step_decay(0.1, 0.0, 2), "gamma"),
    (lambda: S.step_decay(0.1, 0.5, 0), "every"),
    (lambda: S.exponential(float("nan"), 0.5), "lr"),
    (lambda: S.warmup(0.1, 0), "steps"),
    (lambda: S.constant(0.1)(-1), "step"),
    (lambda: S.schedule_from_config({"kind": "cosine"}), "schedule kind"),
])
def test_invalid_arguments_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_type_errors():
    with pytest.raises(TypeError, match="every"):
        S.step_decay(0.1, 0.5, 2.0)
    with pytest.raises(TypeError, match="step"):
        S.constant(0.1)(1.5)


def test_config_round_trip():
    sch = S.warmup(S.step_decay(0.01, 0.98, every=100), steps=10)
    again = S.schedule_from_config(sch.config())
    assert again.config() == sch.config()
    assert [again(t) for t in range(0, 500, 7)] == [sch(t) for t in range(0, 500, 7)]


def test_step_decay_matches_torch_steplr():
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.SGD([p], lr=0.05)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.7)
    ours = S.step_decay(0.05, 0.7, every=3)
    for t in range(12):
        assert math.isclose(opt.param_groups[0]["lr"], ours(t), rel_tol=1e-14)
        opt.step()
        sched.step()
