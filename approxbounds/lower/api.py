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

import math
from collections import OrderedDict

import mpmath

from .._validation import check_bool, check_choice, check_real
from .growth_model import growth_model
from .search import M_MAX, first_power_of_two, smallest_positive, smallest_true
from .tails import TAILS
from .certificate import Certificate
from .theorems import (TRANSFER_NORMS, _tree_copy, lemma_D, norm_transfer, theorem_C,
                       theorem_L, theorem_L_condition, theorem_S)

__all__ = ["lower_bound", "certificates", "NoCertificateError", "describe_network",
           "clear_cache", "cache_info"]

#: Largest number of cached ``(F, G, norm, ...)`` entries (least recently used dropped).
CACHE_SIZE = 8192
_CACHE: "OrderedDict[tuple, tuple]" = OrderedDict()
_STATS = {"hits": 0, "misses": 0}


class NoCertificateError(ValueError):
    """No theorem yields a positive certified bound for this (F, G, norm)."""


def describe_network(arch) -> str:
    """Short description of a network class, e.g. ``relu net 2,35x9,1 (W=10222)``."""
    q = arch.quantization
    bits = "" if q is None else f", {q.bits}-bit {q.tensors}, {q.n_float} float scalars"
    return f"{arch.activation.name} net {arch.spec()} (W={arch.W}{bits})"


def _describe_class(F) -> str:
    name = getattr(F, "name", None)
    return str(name) if name else repr(F)


def _describe_measure(measure) -> str:
    if measure is None:
        return "Lebesgue"
    name = getattr(measure, "name", None) or type(measure).__name__
    kappa = getattr(measure, "kappa", None)
    if kappa is not None:
        return f"{name}(kappa={kappa})"
    n = getattr(measure, "n", None)
    return f"{name}(n={n})" if n is not None else str(name)


def _coerce_norm(norm):
    if isinstance(norm, str):
        if norm in ("sup", "inf", "max"):
            return "sup"
        raise ValueError(f"norm must be a real p >= 1 or 'sup', got {norm!r}")
    if isinstance(norm, (int, float)) and not isinstance(norm, bool) and math.isinf(norm):
        return "sup"
    return check_real("norm", norm, low=1.0)


def _coerce_arch(G):
    from approxbounds.capacity import Architecture

    if isinstance(G, str):
        return Architecture.parse(G)
    if not isinstance(G, Architecture):
        raise TypeError(f"G must be an Architecture (or a spec string like '2,35x9,1'), "
                        f"got {type(G).__name__}")
    return G


def _constructions(F, construction, p):
    names = tuple(F.constructions_for(math.inf if p == "sup" else p))
    if construction is None:
        return names
    if construction not in names:
        raise ValueError(f"unknown construction {construction!r} for this norm; valid values: "
                         f"{', '.join(map(str, names))}")
    return (construction,)


class _Scales:
    """Closed-form separation/size of one construction (``F.packing_scales``), with the
    actual :class:`Packing` built only where a certificate is issued."""

    def __init__(self, F, p, measure, construction):
        self.fam = F.packing_scales(p, measure, construction)
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


def _growth_mp(model, bound):
    method, ingr = bound.method, dict(bound.ingredients)

    def evaluate(N, dps):
        with mpmath.workdps(dps):
            return model.log2_growth_mp(method, N, ingr)

    return evaluate


def _search_L(F, arch, p, measure, construction, tail, m_hi, notes, find):
    model = growth_model(arch)
    scales = _Scales(F, p, measure, construction)
    B = float(F.B)

    def score(m):
        eps, log2_m = scales.point(m)
        if not (0.0 < eps <= B):
            return -math.inf
        return theorem_L_condition(log2_m, eps, B, p, model.fast, tail, exact=False).score

    if find is smallest_true:
        m = smallest_positive(score, 1, m_hi)
    else:
        m = find(lambda m: score(m) > 0, 1, m_hi)
    if m is None:
        notes.append(f"Theorem L ({construction}): hypotheses fail for every m <= {m_hi}")
        return None
    pk = scales.packing(m)
    eps, log2_m = float(pk.separation), float(pk.log2_size)
    cond = theorem_L_condition(log2_m, eps, B, p, model.bound, tail)
    if not cond.holds:  # the packing object disagrees with the closed form: skip honestly
        notes.append(f"Theorem L ({construction}): hypotheses fail at m={m} for the packing")
        return None
    return theorem_L(pk, a=float(F.a), B=B, p=p, growth=model.bound, tail=tail,
                     function_class=_describe_class(F), network_class=describe_network(arch),
                     measure=_describe_measure(measure),
                     growth_mp=_growth_mp(model, cond.bound), condition=cond)


def _search_C(F, arch, norm, measure, construction, m_hi, notes, find):
    model = growth_model(arch)
    if model.size_bound is None:
        return None
    b = float(model.size_bound.value)
    scales = _Scales(F, norm, measure, construction)

    def pred(m):
        eps, log2_m = scales.point(m)
        return eps > 0 and log2_m > b + 1e-9 * max(1.0, b)

    m = find(pred, 1, m_hi)
    if m is None:
        notes.append(f"Theorem C ({construction}): no packing with more than 2^{b:g} members "
                     f"for m <= {m_hi}")
        return None
    return theorem_C(scales.packing(m), model.size_bound, norm=norm,
                     measure=_describe_measure(measure), function_class=_describe_class(F),
                     network_class=describe_network(arch),
                     size_mp=lambda dps: _at_dps(dps, model.size_mp))


def _at_dps(dps, fn, *args):
    with mpmath.workdps(dps):
        return fn(*args)


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
    m = find(lambda m: int(F.sign_family(m).N) > V, 1, m_hi)
    if m is None:
        notes.append(f"Theorem S: no sign family with more than {V:g} bumps for m <= {m_hi}")
        return None
    return theorem_S(F.sign_family(m), vc, function_class=_describe_class(F),
                     network_class=describe_network(arch),
                     vcdim_mp=lambda dps: _at_dps(dps, model.vcdim_mp, vc))


def _lemma_D(F, arch, notes):
    fn = getattr(F, "sup_norm_discontinuity", None)
    if fn is None:
        return None
    try:
        info = fn()
    except (ValueError, NotImplementedError) as exc:
        notes.append(f"Lemma D: {exc}")
        return None
    value = float(getattr(info, "value", 0.5) if not isinstance(info, (int, float)) else info)
    tag = getattr(info, "tag", "P")
    witness = "f(x) = 1[x_1 >= 1/2]"
    cert = lemma_D(arch.activation.name, function_class=_describe_class(F),
                   network_class=describe_network(arch), value=min(value, 0.5), tag=tag,
                   witness=str(witness))
    if cert is None:
        notes.append(f"Lemma D (sup_norm_discontinuity(): distance >= 1/2 from every "
                     f"continuous network) does not apply: activation "
                     f"{arch.activation.name!r} gives discontinuous networks")
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


def _class_key(F):
    to_dict = getattr(F, "to_dict", None)
    if not callable(to_dict):
        return None
    try:
        desc = to_dict()
        key = (type(F).__name__, tuple(sorted(desc.items())))
        hash(key)
    except (TypeError, AttributeError):
        return None
    return key


def _cache_key(F, arch, norm, measure, tail, construction, m_max, search):
    fkey = _class_key(F)
    if fkey is None:
        return None
    key = (fkey, arch, norm, measure, tail, construction, m_max, search)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _copy(cert) -> Certificate:
    """An independent copy (nested ingredients copied; evaluators shared)."""
    return Certificate(value=cert.value, theorem=cert.theorem, norm=cert.norm,
                       measure=cert.measure, function_class=cert.function_class,
                       network_class=cert.network_class,
                       ingredients=_tree_copy(cert.ingredients), tags=dict(cert.tags),
                       recompute=dict(cert.recompute))


def _direct(F, arch, norm, measure, tail, construction, m_max, search):
    """Direct certificates at ``norm`` and notes, cached; the returned objects are shared
    with the cache and must be copied before they leave this module."""
    key = _cache_key(F, arch, norm, measure, tail, construction, m_max, search)
    if key is not None and key in _CACHE:
        _CACHE.move_to_end(key)
        _STATS["hits"] += 1
        return _CACHE[key]
    _STATS["misses"] += 1
    find = smallest_true if search else first_power_of_two
    notes, certs = [], []
    if norm == "sup":
        c = _search_S(F, arch, m_max, notes, find)
        if c is not None:
            certs.append(c)
        d = _lemma_D(F, arch, notes)
        if d is not None:
            certs.append(d)
        elif getattr(F, "sup_norm_discontinuity", None) is not None:
            notes = _drop_discontinuity_advice(notes)
        for cons in _constructions(F, construction, "sup"):
            try:
                c = _search_C(F, arch, "sup", None, cons, m_max, notes, find)
            except (ValueError, TypeError) as exc:
                notes.append(f"Theorem C ({cons}, sup): {exc}")
                c = None
            if c is not None:
                certs.append(c)
    else:
        for cons in _constructions(F, construction, norm):
            c = _search_L(F, arch, norm, measure, cons, tail, m_max, notes, find)
            if c is not None:
                certs.append(c)
            c = _search_C(F, arch, norm, measure, cons, m_max, notes, find)
            if c is not None:
                certs.append(c)
    network = arch.to_dict()
    for c in certs:
        c.ingredients.setdefault("network", network)
    result = (tuple(certs), tuple(notes))
    if key is not None:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def _measure_desc(F, measure) -> dict:
    if measure is None:
        return {"name": "lebesgue", "d": F.d}
    return dict(measure.to_dict())


def _transferred(F, arch, norm, measure, tail, construction, m_max, search, notes):
    """Lemma T candidates: direct certificates at ``q < norm`` carried over to ``norm``."""
    out = []
    desc = _measure_desc(F, measure)
    for q in TRANSFER_NORMS:
        if norm != "sup" and not q < norm:
            continue
        try:
            inner, _ = _direct(F, arch, q, measure, tail, construction, m_max, search)
        except ValueError as exc:  # e.g. a construction that does not exist at L^q
            notes.append(f"Lemma T from L^{q:g}: {exc}")
            continue
        found = [c for c in inner if c.theorem in ("L", "C")]
        if not found:
            notes.append(f"Lemma T from L^{q:g}: no certificate at L^{q:g} either")
        out.extend(norm_transfer(c, norm, desc) for c in found)
    return out


def certificates(F, G, norm=2, measure=None, tail: str = "chernoff", *,
                 construction=None, m_max: int = M_MAX, search: bool = True,
                 transfer: bool = False):
    """Every certificate found (unsorted) and the notes on routes that did not apply.

    By default only the direct routes at ``norm``; with ``transfer=True`` (what
    :func:`lower_bound` uses) also those carried over from ``L^q``, ``q`` in
    ``TRANSFER_NORMS`` below ``norm``, by Lemma T (after the direct ones).
    """
    norm = _coerce_norm(norm)
    check_choice("tail", tail, TAILS)
    arch = _coerce_arch(G)
    if isinstance(m_max, bool) or not isinstance(m_max, int) or m_max < 1:
        raise ValueError(f"m_max must be an integer >= 1, got {m_max!r}")
    check_bool("transfer", transfer)
    if measure is not None and getattr(measure, "d", F.d) != F.d:
        raise ValueError(f"measure dimension {measure.d} differs from the class dimension {F.d}")
    if arch.d_in != F.d:
        raise ValueError(f"G has input dimension {arch.d_in}, F lives on [0,1]^{F.d}")
    direct, direct_notes = _direct(F, arch, norm, measure, tail, construction, m_max, search)
    certs, notes = [_copy(c) for c in direct], list(direct_notes)
    if transfer:
        certs += _transferred(F, arch, norm, measure, tail, construction, m_max, search, notes)
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
    norm : float >= 1 or "sup"
        ``p`` of :math:`L^p(\mu)` or the sup norm.
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
    check_bool("search", search)
    certs, notes = certificates(F, G, norm, measure, tail, construction=construction,
                                m_max=m_max, search=search, transfer=transfer)
    if not certs:
        why = "; ".join(notes) or "no applicable theorem"
        raise NoCertificateError(f"no certified lower bound for this (F, G, norm): {why}")
    certs.sort(key=lambda c: c.value, reverse=True)
    best = certs[0]
    best.alternatives = certs[1:]
    return best
