"""The structure of a certificate file (format ``approxbounds.certificate``, version 2).

:func:`parse_record` checks the structure only — top-level fields, the claim's syntax
(:meth:`approxbounds.claims.Claim.from_dict`) and the proof's three objects — and is shared by
:meth:`Certificate.from_dict` and :func:`approxbounds.lower.verify.verify_certificate_dict`.
"""
from __future__ import annotations

from approxbounds.claims import Claim

__all__ = ["FORMAT", "VERSION", "parse_record", "TOP_KEYS", "PROOF_KEYS"]

FORMAT = "approxbounds.certificate"
VERSION = 2
#: top-level fields; ``labels`` and ``verification`` are for humans and never read
TOP_KEYS = ("format", "version", "claim", "proof", "labels", "alternatives", "verification")
PROOF_KEYS = ("route", "ingredients", "tags")


def parse_record(data, format_: str = FORMAT):
    """``(claim, proof, alternatives)`` of a certificate dict; ``ValueError`` on bad structure."""
    if not isinstance(data, dict):
        raise ValueError(f"a certificate must be a JSON object, got {type(data).__name__}")
    if data.get("format") != format_ or data.get("version") != VERSION:
        raise ValueError(f"not an approxbounds certificate (format {format_!r} version {VERSION}); "
                         f"got format {data.get('format')!r} version {data.get('version')!r}")
    extra = sorted(set(data) - set(TOP_KEYS))
    if extra:
        raise ValueError(f"unexpected top-level certificate field(s) {', '.join(map(str, extra))}")
    for key in ("claim", "proof"):
        if key not in data:
            raise ValueError(f"certificate lacks the field {key!r}")
    claim = Claim.from_dict(data["claim"])
    proof = data["proof"]
    if not isinstance(proof, dict) or sorted(proof) != sorted(PROOF_KEYS):
        raise ValueError(f"certificate proof must have exactly the fields {', '.join(PROOF_KEYS)}")
    for key in PROOF_KEYS:
        if not isinstance(proof[key], dict):
            raise ValueError(f"certificate proof.{key} must be a JSON object")
    alts = data.get("alternatives", [])
    if not isinstance(alts, list):
        raise ValueError("certificate alternatives must be a list")
    return claim, proof, alts
