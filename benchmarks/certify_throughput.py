"""Throughput of ``lower_bound``: certify 10^4 (F, G, norm) configurations.

Configurations: Hölder balls (d in {1,2,3}, alpha in {1/2, 1, 2}) and monotone classes
(d in {1,2,3}), norms L^1, L^2, L^4 and sup, against ReLU MLPs of 19 widths x 11 depths per
input dimension: 3 x 4 x 4 x 209 = 10 032 configurations. Capacity constants are cached per
architecture (``growth_model``) and the scale search uses closed forms, O(log m) steps.
A random sample of the certificates is then verified at 50 digits.

Lemma T (norm transfer): ``lower_bound(norm=p)`` also considers the certificates found at
``L^q``, ``q`` in {1, 2, 4} below ``p`` (all three for sup). Direct certificates are cached
per ``(F, G, norm, measure, ...)``; since the grid visits L^1, L^2, L^4 before larger norms,
the default (warm) run gets the transferred candidates from the cache. ``--cold`` clears
that cache before every configuration, so each one pays for all of its searches. The
output counts the transferred candidates and the configurations won by one.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/certify_throughput.py [--verify 100] [--quick]
        [--cold] [--no-transfer]
"""
from __future__ import annotations

import argparse
import random
import time


def configurations(quick: bool = False):
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone

    widths = [8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
              3072, 4096]
    depths = list(range(1, 12))
    if quick:
        widths, depths = widths[::6], depths[::5]
    norms = [1.0, 2.0, 4.0, "sup"]
    for d in (1, 2, 3):
        classes = [Holder(d, 0.5), Holder(d, 1.0), Holder(d, 2.0), Monotone(d)]
        archs = [Architecture.mlp(d, [w] * L) for w in widths for L in depths]
        for F in classes:
            for norm in norms:
                for G in archs:
                    yield F, G, norm


def main(argv=None) -> int:
    from approxbounds.lower import NoCertificateError, lower_bound

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", type=int, default=100, help="certificates verified at 50 digits")
    ap.add_argument("--quick", action="store_true", help="a small grid (smoke test)")
    ap.add_argument("--cold", action="store_true",
                    help="clear the certificate cache before every configuration")
    ap.add_argument("--no-transfer", action="store_true",
                    help="direct routes only (no Lemma T candidates)")
    args = ap.parse_args(argv)

    from approxbounds.lower.api import clear_cache

    configs = list(configurations(args.quick))
    clear_cache()
    t0 = time.perf_counter()
    certs, refused = [], 0
    for F, G, norm in configs:
        if args.cold:
            clear_cache()
        try:
            certs.append(lower_bound(F, G, norm=norm, transfer=not args.no_transfer))
        except NoCertificateError:
            refused += 1
    elapsed = time.perf_counter() - t0
    by_theorem = {}
    for c in certs:
        key = c.theorem + (f"(via {c.certified_norm.label})" if c.transferred else "")
        by_theorem[key] = by_theorem.get(key, 0) + 1
    n_cand = sum(1 + len(c.alternatives) for c in certs)
    n_tr = sum(a.transferred for c in certs for a in [c, *c.alternatives])
    mode = ("direct routes only" if args.no_transfer else
            "with Lemma T, " + ("cold cache" if args.cold else "warm cache"))
    print(f"certified {len(certs)} of {len(configs)} configurations "
          f"({refused} without an applicable theorem) in {elapsed:.2f} s "
          f"({1e3 * elapsed / len(configs):.3f} ms each; target < 10 s for 10^4; {mode})")
    print(f"candidates: {n_cand} certificates, {n_tr} of them transferred by Lemma T")
    print("strongest theorem per configuration:", dict(sorted(by_theorem.items())))

    sample = random.Random(0).sample(certs, min(args.verify, len(certs)))
    t1 = time.perf_counter()
    ok = sum(bool(c.verify(dps=50)) for c in sample)
    print(f"verified {ok}/{len(sample)} sampled certificates at 50 digits in "
          f"{time.perf_counter() - t1:.2f} s")
    return 0 if ok == len(sample) else 1


if __name__ == "__main__":
    raise SystemExit(main())
