"""``approxbounds report [--out DIR] [--smoke] [--seed S] [--format png,pdf,svg] [--no-progress]
[--workers N | --scheduler ADDRESS]``: the main report.

Writes ``DIR/report.md``, ``DIR/report.json`` and ``DIR/figures/*`` (default DIR: ./report):
certified bounds for Hölder and monotone classes vs ReLU networks with W from 1e2 to 1e8,
fitted slopes next to the predicted exponents, and the numeric proof checks. An interrupted
run started again resumes from the results already written (``DIR/.partial``). Exit code 0
when every slope check holds (slopes within 0.05, every value verified, every check
passing), 1 otherwise.
"""
from __future__ import annotations

from approxbounds.cli._parallel import add_parallel_arguments, executor_from_args
from approxbounds.cli._types import choices_list_arg, nonneg_int_arg

__all__ = ["register", "run"]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="the main report: certified bounds, fitted slopes, checks, figures",
        description="Compute certified lower bounds (Hölder d=1..3, alpha=1/2,1,2; monotone "
                    "d=1..3; L^1, L^2, L^4, sup norm; ReLU nets with W from 1e2 to 1e8 and "
                    "depths 2, 4, 8), fitted slopes vs predicted exponents and the numeric "
                    "proof checks; write report.md, report.json and figures/ into --out.")
    parser.add_argument("--out", default="report",
                        help="output directory (default: report; created if missing, its parent must exist)")
    parser.add_argument("--smoke", action="store_true",
                        help="small settings (a few seconds; for tests)")
    parser.add_argument("--seed", type=nonneg_int_arg, default=0, help="seed of the numeric checks")
    parser.add_argument("--format", type=choices_list_arg(("png", "pdf", "svg"), what="format"),
                        default=["png"], dest="formats", metavar="FMT[,FMT...]",
                        help="figure formats, comma-separated: png, pdf, svg (default: png)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_parallel_arguments(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from approxbounds._outdir import prepare_output_dir
    from approxbounds.report import build_report

    out = prepare_output_dir(args.out, name="--out")   # before any work: a bad --out fails at once
    with executor_from_args(args) as executor:
        res = build_report(out, smoke=args.smoke, seed=args.seed, formats=args.formats,
                           progress=not args.no_progress and args.verbosity >= 0, executor=executor)
    data = res["data"]
    print(res["markdown"])
    print(res["json"])
    for item in data["done_when"]["slopes"]:
        print(f"slope {item['class']} {item['norm_key']}: fitted {item['fitted_slope']:.4f}, "
              f"predicted {item['predicted']:.4f} -> {'PASS' if item['passed'] else 'FAIL'}")
    c = data["checks"]
    print(f"checks: {c['n_checks'] - c['n_failed']}/{c['n_checks']} passed; certificates "
          f"verified: {data['done_when']['n_verified']}/{data['done_when']['n_bounds']}")
    return 0 if data["done_when"]["passed"] else 1
