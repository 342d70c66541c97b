r"""Verification of a certificate file: the claim is what is verified.

:func:`verify_certificate_dict` takes the JSON form of a certificate and

1. parses its claim (:class:`~approxbounds.claims.Claim`) and rebuilds F, G, the norm and the
   measure from it — nothing is read from labels or from descriptions stored beside the claim;
2. re-derives the proof along the stored route (:func:`approxbounds.lower.derive.derive`) and
   rejects the certificate unless the stored route, ingredients and tags are *exactly* the
   re-derived ones (the first difference is named) and the claimed value does not exceed the
   re-derived value (a lower bound may be weakened, nothing else);
3. re-checks every inequality of the chain with mpmath at ``dps`` significant digits
   (:func:`check_chain`).

Steps of the chain per theorem (docs/theory.md):

* common: every tag is ``V`` or ``P``; the value is finite and positive;
* L: ``0 < eps <= B``; ``eps <=`` recomputed packing separation; ``log2 M <=`` recomputed
  packing size; members in ``[a, a+B]``; ``K = ceil(4B/eps)``; ``N = n (K-1)``; union bound
  ``ln C(2^{log2 M}, 2) - n r < 0``; recomputed ``log2 Pi(N)`` agrees with the stored one;
  counting ``2^{log2 M} >= 2^{log2 Pi} + 1``; ``value <= eps/4``;
* S: height and number of bumps recomputed; ``N > VCdim`` bound (recomputed); ``value <= c``;
* C: separation and size recomputed; ``log2 M > log2 |G|`` (recomputed); ``value <= eps/2``;
* D: continuous activation of G; ``value <= 1/2``; sup norm;
* P: the piece count ``P`` of G recomputed exactly, the witness's teeth ``n`` at ``m``,
  ``n - P + 1 >= 1``, ``value <= H (kappa_mu kappa (n - P + 1)/m)^{1/p}`` (or ``H kappa_inf``);
* Lemma T: ``1 <= q <= p`` (or ``p = sup``), the transfer record matches, the lemma is among
  the tags, the measure is a probability measure; then the chain above at ``L^q``.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from approxbounds._json import from_json
from approxbounds.claims import CertificateError, Claim
from approxbounds.norms import Norm
from approxbounds.rederive import RESTATED, check_dps, check_tags_and_value, rederive_claim, rederive_record

from .derive import derive
from .tails import TAILS, ln_mean_floor_mp, ln_pairs_mp, ln_tail_rate_mp
from .theorems import CONTINUOUS_ACTIVATIONS, LEMMA_T_STATEMENT, probability_measure_problem

__all__ = ["verify_certificate_dict", "check_chain", "rederive"]

_REL_AGREE = mpmath.mpf("1e-9")  # stored float vs high-precision recomputation


def _fail(step, detail):
    raise CertificateError(step, detail)


def _need(ing, key, step):
    if key not in ing:
        _fail(step, f"ingredient {key!r} is missing")
    return ing[key]


def _as_int(value, name, step):
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(step, f"{name} must be an integer, got {value!r}")
    return value


def _agree(stored, recomputed, step, what):
    stored = mpmath.mpf(stored)
    tol = _REL_AGREE * max(mpmath.mpf(1), abs(recomputed))
    if abs(stored - recomputed) > tol:
        _fail(step, f"stored {what} {mpmath.nstr(stored, 15)} differs from the "
                    f"recomputed {mpmath.nstr(recomputed, 15)}")


def _evaluator(rc, key, step):
    if key not in rc:
        _fail(step, f"no high-precision evaluator {key!r} for this step")
    return rc[key]


class _Chain:
    """The pieces of a derivation the chain check reads."""

    def __init__(self, theorem, norm: Norm, value, ingredients, tags, recompute, model):
        self.theorem, self.norm, self.value = theorem, norm, value
        self.ingredients, self.tags, self.recompute, self.model = ingredients, tags, recompute, model


def _packing_checks(c, eps, log2_m, dps):
    rc = c.recompute
    sep = mpmath.mpf(_evaluator(rc, "separation_mp", "packing separation")(dps))
    if not mpmath.mpf(eps) <= sep:
        _fail("packing separation", f"eps={eps!r} exceeds the recomputed separation {mpmath.nstr(sep, 20)}")
    size = mpmath.mpf(_evaluator(rc, "log2_size_mp", "packing size")(dps))
    if not mpmath.mpf(log2_m) <= size:
        _fail("packing size", f"log2 M={log2_m!r} exceeds the recomputed {mpmath.nstr(size, 20)}")


def _range_check(c, B):
    a = mpmath.mpf(_need(c.ingredients, "a", "range"))
    low, high = _evaluator(c.recompute, "value_range", "range")()
    low, high = mpmath.mpf(low), mpmath.mpf(high)
    if not (a <= low and high <= a + B):
        _fail("range", f"packing members take values in [{mpmath.nstr(low, 15)}, {mpmath.nstr(high, 15)}], "
                       f"not inside [a, a+B] = [{mpmath.nstr(a, 15)}, {mpmath.nstr(a + B, 15)}]")


def _check_L(c, dps):
    ing = c.ingredients
    B = mpmath.mpf(_need(ing, "B", "range"))
    eps_f = float(_need(ing, "eps", "range"))
    eps = mpmath.mpf(eps_f)
    p = mpmath.mpf(_need(ing, "p", "norm"))
    if c.norm.is_sup or mpmath.mpf(c.norm.p) != p:
        _fail("norm", f"the chain is in {c.norm.label}, its ingredients say p={ing['p']}")
    if p < 1:
        _fail("norm", f"p must be >= 1, got {ing['p']}")
    if not (B > 0 and 0 < eps <= B):
        _fail("range", f"need 0 < eps <= B, got eps={eps_f!r}, B={ing['B']!r}")
    log2_m = float(_need(ing, "log2_M", "packing size"))
    if log2_m < 1:
        _fail("packing size", f"need at least 2 members (log2 M >= 1), got {log2_m}")
    _packing_checks(c, eps_f, log2_m, dps)
    _range_check(c, B)
    K = _as_int(_need(ing, "K", "thresholds"), "K", "thresholds")
    K_exact = math.ceil(Fraction(4) * Fraction(float(ing["B"])) / Fraction(eps_f))
    if K != K_exact:
        _fail("thresholds", f"K={K} but ceil(4B/eps)={K_exact}")
    n = _as_int(_need(ing, "n", "union bound"), "n", "union bound")
    N = _as_int(_need(ing, "N", "sample points"), "N", "sample points")
    if n < 1:
        _fail("union bound", f"sample size n must be >= 1, got {n}")
    if N != n * (K - 1):
        _fail("sample points", f"N={N} but n(K-1)={n * (K - 1)}")
    tail = _need(ing, "tail", "union bound")
    if tail not in TAILS:
        _fail("union bound", f"unknown tail {tail!r}")
    # Union bound over pairs: ln C(M,2) - n r < 0 with r recomputed from eps, B, p (extra
    # digits so that n r - ln C, of relative size ~1/n, is resolved).
    with mpmath.workdps(max(dps, len(str(n)) + 30)):
        ln_s = ln_mean_floor_mp(eps, B, p)
        if ln_s > -mpmath.log(2):
            _fail("union bound", "s = (eps/2B)^p must be <= 1/2")
        lhs = ln_pairs_mp(log2_m) - n * mpmath.exp(ln_tail_rate_mp(ln_s, p, tail))
    if not lhs < 0:
        _fail("union bound", f"ln C(M,2) + ln q_n = {mpmath.nstr(lhs, 15)} is not < 0 (tail {tail}, n={n})")
    cap = _need(ing, "capacity", "growth bound")
    if not isinstance(cap, dict) or "method" not in cap:
        _fail("growth bound", "the capacity bound used is not recorded")
    try:   # the formula named in the certificate, on the network class of the claim
        pi_mp = mpmath.mpf(c.model.log2_growth_mp(cap["method"], N, from_json(cap.get("ingredients", {}))))
    except ValueError as exc:
        _fail("growth bound", str(exc))
    attached = c.recompute.get("log2_growth_mp")
    if attached is not None:
        _agree(attached(N, dps), pi_mp, "growth bound", "log2 Pi(N) of the route")
    _agree(_need(ing, "log2_Pi", "growth bound"), pi_mp, "growth bound", "log2 Pi(N)")
    if not mpmath.mpf(log2_m) > pi_mp + mpmath.log(1 + mpmath.power(2, -pi_mp), 2):
        _fail("counting", f"log2 M={log2_m!r} does not exceed log2(Pi(N)+1) with "
                          f"log2 Pi(N)={mpmath.nstr(pi_mp, 20)}")
    if not mpmath.mpf(c.value) <= eps / 4:
        _fail("value", f"value {c.value!r} exceeds eps/4 = {mpmath.nstr(eps / 4, 20)}")


def _check_S(c, dps):
    ing = c.ingredients
    if not c.norm.is_sup:
        _fail("norm", f"Theorem S is a sup-norm statement, the chain is in {c.norm.label}")
    cval = mpmath.mpf(_need(ing, "c", "sign family"))
    c_mp = mpmath.mpf(_evaluator(c.recompute, "height_mp", "sign family")(dps))
    if cval > c_mp:
        _fail("sign family", f"stored height {ing['c']!r} exceeds the recomputed {mpmath.nstr(c_mp, 20)}")
    n_points = _as_int(_need(ing, "N_points", "shattering"), "N_points", "shattering")
    exact_n = int(_evaluator(c.recompute, "n_points", "shattering")())
    if n_points != exact_n:
        _fail("shattering", f"stored N={n_points} but the sign family has {exact_n} bumps")
    vc = mpmath.mpf(_evaluator(c.recompute, "vcdim_mp", "VC bound")(dps))
    _agree(_need(ing, "VCdim_bound", "VC bound"), vc, "VC bound", "VCdim bound")
    if not n_points > vc:
        _fail("shattering", f"N={n_points} bumps do not exceed the VC bound {mpmath.nstr(vc, 20)}")
    if not mpmath.mpf(c.value) <= cval:
        _fail("value", f"value {c.value!r} exceeds the bump height c={ing['c']!r}")


def _check_C(c, dps):
    ing = c.ingredients
    if Norm.from_json(_need(ing, "norm", "norm")) != c.norm:
        _fail("norm", f"the chain is in {c.norm.label}, the packing's norm is {ing['norm']!r}")
    eps_f = float(_need(ing, "eps", "packing separation"))
    log2_m = float(_need(ing, "log2_M", "packing size"))
    if not eps_f > 0:
        _fail("packing separation", f"eps must be > 0, got {eps_f}")
    _packing_checks(c, eps_f, log2_m, dps)
    try:
        with mpmath.workdps(dps):
            b = mpmath.mpf(c.model.size_mp())
    except ValueError as exc:
        _fail("class size", str(exc))
    _agree(_need(ing, "log2_G", "class size"), b, "class size", "log2 |G|")
    if not mpmath.mpf(log2_m) > b:
        _fail("counting", f"log2 M={log2_m!r} does not exceed log2 |G| = {mpmath.nstr(b, 20)}")
    if not mpmath.mpf(c.value) <= mpmath.mpf(eps_f) / 2:
        _fail("value", f"value {c.value!r} exceeds eps/2 = {eps_f / 2!r}")


def _check_D(c, dps):
    ing = c.ingredients
    if not c.norm.is_sup:
        _fail("norm", f"Lemma D is a sup-norm statement, the chain is in {c.norm.label}")
    act = _need(ing, "activation", "continuity")
    if act not in CONTINUOUS_ACTIVATIONS:
        _fail("continuity", f"activation {act!r} is not known to give continuous networks")
    if act != c.model.arch.activation.name:
        _fail("continuity", f"the network class uses activation {c.model.arch.activation.name!r}, "
                            f"the chain claims {act!r}")
    if not mpmath.mpf(c.value) <= mpmath.mpf(1) / 2:
        _fail("value", f"value {c.value!r} exceeds 1/2")


def _check_P(c, dps):
    """Theorem P: the piece count is recomputed exactly from the network class, the number of
    teeth from the witness, and the value from the closed forms at ``dps`` digits."""
    from approxbounds.capacity.pieces import pieces_bound
    from approxbounds.classes.witnesses import ToothWitness

    ing = c.ingredients
    arch = getattr(c.model, "arch", None)
    pieces = None if arch is None else pieces_bound(arch)
    if pieces is None:
        _fail("pieces", "the network class has no piece count (Theorem P does not apply)")
    P = _as_int(_need(ing, "P", "pieces"), "P", "pieces")
    if P != pieces.ingredients["P"] or ing.get("pieces_kind") != pieces.ingredients["kind"]:
        _fail("pieces", f"stored P={P} ({ing.get('pieces_kind')}) but the network class has "
                        f"P={pieces.ingredients['P']} ({pieces.ingredients['kind']})")
    try:
        witness = ToothWitness(**_need(ing, "witness", "witness"))
    except (TypeError, ValueError) as exc:
        _fail("witness", str(exc))
    m = _as_int(_need(ing, "m", "witness"), "m", "witness")
    n = witness.n_teeth(m)
    if _as_int(_need(ing, "n_teeth", "witness"), "n_teeth", "witness") != n:
        _fail("witness", f"stored n_teeth={ing['n_teeth']} but the witness has {n} teeth at m={m}")
    unsplit = n - P + 1
    if unsplit < 1 or ing.get("unsplit") != unsplit:
        _fail("counting", f"n - P + 1 = {unsplit} teeth unsplit (stored {ing.get('unsplit')!r}); "
                          "at least one is needed")
    kappa_mu = mpmath.mpf(_need(ing, "kappa_mu", "measure"))
    if not 0 < kappa_mu <= 1:
        _fail("measure", f"density lower bound kappa_mu must lie in (0, 1], got {ing['kappa_mu']!r}")
    ln_val = mpmath.log(witness.height_mp(m))
    ln_k = witness.ln_kappa_mp(c.norm, pieces.ingredients["kind"])
    if c.norm.is_sup:
        ln_val += ln_k
    else:
        ln_val += (mpmath.log(kappa_mu) + ln_k + mpmath.log(unsplit) - mpmath.log(m)) / mpmath.mpf(c.norm.p)
    bound = mpmath.exp(ln_val)
    if not mpmath.mpf(c.value) <= bound:
        _fail("value", f"value {c.value!r} exceeds Theorem P's {mpmath.nstr(bound, 20)}")


_CHECKS = {"L": _check_L, "S": _check_S, "C": _check_C, "D": _check_D, "P": _check_P}


def _check_transfer(c, dps):
    step = "norm transfer"
    ing = c.ingredients
    if c.theorem not in ("L", "C"):
        _fail(step, f"only Theorem L/C chains are transferred, got Theorem {c.theorem}")
    tr = _need(ing, "transfer", step)
    if not isinstance(tr, dict):
        _fail(step, f"transfer record must be a dict, got {tr!r}")
    q = Norm.from_json(_need(ing, "certified_norm", step))
    if q.is_sup or not q <= c.norm:
        _fail(step, f"norm monotonicity needs a finite q <= p, got q={q.label}, p={c.norm.label}")
    if tr.get("from_norm") != q.to_json() or tr.get("to_norm") != c.norm.to_json():
        _fail(step, f"transfer record {tr.get('from_norm')!r} -> {tr.get('to_norm')!r} does not match "
                    f"q={q.to_json()!r}, p={c.norm.to_json()!r}")
    if c.tags.get(LEMMA_T_STATEMENT) not in ("V", "P"):
        _fail("tags", "a transferred certificate must list Lemma T among its statements")
    problem = probability_measure_problem(tr.get("measure"))
    if problem is not None:
        _fail("probability measure", problem)
    inner_ing = {k: v for k, v in ing.items() if k not in ("certified_norm", "transfer")}
    inner_tags = {k: v for k, v in c.tags.items() if k != LEMMA_T_STATEMENT}
    _CHECKS[c.theorem](_Chain(c.theorem, q, c.value, inner_ing, inner_tags, c.recompute, c.model), dps)


def check_chain(theorem: str, norm, value, ingredients: dict, tags: dict, recompute: dict, model,
                dps: int = 50) -> bool:
    """Re-check the chain of inequalities of a derivation at ``dps`` digits.

    Parameters
    ----------
    theorem, norm, value, ingredients, tags, recompute
        As in :class:`~approxbounds.lower.theorems.Derivation`.
    model : GrowthModel
        Capacity model of the network class (:func:`approxbounds.capacity.growth.growth_model`).
    """
    check_dps(dps)
    check_tags_and_value(tags, value)
    ingredients = {k: v for k, v in ingredients.items() if k != RESTATED}
    c = _Chain(theorem, Norm.parse(norm), value, ingredients, tags, recompute, model)
    with mpmath.workdps(dps):
        if "certified_norm" in ingredients or "transfer" in ingredients:
            _check_transfer(c, dps)
        else:
            _CHECKS[theorem](c, dps)
    return True


def rederive(claim: Claim, route: dict):
    """``(derivation, expected_claim, objects)``: the proof the claim and route give
    (:func:`approxbounds.rederive.rederive_claim` with :func:`~approxbounds.lower.derive.derive`)."""
    return rederive_claim(claim, route, derive)


def verify_certificate_dict(data: dict, dps: int = 50) -> Claim:
    """Verify a certificate file's content (module docstring); returns its claim.

    Raises
    ------
    ClaimError
        A claim field is malformed or not canonical (names the field).
    CertificateError
        The stored proof is not the one the claim re-derives, the claimed value exceeds the
        re-derived one, or an inequality of the chain fails at ``dps`` digits (names the step).
    ValueError
        The file is not a certificate (structure).
    """
    from approxbounds.capacity.growth import growth_model

    claim, der, (_, G, _, _) = rederive_record(data, dps, derive)
    check_chain(der.theorem, der.norm, claim.value, der.ingredients, der.tags, der.recompute,
                growth_model(G), dps)
    return claim
