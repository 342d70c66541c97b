"""``approxbounds verify FILE.json``: a referee re-checks a certificate file.

The file is what ``approxbounds bound --json`` prints (or ``Certificate.to_dict()`` written as
JSON); ``-`` reads standard input. The claim is rebuilt, the proof re-derived from it and every
inequality re-checked with mpmath (:func:`approxbounds.lower.verify.verify_certificate_dict`).

Exit codes: 0 verified (one-line summary on stdout), 1 not verified (the reason on stderr),
2 unreadable input (not JSON, not a certificate, missing file).
"""
from __future__ import annotations

import sys

__all__ = ["register", "run", "verify_document"]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify", help="re-check a certificate file (the JSON of 'bound --json')",
        description="Rebuild the claim of a certificate file, re-derive its proof and re-check every "
                    "inequality with mpmath. Exit 0: verified; 1: not verified; 2: unreadable input.")
    p.add_argument("file", help="certificate JSON file, or - for standard input")
    p.add_argument("--dps", type=int, default=50, help="mpmath digits of the re-check (>= 20, default 50)")
    p.set_defaults(func=run)


def _read(path: str):
    import json

    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as exc:
        raise ValueError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path!r} is not a UTF-8 text file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{'standard input' if path == '-' else repr(path)} is not JSON: {exc}") from None


def verify_document(data, dps: int = 50) -> list[str]:
    """Verify every certificate in ``data`` and return one summary line per certificate.

    ``data`` is a certificate, or an object whose ``"lower"``/``"upper"`` members are
    certificates (``approxbounds band --json``). Structural problems raise ``ValueError``
    subclasses other than :class:`~approxbounds.claims.CertificateError` /
    :class:`~approxbounds.claims.ClaimError`, which report a failed verification.
    """
    from approxbounds.lower.certificate import Certificate
    from approxbounds.lower.record import FORMAT

    from approxbounds.claims import CertificateError, ClaimError

    if isinstance(data, dict) and data.get("format") == FORMAT:
        try:
            cert = Certificate.from_dict(data)
        except ClaimError:
            raise
        except ValueError as exc:     # a certificate file whose structure was edited
            raise CertificateError("structure", str(exc)) from None
        cert.verify(dps=dps)
        return [f"verified: {cert.summary()}"]
    raise ValueError("not an approxbounds certificate file (no 'format': "
                     f"{FORMAT!r} at the top level)")


def run(args) -> int:
    from approxbounds.claims import CertificateError, ClaimError

    if isinstance(args.dps, bool) or args.dps < 20:
        raise ValueError(f"--dps must be an integer >= 20, got {args.dps}")
    data = _read(args.file)
    try:
        lines = verify_document(data, dps=args.dps)
    except (CertificateError, ClaimError) as exc:
        print(f"NOT VERIFIED: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0
