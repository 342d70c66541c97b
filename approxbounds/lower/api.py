r"""``lower_bound(F, G, norm, measure)``: the strongest certified lower bound on
:math:`\sup_{f\in F}\inf_{g\in G}\|f-g\|` found by Theorems L, S, C and Lemma D.

For every theorem that applies and every packing construction of ``F`` the scale of the
packing (its integer grid parameter ``m``) is searched for the smallest ``m`` whose
hypotheses hold (:func:`~approxbounds.lower.search.smallest_true`), which gives the best
value of that route. All resulting certificates are kept; the strongest is returned and the
others are listed in its ``alternatives``.

* ``norm = p`` (real ``>= 1``): Theorem L for every construction; Theorem C too when ``G``
  is a finite (fully quantized) class.
* ``norm = "sup"``: Theorem S (sign families of bumps vs VCdim), Theorem C with sup-norm
  packings for finite ``G``, Lemma D for classes with a monotone step function against
  continuous networks.
* Lemma T (norm monotonicity on a probability measure, docs/theory.md §7): every
  certificate found at ``L^q(mu)`` for ``q`` in ``TRANSFER_NORMS = (1, 2, 4)`` with
  ``q < p`` (every such ``q`` for the sup norm) is also a certificate at ``norm``; these
  transferred certificates compete with the direct ones. All measures of
  :mod:`approxbounds.classes.measures` are probability measures.

The direct certificates of each ``(F, G, norm, measure, tail, construction, m_max, search)``
are cached (LRU, :func:`clear_cache`, :func:`cache_info`), so that the transfer routes of a
later call at a larger norm cost a dictionary look-up; callers always receive copies.
"""
from __future__ import annotations

import json
import math
from collections import OrderedDict

from approxbounds.capacity.growth import growth_model
from approxbounds.claims import CertificateError, domain_problem, network_label
from approxbounds.norms import Norm
from approxbounds.rederive import derived_claim

from .._validation import check_bool, check_choice
from .certificate import Certificate
from .derive import derive, piece_route_parts, transfer
from .search import M_MAX, first_power_of_two, smallest_positive, smallest_true
from .tails import TAILS
from .theorems import (
    TRANSFER_NORMS,
    Derivation,
    _tree_copy,
    theorem_L_condition,
    theorem_P_ln_value,
)

__all__ = ["lower_bound", "certificates", "NoCertificateError", "describe_network",
           "clear_cache", "cache_info", "P_DIRECT_MAX"]

#: Largest finite ``p`` at which the direct routes (Theorems L and C at ``L^p``) are tried. Beyond
#: it the per-pair tail rate :math:`(\varepsilon/2B)^p` is so small that the sample size, and
#: with it the growth function, make Theorem L hopeless, and the exact arithmetic of its
#: re-check would need thousands of digits; certificates at such ``p`` come from Lemma T
#: (``q`` in ``TRANSFER_NORMS``), which holds for every ``p``.
P_DIRECT_MAX = 32.0

#: Largest number of cached ``(F, G, norm, ...)`` entries (least recently used dropped).
CACHE_SIZE = 8192
_CACHE: "OrderedDict[tuple, tuple]" = OrderedDict()
_STATS = {"hits": 0, "misses": 0}


class NoCertificateError(ValueError):
    """No theorem yields a positive certified bound for this (F, G, norm)."""


def describe_network(arch) -> str:
    """Short description of a network class, e.g. ``relu net 2,35x9,1 (W=10222)``."""
    return network_label(arch)


def _coerce_arch(G):
    from approxbounds.capacity.networks import as_network_class

    return as_network_class(G)


def _coerce_class(F):
    from approxbounds.classes.base import FunctionClass

    if not isinstance(F, FunctionClass):
        raise TypeError(f"F must be a function class such as approxbounds.Holder(d, alpha) or "
                        f"approxbounds.Monotone(d), got {type(F).__name__} {F!r}")
    return F


def _constructions(F, construction, norm):
    names = tuple(F.constructions_for(norm.p))
    if construction is None:
        return names
    if construction not in names:
        raise ValueError(f"unknown construction {construction!r} for this norm; valid values: "
                         f"{', '.join(map(str, names))}")
    return (construction,)


class _Scales:
    """Closed-form separation/size of one construction (``F.packing_scales``), with the
    actual :class:`Packing` built only where a certificate is issued."""

    def __init__(self, F, norm, measure, construction, delta):
        self.fam = F.packing_scales("sup" if norm.is_sup else norm.p, measure, construction,
                                    delta=delta)
        self.closed = bool(getattr(self.fam, "closed_form", False))
        self._packings = {}

    def packing(self, m):
        if m not in self._packings:
            self._packings[m] = self.fam.packing(m)
        return self._packings[m]

    def point(self, m):
        """``(separation, log2_size)`` at grid size ``m``."""
        if self.closed:
            return self.fam.separation(m), self.fam.log2_size(m)
        pk = self.packing(m)
        return float(pk.separation), float(pk.log2_size)


def _issue(F, arch, norm, mu, theorem, route, notes, what):
    """The certificate of ``route`` (through :func:`derive`, as verify re-derives it), or
    ``None`` with a note when its hypotheses fail at that route."""
    try:
        der = derive(theorem, F, arch, norm, mu, route)
    except CertificateError as exc:
        notes.append(f"{what}: {exc.detail}")
        return None
    return _certificate(F, arch, norm, mu, route, der)


def _certificate(F, arch, norm, mu, route, der: Derivation) -> Certificate:
    return Certificate(derived_claim("lower", F, arch, mu, der), dict(route), der.ingredients, der.tags)


#: Relative code distances ``delta`` of the packings tried, jointly with the grid size ``m``
#: (dyadic, so exact in JSON). A larger ``delta`` separates the members more but leaves fewer
#: of them (Gilbert-Varshamov); on the report's examples the best value moves by up to 30 %
#: (1/16 and 3/8 never won on the benchmark grid; the ablation of explain() tries a finer grid).
DELTAS = (1 / 8, 3 / 16, 1 / 4, 5 / 16)


def _issue_best(F, arch, norm, mu, theorem, candidates, notes, what):
    """Issue the candidate route with the largest predicted value (float closed forms); if
    its exact re-derivation fails, the next one, and so on. ``candidates`` holds
    ``(predicted_value, route)`` pairs."""
    sub = []
    for _, route in sorted(candidates, key=lambda c: -c[0]):
        cert = _issue(F, arch, norm, mu, theorem, route, sub,
                      f"{what} at m={route['m']}, delta={route['delta']:g}")
        if cert is not None:
            return cert
    if sub:
        more = len(candidates) - 1
        notes.append(sub[0] + (f" (and likewise at {more} other delta)" if more else ""))
    return None


def _search_L(F, arch, norm, mu, construction, tail, m_hi, notes, find):
    """Theorem L jointly over the code distance ``delta`` (:data:`DELTAS`) and the scale ``m``:
    each ``delta`` gets its smallest admissible ``m`` (closed forms, no certificate built),
    and only the best ``(m, delta)`` is issued."""
    candidates, hint = [], None
    for delta in DELTAS:
        m, eps = _scale_L(F, arch, norm, mu, construction, tail, m_hi, find, delta, hint)
        hint = m if hint is None else hint
        if m is not None:
            candidates.append((eps / 4.0, {"construction": construction, "m": int(m),
                                           "tail": tail, "delta": delta}))
    if not candidates:
        notes.append(f"Theorem L ({construction}): hypotheses fail for every m <= {m_hi} and "
                     f"delta in {{{', '.join(f'{d:g}' for d in DELTAS)}}}")
        return None
    return _issue_best(F, arch, norm, mu, "L", candidates, notes, f"Theorem L ({construction})")


def _scale_L(F, arch, norm, mu, construction, tail, m_hi, find, delta, hint=None):
    """``(m, separation)``: the smallest ``m`` whose Theorem L hypotheses hold at ``delta``
    (``(None, None)`` if none does up to ``m_hi``). ``hint``, the answer at another delta,
    starts the search nearby (``hint // 8``); when the hypotheses already hold there, the
    search restarts from 1, so the answer is the same as without a hint."""
    model = growth_model(arch)
    scales = _Scales(F, norm, mu, construction, delta)
    B = float(F.B)

    def score(m):
        eps, log2_m = scales.point(m)
        if not (0.0 < eps <= B):
            return -math.inf
        if log2_m == math.inf:   # beyond the double range: the counting condition holds
            return 1.0
        return theorem_L_condition(log2_m, eps, B, norm.p, model.fast, tail, exact=False).score

    if find is smallest_true:
        lo = max(1, (hint or 0) // 8)
        m = smallest_positive(score, lo, m_hi)
        if m == lo and lo > 1:
            m = smallest_positive(score, 1, m_hi)
    else:
        m = find(lambda m: score(m) > 0, 1, m_hi)
    return (None, None) if m is None else (m, scales.point(m)[0])


def _search_C(F, arch, norm, mu, construction, m_hi, notes, find):
    """Theorem C jointly over ``delta`` (:data:`DELTAS`; the sup-norm packings take every
    code word, so ``delta`` plays no role there) and the smallest admissible ``m``."""
    model = growth_model(arch)
    if model.size_bound is None:
        return None
    b = float(model.size_bound.value)
    candidates = []
    for delta in ((1 / 8,) if norm.is_sup else DELTAS):
        scales = _Scales(F, norm, mu, construction, delta)

        def pred(m, scales=scales):
            eps, log2_m = scales.point(m)
            return eps > 0 and log2_m > b + 1e-9 * max(1.0, b)

        m = find(pred, 1, m_hi)
        if m is not None:
            candidates.append((scales.point(m)[0] / 2.0,
                               {"construction": construction, "m": int(m), "delta": delta}))
    if not candidates:
        notes.append(f"Theorem C ({construction}): no packing with more than 2^{b:g} members "
                     f"for m <= {m_hi}")
        return None
    return _issue_best(F, arch, norm, mu, "C", candidates, notes, f"Theorem C ({construction})")


def _search_S(F, arch, m_hi, notes, find):
    model = growth_model(arch)
    vc = model.vcdim
    try:
        F.sign_family(1)
    except ValueError as exc:
        notes.append(f"Theorem S: {exc}")
        return None
    except (AttributeError, NotImplementedError):
        notes.append("Theorem S: the function class has no sign family")
        return None
    V = float(vc.value)
    refused = []          # scales whose sign family cannot be built (e.g. beyond 2^1000 cells)

    def enough(m):
        try:
            return int(F.sign_family(m).N) > V
        except ValueError as exc:
            refused.append(str(exc))
            raise

    m = find(enough, 1, m_hi)
    if m is None:
        why = f"; the first refused scale: {refused[0]}" if refused else ""
        notes.append(f"Theorem S: no sign family with more than {V:g} bumps for m <= {m_hi}{why}")
        return None
    return _issue(F, arch, Norm.parse("sup"), None, "S", {"m": int(m)}, notes, f"Theorem S at m={m}")


def _search_P(F, arch, norm, mu, notes):
    """Theorem P at the scale ``m`` that maximises its value (closed form in ``m``; the
    objective is unimodal, so an integer ternary search finds the maximum)."""
    try:
        witness, pieces, kappa_mu = piece_route_parts(F, arch, norm, mu)
    except CertificateError as exc:
        notes.append(f"Theorem P: {exc.detail}")
        return None
    P, kind = pieces.ingredients["P"], pieces.ingredients["kind"]
    ln_k, ln_kmu, p = witness.ln_kappa(norm, kind), math.log(kappa_mu), norm.p

    def objective(m):
        return theorem_P_ln_value(witness.ln_height(m), witness.n_teeth(m), P, m, ln_k, ln_kmu, p)

    lo = P + witness.m_min - 1            # first scale with n_teeth >= P
    if not norm.is_sup:
        hi = 4 * lo + 8                   # the maximiser is below c (1 + 1/(alpha p)) <= 2 lo
        while hi - lo > 2:
            a, b = lo + (hi - lo) // 3, hi - (hi - lo) // 3
            if objective(a) < objective(b):
                lo = a + 1
            else:
                hi = b
        lo = max(range(lo, hi + 1), key=objective)
    return _issue(F, arch, norm, mu, "P", {"m": int(lo)}, notes, f"Theorem P at m={lo}")


def _lemma_D(F, arch, notes):
    if getattr(F, "sup_norm_discontinuity", None) is None:
        return None
    cert = _issue(F, arch, Norm.parse("sup"), None, "D", {}, [], "Lemma D")
    if cert is None:
        act = getattr(getattr(arch, "activation", None), "name", None)
        notes.append("Lemma D (sup_norm_discontinuity(): distance >= 1/2 from every "
                     "continuous network) does not apply: "
                     + (f"activation {act!r} gives discontinuous networks" if act is not None
                        else "the network class is not known to consist of continuous functions"))
    return cert


def _drop_discontinuity_advice(notes):
    """Remove advice to use ``sup_norm_discontinuity()`` from the notes (when Lemma D does
    not apply to the network class, that advice contradicts the Lemma D note)."""
    out = []
    for note in notes:
        if note.startswith("Theorem S:") and "sup_norm_discontinuity" in note:
            parts = [part for part in note.split("; ") if "sup_norm_discontinuity" not in part]
            note = "; ".join(parts)
        out.append(note)
    return out


def clear_cache() -> None:
    """Forget every cached set of direct certificates."""
    _CACHE.clear()
    _STATS.update(hits=0, misses=0)


def cache_info() -> dict:
    """``{"size", "max_size", "hits", "misses"}`` of the certificate cache."""
    return {"size": len(_CACHE), "max_size": CACHE_SIZE, **_STATS}


def _cache_key(F, arch, norm, mu, tail, construction, m_max, search):
    try:
        fkey = json.dumps(F.to_dict(), sort_keys=True)
        mkey = None if mu is None else json.dumps(mu.to_dict(), sort_keys=True)
        key = (fkey, arch, norm, mkey, tail, construction, m_max, search)
        hash(key)
    except (TypeError, ValueError, AttributeError):
        return None
    return key


def _copy(cert) -> Certificate:
    """An independent copy (nested route and ingredients copied)."""
    return Certificate(cert.claim, _tree_copy(cert.route), _tree_copy(cert.ingredients), dict(cert.tags))


def _direct(F, arch, norm, mu, tail, construction, m_max, search):
    """Direct certificates at ``norm`` and notes, cached; the returned objects are shared
    with the cache and must be copied before they leave this module."""
    key = _cache_key(F, arch, norm, mu, tail, construction, m_max, search)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        _STATS["hits"] += 1
        return _CACHE[key]
    _STATS["misses"] += 1
    find = smallest_true if search else first_power_of_two
    notes, certs = [], []
    if norm.is_sup:
        c = _search_S(F, arch, m_max, notes, find)
        if c is not None:
            certs.append(c)
        d = _lemma_D(F, arch, notes)
        if d is not None:
            certs.append(d)
        c = _search_P(F, arch, norm, None, notes)
        if c is not None:
            certs.append(c)
        elif getattr(F, "sup_norm_discontinuity", None) is not None:
            notes = _drop_discontinuity_advice(notes)
        for cons in _constructions(F, construction, norm):
            try:
                c = _search_C(F, arch, norm, None, cons, m_max, notes, find)
            except (ValueError, TypeError) as exc:
                notes.append(f"Theorem C ({cons}, sup): {exc}")
                c = None
            if c is not None:
                certs.append(c)
    elif norm.p > P_DIRECT_MAX:
        notes.append(f"direct routes L and C at {norm.label} are not attempted for p > "
                     f"{P_DIRECT_MAX:g} (the per-pair tail (eps/2B)^p leaves Theorem L no room); "
                     f"see Lemma T")
        c = _search_P(F, arch, norm, mu, notes)
        if c is not None:
            certs.append(c)
    else:
        c = _search_P(F, arch, norm, mu, notes)
        if c is not None:
            certs.append(c)
        for cons in _constructions(F, construction, norm):
            c = _search_L(F, arch, norm, mu, cons, tail, m_max, notes, find)
            if c is not None:
                certs.append(c)
            c = _search_C(F, arch, norm, mu, cons, m_max, notes, find)
            if c is not None:
                certs.append(c)
    result = (tuple(certs), tuple(notes))
    if key is not None:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _transfer(inner: Certificate, F, arch, norm, mu_claim) -> Certificate:
    """Lemma T applied to a direct certificate at ``L^q(mu)`` (the same code as
    :func:`derive`'s transfer, so that verify re-derives it exactly)."""
    from approxbounds.classes.measures import measure_from_dict

    der = Derivation(inner.value, inner.theorem, inner.norm, inner.ingredients, inner.tags, {})
    out = transfer(der, F, arch, norm, measure_from_dict(inner.measure), mu_claim)
    route = {**inner.route, "certified_norm": inner.norm.to_json(), "certified_measure": inner.measure}
    return _certificate(F, arch, norm, mu_claim, route, out)


def _transferred(F, arch, norm, mu, tail, construction, m_max, search, notes):
    """Lemma T candidates: direct certificates at ``q < norm`` carried over to ``norm``."""
    from .theorems import probability_measure_problem

    out = []
    problem = probability_measure_problem(mu.to_dict())
    if problem is not None:   # Lemma T cannot be applied: skip the L^q searches altogether
        notes.append(f"Lemma T: not applied ({problem})")
        return out
    for qv in TRANSFER_NORMS:
        q = Norm.parse(qv)
        if not q < norm:
            continue
        try:
            inner, _ = _direct(F, arch, q, mu, tail, construction, m_max, search)
        except ValueError as exc:  # e.g. a construction that does not exist at L^q
            notes.append(f"Lemma T from {q.label}: {exc}")
            continue
        found = [c for c in inner if c.theorem in ("L", "C")]
        if not found:
            notes.append(f"Lemma T from {q.label}: no certificate at {q.label} either")
        for c in found:
            try:
                out.append(_transfer(c, F, arch, norm, None if norm.is_sup else mu))
            except CertificateError as exc:   # e.g. a measure Lemma T cannot certify as probability
                notes.append(f"Lemma T from {q.label}: {exc.detail}")
    return out


def certificates(F, G, norm=2, measure=None, tail: str = "chernoff", *,
                 construction=None, m_max: int = M_MAX, search: bool = True,
                 transfer: bool = False):
    """Every certificate found (unsorted) and the notes on routes that did not apply.

    By default only the direct routes at ``norm``; with ``transfer=True`` (what
    :func:`lower_bound` uses) also those carried over from ``L^q``, ``q`` in
    ``TRANSFER_NORMS`` below ``norm``, by Lemma T (after the direct ones).
    """
    from approxbounds.classes.measures import check_measure

    F = _coerce_class(F)
    norm = Norm.parse(norm)
    check_choice("tail", tail, TAILS)
    arch = _coerce_arch(G)
    if isinstance(m_max, bool) or not isinstance(m_max, int) or m_max < 1:
        raise ValueError(f"m_max must be an integer >= 1, got {m_max!r}")
    check_bool("transfer", transfer)
    check_bool("search", search)
    if measure is not None and getattr(measure, "d", F.d) != F.d:
        raise ValueError(f"measure dimension {measure.d} differs from the class dimension {F.d}")
    if getattr(arch, "d_in", F.d) != F.d:
        raise ValueError(f"G has input dimension {arch.d_in}, F lives on [0,1]^{F.d}")
    # a class on another domain (e.g. sequences) checks its measure and supplies its default
    own_check = getattr(F, "check_measure", None)
    mu = own_check(measure) if callable(own_check) else check_measure(measure, F.d)
    problem = domain_problem(F, arch, mu)
    if problem is not None:
        raise ValueError(f"{problem[0]}: {problem[1]}")
    direct, direct_notes = _direct(F, arch, norm, mu, tail, construction, m_max, search)
    certs, notes = [_copy(c) for c in direct], list(direct_notes)
    if transfer:
        certs += _transferred(F, arch, norm, mu, tail, construction, m_max, search, notes)
    return certs, notes


def lower_bound(F, G, norm=2, measure=None, tail: str = "chernoff", search: bool = True,
                *, construction=None, m_max: int = M_MAX, transfer: bool = True):
    r"""Strongest certified lower bound on :math:`\sup_{f\in F}\inf_{g\in G}\|f-g\|`.

    Parameters
    ----------
    F : FunctionClass
        E.g. ``Holder(d, alpha)`` or ``Monotone(d)`` from :mod:`approxbounds.classes`.
    G : Architecture or str
        Network class (a spec string such as ``"2,35x9,1"`` means a ReLU MLP).
    norm : float >= 1, "sup" or Norm
        ``p`` of :math:`L^p(\mu)` or the sup norm (parsed by :meth:`Norm.parse`).
    measure : Measure, optional
        :math:`\mu` for ``L^p`` (default Lebesgue on :math:`[0,1]^d`).
    tail : {"chernoff", "hoeffding"}
        Per-pair tail bound used by Theorem L.
    search : bool
        ``True``: search the packing scale for the best value per theorem and
        construction. ``False``: stop at the first admissible scale found by galloping
        (``m = 1, 2, 4, ...``; cheaper, weaker).
    transfer : bool
        Also consider certificates obtained at ``L^q(measure)``, ``q`` in ``{1, 2, 4}``
        below ``norm`` (all three for ``"sup"``), carried over by Lemma T
        (:math:`\|h\|_{L^q(\mu)} \le \|h\|_{L^p(\mu)} \le \|h\|_\infty` for a
        probability measure :math:`\mu`). Such a certificate says so: its
        ``certified_norm`` is ``q``, ``transferred`` is true, Lemma T is among its tags.
    construction : str, optional
        Restrict to one packing construction of ``F``.
    m_max : int
        Largest grid parameter tried (default ``1e14``).

    Returns
    -------
    Certificate
        The largest certified value; ``alternatives`` holds every other applicable
        certificate, direct or transferred (strongest first; on ties direct ones first).

    Raises
    ------
    NoCertificateError
        (a ``ValueError``) when no theorem applies; the message lists why.
    """
    certs, notes = certificates(F, G, norm, measure, tail, construction=construction,
                                m_max=m_max, search=search, transfer=transfer)
    if not certs:
        why = "; ".join(notes) or "no applicable theorem"
        raise NoCertificateError(f"no certified lower bound for this (F, G, norm): {why}")
    certs.sort(key=lambda c: c.value, reverse=True)
    best = certs[0]
    best.alternatives = certs[1:]
    return best
