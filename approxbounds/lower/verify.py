"""High-precision re-check of a :class:`~approxbounds.lower.certificate.Certificate`.

Every inequality of the chain is recomputed with mpmath at ``dps`` significant digits from
the raw ingredients stored in the certificate (and, when available, from the
high-precision re-evaluators in ``Certificate.recompute``). The first step that fails
raises :class:`~approxbounds.lower.certificate.CertificateError` naming it.

Steps per theorem (see ``docs/theory.md`` for the statements):

* common: every tag is ``V`` or ``P``; the value is finite and positive;
* L: ``0 < eps <= B``; ``eps <=`` recomputed packing separation; ``log2 M <=`` recomputed
  packing size; ``K = ceil(4B/eps)``; ``N = n (K-1)``; union bound
  ``ln C(2^{log2 M}, 2) - n r < 0``; recomputed ``log2 Pi(N)`` agrees with the stored one;
  counting ``2^{log2 M} >= 2^{log2 Pi} + 1``; ``value <= eps/4``;
* S: ``N > VCdim`` bound (recomputed); ``value <= c``;
* C: ``log2 M > log2 |G|`` (recomputed); ``value <= eps/2``;
* D: continuous activation; ``value <= 1/2``; sup norm;
* transferred (Lemma T, ingredients ``certified_norm`` = q and ``transfer``): the theorem is
  L or C; ``1 <= q <= p`` or ``p = sup``; the transfer records the same q and target norm;
  the lemma is among the tags; the measure is a probability measure and the one the packing
  was built for; then the whole chain above is re-run at ``L^q``.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from .certificate import CertificateError
from .tails import TAILS, ln_mean_floor_mp, ln_pairs_mp, ln_tail_rate_mp

__all__ = ["verify_certificate"]

_REL_AGREE = mpmath.mpf("1e-9")  # stored float vs high-precision recomputation


def _fail(step, detail):
    raise CertificateError(step, detail)


def _need(ing, key, step):
    if key not in ing:
        _fail(step, f"ingredient {key!r} is missing")
    return ing[key]


def _as_int(value, name, step):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except (TypeError, ValueError):
            _fail(step, f"{name} must be an integer, got {value!r}")
    return value


def _agree(stored, recomputed, step, what):
    stored = mpmath.mpf(stored)
    tol = _REL_AGREE * max(mpmath.mpf(1), abs(recomputed))
    if abs(stored - recomputed) > tol:
        _fail(step, f"stored {what} {mpmath.nstr(stored, 15)} differs from the "
                    f"recomputed {mpmath.nstr(recomputed, 15)}")


def _common(cert):
    bad = {k: t for k, t in cert.tags.items() if t not in ("V", "P")}
    if bad:
        _fail("tags", f"relies on statements not tagged V/P: {bad}")
    if not cert.tags:
        _fail("tags", "no statement listed")
    v = cert.value
    if not (isinstance(v, float) or isinstance(v, int)) or not math.isfinite(v) or v <= 0:
        _fail("value", f"value must be finite and positive, got {v!r}")


def _model(cert, step):
    """Growth model rebuilt from the stored network description (for certificates that
    lost their attached evaluators, e.g. after a JSON round trip)."""
    from .growth_model import architecture_from_dict, growth_model

    net = cert.ingredients.get("network")
    if not isinstance(net, dict):
        _fail(step, "no high-precision evaluator attached and no network description stored")
    try:
        return growth_model(architecture_from_dict(net))
    except (ValueError, TypeError) as exc:
        _fail(step, f"cannot rebuild the network class: {exc}")


def _capacity(cert, step):
    cap = cert.ingredients.get("capacity")
    if not isinstance(cap, dict) or "method" not in cap:
        _fail(step, "the capacity bound used is not recorded")
    return cap


def _rebuilt_packing(cert):
    """The packing rebuilt from its stored description (JSON round trip), or ``None`` when
    its measure is an empirical sample (not stored); raises on a broken description."""
    from approxbounds.classes.base import packing_from_dict

    desc = (cert.ingredients.get("packing", {}) or {}).get("ingredients", {}) or {}
    if (desc.get("measure") or {}).get("name") == "empirical":
        return None
    try:
        return packing_from_dict(desc)
    except (ValueError, TypeError) as exc:
        _fail("packing", f"no high-precision evaluator attached and the packing cannot be "
                         f"rebuilt from its description: {exc}")


def _packing_sources(cert):
    """``recompute``-style evaluators of the packing: attached ones, else rebuilt ones."""
    rc = dict(cert.recompute)
    needed = ("separation_mp", "log2_size_mp", "value_range")
    if cert.theorem == "C":
        needed = needed[:2]
    if all(k in rc for k in needed):
        return rc
    pk = _rebuilt_packing(cert)
    if pk is not None:
        stored = cert.ingredients.get("packing", {}) or {}
        if stored.get("m") is not None and int(stored["m"]) != pk.m:
            _fail("packing", f"stored m={stored['m']} differs from its description m={pk.m}")
        for key in needed:
            rc.setdefault(key, getattr(pk, key))
    return rc


def _packing_checks(cert, eps, log2_m, dps):
    rc = _packing_sources(cert)
    empirical = ((cert.ingredients.get("packing", {}) or {}).get("ingredients", {}) or {}).get(
        "measure", {}) or {}
    empirical = empirical.get("name") == "empirical"
    if "separation_mp" in rc:
        sep = mpmath.mpf(rc["separation_mp"](dps))
        if not mpmath.mpf(eps) <= sep:
            _fail("packing separation", f"eps={eps!r} exceeds the recomputed separation "
                                        f"{mpmath.nstr(sep, 20)}")
    elif empirical:  # the sample is not stored: only the recorded value can be compared
        sep = mpmath.mpf(cert.ingredients.get("packing", {}).get("separation", eps))
        if mpmath.mpf(eps) > sep:
            _fail("packing separation", f"eps={eps!r} exceeds the packing separation {sep}")
    else:
        _fail("packing separation", "the separation cannot be recomputed")
    if "log2_size_mp" in rc:
        size = mpmath.mpf(rc["log2_size_mp"](dps))
        if not mpmath.mpf(log2_m) <= size:
            _fail("packing size", f"log2 M={log2_m!r} exceeds the recomputed "
                                  f"{mpmath.nstr(size, 20)}")
    elif empirical:
        size = mpmath.mpf(cert.ingredients.get("packing", {}).get("log2_size", log2_m))
        if mpmath.mpf(log2_m) > size:
            _fail("packing size", f"log2 M={log2_m!r} exceeds the packing's log2 size {size}")
    else:
        _fail("packing size", "the packing size cannot be recomputed")
    return rc


def _range_check(cert, B, rc):
    """Theorem L needs every packing member to take values in ``[a, a + B]``."""
    ing = cert.ingredients
    a = mpmath.mpf(_need(ing, "a", "range"))
    if "value_range" in rc:
        low, high = rc["value_range"]()
    else:
        rng = (ing.get("packing", {}).get("ingredients", {}) or {}).get("range")
        if not isinstance(rng, (list, tuple)) or len(rng) != 2:
            _fail("range", "the value range of the packing members is not recorded")
        low, high = rng
    low, high = mpmath.mpf(low), mpmath.mpf(high)
    if not (a <= low and high <= a + B):
        _fail("range", f"packing members take values in [{mpmath.nstr(low, 15)}, "
                       f"{mpmath.nstr(high, 15)}], not inside [a, a+B] = "
                       f"[{mpmath.nstr(a, 15)}, {mpmath.nstr(a + B, 15)}]")


def _from_description(cert, step, evaluate):
    """``evaluate(model)`` on the network class rebuilt from ``ingredients["network"]``, or
    ``None`` when no description is stored."""
    if not isinstance(cert.ingredients.get("network"), dict):
        return None
    try:
        return mpmath.mpf(evaluate(_model(cert, step)))
    except ValueError as exc:
        _fail(step, str(exc))


def _high_precision(cert, step, what, key, args, evaluate):
    """``what`` at high precision: ``cert.recompute[key](*args)`` (the attached evaluator)
    and/or ``evaluate(model)`` on the network class rebuilt from its stored description.

    When both exist they must agree (:func:`_agree`) and the larger is returned (every use is
    an upper bound); with neither, step ``step`` fails.
    """
    desc = _from_description(cert, step, evaluate)
    if key in cert.recompute:
        value = mpmath.mpf(cert.recompute[key](*args))
        if desc is not None:
            _agree(desc, value, step, f"{what} of the stored network")
            value = max(value, desc)
    elif desc is not None:
        value = desc
    else:
        _fail(step, "no high-precision evaluator attached and no network description stored")
    return value


def _verify_L(cert, dps):
    ing = cert.ingredients
    B = mpmath.mpf(_need(ing, "B", "range"))
    eps_f = float(_need(ing, "eps", "range"))
    eps = mpmath.mpf(eps_f)
    p = mpmath.mpf(_need(ing, "p", "norm"))
    if cert.norm == "sup" or mpmath.mpf(cert.norm) != p:
        _fail("norm", f"certificate norm {cert.norm!r} is not L^p with p={ing['p']}")
    if p < 1:
        _fail("norm", f"p must be >= 1, got {ing['p']}")
    if not (B > 0 and 0 < eps <= B):
        _fail("range", f"need 0 < eps <= B, got eps={eps_f!r}, B={ing['B']!r}")
    log2_m = float(_need(ing, "log2_M", "packing size"))
    if log2_m < 1:
        _fail("packing size", f"need at least 2 members (log2 M >= 1), got {log2_m}")
    rc = _packing_checks(cert, eps_f, log2_m, dps)
    _range_check(cert, B, rc)
    # K = ceil(4B/eps), exactly (the stored floats are exact rationals).
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
    # Union bound over pairs: ln C(M,2) - n r < 0 with r recomputed from eps, B, p.
    # (extra digits so that n r - ln C, of relative size ~1/n, is resolved).
    with mpmath.workdps(max(dps, len(str(n)) + 30)):
        ln_s = ln_mean_floor_mp(eps, B, p)
        if ln_s > -mpmath.log(2):
            _fail("union bound", "s = (eps/2B)^p must be <= 1/2")
        lhs = ln_pairs_mp(log2_m) - n * mpmath.exp(ln_tail_rate_mp(ln_s, p, tail))
    if not lhs < 0:
        _fail("union bound", f"ln C(M,2) + ln q_n = {mpmath.nstr(lhs, 15)} is not < 0 "
                             f"(tail {tail}, n={n})")
    # Growth function of thr(G) at N points, recomputed at high precision.
    stored_pi = _need(ing, "log2_Pi", "growth bound")
    cap = _capacity(cert, "growth bound")
    # the formula named in the certificate, on the network class it describes
    pi_mp = _high_precision(cert, "growth bound", "log2 Pi(N)", "log2_growth_mp", (N, dps),
                            lambda model: model.log2_growth_mp(cap["method"], N,
                                                               cap.get("ingredients", {})))
    _agree(stored_pi, pi_mp, "growth bound", "log2 Pi(N)")
    # Counting: 2^{log2 M} >= 2^{log2 Pi} + 1, i.e. more members than sign patterns.
    if not mpmath.mpf(log2_m) > pi_mp + mpmath.log(1 + mpmath.power(2, -pi_mp), 2):
        _fail("counting", f"log2 M={log2_m!r} does not exceed log2(Pi(N)+1) with "
                          f"log2 Pi(N)={mpmath.nstr(pi_mp, 20)}")
    if not mpmath.mpf(cert.value) <= eps / 4:
        _fail("value", f"value {cert.value!r} exceeds eps/4 = {mpmath.nstr(eps / 4, 20)}")


def _verify_S(cert, dps):
    ing = cert.ingredients
    if cert.norm != "sup":
        _fail("norm", f"Theorem S is a sup-norm statement, certificate says {cert.norm!r}")
    c = mpmath.mpf(_need(ing, "c", "sign family"))
    rc = dict(cert.recompute)
    if "height_mp" not in rc or "n_points" not in rc:
        from approxbounds.classes.base import sign_family_from_dict

        try:
            fam = sign_family_from_dict(ing.get("family", {}) or {})
        except (ValueError, TypeError) as exc:
            _fail("sign family", f"no high-precision evaluator attached and the family cannot "
                                 f"be rebuilt from its description: {exc}")
        rc.setdefault("height_mp", fam.c_mp)
        rc.setdefault("n_points", fam.n_points_exact)
    c_mp = mpmath.mpf(rc["height_mp"](dps))
    if c > c_mp:
        _fail("sign family", f"stored height {ing['c']!r} exceeds the recomputed "
                             f"{mpmath.nstr(c_mp, 20)}")
    n_points = _as_int(_need(ing, "N_points", "shattering"), "N_points", "shattering")
    if "n_points" in rc:
        exact_n = int(rc["n_points"]())
        if n_points != exact_n:
            _fail("shattering", f"stored N={n_points} but the sign family has {exact_n} bumps")
    from types import SimpleNamespace

    cap = _capacity(cert, "VC bound")
    vc = _high_precision(cert, "VC bound", "VCdim bound", "vcdim_mp", (dps,),
                         lambda model: model.vcdim_mp(SimpleNamespace(
                             method=cap["method"], ingredients=cap.get("ingredients", {}))))
    _agree(_need(ing, "VCdim_bound", "VC bound"), vc, "VC bound", "VCdim bound")
    if not n_points > vc:
        _fail("shattering", f"N={n_points} bumps do not exceed the VC bound "
                            f"{mpmath.nstr(vc, 20)}")
    if not mpmath.mpf(cert.value) <= c:
        _fail("value", f"value {cert.value!r} exceeds the bump height c={ing['c']!r}")


def _same_norm(a, b) -> bool:
    if a == "sup" or b == "sup":
        return a == b
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _verify_C(cert, dps):
    ing = cert.ingredients
    if not _same_norm(_need(ing, "norm", "norm"), cert.norm):
        _fail("norm", f"certificate norm {cert.norm!r} differs from the packing's norm "
                      f"{ing['norm']!r}")
    eps_f = float(_need(ing, "eps", "packing separation"))
    log2_m = float(_need(ing, "log2_M", "packing size"))
    if not eps_f > 0:
        _fail("packing separation", f"eps must be > 0, got {eps_f}")
    _packing_checks(cert, eps_f, log2_m, dps)
    b = _high_precision(cert, "class size", "log2 |G|", "log2_class_size_mp", (dps,),
                        lambda model: model.size_mp())
    _agree(_need(ing, "log2_G", "class size"), b, "class size", "log2 |G|")
    if not mpmath.mpf(log2_m) > b:
        _fail("counting", f"log2 M={log2_m!r} does not exceed log2 |G| = {mpmath.nstr(b, 20)}")
    if not mpmath.mpf(cert.value) <= mpmath.mpf(eps_f) / 2:
        _fail("value", f"value {cert.value!r} exceeds eps/2 = {eps_f / 2!r}")


def _verify_D(cert, dps):
    from .theorems import CONTINUOUS_ACTIVATIONS

    ing = cert.ingredients
    if cert.norm != "sup":
        _fail("norm", f"Lemma D is a sup-norm statement, certificate says {cert.norm!r}")
    act = _need(ing, "activation", "continuity")
    if act not in CONTINUOUS_ACTIVATIONS:
        _fail("continuity", f"activation {act!r} is not known to give continuous networks")
    net = ing.get("network")
    if isinstance(net, dict):
        net_act = (net.get("activation") or {}).get("name")
        if net_act != act:
            _fail("continuity", f"the stored network uses activation {net_act!r}, the "
                                f"certificate claims {act!r}")
    if not str(cert.function_class).startswith("Monotone"):
        _fail("witness", f"Lemma D's witness 1[x_1 >= 1/2] is a monotone step function; "
                         f"{cert.function_class!r} is not a monotone class")
    if not mpmath.mpf(cert.value) <= mpmath.mpf(1) / 2:
        _fail("value", f"value {cert.value!r} exceeds 1/2")


_VERIFIERS = {"L": _verify_L, "S": _verify_S, "C": _verify_C, "D": _verify_D}


def _verify_transfer(cert, dps):
    """Lemma T: check its hypotheses, then the inner chain at ``L^q``."""
    from .theorems import LEMMA_T_STATEMENT, probability_measure_problem

    step = "norm transfer"
    ing = cert.ingredients
    if cert.theorem not in ("L", "C"):
        _fail(step, f"only Theorem L/C chains are transferred, got Theorem {cert.theorem}")
    q_raw = _need(ing, "certified_norm", step)
    tr = _need(ing, "transfer", step)
    if not isinstance(tr, dict):
        _fail(step, f"transfer record must be a dict, got {tr!r}")
    if isinstance(q_raw, bool) or not isinstance(q_raw, (int, float)):
        _fail(step, f"certified norm q must be a finite real >= 1, got {q_raw!r}")
    q = mpmath.mpf(q_raw)
    if not (mpmath.isfinite(q) and q >= 1):
        _fail(step, f"certified norm q must be a finite real >= 1, got {q_raw!r}")
    if not _same_norm(tr.get("from_norm"), q_raw) or not _same_norm(tr.get("to_norm"),
                                                                       cert.norm):
        _fail(step, f"transfer record L^{tr.get('from_norm')!r} -> {tr.get('to_norm')!r} does "
                    f"not match certified_norm={q_raw!r}, norm={cert.norm!r}")
    if cert.norm != "sup":
        try:
            p = mpmath.mpf(cert.norm)
        except (TypeError, ValueError):
            _fail(step, f"target norm must be a real p >= 1 or 'sup', got {cert.norm!r}")
        if not q <= p:
            _fail(step, f"norm monotonicity needs q <= p, got q={q_raw!r} > p={cert.norm!r}")
    elif cert.measure != "sup norm":
        _fail(step, f"a sup-norm certificate must say measure 'sup norm', got {cert.measure!r}")
    if cert.tags.get(LEMMA_T_STATEMENT) not in ("V", "P"):
        _fail("tags", "a transferred certificate must list Lemma T among its statements")
    desc = tr.get("measure")
    problem = probability_measure_problem(desc)
    if problem is not None:
        _fail("probability measure", problem)
    pk_measure = ((ing.get("packing", {}) or {}).get("ingredients", {}) or {}).get("measure")
    if isinstance(pk_measure, dict):
        for key in ("name", "d", "kappa", "n"):
            if pk_measure.get(key) != desc.get(key):
                _fail("probability measure", f"the packing was built for {pk_measure!r}, the "
                                             f"transfer claims {desc!r}")
    if cert.norm != "sup" and tr.get("certified_measure") != cert.measure:
        _fail("probability measure", f"L^q certificate for measure "
                                     f"{tr.get('certified_measure')!r} transferred to "
                                     f"L^p({cert.measure})")
    _VERIFIERS[cert.theorem](cert.certified_view(), dps)


def verify_certificate(cert, dps: int = 50) -> bool:
    """Recompute ``cert``'s chain at ``dps`` digits; raise ``CertificateError`` if a step
    fails, return ``True`` otherwise."""
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 20:
        raise ValueError(f"dps must be an integer >= 20, got {dps!r}")
    if cert.theorem not in _VERIFIERS:
        _fail("theorem", f"unknown theorem {cert.theorem!r}")
    _common(cert)
    with mpmath.workdps(dps):
        if cert.transferred:
            _verify_transfer(cert, dps)
        else:
            _VERIFIERS[cert.theorem](cert, dps)
    return True
