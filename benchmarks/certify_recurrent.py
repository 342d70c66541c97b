"""Cost of certifying a recurrent class against a feed-forward class of the same parameter count.

For hidden sizes n, each recurrent class G_r (HadamRNN 4-bit U,V; QORNN 4-bit W; ReLU RNN; all
d_in = 1, T = 50 and T = 10^6) is certified on the delayed Hölder class DelayedHolder(1, 1, 10, T)
in L^2 and in sup norm, next to the reference: a ReLU MLP 1 -> w -> w -> 1 whose parameter count
W_f is the closest to the recurrent W_r, certified on Holder(1, 1) (the class whose packings the
delayed class carries over). Measured in the same run, interleaved (benchmarks/_common.py):

* cold: every cache cleared inside the timed call (capacity constants, growth models,
  certificates), so the call pays for the capacity analysis, the scale search and the issue;
* warm: capacity constants cached (what repeated queries cost), certificate cache cleared;
* verify: ``Certificate.verify(dps=50)``.

Printed: process CPU milliseconds per call (medians; time-slicing by other processes on a shared
machine does not inflate them) and the ratio recurrent / feed-forward (target: <= 1, i.e.
certifying a recurrent class costs no more than a feed-forward one of the same size), plus the
storage floor (Theorem C). By default both sides run ``lower_bound`` as a user does (the
feed-forward side also searches the Lemma T routes, which sequence classes skip);
``--no-transfer`` compares the direct routes only. Usage::

    OMP_NUM_THREADS=1 python benchmarks/certify_recurrent.py [--quick] [--repeats 7] [--no-transfer]
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_summary, pin_threads, time_interleaved  # noqa: E402

pin_threads(1)


def _clear_all():
    from approxbounds.capacity import _cache, growth, storage
    from approxbounds.lower.api import clear_cache

    clear_cache()
    _cache.clear_caches()
    growth._feedforward_model.cache_clear()
    storage._model.cache_clear()


def _mlp_like(W_target: int):
    """ReLU MLP 1 -> w -> w -> 1 (W = w^2 + 4w + 1) with W closest to ``W_target``."""
    from approxbounds.capacity import Architecture

    w = max(1, round(-2 + math.sqrt(max(3 + W_target, 0))))
    best = min((Architecture.mlp(1, [k, k]) for k in range(max(1, w - 2), w + 3)),
               key=lambda a: abs(a.W - W_target))
    return best


def _certify(clear, F, G, norm, kw):
    """A timed call: ``clear()`` (which caches to drop), then ``lower_bound(F, G, norm)``."""
    from approxbounds.lower import lower_bound

    def run():
        clear()
        return lower_bound(F, G, norm=norm, **kw)
    return run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="two sizes, 3 repeats (smoke test)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--no-transfer", action="store_true",
                    help="direct routes only for both classes (no Lemma T searches: the same work on "
                         "both sides; sequence classes get no Lemma T candidates anyway)")
    args = ap.parse_args(argv)
    kw = {"transfer": not args.no_transfer}

    from approxbounds.capacity.recurrent import RecurrentArchitecture as R
    from approxbounds.classes import Holder
    from approxbounds.classes.sequence import DelayedHolder
    from approxbounds.lower import lower_bound
    from approxbounds.lower.api import clear_cache
    from approxbounds.lower.storage import storage_lower_bound

    hidden = [16, 128] if args.quick else [8, 16, 32, 64, 128, 256]
    repeats = 3 if args.quick else args.repeats
    print(machine_summary())
    print("mode:", "direct routes only (transfer=False)" if args.no_transfer else "lower_bound defaults")
    print(f"{'class':<34}{'T':>8}{'W_r':>8}{'W_f':>8}  {'norm':<5}{'cold ms':>9}{'ratio':>7}"  # CPU ms
          f"{'warm ms':>9}{'ratio':>7}{'verify ms':>10}{'ratio':>7}")
    worst = {"cold": 0.0, "warm": 0.0, "verify": 0.0}
    for T in (50, 10**6):
        F_seq, F_ff = DelayedHolder(1, 1.0, 10, T), Holder(1, 1.0)
        for n in hidden:
            for name, G in (("HadamRNN 4-bit", R.hadamrnn(1, n, 1, T, bits=4)),
                            ("QORNN 4-bit W", R.qornn(1, n, 1, T, w_bits=4)),
                            ("ReLU RNN", R.rnn(1, n, 1, T))):
                A = _mlp_like(G.W)
                for norm in (2, "sup"):
                    cr, cf = lower_bound(F_seq, G, norm=norm, **kw), lower_bound(F_ff, A, norm=norm, **kw)
                    _, t = time_interleaved({"cold_r": _certify(_clear_all, F_seq, G, norm, kw),
                                             "cold_f": _certify(_clear_all, F_ff, A, norm, kw),
                                             "warm_r": _certify(clear_cache, F_seq, G, norm, kw),
                                             "warm_f": _certify(clear_cache, F_ff, A, norm, kw),
                                             "ver_r": lambda c=cr: c.verify(dps=50),
                                             "ver_f": lambda c=cf: c.verify(dps=50)},
                                            repeats=repeats, warmup=1, cpu=True)
                    rc, rw, rv = t["cold_r"] / t["cold_f"], t["warm_r"] / t["warm_f"], t["ver_r"] / t["ver_f"]
                    worst["cold"], worst["warm"] = max(worst["cold"], rc), max(worst["warm"], rw)
                    worst["verify"] = max(worst["verify"], rv)
                    print(f"{name + f' n={n}':<34}{T:>8}{G.W:>8}{A.W:>8}  {str(norm):<5}"
                          f"{1e3 * t['cold_r']:>9.2f}{rc:>7.2f}{1e3 * t['warm_r']:>9.2f}{rw:>7.2f}"
                          f"{1e3 * t['ver_r']:>10.2f}{rv:>7.2f}")
    print("worst ratio recurrent / feed-forward (same W): "
          + ", ".join(f"{k} {v:.2f}" for k, v in worst.items()))
    F = DelayedHolder(1, 1.0, 10, 50)
    for B in (10**3, 10**5, 10**7):
        _, t = time_interleaved({"floor": lambda B=B: (_clear_all(), storage_lower_bound(F, B))},
                                repeats=repeats, warmup=1, cpu=True)
        print(f"storage floor (Theorem C) at B = {B}: {1e3 * t['floor']:.2f} ms per certificate, cold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
