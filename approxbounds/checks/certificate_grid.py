r"""Every certificate of a small (F, G, norm) grid re-verifies at 50 digits.

:meth:`approxbounds.lower.Certificate.verify` recomputes each inequality of the chain with
mpmath from the raw ingredients (and verifies every alternative certificate too). Here it is
run on Hölder (d in {1,2,3}, alpha in {1/2, 1, 2}) and monotone (d in {1,2,3}) classes, in
L^1, L^2, L^4 and sup norm, against full-precision ReLU networks of several sizes and one
quantized (finite) class; the check also asserts that each certificate is positive, relies
only on [V]/[P] statements and that its JSON form round-trips its value.
"""
from __future__ import annotations

import json

from approxbounds._validation import check_int
from approxbounds.capacity.empirical import CheckResult

__all__ = ["check_certificate_grid", "GRID_ARCHS"]

#: architectures per input dimension (``{d}`` is replaced) and one quantized class
GRID_ARCHS = ("{d},10,1", "{d},35x4,1", "{d},500x8,1")


def check_certificate_grid(seed: int = 0, *, dps: int = 50) -> list[CheckResult]:
    from approxbounds.capacity import Architecture
    from approxbounds.classes import Holder, Monotone
    from approxbounds.lower import NoCertificateError, lower_bound

    check_int("seed", seed, minimum=0)
    dps = check_int("dps", dps, minimum=20, maximum=1000)
    classes = [Holder(d, a) for d in (1, 2, 3) for a in (0.5, 1.0, 2.0)]
    classes += [Monotone(d) for d in (1, 2, 3)]
    n_cert, n_alt, n_none, failures, theorems = 0, 0, 0, [], set()
    for F in classes:
        archs = [Architecture.parse(s.format(d=F.d)) for s in GRID_ARCHS]
        archs.append(Architecture.parse(f"{F.d},3,1", bits=2, quantize="all"))
        for G in archs:
            for norm in (1, 2, 4, "sup"):
                try:
                    cert = lower_bound(F, G, norm=norm)
                except NoCertificateError:
                    n_none += 1
                    continue
                try:
                    cert.verify(dps=dps)
                    d = json.loads(json.dumps(cert.to_dict(), default=str))
                    if not (cert.value > 0 and set(cert.tags.values()) <= {"V", "P"}
                            and d["claim"]["value"] == cert.value):
                        raise ValueError("positivity / tags / JSON round trip")
                except ValueError as exc:
                    failures.append(f"{F.name} {G.spec()} {norm}: {exc}")
                n_cert += 1
                n_alt += len(cert.alternatives)
                theorems.add(cert.theorem)
                theorems.update(a.theorem for a in cert.alternatives)
    return [CheckResult(
        claim=f"every certificate of a grid (12 classes x 4 networks x 4 norms) verifies at "
              f"{dps} digits, with all its alternatives, tags in {{V, P}}",
        numbers={"certificates": n_cert, "alternatives": n_alt, "no_certificate": n_none,
                 "failures": len(failures), "theorems": "".join(sorted(theorems)),
                 "first_failure": failures[0] if failures else ""},
        passed=bool(not failures and n_cert >= 150 and {"L", "S", "C", "D", "P"} <= theorems))]
