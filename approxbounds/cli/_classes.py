"""Command-line options that describe the function class, the norm and the measure, shared by
``bound`` and ``band``.

* :func:`add_cube_classes` adds the sub-commands ``holder`` (with ``--alpha``) and
  ``monotone`` of the classes on :math:`[0,1]^d`;
* :func:`add_cube_arguments` adds ``--d`` and the network options of
  :mod:`approxbounds.cli._network`;
* :func:`add_norm_arguments` adds ``--p --norm --kappa --tail --no-search``;
* :func:`norm_from_args`, :func:`cube_class_from_args` and :func:`cube_measure_from_args` turn
  them into the objects the library takes (the one :class:`~approxbounds.norms.Norm` parser;
  flags that do not apply are errors);
* :func:`require_class` is the command's action when no class was given, and
  :func:`verified_at_50_digits` the self-check both commands print.
"""
from __future__ import annotations

from approxbounds.cli._network import add_network_arguments
from approxbounds.cli._types import int_arg

__all__ = ["require_class", "verified_at_50_digits", "add_cube_classes", "add_cube_arguments",
           "add_norm_arguments", "norm_from_args", "cube_class_from_args", "cube_measure_from_args", "CUBE_CLASSES"]

#: the sub-commands of the classes on [0,1]^d
CUBE_CLASSES = ("holder", "monotone")


def verified_at_50_digits(cert) -> tuple[bool, str | None]:
    """``(verified, reason)`` of ``cert.verify(dps=50)``: a certificate that fails its own
    re-check is printed with the reason, not raised (the command then exits 1)."""
    from approxbounds.claims import CertificateError, ClaimError

    try:
        return bool(cert.verify(dps=50)), None
    except (CertificateError, ClaimError) as exc:
        return False, str(exc)


def require_class(parser):
    """The ``func`` of a command whose CLASS was not given: help on stderr, a one-line error,
    exit 2 (a usage error, as argparse's own)."""
    import sys

    def missing(args) -> int:
        parser.print_help(sys.stderr)
        print(f"error: {parser.prog} needs a CLASS (see the list above)", file=sys.stderr)
        return 2
    return missing


def add_cube_classes(sub, add_options, func) -> None:
    """Add the sub-parsers ``holder`` and ``monotone`` to ``sub``: ``add_options(parser)``
    adds the options of both, then ``holder`` gets ``--alpha``; both run ``func``."""
    holder = sub.add_parser("holder", help="Hölder ball H^alpha on [0,1]^d")
    add_options(holder)
    holder.add_argument("--alpha", type=float, required=True, help="smoothness alpha > 0")
    holder.set_defaults(func=func)
    mono = sub.add_parser("monotone", help="monotone functions [0,1]^d -> [0,1]")
    add_options(mono)
    mono.set_defaults(func=func)


def add_cube_arguments(parser, *, arch_required: bool = True) -> None:
    """Add ``--d`` and the feed-forward network options (``--arch`` optional when
    ``arch_required`` is false: another option then names the network class)."""
    parser.add_argument("--d", type=int_arg, required=True, help="input dimension d >= 1")
    add_network_arguments(parser)
    if not arch_required:
        for action in parser._actions:
            if action.dest == "arch":
                action.required = False


def add_norm_arguments(parser, *, kappa_help: str, tail_help: str, search_help: str) -> None:
    """Add ``--p``, ``--norm``, ``--kappa``, ``--tail`` and ``--no-search`` (the help texts of
    the last three are the command's)."""
    parser.add_argument("--p", default=None,
                        help="L^p exponent p >= 1 (default 2); 'inf'/'sup' means the sup norm")
    parser.add_argument("--norm", choices=("p", "sup"), default=None,
                        help="'p' for L^p (default) or 'sup' for the sup norm (then --p, --kappa "
                             "and --tail do not apply)")
    parser.add_argument("--kappa", type=float, default=None, help=kappa_help)
    parser.add_argument("--tail", choices=("chernoff", "hoeffding"), default=None, help=tail_help)
    parser.add_argument("--no-search", action="store_true", help=search_help)


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


def cube_class_from_args(args):
    """``Holder(--d, --alpha)`` or ``Monotone(--d)``, by the sub-command."""
    from approxbounds.classes import Holder, Monotone

    return Holder(args.d, args.alpha) if args.function_class == "holder" else Monotone(args.d)


def cube_measure_from_args(args):
    """``DensityBounded(--d, --kappa)``, or ``None`` (Lebesgue, or no measure for the sup norm)."""
    from approxbounds.classes import DensityBounded

    return None if args.kappa is None else DensityBounded(args.d, args.kappa)
