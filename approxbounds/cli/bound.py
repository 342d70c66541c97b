"""``approxbounds bound``: a certified lower bound for a function class vs a network class.

Examples::

    approxbounds bound holder --d 2 --alpha 1 --p 2 --arch 2,35x9,1
    approxbounds bound holder --d 2 --alpha 1 --norm sup --arch 2,35x9,1 --json
    approxbounds bound monotone --d 3 --p 4 --arch 3,20x4,1 --bits 4 --quantize all
    approxbounds bound delayed-holder --d 1 --alpha 1 --lag 10 --length 50 --p 2 \\
        --model hadamrnn --hidden 64 --bits 4 --json
    approxbounds bound multilag-holder --d 1 --alpha 1 --lag 0,5 --length 20 --model rnn --hidden 16
    approxbounds bound delayed-holder --d 1 --alpha 1 --lag 10 --length 50 --storage-bits 40000

Network classes: ``--arch`` (feed-forward, cube classes), ``--model`` with ``--hidden``,
``--bits``, ``--readout``, ``--blocks`` (recurrent, sequence classes:
:class:`~approxbounds.capacity.recurrent.RecurrentArchitecture`), or ``--storage-bits B`` (every
network stored in ``B`` bits, any class: the storage floor of
:func:`approxbounds.lower.storage.storage_lower_bound`). ``--json`` prints the certificate file
(``Certificate.to_dict()`` plus an informational ``verification`` member), which
``approxbounds verify`` re-checks.
"""
from __future__ import annotations

from approxbounds.cli._classes import (
    CUBE_CLASSES,
    add_cube_arguments,
    add_cube_classes,
    add_norm_arguments,
    cube_class_from_args,
    cube_measure_from_args,
    norm_from_args,
    require_class,
    verified_at_50_digits,
)
from approxbounds.cli._network import RECURRENT_MODELS, network_from_args
from approxbounds.cli._types import int_arg

__all__ = ["register", "run", "norm_from_args", "recurrent_from_args", "RECURRENT_MODELS"]


def _add_measure_and_output(parser):
    add_norm_arguments(parser, kappa_help="measure with density >= kappa (of each step, for sequence "
                                          "classes; default Lebesgue)",
                       tail_help="tail bound of Theorem L (default chernoff)",
                       search_help="first admissible scale only (faster, weaker)")
    parser.add_argument("--storage-bits", type=int_arg, default=None, dest="storage_bits",
                        help="certify against every network stored in B bits (float32 parameters "
                             "count 32 bits): the storage floor, Theorem C; replaces the network options")
    parser.add_argument("--json", action="store_true", help="print the certificate file as JSON")


def _add_cube(parser):
    add_cube_arguments(parser, arch_required=False)    # --arch or --storage-bits (checked in _build)
    _add_measure_and_output(parser)


def _add_sequence(parser, multi: bool):
    parser.add_argument("--d", type=int_arg, required=True, help="dimension d >= 1 of one step x_t")
    parser.add_argument("--alpha", type=float, required=True, help="smoothness alpha > 0")
    if multi:
        parser.add_argument("--lag", required=True,
                            help="distinct lags k_1,...,k_j in [0, T) (comma-separated): the target "
                                 "is f(x_{T-k_1}, ..., x_{T-k_j})")
    else:
        parser.add_argument("--lag", type=int_arg, required=True,
                            help="lag k in [0, T): the target is f(x_{T-k})")
    parser.add_argument("--length", type=int_arg, required=True, help="sequence length T >= 1")
    net = parser.add_argument_group("recurrent network class (or --storage-bits)")
    net.add_argument("--model", default=None,
                     help=f"{', '.join(RECURRENT_MODELS)} (rnn: h_t = act(W h + U x + b), "
                          "y = V h_T + c)")
    net.add_argument("--hidden", type=int_arg, default=None, help="hidden size n (a power of two for "
                                                                   "the Hadamard models)")
    net.add_argument("--bits", type=int_arg, default=None,
                     help="hadamrnn/block-hadamrnn: bits of U and V (default 4); qornn: bits of W "
                          "(default 4)")
    net.add_argument("--readout", choices=("last", "every"), default=None,
                     help="output at the last step (default) or at every step")
    net.add_argument("--blocks", type=int_arg, default=None,
                     help="block-hadamrnn: number q of Hadamard blocks (default 4)")
    net.add_argument("--activation", default=None,
                     help="rnn: the recurrence's activation (default relu; piecewise polynomial only)")
    net.add_argument("--quantize-input", action="store_true", dest="quantize_input",
                     help="qornn: U quantized with --bits too")
    _add_measure_and_output(parser)


def register(subparsers) -> None:
    """Add ``bound`` with the sub-commands ``holder``, ``monotone``, ``delayed-holder`` and
    ``multilag-holder``."""
    parser = subparsers.add_parser(
        "bound", help="certified lower bound on the approximation error of a network class",
        description="Certified lower bound on sup_f inf_g ||f - g|| (Theorems L, S, C, D of "
                    "docs/theory.md), verified at 50 digits.")
    sub = parser.add_subparsers(dest="function_class", metavar="CLASS")
    add_cube_classes(sub, _add_cube, run)
    delayed = sub.add_parser("delayed-holder",
                             help="sequences: x -> f(x_{T-k}), f in H^alpha([0,1]^d), i.i.d. steps")
    _add_sequence(delayed, multi=False)
    delayed.set_defaults(func=run)
    multi = sub.add_parser("multilag-holder",
                           help="sequences: x -> f(x_{T-k_1}, ..., x_{T-k_j}), f in H^alpha([0,1]^{dj})")
    _add_sequence(multi, multi=True)
    multi.set_defaults(func=run)
    parser.set_defaults(func=require_class(parser))


def _lags(text) -> list:
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or any(not p for p in parts):
        raise ValueError(f"--lag must be comma-separated integers such as 0,5, got {text!r}")
    out = []
    for p in parts:
        try:
            out.append(int_arg(p))
        except Exception:
            raise ValueError(f"--lag must be comma-separated integers such as 0,5, got {text!r}") from None
    return out


def recurrent_from_args(args, length: int):
    """The :class:`~approxbounds.capacity.recurrent.RecurrentArchitecture` of ``--model`` and
    its options (one real output, input size ``--d``); options that do not apply are errors."""
    from approxbounds._validation import check_int
    from approxbounds.capacity.recurrent import RecurrentArchitecture

    model = args.model
    if model is None:
        raise ValueError("--model is required (one of " + ", ".join(RECURRENT_MODELS)
                         + "), or --storage-bits B")
    model = str(model).strip().lower()
    if model == "lstm":
        raise ValueError("--model lstm is refused: the LSTM's gates use sigmoid and tanh, which are "
                         "not piecewise polynomial, so no certified capacity bound applies")
    if model not in RECURRENT_MODELS:
        raise ValueError(f"--model must be one of {', '.join(RECURRENT_MODELS)}, got {args.model!r}")
    if args.hidden is None:
        raise ValueError("--hidden (hidden size n >= 1) is required with --model")
    hidden = check_int("--hidden", args.hidden, minimum=1)
    readout = args.readout or "last"
    quantized = ("hadamrnn", "block-hadamrnn", "qornn")
    if args.bits is not None and model not in quantized:
        raise ValueError(f"--bits does not apply to --model {model} (full-precision weights)")
    bits = 4 if args.bits is None else check_int("--bits", args.bits, minimum=1, maximum=32)
    if args.blocks is not None and model != "block-hadamrnn":
        raise ValueError(f"--blocks applies only to --model block-hadamrnn, not {model}")
    if args.activation is not None and model != "rnn":
        raise ValueError(f"--activation applies only to --model rnn, not {model}")
    if args.quantize_input and model != "qornn":
        raise ValueError(f"--quantize-input applies only to --model qornn, not {model}")
    common = (args.d, hidden, 1, length)
    if model in ("hadamrnn", "block-hadamrnn"):
        blocks = 1 if model == "hadamrnn" else check_int("--blocks", 4 if args.blocks is None else args.blocks,
                                                           minimum=1)
        if hidden & (hidden - 1):
            raise ValueError(f"--hidden must be a power of two for {model} (W = diag(sgn u) times a "
                             f"Sylvester Hadamard matrix), got {hidden}")
        return RecurrentArchitecture.hadamrnn(*common, bits=bits, readout=readout, blocks=blocks)
    if model == "qornn":
        return RecurrentArchitecture.qornn(*common, w_bits=bits, u_bits=bits if args.quantize_input else None,
                                           readout=readout)
    if model == "ornn":
        return RecurrentArchitecture.ornn(*common, readout=readout)
    act = args.activation or "relu"
    if str(act).strip().lower() in ("tanh", "sigmoid"):
        raise ValueError(f"--activation {act} is refused: not piecewise polynomial, so no certified "
                         f"capacity bound applies (use relu, leaky_relu, identity, ...)")
    return RecurrentArchitecture.rnn(*common, activation=act, readout=readout)


def _storage_class(args, F, network_flags):
    from approxbounds.lower.storage import storage_class_for

    given = [flag for flag, value in network_flags if value not in (None, False)]
    if given:
        raise ValueError(f"{', '.join(given)} do(es) not apply with --storage-bits (the class of every "
                         f"network stored in B bits has no architecture); drop one")
    if args.storage_bits < 1:
        raise ValueError(f"--storage-bits must be an integer >= 1, got {args.storage_bits}")
    return storage_class_for(F, args.storage_bits)


def _build(args):
    from approxbounds.classes import DensityBounded, Lebesgue
    from approxbounds.classes.measures import IIDSequence
    from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder

    norm = norm_from_args(args)
    name = args.function_class
    if name in CUBE_CLASSES:
        F = cube_class_from_args(args)
        if args.storage_bits is not None:
            G = _storage_class(args, F, [("--arch", args.arch), ("--bits", args.bits),
                                         ("--quantize", args.quantize), ("--n-float", args.n_float),
                                         ("--pieces", args.pieces), ("--degree", args.degree),
                                         ("--activation", None if args.activation == "relu" else args.activation)])
        elif args.arch is None:
            raise ValueError("--arch is required (network widths, e.g. 2,35x9,1), or --storage-bits B")
        else:
            G = network_from_args(args)
        return F, G, norm, cube_measure_from_args(args)
    if name == "delayed-holder":
        F = DelayedHolder(args.d, args.alpha, args.lag, args.length)
    else:
        F = MultiLagHolder(args.d, args.alpha, _lags(args.lag), args.length)
    if args.storage_bits is not None:
        G = _storage_class(args, F, [("--model", args.model), ("--hidden", args.hidden),
                                     ("--bits", args.bits), ("--readout", args.readout),
                                     ("--blocks", args.blocks), ("--activation", args.activation),
                                     ("--quantize-input", args.quantize_input)])
    else:
        G = recurrent_from_args(args, F.length)
    measure = None
    if args.kappa is not None:
        measure = IIDSequence(DensityBounded(args.d, args.kappa), F.length)
    elif not norm.is_sup:
        measure = IIDSequence(Lebesgue(args.d), F.length)
    return F, G, norm, measure


def run(args) -> int:
    """Compute, verify and print the certificate; 0 on success."""
    import json

    from approxbounds.lower import lower_bound

    F, G, norm, measure = _build(args)
    cert = lower_bound(F, G, norm=norm, measure=measure, tail=args.tail or "chernoff",
                       search=not args.no_search)
    verified, error = verified_at_50_digits(cert)
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
