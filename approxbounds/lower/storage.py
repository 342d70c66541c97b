r"""The storage floor: a certified error floor for every network stored in ``B`` bits.

Any storage format of ``B`` bits decodes to at most :math:`2^B` functions
(:class:`~approxbounds.capacity.storage.StorageClass`), so Theorem C (docs/theory.md §5, [P])
gives, for every packing of ``F`` with more than :math:`2^B` members pairwise
:math:`\varepsilon` apart,

.. math:: \varepsilon(B) := \sup_{f\in F}\ \inf_{g\ \text{stored in}\ B\ \text{bits}} \|f-g\|
          \ \ge\ \varepsilon/2 ,

whatever the architecture, the quantizers or the float format. :func:`storage_lower_bound`
returns that certificate (the largest value over the packing scales; in the sup norm
Theorem S with :math:`\mathrm{VCdim} \le B` gives twice as much and is returned when it is
larger — both are counting statements on the same finite class). It is an ordinary
:class:`~approxbounds.lower.certificate.Certificate` whose claim names the network class
``{"kind": "storage", "bits": B, "domain": ...}``, so ``approxbounds verify`` re-checks it.
:func:`storage_floor` evaluates the floor on a grid of ``B`` for plots.
"""
from __future__ import annotations

import math

from approxbounds._validation import check_int

__all__ = ["storage_lower_bound", "storage_floor", "storage_class_for", "log_spaced_bits"]


def storage_class_for(F, bits: int):
    """The class of every network stored in ``bits`` bits on ``F``'s input domain."""
    from approxbounds.capacity.storage import StorageClass

    domain = getattr(F, "domain", None) or ("cube", F.d)
    return StorageClass(check_int("bits", bits, minimum=1), tuple(domain))


def storage_lower_bound(F, bits: int, norm=2, measure=None, **kwargs):
    r"""Certified floor :math:`\varepsilon(B)` on the error of every network stored in ``bits`` bits.

    Parameters
    ----------
    F : FunctionClass
        Any class with certified packings (Hölder, monotone, delayed/multi-lag Hölder, ...).
    bits : int >= 1
        ``B``, the total storage (float32 parameters count 32 bits each: use the exact account
        ``models.storage`` gives, e.g. ``model.storage_bits()``).
    norm : float >= 1, "sup" or Norm
    measure : Measure, optional
        As for :func:`~approxbounds.lower.lower_bound` (default: ``F``'s default measure).
    **kwargs
        Passed to :func:`~approxbounds.lower.lower_bound` (``construction``, ``m_max``,
        ``search``, ``transfer``).

    Returns
    -------
    Certificate
        Theorem C (``value = eps/2``) in :math:`L^p`; in sup norm the larger of Theorems S and C.
        ``alternatives`` holds the other certificates found.

    Raises
    ------
    ValueError
        ``bits < 1`` (naming ``bits``), or no certificate (e.g. ``m_max`` too small).
    """
    from approxbounds.lower.api import lower_bound

    G = storage_class_for(F, bits)
    return lower_bound(F, G, norm=norm, measure=measure, **kwargs)


def storage_floor(F, bits_values, norm=2, measure=None) -> list[dict]:
    """``[{"bits", "value", "theorem", "m"}]``: the certified floor at each ``B`` of ``bits_values``
    (each value a :func:`storage_lower_bound` certificate, not re-verified here)."""
    rows = []
    for b in bits_values:
        cert = storage_lower_bound(F, int(b), norm=norm, measure=measure)
        rows.append({"bits": int(b), "value": float(cert.value), "theorem": cert.theorem,
                     "m": cert.route.get("m"), "certificate": cert})
    return rows


def log_spaced_bits(lo: int, hi: int, n: int) -> list[int]:
    """``n`` integers spaced evenly in ``log`` between ``lo`` and ``hi`` (distinct, sorted)."""
    lo = check_int("lo", lo, minimum=1)
    hi = check_int("hi", hi, minimum=lo)
    n = check_int("n", n, minimum=1)
    if n == 1 or lo == hi:
        return [lo]
    vals = {int(round(math.exp(math.log(lo) + i * (math.log(hi) - math.log(lo)) / (n - 1))))
            for i in range(n)}
    return sorted(vals)
