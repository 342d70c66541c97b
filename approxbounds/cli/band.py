"""``approxbounds band``: the certified two-sided band ``lower <= dist(F, G) <= upper``.

Examples::

    approxbounds band holder --d 1 --alpha 1 --p 2 --arch 1,16,1 --json
    approxbounds band monotone --d 1 --norm sup --arch 1,100,1 --activation hard_threshold

``--json`` prints ``{"lower": <certificate>, "upper": <certificate>, "gap": u/l}``; each
certificate is in the claim format and ``approxbounds verify`` re-checks the file (both
certificates, each on its own). The options are those of ``approxbounds bound`` for the cube
classes (feed-forward ``--arch`` and its network options, ``--p``/``--norm``, ``--kappa``,
``--tail``, ``--no-search``, ``--json``). Exit code 0 when both certificates verify, 1 otherwise.
"""
from __future__ import annotations

from approxbounds.cli._classes import (
    add_cube_arguments,
    add_cube_classes,
    add_norm_arguments,
    cube_class_from_args,
    cube_measure_from_args,
    norm_from_args,
    require_class,
    verified_at_50_digits,
)
from approxbounds.cli._network import network_from_args

__all__ = ["register", "run"]


def _add_common(parser):
    add_cube_arguments(parser)
    add_norm_arguments(parser, kappa_help="measure with density >= kappa on [0,1]^d (default Lebesgue)",
                       tail_help="tail bound of Theorem L for the lower side (default chernoff)",
                       search_help="lower side: first admissible scale only (faster, weaker)")
    parser.add_argument("--json", action="store_true",
                        help='print {"lower": <certificate>, "upper": <certificate>, "gap": u/l}')


def _build(args):
    norm = norm_from_args(args)
    return cube_class_from_args(args), network_from_args(args), norm, cube_measure_from_args(args)


def register(subparsers) -> None:
    """Add ``band`` with the sub-commands ``holder`` and ``monotone``."""
    parser = subparsers.add_parser(
        "band", help="certified lower and upper bounds on the approximation error (the band)",
        description="Certified band lower <= sup_f inf_g ||f - g|| <= upper: the lower bound of "
                    "'approxbounds bound' and an explicit network of G with a proved error "
                    "(docs/upper_bounds.md), both verified at 50 digits.")
    sub = parser.add_subparsers(dest="function_class", metavar="CLASS")
    add_cube_classes(sub, _add_common, run)
    parser.set_defaults(func=require_class(parser))


def run(args) -> int:
    """Compute, verify and print the band; 0 when both sides verify."""
    import json

    from approxbounds.upper import band

    F, G, norm, measure = _build(args)
    b = band(F, G, norm=norm, measure=measure, tail=args.tail or "chernoff",
             search=not args.no_search)
    ok_lo, err_lo = verified_at_50_digits(b.lower)
    ok_up, err_up = verified_at_50_digits(b.upper)
    if args.json:
        print(json.dumps(b.to_dict(), allow_nan=False))
    else:
        print(f"certified band: {b.lower.value:.6g} <= dist <= {b.upper.value:.6g}   "
              f"(gap u/l = {b.gap:.4g}, {b.upper.norm_label})")
        print(f"lower: {b.lower.summary()}")
        print(f"       verified at 50 digits: {'yes' if ok_lo else 'NO: ' + str(err_lo)}")
        print(f"upper: {b.upper.summary()}")
        print(f"       verified at 50 digits: {'yes' if ok_up else 'NO: ' + str(err_up)}")
        print()
        print(b.upper.explain())
    return 0 if (ok_lo and ok_up) else 1
