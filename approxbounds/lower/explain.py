"""Plain-text explanation of a certificate's chain of inequalities (words and numbers)."""
from __future__ import annotations

from approxbounds.claims import THEOREMS, measure_label, theorem_label

__all__ = ["explain_certificate", "format_int"]


def format_int(n: int) -> str:
    """Exact for small integers, ``~d.ddde+XX (k digits)`` for huge ones."""
    s = str(n)
    if len(s) <= 15:
        return s
    return f"{s[0]}.{s[1:4]}e+{len(s) - 1} ({len(s)} digits)"


def _g(x, digits=6) -> str:
    return f"{float(x):.{digits}g}"


def _explain_L(c) -> list[str]:
    i = c.ingredients
    pk = i["packing"]
    cap = i["capacity"]
    p = i["p"]
    lines = [
        f"1. Packing ({pk['construction']}, grid m={pk['m']}, tag {pk['tag']}): at least "
        f"2^{_g(i['log2_M'])} functions of F, pairwise >= eps = {_g(i['eps'], 10)} apart in "
        f"L^{_g(p)}({measure_label(c.measure)}); F maps into [a, a+B] = [{_g(i['a'])}, {_g(i['a'] + i['B'])}].",
        "2. Suppose each member f_i had g_i in G with ||f_i - g_i|| < eps/4. Clipping g_i to "
        "[a, a+B] is 1-Lipschitz pointwise, so the clipped g_i stay < eps/4 from f_i and are "
        "pairwise > eps/2 apart.",
        f"3. Per pair, Z = |g_i - g_j|^p / B^p in [0,1] has mean > s = (eps/2B)^p "
        f"(ln s = {_g(i['ln_s'])}); the {i['tail']} tail bound gives "
        f"P(empirical mean <= 2^-p s) <= q_n. With n = {format_int(i['n'])} sample points, "
        "ln C(M,2) + ln q_n < 0, so some sample keeps every pair > eps/4 apart at a sample "
        "point.",
        f"4. Thresholds a + j eps/4, j = 1..K-1, K = ceil(4B/eps) = {format_int(i['K'])}: "
        f"distinct clipped g_i give distinct patterns of thr(G) on N = n(K-1) = "
        f"{format_int(i['N'])} points.",
        f"5. Growth bound ({cap['method']}, tag {cap['tag']}): log2 Pi_thr(G)(N) <= "
        f"{_g(i['log2_Pi'], 10)} < log2 M = {_g(i['log2_M'], 10)} "
        f"(margin {_g(i['margin_bits'])} bits): contradiction.",
        f"6. Hence sup_f inf_g ||f - g||_p >= eps/4 = {_g(c.value, 10)}.",
    ]
    return lines


def _explain_S(c) -> list[str]:
    i = c.ingredients
    cap = i["capacity"]
    return [
        f"1. Sign family (tag {i['family_tag']}): F contains sum_k sigma_k c phi_k for every "
        f"sigma in {{-1,+1}}^N, N = {format_int(i['N_points'])} disjoint bumps, "
        f"c = {_g(i['c'], 10)}.",
        "2. If every such function had g in G with sup error < c, then sgn g(x_k) = sigma_k "
        "at the bump centres: sgn G would shatter N points.",
        f"3. VC bound ({cap['method']}, tag {cap['tag']}): VCdim(sgn G) <= "
        f"{_g(i['VCdim_bound'], 10)} < N: contradiction.",
        f"4. Hence sup_f inf_g ||f - g||_inf >= c = {_g(c.value, 10)}.",
    ]


def _explain_C(c) -> list[str]:
    i = c.ingredients
    pk = i["packing"]
    cap = i["capacity"]
    return [
        f"1. Packing ({pk['construction']}, m={pk['m']}, tag {pk['tag']}): at least "
        f"2^{_g(i['log2_M'])} members pairwise >= eps = {_g(i['eps'], 10)} apart in "
        f"{c.norm_label}.",
        f"2. G is finite ({cap['method']}, tag {cap['tag']}): |G| <= 2^{_g(i['log2_G'], 10)} "
        "< M.",
        "3. If every member were < eps/2 from G, two members would share a nearest g and be "
        "< eps apart: contradiction.",
        f"4. Hence sup_f inf_g ||f - g|| >= eps/2 = {_g(c.value, 10)}.",
    ]


def _explain_D(c) -> list[str]:
    i = c.ingredients
    return [
        f"1. The step function {i['witness']} is monotone with values in {{0, 1}}.",
        f"2. Networks with {i['activation']} activations are continuous. A continuous g takes "
        "at the jump a value t with points nearby where f = 0 and where f = 1, so "
        "sup|f - g| >= max(|t|, |1 - t|) >= 1/2.",
        f"3. Hence sup_f inf_g ||f - g||_inf >= {_g(c.value)}.",
    ]


def _explain_transfer(c, view, step: int) -> list[str]:
    tr = c.ingredients.get("transfer", {}) or {}
    q = _g(c.certified_norm.p)
    mu = tr.get("measure", {}) or {}
    if c.norm.is_sup:
        ineq = (f"||h||_{{L^{q}(mu)}}^{q} = int |h|^{q} dmu <= (sup|h|)^{q} mu(X) = "
                f"||h||_inf^{q}")
        target = "sup norm"
    else:
        p = _g(c.norm.p)
        ineq = (f"Hoelder with exponents p/q, p/(p-q) and mu(X) = 1 give "
                f"||h||_{{L^{q}(mu)}} <= ||h||_{{L^{p}(mu)}}  (q = {q} <= p = {p})")
        target = c.norm_label
    return [
        f"{step}. Norm transfer (Lemma T, tag P): the chain above was checked in "
        f"{view.norm_label}. mu = {mu.get('name', '?')} (d={mu.get('d', '?')}) is a "
        f"probability measure, so for every h: {ineq}. Applied to h = f - g and taking "
        f"inf over g, sup over f: dist in {target} >= dist in {view.norm_label} >= "
        f"{_g(c.value, 10)}.",
    ]


def _explain_P(c) -> list[str]:
    i = c.ingredients
    w = i["witness"]
    shape = ("tent teeth of height H = 1/2 m^-alpha (alpha = " + _g(w["alpha"]) + ")"
             if w["shape"] == "tent" else "a staircase whose jumps have height H = 1/m")
    kind = i["pieces_kind"]
    if c.norm.is_sup:
        last = (f"4. On an unsplit tooth a {kind} piece stays >= H kappa_inf = H/2 away in sup "
                f"norm, so sup_f inf_g ||f - g||_inf >= {_g(c.value, 10)}.")
    else:
        last = (f"4. On each unsplit tooth, int |f* - g|^p dmu >= kappa_mu h H^p kappa_p "
                f"(kappa_mu = {_g(i['kappa_mu'])}, kappa_p the shape constant of the "
                f"{w['shape']} against {kind} pieces, h = 1/m); summing over the unsplit teeth, "
                f"||f* - g||_p >= H (kappa_mu kappa_p (n - P + 1)/m)^(1/p) = {_g(c.value, 10)}.")
    return [
        f"1. Witness f* in F at scale m = {format_int(i['m'])}: on n = {format_int(i['n_teeth'])} "
        f"disjoint intervals of width 1/m it is an affine function plus {shape}.",
        f"2. Pieces ({i['pieces']['method']}, tag {i['pieces']['tag']}): every g in G is "
        f"{kind} on each of at most P = {format_int(i['P'])} intervals of [0,1] (Lemma P).",
        f"3. Its P - 1 breakpoints split at most P - 1 teeth: n - P + 1 = "
        f"{format_int(i['unsplit'])} teeth lie inside one {kind} piece of g.",
        last,
    ]


_EXPLAIN = {"L": _explain_L, "S": _explain_S, "C": _explain_C, "D": _explain_D, "P": _explain_P}


def _label(a) -> str:
    if a.transferred:
        return f"{a.norm_label}, obtained at {a.certified_view().norm_label} + Lemma T"
    return a.norm_label


def explain_certificate(cert, *, ablation: bool = True) -> str:
    """The chain of ``cert`` in words and numbers, followed by its tags, an ablation (what
    each step of the chain costs, :mod:`approxbounds.lower.ablation`) and the alternatives.

    A transferred certificate (Lemma T) shows its chain at the norm ``q`` where it was
    checked, then the transfer step to the requested norm.
    """
    head = [cert.summary(), f"{THEOREMS[cert.theorem].label}: {THEOREMS[cert.theorem].statement}."]
    view = cert.certified_view()
    body = _EXPLAIN[cert.theorem](view)
    if cert.transferred:
        body += _explain_transfer(cert, view, len(body) + 1)
    tags = ["Statements relied on (all certified):"]
    tags += [f"  [{t}] {s}" for s, t in cert.tags.items()]
    if ablation:
        from .ablation import ablation as _ablation, format_ablation

        tags += format_ablation(_ablation(cert))
    alts = []
    if cert.alternatives:
        alts.append("Other applicable certificates:")
        alts += [f"  {theorem_label(a.theorem)}: {a.value:.6g} ({_label(a)})"
                 for a in cert.alternatives]
    return "\n".join(head + body + tags + alts)

