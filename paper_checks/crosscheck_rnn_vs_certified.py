"""Cross-check: L^p errors of trained recurrent networks (HadamRNN, Block-HadamRNN, QORNN, ReLU RNN)
against the certified lower bounds on a delayed Hölder class of sequences.

Claims checked (docs/crosscheck.md, Corollaries R' and R-C): for a member f_sigma of a
certificate's own packing with a *uniformly random* code word sigma, no network of the class G --
in particular the trained one, clipped to F's range -- is closer to f_sigma than the certified
value c, except with probability <= 2^{log2_exceptional_fraction} over sigma. Two certificates per
model: Theorem L against the model's exact recurrent class (RecurrentArchitecture) and Theorem C
against every network stored in the model's exact storage account (float32 = 32 bits). So the
upper confidence end of every certificate member's trained (clipped) error must be >= c.
PASS if that holds for every certificate member (CLT intervals, Bonferroni-adjusted to a
family-wise level of 95 %); FAIL would mean a bug in the chain (packing carry-over to sequences,
recurrent capacity bound, storage account, theorem, member evaluation, error estimator) or an
(unlikely) interval miss.

Not checked, because not implied: smooth members and members at a scale the model can fit may be
approximated below c. They are printed for information, as are the ratios error / c.

Exit code 0 on PASS, 1 on FAIL.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fmt_ci, verdict  # noqa: E402  (sets one BLAS thread before numpy loads)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=int, default=8, help="sequence length T")
    ap.add_argument("--lag", type=int, default=3, help="lag k: the target reads x_{T-k}")
    ap.add_argument("--alpha", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--members", type=int, default=3, help="random members per kind and certificate")
    ap.add_argument("--n-eval", type=int, default=20_000)
    ap.add_argument("--p", type=float, default=2.0)
    ap.add_argument("--lr", type=float, default=1e-2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1, help="local worker processes (1: serial)")
    ap.add_argument("--scheduler", default=None, help="a dask scheduler address instead of --workers")
    ap.add_argument("--family-confidence", type=float, default=0.95)
    ap.add_argument("--json-out", default=None, help="write the full result (JSON) to this file")
    args = ap.parse_args(argv)

    from approxbounds.classes.sequence import DelayedHolder
    from approxbounds.parallel import open_executor
    from approxbounds.experiments.crosscheck_rnn import DEFAULT_SPECS, crosscheck_rnn

    F = DelayedHolder(1, args.alpha, args.lag, args.length)
    k_implied = args.members * 2 * len(DEFAULT_SPECS)
    conf = 1.0 - (1.0 - args.family_confidence) / k_implied     # Bonferroni over all certificate members
    t0 = time.perf_counter()
    with open_executor(workers=None if args.scheduler else args.workers, scheduler=args.scheduler) as executor:
        res = crosscheck_rnn(F, DEFAULT_SPECS, p=args.p, n_members=args.members, steps=args.steps,
                             seed=args.seed, executor=executor, lr=args.lr, batch_size=args.batch,
                             n_eval=args.n_eval, confidence=conf)
    dt = time.perf_counter() - t0
    print(f"F = {F.name}, L^{args.p:g}(U[0,1]^{args.length}); {args.steps} Adam steps per member; "
          f"per-interval confidence {conf:.5f} (family {args.family_confidence:g} over {k_implied} "
          f"certificate members); {dt:.1f} s")
    alarm = 0.0
    for m in res.models:
        print(f"\n== {m.label}: storage {m.storage_bits} bits, W = {m.W} ==")
        for name in ("recurrent", "storage"):
            frac = m.log2_exceptional_fraction[name]
            alarm += args.members * 2.0 ** frac if frac is not None else 0.0
            print(f"  {name:<9} Theorem {m.theorems[name]}: best certified c = {m.certified[name]:.4g}; "
                  f"members' scale c = {m.certified_members[name]:.4g}, "
                  f"P(exception) <= 2^{frac:.4g}")
        head = (f"  {'kind':<12}{'cert':<10}{'m':>7}  {'clipped err':>11}  {'CLT CI':<22}{'const':>9}  "
                f"{'err/c':>9}  consistent")
        print(head)
        print("  " + "-" * (len(head) - 2))
        for r in m.members:
            e = r.error_clipped
            cons = "-" if r.consistent is None else ("yes" if r.consistent else "NO")
            print(f"  {r.kind:<12}{r.certificate or '-':<10}{r.m:>7}  {e['estimate']:>11.4g}  "
                  f"{fmt_ci(e['ci_clt']):<22}{r.constant_error['estimate']:>9.3g}  {r.ratio:>9.3g}  {cons}")
        for name in ("recurrent", "storage"):
            ratios = m.ratios(name)
            best = [r.best_upper_estimate / r.certified for r in m.members if r.certificate == name]
            if ratios:
                print(f"  {name} members: trained err / c in [{min(ratios):.3g}, {max(ratios):.3g}]; "
                      f"best (net or constant) / c in [{min(best):.3g}, {max(best):.3g}]")
    alarm += k_implied * (1.0 - conf)
    print(f"\nprobability of a FAIL although everything is correct: <= {alarm:.3g} "
          f"(interval misses, asymptotic, + Corollary exceptions)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res.to_dict(), indent=1))
    n_cert = sum(1 for m in res.models for r in m.members if r.implied)
    n_ok = sum(1 for m in res.models for r in m.members if r.implied and r.consistent)
    n_exact = sum(1 for m in res.models for r in m.members if r.implied and r.consistent_exact)
    return verdict(
        "random members of each certificate's packing (recurrent class: Theorem L; storage account: "
        "Theorem C) are not approximable below the certified value (upper CLT end of the clipped "
        "trained error >= c); other members: no claim",
        f"{n_ok}/{n_cert} certificate members consistent (CLT, asymptotic level); {n_exact}/{n_cert} "
        f"with the exact-level Hoeffding interval",
        n_cert > 0 and res.implied_check is True)


if __name__ == "__main__":
    sys.exit(main())
