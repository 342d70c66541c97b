"""Learning-rate schedules: callables ``step -> lr`` (``step`` counts completed updates, from 0).

Each schedule is a small immutable object with ``__call__(step) -> float`` and
``config() -> dict`` (JSON, so a checkpoint or a log can record which schedule ran).
Values are computed in double precision from the step number alone (no hidden state), so a
resumed run sees exactly the learning rates of an uninterrupted one.

=================  ==============================================================
``constant``        lr(t) = lr0
``step_decay``      lr(t) = lr0 · γ^⌊t / every⌋            (PyTorch ``StepLR``)
``exponential``     lr(t) = lr0 · γ^t                       (PyTorch ``ExponentialLR``)
``warmup``          lr(t) = base(0) · (t + 1) / w for t < w, then base(t − w)
=================  ==============================================================

Decay factors γ lie in (0, 1]; the values may underflow to 0.0 after very many steps, never
to NaN, and never overflow.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Callable

from approxbounds._validation import check_int, check_real

__all__ = ["Schedule", "constant", "step_decay", "exponential", "warmup", "as_schedule",
           "schedule_from_config"]


def _check_step(step) -> int:
    return check_int("step", step, minimum=0)


class Schedule:
    """Base class: ``schedule(step) -> float`` and ``schedule.config()``."""

    kind = "schedule"

    def __call__(self, step: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def config(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class _Constant(Schedule):
    lr: float
    kind = "constant"

    def __call__(self, step):
        _check_step(step)
        return self.lr

    def config(self):
        return {"kind": self.kind, "lr": self.lr}


@dataclass(frozen=True)
class _StepDecay(Schedule):
    lr: float
    gamma: float
    every: int
    kind = "step_decay"

    def __call__(self, step):
        k = _check_step(step) // self.every
        return self.lr * _power(self.gamma, k)

    def config(self):
        return {"kind": self.kind, "lr": self.lr, "gamma": self.gamma, "every": self.every}


@dataclass(frozen=True)
class _Exponential(Schedule):
    lr: float
    gamma: float
    kind = "exponential"

    def __call__(self, step):
        return self.lr * _power(self.gamma, _check_step(step))

    def config(self):
        return {"kind": self.kind, "lr": self.lr, "gamma": self.gamma}


@dataclass(frozen=True)
class _Warmup(Schedule):
    base: Schedule
    steps: int
    kind = "warmup"

    def __call__(self, step):
        step = _check_step(step)
        if step < self.steps:
            return self.base(0) * (step + 1) / self.steps
        return self.base(step - self.steps)

    def config(self):
        return {"kind": self.kind, "steps": self.steps, "base": self.base.config()}


def _power(gamma: float, k: int) -> float:
    """γ^k for γ in (0, 1]: underflows to 0.0 quietly instead of raising."""
    if gamma == 1.0:
        return 1.0
    log_value = k * math.log(gamma)
    return 0.0 if log_value < -745.0 else gamma ** k


def _check_lr(lr) -> float:
    return check_real("lr", lr, low=0.0, low_open=True)


def _check_gamma(gamma) -> float:
    return check_real("gamma", gamma, low=0.0, high=1.0, low_open=True)


def constant(lr: float) -> Schedule:
    """Constant learning rate ``lr > 0``."""
    return _Constant(_check_lr(lr))


def step_decay(lr: float, gamma: float, every: int) -> Schedule:
    r"""Step decay (PyTorch ``StepLR``): :math:`\mathrm{lr}(t) = \mathrm{lr}_0\,\gamma^{\lfloor t/\mathrm{every}\rfloor}`.

    Parameters
    ----------
    lr : float
        Initial learning rate, > 0.
    gamma : float
        Multiplicative decay in (0, 1].
    every : int
        Number of steps between decays, >= 1 (an "epoch" in HadamRNN's configs).
    """
    return _StepDecay(_check_lr(lr), _check_gamma(gamma), check_int("every", every, minimum=1))


def exponential(lr: float, gamma: float) -> Schedule:
    r"""Exponential decay :math:`\mathrm{lr}(t) = \mathrm{lr}_0\,\gamma^{t}`, ``gamma`` in (0, 1]."""
    return _Exponential(_check_lr(lr), _check_gamma(gamma))


def warmup(base, steps: int) -> Schedule:
    r"""Linear warm-up for ``steps`` updates, then ``base`` shifted by ``steps``.

    :math:`\mathrm{lr}(t) = \mathrm{base}(0)\,(t+1)/w` for :math:`t < w`, and
    :math:`\mathrm{base}(t - w)` afterwards. ``base`` may be a float (constant schedule).
    The first value is ``base(0)/w > 0``, so the learning rate is never zero.
    """
    return _Warmup(as_schedule(base), check_int("steps", steps, minimum=1))


def as_schedule(lr) -> Callable[[int], float]:
    """A float becomes :func:`constant`; a ``Schedule`` or any callable is returned as is."""
    if isinstance(lr, Schedule) or (callable(lr) and not isinstance(lr, numbers.Real)):
        return lr
    return constant(lr)


def schedule_from_config(config: dict) -> Schedule:
    """Rebuild a schedule from its ``config()``."""
    if not isinstance(config, dict):
        raise TypeError(f"config must be a dict, got {type(config).__name__}")
    kind = config.get("kind")
    if kind == "constant":
        return constant(config["lr"])
    if kind == "step_decay":
        return step_decay(config["lr"], config["gamma"], config["every"])
    if kind == "exponential":
        return exponential(config["lr"], config["gamma"])
    if kind == "warmup":
        return warmup(schedule_from_config(config["base"]), config["steps"])
    raise ValueError(f"unknown schedule kind {kind!r}; valid kinds: constant, exponential, step_decay, warmup")
