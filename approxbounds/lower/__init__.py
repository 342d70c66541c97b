"""Certified lower bounds on sup_{f in F} inf_{g in G} ||f - g|| (docs/theory.md).

* :func:`lower_bound` -- the strongest certificate found by Theorems L, S, C and Lemma D;
* :class:`Certificate` -- value, theorem, ingredients, tags, ``verify(dps)``, ``explain()``,
  ``to_dict()``; :class:`CertificateError` when a step of the chain fails;
* :mod:`~approxbounds.lower.tails` -- Hoeffding and Chernoff-KL sample sizes;
* :mod:`~approxbounds.lower.theorems` -- the theorems on explicit ingredients.
"""
from approxbounds.lower.api import NoCertificateError, certificates, lower_bound
from approxbounds.lower.certificate import THEOREMS, Certificate, CertificateError
from approxbounds.lower.storage import storage_floor, storage_lower_bound
from approxbounds.lower.tails import smallest_sample_size

__all__ = ["lower_bound", "storage_lower_bound", "storage_floor", "certificates", "Certificate", "CertificateError",
           "NoCertificateError", "THEOREMS", "smallest_sample_size"]
