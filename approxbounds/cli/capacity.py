"""``approxbounds capacity``: capacity bounds of a network architecture."""
from __future__ import annotations

from approxbounds.cli._network import add_network_arguments, network_from_args


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "capacity", help="VC / pseudo-dimension / growth-function bounds of an architecture",
        description="Certified ([V]/[P]) and rate-only ([R]) capacity bounds of a "
                    "fully connected piecewise-polynomial network class.")
    add_network_arguments(p, arch_default="1,10,1")
    p.add_argument("--points", default=None,
                   help="N: bound log2 of the growth function of thr(G) and sgn(G) at N points "
                        "(default 1e6)")
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


def run(args) -> int:
    import json

    from approxbounds.capacity import capacity_bounds, pdim_bound, vcdim_bound

    arch = network_from_args(args)
    N = _parse_points(args.points)
    if N is None:
        N = DEFAULT_POINTS
    bounds = capacity_bounds(arch, N)
    best = {"vcdim": vcdim_bound(arch), "pdim": pdim_bound(arch)}
    if args.json:
        payload = {"architecture": arch.to_dict(), "bounds": [b.to_dict() for b in bounds],
                   "best": {k: {"method": b.method, "value": b.value, "tag": b.tag}
                            for k, b in best.items()}}
        payload["points"] = N
        print(json.dumps(payload, indent=None, sort_keys=False))
        return 0
    d = arch.to_dict()
    print(repr(arch))
    print(f"growth function evaluated at N = {N} points")
    print(f"W={d['W']}  U={d['U']}  L={d['L']}  Lbar={d['Lbar_fraction']} (~{d['Lbar']:.4f})  "
          f"R={d['R']}")
    rows = [("quantity", "bound (method)", "value", "tag", "source")]
    for b in bounds:
        quantity = b.quantity
        if quantity == "log2_growth":  # say which class: thresholded thr(G) or sign sgn(G)
            quantity += "[thr]" if b.ingredients.get("thresholded") else "[sgn]"
        rows.append((quantity, b.method, f"{b.value:.6g}", b.tag, b.source))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:4], widths)) + "  " + r[4])
    print("tags: V = checked against the source, P = proved in docs/capacity.md "
          "(both certified); R = rate only")
    for k, b in best.items():
        print(f"best certified {k} <= {b.value:.6g}  ({b.method}, [{b.tag}])")
    return 0
