"""``approxbounds bound``: a certified lower bound for a function class vs a network class.

Examples::

    approxbounds bound holder --d 2 --alpha 1 --p 2 --arch 2,35x9,1
    approxbounds bound holder --d 2 --alpha 1 --norm sup --arch 2,35x9,1 --json
    approxbounds bound monotone --d 3 --p 4 --arch 3,20x4,1 --bits 4 --quantize all
"""
from __future__ import annotations

from approxbounds.cli._network import add_network_arguments, network_from_args

__all__ = ["register", "run"]


def _add_common(parser):
    parser.add_argument("--d", type=int, required=True, help="input dimension d >= 1")
    parser.add_argument("--p", type=float, default=2.0, help="L^p exponent p >= 1 (default 2)")
    parser.add_argument("--norm", choices=("p", "sup"), default="p",
                        help="'p' for L^p (default) or 'sup' for the sup norm")
    add_network_arguments(parser)
    parser.add_argument("--kappa", type=float, default=None,
                        help="measure with density >= kappa on [0,1]^d (default Lebesgue)")
    parser.add_argument("--tail", choices=("chernoff", "hoeffding"), default="chernoff",
                        help="tail bound of Theorem L (default chernoff)")
    parser.add_argument("--no-search", action="store_true",
                        help="first admissible scale only (faster, weaker)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


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


def _build(args):
    from approxbounds.classes import DensityBounded, Holder, Monotone

    if args.d < 1:
        raise ValueError(f"d must be >= 1, got {args.d}")
    if args.function_class == "holder":
        if not args.alpha > 0:
            raise ValueError(f"alpha must be > 0, got {args.alpha}")
        F = Holder(args.d, args.alpha)
    else:
        F = Monotone(args.d)
    if args.norm == "p" and not args.p >= 1:
        raise ValueError(f"p must be >= 1, got {args.p}")
    G = network_from_args(args)
    measure = None
    if args.kappa is not None:
        measure = DensityBounded(args.d, args.kappa)
    norm = "sup" if args.norm == "sup" else args.p
    return F, G, norm, measure


def run(args) -> int:
    """Compute, verify and print the certificate; 0 on success."""
    import json

    from approxbounds.lower import CertificateError, lower_bound
    from approxbounds.lower.certificate import theorem_label

    F, G, norm, measure = _build(args)
    cert = lower_bound(F, G, norm=norm, measure=measure, tail=args.tail,
                       search=not args.no_search)
    try:
        verified = bool(cert.verify(dps=50))
        error = None
    except CertificateError as exc:
        verified, error = False, str(exc)
    if args.json:
        out = cert.to_dict()
        out["verified"] = verified
        if error:
            out["verify_error"] = error
        print(json.dumps(out))
    else:
        how = theorem_label(cert.theorem)
        if cert.transferred:
            how += f" at {cert.certified_view().norm_label}, transferred by Lemma T to "
        else:
            how += ", "
        print(f"certified lower bound: {cert.value:.6g}   ({how}{cert.norm_label})")
        print(f"verified at 50 digits: {'yes' if verified else 'NO: ' + str(error)}")
        print()
        print(cert.explain())
    return 0 if verified else 1
