"""Command-line options that describe a network class, shared by ``capacity``, ``bound`` and
``band``."""
from __future__ import annotations

import sys

from approxbounds.cli._types import int_arg

__all__ = ["add_network_arguments", "network_from_args", "RECURRENT_MODELS"]

#: ``--model`` values: the recurrent classes (the LSTM is refused: not piecewise polynomial)
RECURRENT_MODELS = ("hadamrnn", "block-hadamrnn", "qornn", "ornn", "rnn")


def add_network_arguments(parser, *, arch_default: str | None = None) -> None:
    """Add ``--arch --activation --pieces --degree --bits --quantize --n-float``.

    ``arch_default=None`` makes ``--arch`` required.
    """
    arch_help = "network widths 'd,k1,...,1'; 'AxB' = B layers of width A (e.g. 2,35x9,1)"
    if arch_default is None:
        parser.add_argument("--arch", required=True, help=arch_help)
    else:
        parser.add_argument("--arch", default=arch_default,
                            help=f"{arch_help}; default {arch_default}")
    parser.add_argument("--activation", default="relu",
                        help="relu, leaky_relu, hard_threshold, identity, piecewise_linear, "
                             "piecewise_polynomial (default relu)")
    parser.add_argument("--pieces", type=int_arg, default=None,
                        help="number of polynomial pieces of the activation")
    parser.add_argument("--degree", type=int_arg, default=None,
                        help="maximal degree of a piece of the activation")
    parser.add_argument("--bits", type=int_arg, default=None,
                        help="bits per quantized parameter (a finite grid of 2^bits values)")
    parser.add_argument("--quantize", choices=("weights", "all"), default=None,
                        help="with --bits: quantize the weights only (default; biases stay "
                             "full precision, so the class stays infinite) or all parameters "
                             "(a finite class)")
    parser.add_argument("--n-float", type=int_arg, default=None, dest="n_float",
                        help="with --bits: full-precision scalars left in the quantized net")


def network_from_args(args):
    """Build the ``Architecture`` and print a note when ``--bits`` leaves the class infinite."""
    from approxbounds.capacity import Architecture

    if args.bits is None and args.quantize is not None:
        raise ValueError("--quantize needs --bits (bits per quantized parameter)")
    try:      # the widths alone first, so that their errors name the option
        Architecture.parse(args.arch)
    except ValueError as exc:
        raise ValueError(f"--arch {args.arch!r}: {exc}") from None
    arch = Architecture.parse(args.arch, activation=args.activation, bits=args.bits,
                              quantize=args.quantize or "weights", n_float=args.n_float,
                              pieces=args.pieces, degree=args.degree)
    if arch.quantization is not None and not arch.is_finite and not getattr(args, "json", False):
        print(f"note: {arch.n_float} parameters stay full precision (--quantize "
              f"{args.quantize or 'weights'}), so the class is infinite: counting bounds "
              f"give only 2^b times the float part; use --quantize all for a finite class",
              file=sys.stderr)
    return arch
