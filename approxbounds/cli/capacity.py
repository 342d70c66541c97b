"""``approxbounds capacity``: capacity bounds of a network architecture.

Feed-forward classes by ``--arch`` (default), recurrent classes by ``--model`` (HadamRNN,
Block-HadamRNN, QORNN, ORNN, piecewise-polynomial RNN; docs/capacity.md §9).
"""
from __future__ import annotations

from approxbounds.cli._network import (
    RECURRENT_MODELS,
    add_network_arguments,
    network_from_args,
)
from approxbounds.cli._types import int_arg, positive_int_arg


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "capacity", help="VC / pseudo-dimension / growth-function bounds of an architecture",
        description="Certified ([V]/[P]) and rate-only ([R]) capacity bounds of a "
                    "fully connected piecewise-polynomial network class (--arch), or certified "
                    "bounds of a recurrent class (--model).")
    add_network_arguments(p, arch_default="1,10,1")
    p.add_argument("--points", default=None,
                   help="N: bound log2 of the growth function of thr(G) and sgn(G) at N points "
                        "(default 1e6)")
    r = p.add_argument_group("recurrent classes (docs/capacity.md §9)")
    r.add_argument("--model", choices=RECURRENT_MODELS, default=None,
                   help="recurrent class instead of --arch: hadamrnn, block-hadamrnn (--blocks), "
                        "qornn (--w-bits), ornn, rnn (--activation); --bits are the bits of U and V "
                        "(hadamrnn: default 4; qornn: of U only, V stays full precision)")
    r.add_argument("--hidden", type=positive_int_arg, default=None, help="hidden size n")
    r.add_argument("--d-in", type=positive_int_arg, default=None, dest="d_in",
                   help="input size per time step")
    r.add_argument("--d-out", type=positive_int_arg, default=1, dest="d_out",
                   help="output size (default 1)")
    r.add_argument("--length", type=positive_int_arg, default=None,
                   help="sequence length T (up to 2^53; nothing is unrolled)")
    r.add_argument("--readout", choices=("last", "every"), default="last",
                   help="output at the last step (default) or at every step")
    r.add_argument("--blocks", type=positive_int_arg, default=None,
                   help="block-hadamrnn: number of blocks q (n = q m, m a power of two)")
    r.add_argument("--w-bits", type=int_arg, default=None, dest="w_bits",
                   help="qornn: bits of the quantized recurrent matrix W (default 4)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _parse_points(text):
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"--points must be a number >= 1, got {text!r}") from None
    return value


DEFAULT_POINTS = 10**6


def recurrent_from_args(args):
    """The :class:`~approxbounds.capacity.recurrent.RecurrentArchitecture` of ``--model``."""
    from approxbounds.capacity.recurrent import RecurrentArchitecture

    model = args.model
    missing = [flag for flag, v in (("--hidden", args.hidden), ("--d-in", args.d_in),
                                    ("--length", args.length)) if v is None]
    if missing:
        raise ValueError(f"--model {model} needs {', '.join(missing)}")
    if args.quantize is not None or args.n_float is not None:
        raise ValueError("--quantize and --n-float describe feed-forward classes; with --model use "
                         "--bits (U, V) and --w-bits (qornn)")
    if args.blocks is not None and model != "block-hadamrnn":
        raise ValueError(f"--blocks only applies to --model block-hadamrnn, got --model {model}")
    if model == "block-hadamrnn" and args.blocks is None:
        raise ValueError("--model block-hadamrnn needs --blocks (number of blocks q)")
    if args.w_bits is not None and model != "qornn":
        raise ValueError(f"--w-bits only applies to --model qornn, got --model {model}")
    if (args.pieces is not None or args.degree is not None) and model != "rnn":
        raise ValueError(f"--pieces/--degree describe the activation of --model rnn, got --model {model}")
    common = (args.d_in, args.hidden, args.d_out, args.length)
    if model in ("hadamrnn", "block-hadamrnn"):
        bits = 4 if args.bits is None else args.bits
        return RecurrentArchitecture.hadamrnn(*common, bits=bits, readout=args.readout,
                                              blocks=args.blocks or 1)
    if model == "qornn":
        return RecurrentArchitecture.qornn(*common, w_bits=4 if args.w_bits is None else args.w_bits,
                                           u_bits=args.bits, readout=args.readout)
    if model == "ornn":
        return RecurrentArchitecture(*common, args.readout, "modrelu", "orthogonal",
                                     u_bits=args.bits, v_bits=args.bits)
    g = RecurrentArchitecture.rnn(*common, activation=args.activation, readout=args.readout,
                                  pieces=args.pieces, degree=args.degree)
    if args.bits is None:
        return g
    return RecurrentArchitecture(*common, args.readout, g.recurrence, "free",
                                 u_bits=args.bits, v_bits=args.bits)


def _bounds(arch, N):
    """``(bounds, best)`` for either kind of network class."""
    if getattr(arch, "domain", ("cube",))[0] == "sequence":
        bounds = arch.capacity_bounds(N)
        return bounds, {"vcdim": bounds[0], "pdim": bounds[1]}
    from approxbounds.capacity import capacity_bounds, pdim_bound, vcdim_bound

    return capacity_bounds(arch, N), {"vcdim": vcdim_bound(arch), "pdim": pdim_bound(arch)}


def run(args) -> int:
    import json

    arch = recurrent_from_args(args) if args.model is not None else network_from_args(args)
    N = _parse_points(args.points)
    if N is None:
        N = DEFAULT_POINTS
    bounds, best = _bounds(arch, N)
    if args.json:
        payload = {"architecture": arch.to_dict(), "bounds": [b.to_dict() for b in bounds],
                   "best": {k: {"method": b.method, "value": b.value, "tag": b.tag}
                            for k, b in best.items()}}
        payload["points"] = N
        print(json.dumps(payload, indent=None, sort_keys=False))
        return 0
    d = arch.to_dict()
    if d["kind"] == "recurrent":
        print(arch.label())
    else:
        print(repr(arch))
    print(f"growth function evaluated at N = {N} points")
    if d["kind"] == "recurrent":
        plan = arch.capacity_plan()
        print(f"W={d['W']} parameters; continuous per discrete part: "
              f"{sum(arch.parameter_counts().values())}; log2(discrete parts)="
              f"{plan.log2_discrete():.6g}; stages: "
              + ", ".join(f"{r.name} x{r.count}" for r in plan.runs))
    else:
        print(f"W={d['W']}  U={d['U']}  L={d['L']}  Lbar={d['Lbar_fraction']} (~{d['Lbar']:.4f})  "
              f"R={d['R']}")
    rows = [("quantity", "bound (method)", "value", "tag", "source")]
    for b in bounds:
        quantity = b.quantity
        if quantity == "log2_growth":  # say which class: thresholded thr(G) or sign sgn(G)
            quantity += "[thr]" if b.ingredients.get("class") == "thr(G)" else "[sgn]"
        rows.append((quantity, b.method, f"{b.value:.6g}", b.tag, b.source))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4])
    print("tags: V = checked against the source, P = proved in docs/capacity.md "
          "(both certified); R = rate only")
    for k, b in best.items():
        print(f"best certified {k} <= {b.value:.6g}  ({b.method}, [{b.tag}])")
    return 0
