"""Numeric checks of every proof step behind the certified bounds (``approxbounds check``).

Each check returns :class:`~approxbounds.capacity.empirical.CheckResult` objects (claim,
numbers, passed); :func:`run_checks` runs a selection by name. The checks:

=====================  ===========================================================
``clipping``           clipping onto the range never increases |f - g| (Theorem L)
``tail_bounds``        exact / Monte Carlo tail probabilities vs Chernoff-KL, Hoeffding
``sample_size``        the sample size n of Theorem L is valid and minimal
``sauer``              Sauer-Shelah sums vs the closed form (eN/V)^V
``sauer_enumerated``   Sauer-Shelah on enumerated classes (VCdim by brute force)
``varshamov_gilbert``  greedy codes: 2^(N/8) words pairwise >= N/8 apart
``bump_norms``         ||phi||_p^p by quadrature vs the Gamma closed form
``packings``           packing membership and separation (every construction)
``theorem_c``          Theorems C, L vs the true sup-inf on an enumerated finite class
``theorem_s``          Theorem S's shattering argument on an enumerated class
``capacity_patterns``  sign patterns found by search vs capacity bounds
``certificates``       every certificate of a grid verifies at 50 digits
``yarotsky``           Yarotsky's gadget error 2^(-2m-2)
=====================  ===========================================================
"""
from approxbounds.capacity.empirical import CheckResult
from approxbounds.checks.registry import (CHECKS, NamedCheckResult, all_passed, check_names,
                                          format_table, results_to_json, run_checks)

__all__ = ["CheckResult", "NamedCheckResult", "CHECKS", "run_checks", "check_names",
           "all_passed", "format_table", "results_to_json"]
