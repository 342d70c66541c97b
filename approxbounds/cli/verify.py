"""``approxbounds verify FILE.json``: a referee re-checks a certificate file.

The file is what ``approxbounds bound --json`` prints (or ``Certificate.to_dict()`` written as
JSON), an upper-bound certificate (``UpperCertificate.to_dict()``), or a band
(``approxbounds band --json``: both certificates, each verified on its own); ``-`` reads
standard input. The claim is rebuilt, the proof re-derived from it and every inequality
re-checked with mpmath (:func:`approxbounds.lower.verify.verify_certificate_dict`,
:func:`approxbounds.upper.verify.verify_upper_dict`).

Exit codes: 0 verified (one-line summary on stdout), 1 not verified (the reason on stderr),
2 unreadable input (not JSON, not a certificate, missing file).
"""
from __future__ import annotations

import sys

from approxbounds.cli._types import int_arg

__all__ = ["register", "run", "verify_document"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify", help="re-check a certificate file (the JSON of 'bound --json' or 'band --json')",
        description="Rebuild the claim of a certificate file, re-derive its proof and re-check every "
                    "inequality with mpmath. Exit 0: verified; 1: not verified; 2: unreadable input.")
    p.add_argument("file", help="certificate JSON file, or - for standard input")
    p.add_argument("--dps", type=int_arg, default=50,
                   help="mpmath digits of the re-check (20 to 10000, default 50)")
    p.set_defaults(func=run)


def _read(path: str):
    import json

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        raise ValueError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path!r} is not a UTF-8 text file") from None
    name = "standard input" if path == "-" else repr(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{name} is not JSON: {exc}") from None
    except RecursionError:
        raise ValueError(f"{name} is nested too deeply to be a certificate file") from None


def verify_document(data, dps: int = 50) -> list[str]:
    """Verify every certificate in ``data`` and return one summary line per certificate.

    ``data`` is a certificate (a lower bound, or an upper bound: ``claim.statement`` decides),
    or a band ``{"lower": <certificate>, "upper": <certificate>, "gap": u/l}``
    (``approxbounds band --json``), whose two certificates are verified each on its own and
    must be about the same F, G, norm and measure, with ``lower <= upper`` and the stated gap.
    Structural problems raise ``ValueError`` subclasses other than
    :class:`~approxbounds.claims.CertificateError` / :class:`~approxbounds.claims.ClaimError`,
    which report a failed verification.
    """
    from approxbounds.certificate_base import FORMAT

    if isinstance(data, dict) and data.get("format") == FORMAT:
        return [_verify_certificate(data, dps)]
    if isinstance(data, dict) and "lower" in data and "upper" in data:
        return _verify_band(data, dps)
    raise ValueError("not an approxbounds certificate file (no 'format': "
                     f"{FORMAT!r} at the top level, and not a band with 'lower' and 'upper')")


def _verify_certificate(data, dps: int) -> str:
    from approxbounds.claims import CertificateError, ClaimError
    from approxbounds.lower.certificate import Certificate
    from approxbounds.upper.certificate import UpperCertificate

    claim = data.get("claim")
    upper = isinstance(claim, dict) and claim.get("statement") == "upper"
    cls = UpperCertificate if upper else Certificate
    try:
        cert = cls.from_dict(data)
    except ClaimError:
        raise
    except ValueError as exc:     # a certificate file whose structure was edited
        raise CertificateError("structure", str(exc)) from None
    cert.verify(dps=dps)
    return f"verified: {cert.summary()}"


def _verify_band(data, dps: int) -> list[str]:
    from approxbounds.claims import CertificateError
    from approxbounds.upper.api import Band, SoundnessError

    extra = sorted(set(data) - {"lower", "upper", "gap"})
    if extra:
        raise CertificateError("structure", f"unexpected band field(s) {', '.join(map(str, extra))}")
    for side in ("lower", "upper"):
        claim = data[side].get("claim") if isinstance(data[side], dict) else None
        if not isinstance(claim, dict) or claim.get("statement") != side:
            raise CertificateError("structure", f"band member {side!r} is not a {side}-bound certificate")
    lines = [_verify_certificate(data["lower"], dps), _verify_certificate(data["upper"], dps)]
    try:
        band = Band.from_dict(data)
    except SoundnessError as exc:
        raise CertificateError("band", str(exc)) from None
    except ValueError as exc:
        raise CertificateError("band", str(exc)) from None
    lines.append(f"verified band: {band.summary()}")
    return lines


def run(args) -> int:
    from approxbounds.claims import CertificateError, ClaimError

    from approxbounds.rederive import check_dps

    check_dps(args.dps, "--dps")
    data = _read(args.file)
    try:
        lines = verify_document(data, dps=args.dps)
    except (CertificateError, ClaimError) as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    except RecursionError:
        raise ValueError("the input is nested too deeply to be a certificate file") from None
    for line in lines:
        print(line)
    return 0
