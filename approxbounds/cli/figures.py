"""``approxbounds figures [--out figures/] [--format png,pdf,svg] [--only NAME ...] [--smoke]
[--workers N | --scheduler ADDRESS]``: regenerate the figures of
:data:`approxbounds.plots.figures.FIGURES` (all, or ``--only`` some).

File names are fixed (``<stem>.<format>``); each file is written atomically. The recipes live
in :mod:`approxbounds.plots.figures`; this module only parses options.
"""
from __future__ import annotations

from approxbounds.cli._parallel import add_parallel_arguments, executor_from_args
from approxbounds.cli._types import choices_list_arg

__all__ = ["register", "run"]

_FORMATS = ("png", "pdf", "svg")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "figures", help="regenerate every figure in figures/ (PNG, PDF or SVG)",
        description="Regenerate every figure (certified bounds, rate-only curves, upper "
                    "bounds, fitted slopes, norms, p-dependence, Yarotsky's gadget).")
    parser.add_argument("--out", default="figures",
                        help="output directory (default: figures; created if missing, its parent must exist)")
    parser.add_argument("--format", type=choices_list_arg(_FORMATS, what="format"), default=["png"],
                        dest="formats", metavar="FMT[,FMT...]",
                        help="file formats, comma-separated: png, pdf, svg (default: png)")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                        help="draw only these figures (file stems; see --list)")
    parser.add_argument("--list", action="store_true", help="list the figure names and exit")
    parser.add_argument("--smoke", action="store_true",
                        help="few points per curve (fast, for tests)")
    add_parallel_arguments(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from approxbounds._outdir import prepare_output_dir
    from approxbounds.plots.figures import FIGURES, build_figures, check_names

    if args.list:
        for name, recipe in FIGURES.items():
            print(f"{name:<34} {recipe.description}")
        return 0
    names = check_names(args.only)
    out = prepare_output_dir(args.out, name="--out")   # before any work: a bad --out fails at once
    progress = None
    bar = None
    if args.verbosity >= 0:
        from tqdm import tqdm

        bar = tqdm(total=len(names), desc="figures", unit="fig", leave=False)
        progress = bar.update
    try:
        with executor_from_args(args) as executor:
            written = build_figures(out, smoke=args.smoke, formats=args.formats, names=names,
                                    executor=executor, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    for path in written:
        print(path)
    return 0
