"""Registry of the numeric proof checks and :func:`run_checks`.

Each registered check is a function ``check(seed) -> list[CheckResult]`` (the
:class:`~approxbounds.capacity.empirical.CheckResult` of the capacity module: claim, numbers,
passed). :func:`run_checks` runs a selection and tags every result with the name of the
check that produced it. A check that raises is reported as a FAIL carrying the error, never
skipped.
"""
from __future__ import annotations

import importlib
import math
import time
from dataclasses import dataclass

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["CHECKS", "NamedCheckResult", "run_check", "run_checks", "check_names", "results_to_json",
           "format_table", "all_passed"]


@dataclass(frozen=True)
class NamedCheckResult(CheckResult):
    """A :class:`CheckResult` plus the registry name of its check and the run time (s)."""

    name: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"name": self.name, "claim": self.claim, "numbers": dict(self.numbers),
                "passed": bool(self.passed)}


#: name -> (module path, function name, proof step it checks); order = run order
CHECKS = {
    "clipping": ("approxbounds.checks.clipping", "check_clipping",
                 "Theorem L, step 2: clipping onto the range is 1-Lipschitz"),
    "tail_bounds": ("approxbounds.checks.tail_bounds", "check_tail_bounds",
                    "Theorem L, step 3: Chernoff-KL and Hoeffding tail bounds"),
    "sample_size": ("approxbounds.checks.tail_bounds", "check_sample_sizes",
                    "Theorem L, step 3: the sample size n (union bound over pairs)"),
    "sauer": ("approxbounds.checks.counting", "check_sauer_formulas",
              "Sauer-Shelah: exact sums vs closed form"),
    "sauer_enumerated": ("approxbounds.checks.counting", "check_sauer_enumerated",
                         "Sauer-Shelah on enumerated classes"),
    "varshamov_gilbert": ("approxbounds.checks.counting", "check_varshamov_gilbert",
                          "Varshamov-Gilbert codes behind every L^p packing"),
    "bump_norms": ("approxbounds.checks.packing_checks", "check_bump_norms",
                   "||phi||_p^p closed form by quadrature"),
    "packings": ("approxbounds.checks.packing_checks", "check_packings",
                 "packing membership and separation"),
    "theorem_c": ("approxbounds.checks.brute_force", "check_theorem_c_brute_force",
                  "Theorems C and L vs the true sup-inf distance on a tiny finite class"),
    "theorem_s": ("approxbounds.checks.brute_force", "check_theorem_s_shattering",
                  "Theorem S: the shattering argument on an enumerated class"),
    "pieces": ("approxbounds.checks.piece_counting", "check_pieces",
               "Lemma P: affine pieces of 1-D networks vs activation patterns found"),
    "theorem_p": ("approxbounds.checks.piece_counting", "check_theorem_P",
                  "Theorem P: adversarial few-piece fits vs the certified value"),
    "upper_constructions": ("approxbounds.checks.band_checks", "check_upper_constructions",
                            "upper bounds: explicit networks vs their certified error"),
    "band_soundness": ("approxbounds.checks.band_checks", "check_band_soundness",
                       "band: certified lower <= certified upper"),
    "capacity_patterns": ("approxbounds.capacity.empirical", "default_checks",
                          "growth / VC / Pdim bounds vs sign patterns found by search"),
    "certificates": ("approxbounds.checks.certificate_grid", "check_certificate_grid",
                     "every certificate of a grid verifies at 50 digits"),
    "yarotsky": ("approxbounds.checks.gadget_check", "check_yarotsky_gadget",
                 "Yarotsky's square gadget error 2^(-2m-2)"),
}


def check_names() -> list[str]:
    """Names of the registered checks, in run order."""
    return list(CHECKS)


def _resolve(names):
    if names is None:
        return list(CHECKS)
    if isinstance(names, str):
        names = [names]
    names = list(names)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check name(s) {', '.join(map(repr, unknown))}; valid values: "
                         f"{', '.join(CHECKS)}")
    if not names:
        raise ValueError("names must not be empty (use None for every check)")
    return list(dict.fromkeys(names))


def run_check(name: str, seed: int = 0) -> list[NamedCheckResult]:
    """Run one registered check (a pure function of ``name`` and ``seed``; module level, so
    any executor can run it). A check that raises gives one failing result carrying the error."""
    module, func, _ = CHECKS[name]
    t0 = time.perf_counter()
    try:
        results = getattr(importlib.import_module(module), func)(seed)
        if isinstance(results, CheckResult):
            results = [results]
        if not results:
            raise RuntimeError("the check returned no result")
    except Exception as exc:  # a crashing check is a failing check, reported as such
        results = [CheckResult(claim=f"{name}: the check raised an exception",
                               numbers={"error": f"{type(exc).__name__}: {exc}"},
                               passed=False)]
    dt = time.perf_counter() - t0
    return [NamedCheckResult(claim=r.claim, numbers=dict(r.numbers), passed=bool(r.passed),
                             name=name, seconds=dt / len(results)) for r in results]


def run_checks(names=None, seed: int = 0, *, progress=None, executor=None) -> list[NamedCheckResult]:
    """Run the selected checks (default: all) and return their results in order.

    Parameters
    ----------
    names : None, str or iterable of str
        Registered check names (:func:`check_names`); ``None`` runs every check.
    seed : int >= 0
        Seed of every random choice (results are deterministic for a seed).
    progress : callable, optional
        Called as ``progress(name)`` when a check has finished (with an executor, in the
        order the checks finish).
    executor : None, concurrent.futures.Executor or distributed.Client
        Runs the checks in parallel (:func:`approxbounds.parallel.map_ordered`); the results
        and their order are those of the serial run (only ``seconds`` differs).

    Returns
    -------
    list of NamedCheckResult
    """
    from functools import partial

    from approxbounds.parallel import map_ordered

    seed = check_int("seed", seed, minimum=0)
    names = _resolve(names)
    per_check = map_ordered(partial(run_check, seed=seed), names, executor,
                            on_result=None if progress is None else (lambda i, _: progress(names[i])))
    return [r for results in per_check for r in results]


def all_passed(results) -> bool:
    """True when there is at least one result and every one passed."""
    results = list(results)
    return bool(results) and all(r.passed for r in results)


def _fmt(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:.6g}" if math.isfinite(v) else str(v)
    if isinstance(v, (list, tuple)):
        inner = ", ".join(_fmt(x) for x in v[:8])
        return f"[{inner}{', ...' if len(v) > 8 else ''}]"
    return str(v)


def format_numbers(numbers: dict) -> str:
    """``key=value`` pairs, floats to 6 significant digits."""
    return ", ".join(f"{k}={_fmt(v)}" for k, v in numbers.items())


def format_table(results) -> str:
    """Plain-text table: one block per result (status, name, claim, numbers) and a summary."""
    results = list(results)
    lines = []
    for r in results:
        lines.append(f"{'PASS' if r.passed else 'FAIL'}  {r.name:<18} {r.claim}")
        lines.append(f"      {'':<18} {format_numbers(r.numbers)}")
    n_fail = sum(not r.passed for r in results)
    lines.append(f"{len(results) - n_fail}/{len(results)} checks passed"
                 + (f", {n_fail} FAILED" if n_fail else ""))
    return "\n".join(lines)


def results_to_json(results, seed: int = 0) -> dict:
    """One JSON-compatible object: overall status, counts and every result."""
    from approxbounds._io import to_json_compatible

    results = list(results)
    return to_json_compatible({
        "passed": all_passed(results),
        "n_checks": len(results),
        "n_failed": sum(not r.passed for r in results),
        "seed": seed,
        "results": [r.to_dict() for r in results],
    })
