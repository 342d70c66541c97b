"""Symbolic rates of the lower bounds: ``rate(F, G, norm)`` → :class:`Rate`.

Everything here is *rate only* [R]: exponents and log factors, never a certified constant.

Derivation (done by sympy at call time, not typed in). Write t = log M(ε) and
ℓ = log(1/ε), so that t ≍ ε^(−e) ℓ^k with e the entropy exponent of F (docs/rates.md §1) and
k its log power. The lower-bound theorems L, S, C of docs/theory.md §3-5 say that an
ε-packing of F can be approximated to accuracy ≍ ε only if its log-size is at most the
capacity P of G times the log factor introduced by the proof:

* Theorem L (L^p): ln m ≤ P·ln(e n (K−1)/P) with K ≍ 1/ε and the Chernoff–KL sample size
  n ≍ ε^(−p) ln m, so ln(e n (K−1)/P) ≍ ℓ: one log factor (j = 1).
* Theorem S (sup norm, bumps with σ ∈ {±1}): N = m^d ≤ VCdim, no extra log (j = 0).
* Theorem C (finite classes): log2 M ≤ log2 |G|, no extra log (j = 0).

Balancing, ε^(−e) ℓ^k ≍ P ℓ^j. sympy solves t ℓ^k = P ℓ^j for t, the leading-order log is
obtained by one fixed-point step ℓ ≈ log(P)/e, and ε = t^(−1/e) is solved for ε. With the
capacity P(W, L) of :mod:`approxbounds.rates.capacity_models` (ReLU: P ≍ W L log W) this
gives, e.g. for Hölder H^α in L^p with ReLU networks,

.. math:: \\varepsilon \\asymp \\bigl(W L \\log W \\cdot \\log(W L \\log W)\\bigr)^{-\\alpha/d},

the exponent −α/d of (W L) stated by Achour, Foucault, Gerchinovitz & Malgouyres
(NeurIPS 2022, arXiv 2206.04360) for every p, and −1/max(d, p(d−1)) for monotone
functions in L^p; monotone functions in sup norm have no rate.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from approxbounds.display import RichDisplay
from approxbounds.norms import Norm
from approxbounds.rates.capacity_models import L, W, capacity_model

__all__ = ["Rate", "rate", "derive_epsilon"]

AFGM = ("Achour, Foucault, Gerchinovitz & Malgouyres, A general approximation lower bound "
        "in L^p norm, with applications to feed-forward neural networks, NeurIPS 2022, "
        "arXiv 2206.04360")

_P, _T, _ELL = sp.symbols("P t ell", positive=True)
_U = sp.Symbol("u", real=True)
_X = sp.Symbol("x", positive=True)


def derive_epsilon(e, log_power: int, capacity_log_factor: int, capacity: sp.Expr) -> sp.Expr:
    """Solve ε^(−e)·ℓ^k ≍ P·ℓ^j for ε at leading order, with sympy.

    Parameters
    ----------
    e : sympy number
        Entropy exponent, log M(ε) ≍ ε^(−e) ℓ^k, ℓ = log(1/ε).
    log_power : int
        k, the power of the log factor in the entropy.
    capacity_log_factor : int
        j, the number of log(1/ε) factors the theorem puts next to the capacity
        (1 for Theorem L, 0 for Theorems S and C).
    capacity : sympy expression in W, L
        P, the capacity of G up to constants.

    Returns
    -------
    sympy expression
        ε as a function of W and L, constants dropped.
    """
    return _derive_epsilon_cached(sp.nsimplify(e), int(log_power), int(capacity_log_factor),
                                  capacity)


@lru_cache(maxsize=256)
def _derive_epsilon_cached(e, log_power, capacity_log_factor, capacity):
    e = sp.nsimplify(e)
    (t_solution,) = sp.solve(sp.Eq(_T * _ELL**log_power, _P * _ELL**capacity_log_factor), _T)
    # leading order: t = P * polylog(P), so ell = log(1/eps) = log(t)/e ~ log(P)/e
    t_leading = t_solution.subs(_ELL, sp.log(_P) / e)
    # eps^(-e) = t, solved for u = ln(eps): linear in u, so exp(u) is the positive root
    (u_solution,) = sp.solve(sp.Eq(-e * _U, sp.log(t_leading)), _U)
    epsilon = sp.exp(sp.expand_log(u_solution, force=True)).subs(_P, capacity)
    _, dependent = sp.expand_power_base(epsilon, force=True).as_independent(W, L, as_Add=False)
    return dependent


def _exponent_in(expr: sp.Expr, var: sp.Symbol, fixed: dict) -> sp.Expr:
    """lim_{x→∞} log(expr)/log(x) with ``var`` = x and the other symbol fixed."""
    return _exponent_cached(expr, var, tuple(sorted(fixed.items(), key=str)))


@lru_cache(maxsize=256)
def _exponent_cached(expr, var, fixed):
    f = expr.subs(dict(fixed)).subs(var, _X)
    return sp.nsimplify(sp.limit(sp.log(f) / sp.log(_X), _X, sp.oo))


@dataclass(frozen=True)
class Rate(RichDisplay):
    """Rate-only [R] lower bound on dist(F, G): ε ≍ size^exponent · log factors.

    Attributes
    ----------
    exponent : sympy number or None
        Exponent of ``size`` (W L for ReLU nets); None when there is no rate.
    exponent_W, exponent_L : sympy numbers or None
        Exponents in W (L fixed) and in L (W fixed).
    size : sympy expression
        The complexity variable (``W*L`` or ``W``).
    log_factors : sympy expression
        The polylog factor: ``expression / size**exponent``.
    expression : sympy expression
        The rate-only lower bound ε(W, L), constants dropped.
    entropy_exponent : sympy number or None
        e with log M(ε) ≍ ε^(−e).
    theorem : str
        "L" (L^p), "S" (sup norm) or "C" (finite class): the proof whose log factor is used.
    provenance : tuple of (statement, tag, source)
    reason : str
        Why there is no rate (when ``exponent`` is None).
    """

    F_name: str
    G_name: str
    norm: Norm
    exponent: sp.Expr | None
    exponent_W: sp.Expr | None
    exponent_L: sp.Expr | None
    size: sp.Expr
    log_factors: sp.Expr | None
    expression: sp.Expr | None
    entropy_exponent: sp.Expr | None
    theorem: str
    provenance: tuple = field(default_factory=tuple)
    reason: str = ""
    tag: str = "R"

    @property
    def has_rate(self) -> bool:
        return self.exponent is not None

    def evaluate(self, W_values, L_values=1) -> np.ndarray:
        """The rate-only curve ε(W, L) (constant 1) as floats; rate only [R]."""
        if self.expression is None:
            raise ValueError(f"no rate for {self.F_name} in {self.norm.label}: {self.reason}")
        W_arr = np.asarray(W_values, dtype=float)
        L_arr = np.asarray(L_values, dtype=float)
        if np.any(W_arr < 3) or np.any(L_arr < 1):
            raise ValueError("W_values must be >= 3 and L_values >= 1 for the rate curve")
        f = sp.lambdify((W, L), self.expression, "numpy")
        # evaluate in log space via the expression itself: values stay in (0, 1] for W >= 3
        return np.asarray(f(W_arr, L_arr), dtype=float) * np.ones(np.broadcast(W_arr, L_arr).shape)

    def __str__(self) -> str:
        norm = self.norm.label
        if not self.has_rate:
            return f"{self.F_name} by {self.G_name} in {norm}: no rate ({self.reason})"
        return (f"{self.F_name} by {self.G_name} in {norm}: dist >~ ({self.size})^({self.exponent})"
                f" * {self.log_factors}  [rate only, R; theorem {self.theorem}]")


    def latex(self) -> str:
        """LaTeX of the rate statement, e.g. ``\\operatorname{dist} \\gtrsim ...``."""
        if not self.has_rate:
            return r"\text{no rate: " + self.reason.replace("_", r"\_") + "}"
        return (r"\operatorname{dist}(F, G) \gtrsim " + sp.latex(self.expression)
                + r" \quad \text{(rate only [R])}")

    def to_dict(self) -> dict:
        return {
            "F": self.F_name, "G": self.G_name, "norm": self.norm.to_json(),
            "exponent": None if self.exponent is None else str(self.exponent),
            "exponent_W": None if self.exponent_W is None else str(self.exponent_W),
            "exponent_L": None if self.exponent_L is None else str(self.exponent_L),
            "size": str(self.size),
            "log_factors": None if self.log_factors is None else str(self.log_factors),
            "expression": None if self.expression is None else str(self.expression),
            "theorem": self.theorem, "tag": self.tag, "reason": self.reason,
            "provenance": [list(p) for p in self.provenance],
        }


def _describe(obj) -> str:
    if isinstance(obj, str):
        return obj
    if callable(getattr(obj, "spec", None)) and hasattr(obj, "activation"):
        act = getattr(obj.activation, "name", obj.activation)
        return f"{act} net {obj.spec()}"
    name = getattr(obj, "name", None)
    if isinstance(name, str) and name:
        return name
    return repr(obj)


def _entropy(F, norm: Norm):
    """``F.entropy_exponent(norm)``: the class owns its entropy exponent."""
    method = getattr(F, "entropy_exponent", None)
    if not callable(method):
        raise TypeError(f"F must be a function class such as approxbounds.Holder(d, alpha) or "
                        f"approxbounds.Monotone(d) (an object with entropy_exponent(norm)), got "
                        f"{type(F).__name__} {F!r}")
    return method(norm)


def _network(G):
    """An activation name (``"relu"``: the capacity rate of that activation) or a network
    class (a spec string such as ``"2,10,1"`` is read as :func:`lower_bound` reads it)."""
    if isinstance(G, str):
        from approxbounds.capacity.activation import ACTIVATION_NAMES

        if G.strip().lower() in ACTIVATION_NAMES:
            return G.strip().lower()
        if "," not in G:
            raise ValueError(f"G must be an activation name ({', '.join(ACTIVATION_NAMES)}) or a "
                             f"network spec string like '2,10,1', got {G!r}")
    from approxbounds.capacity.networks import as_network_class

    return as_network_class(G)


def rate(F, G="relu", norm=2) -> Rate:
    """Rate-only lower bound on sup_{f∈F} inf_{g∈G} ‖f − g‖, derived with sympy.

    Parameters
    ----------
    F : function class
        ``Holder(d, alpha)``, ``Monotone(d)``, or any object whose
        ``entropy_exponent(norm)`` returns an :class:`~approxbounds.classes.EntropyExponent`.
    G : Architecture, str
        A network class (its activation and quantization decide the capacity), a spec
        string such as ``"2,35x9,1"`` (read by ``Architecture.parse``, as in
        :func:`~approxbounds.lower.lower_bound`), or an activation name such as ``"relu"``.
    norm : float ≥ 1, "sup" or Norm
        Anything :meth:`approxbounds.norms.Norm.parse` accepts.

    Returns
    -------
    Rate
        e.g. exponent −α/d of (W L) for Hölder (any p and sup norm), −1/max(d, p(d−1))
        for monotone in L^p, and no rate (with the reason) for monotone in sup norm.

    Notes
    -----
    Rate only [R]: the entropy asymptotics (Kolmogorov–Tikhomirov; Gao–Wellner) and the
    capacity asymptotics (Bartlett et al. 2019, Thm 3) have no explicit constants.
    """
    norm = Norm.parse(norm)
    entropy = _entropy(F, norm)
    G = _network(G)
    cap = capacity_model(G)
    F_name, G_name = _describe(F), _describe(G)
    provenance = [
        ("log M(eps) ~ eps^-e" + (f" log(1/eps)^{entropy.log_power}" if entropy.log_power else ""),
         entropy.tag, entropy.source),
        (f"capacity ~ {cap.expression}", cap.tag, cap.source),
    ]
    if cap.finite:
        theorem, j = "C", 0
        provenance.append(("Theorem C (counting)", "P", "docs/theory.md §5"))
    elif norm.is_sup:
        theorem, j = "S", 0
        provenance.append(("Theorem S (sup norm via VC dimension)", "P", "docs/theory.md §4"))
    else:
        theorem, j = "L", 1
        provenance.append(("Theorem L (L^p via growth function)", "P", "docs/theory.md §3"))
    provenance.append(("exponent of (W L) for dist_p", "R", AFGM))
    if entropy.exponent is None:
        return Rate(F_name, G_name, norm, None, None, None, cap.size, None, None, None,
                    theorem, tuple(provenance), reason=entropy.reason, tag=entropy.tag)
    e = entropy.exponent
    expr = derive_epsilon(e, entropy.log_power, j, cap.expression)
    exp_W = _exponent_in(expr, W, {L: sp.Integer(1)})
    exp_L = _exponent_in(expr, L, {W: sp.Integer(10)})
    exponent = exp_W
    log_factors = sp.expand_power_base(expr / cap.size**exponent, force=True)
    return Rate(F_name, G_name, norm, exponent, exp_W, exp_L, cap.size, log_factors, expr, e,
                theorem, tuple(provenance))
