"""The structure of a certificate file: kept as an import path only.

The owner of the file format (``FORMAT``, ``VERSION``, the top-level and proof fields and
:func:`parse_record`) is :mod:`approxbounds.certificate_base`, shared by lower and upper
certificates; import from there.
"""
from __future__ import annotations

from approxbounds.certificate_base import FORMAT, PROOF_KEYS, TOP_KEYS, VERSION, parse_record

__all__ = ["FORMAT", "VERSION", "parse_record", "TOP_KEYS", "PROOF_KEYS"]
