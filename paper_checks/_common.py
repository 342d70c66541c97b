"""Shared helpers of the paper_checks scripts: one-thread BLAS and the PASS/FAIL verdict."""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def verdict(claim: str, measurement: str, passed: bool) -> int:
    """Print claim, measurement and PASS/FAIL; return the exit code (0 pass, 1 fail)."""
    print(f"claim:       {claim}")
    print(f"measured:    {measurement}")
    print(f"result:      {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1
