"""``approxbounds bound``: a certified lower bound for a function class vs a network class.

Examples::

    approxbounds bound holder --d 2 --alpha 1 --p 2 --arch 2,35x9,1
    approxbounds bound holder --d 2 --alpha 1 --norm sup --arch 2,35x9,1 --json
    approxbounds bound monotone --d 3 --p 4 --arch 3,20x4,1 --bits 4 --quantize all

``--json`` prints the certificate file (``Certificate.to_dict()`` plus an informational
``verification`` member), which ``approxbounds verify`` re-checks.
"""
from __future__ import annotations

from approxbounds.cli._network import add_network_arguments, network_from_args

__all__ = ["register", "run"]


def _add_common(parser):
    parser.add_argument("--d", type=int, required=True, help="input dimension d >= 1")
    parser.add_argument("--p", default=None,
                        help="L^p exponent p >= 1 (default 2); 'inf'/'sup' means the sup norm")
    parser.add_argument("--norm", choices=("p", "sup"), default=None,
                        help="'p' for L^p (default) or 'sup' for the sup norm (then --p, --kappa "
                             "and --tail do not apply)")
    add_network_arguments(parser)
    parser.add_argument("--kappa", type=float, default=None,
                        help="measure with density >= kappa on [0,1]^d (default Lebesgue)")
    parser.add_argument("--tail", choices=("chernoff", "hoeffding"), default=None,
                        help="tail bound of Theorem L (default chernoff)")
    parser.add_argument("--no-search", action="store_true",
                        help="first admissible scale only (faster, weaker)")
    parser.add_argument("--json", action="store_true", help="print the certificate file as JSON")


def register(subparsers) -> None:
    """Add ``bound`` with the sub-commands ``holder`` and ``monotone``."""
    parser = subparsers.add_parser(
        "bound", help="certified lower bound on the approximation error of a network class",
        description="Certified lower bound on sup_f inf_g ||f - g|| (Theorems L, S, C, D of "
                    "docs/theory.md), verified at 50 digits.")
    sub = parser.add_subparsers(dest="function_class", metavar="CLASS")
    holder = sub.add_parser("holder", help="Hölder ball H^alpha on [0,1]^d")
    _add_common(holder)
    holder.add_argument("--alpha", type=float, required=True, help="smoothness alpha > 0")
    holder.set_defaults(func=run)
    mono = sub.add_parser("monotone", help="monotone functions [0,1]^d -> [0,1]")
    _add_common(mono)
    mono.set_defaults(func=run)
    parser.set_defaults(func=lambda args: (parser.print_help(), 1)[1])


def norm_from_args(args):
    """The :class:`~approxbounds.norms.Norm` of ``--norm``/``--p``; flags that do not apply are errors."""
    from approxbounds.norms import Norm

    if args.norm == "sup":
        if args.p is not None:
            raise ValueError("--p does not apply to --norm sup (the sup norm has no exponent); drop one")
        norm = Norm.parse("sup")
    else:
        norm = Norm.parse("2" if args.p is None else args.p, name="--p")
    if norm.is_sup:
        for flag, value in (("--kappa", args.kappa), ("--tail", args.tail)):
            if value is not None:
                raise ValueError(f"{flag} does not apply to the sup norm (no measure, no sampling)")
    return norm


def _build(args):
    from approxbounds.classes import DensityBounded, Holder, Monotone

    F = Holder(args.d, args.alpha) if args.function_class == "holder" else Monotone(args.d)
    norm = norm_from_args(args)
    G = network_from_args(args)
    measure = None if args.kappa is None else DensityBounded(args.d, args.kappa)
    return F, G, norm, measure


def run(args) -> int:
    """Compute, verify and print the certificate; 0 on success."""
    import json

    from approxbounds.claims import CertificateError
    from approxbounds.lower import lower_bound

    F, G, norm, measure = _build(args)
    cert = lower_bound(F, G, norm=norm, measure=measure, tail=args.tail or "chernoff",
                       search=not args.no_search)
    try:
        verified = bool(cert.verify(dps=50))
        error = None
    except CertificateError as exc:
        verified, error = False, str(exc)
    if args.json:
        out = cert.to_dict()
        out["verification"] = {"verified": verified, "dps": 50, **({"error": error} if error else {})}
        print(json.dumps(out, allow_nan=False))
    else:
        how = cert.claim.labels()["theorem"]
        if cert.transferred:
            how += f" at {cert.certified_view().norm_label}, transferred by Lemma T to "
        else:
            how += ", "
        print(f"certified lower bound: {cert.value:.6g}   ({how}{cert.norm_label})")
        print(f"verified at 50 digits: {'yes' if verified else 'NO: ' + str(error)}")
        print()
        print(cert.explain())
    return 0 if verified else 1
