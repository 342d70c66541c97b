r"""Symbolic (sympy) forms of the capacity bounds, their leading order and LaTeX.

The numeric core (:mod:`approxbounds.capacity`) evaluates the bounds with floats and exact
integers; this module writes the *same* formulas as sympy expressions so that they can be
printed, differentiated, relaxed to their order of magnitude and re-evaluated at high
precision as an independent check of the core.

Symbols (see :data:`SYMBOLS`)
-----------------------------
``W`` parameters, ``L`` layers (output layer included), ``U`` units, ``p`` breakpoints of the
activation (pieces - 1), ``nu`` degree :math:`\nu`, ``R`` and ``Lbar`` (:math:`\bar L`) as in
BHLM 2019 Thm 7, ``N`` number of points, ``V`` a VC dimension, and the indexed per-layer
quantities ``k[i]`` (width of layer i) and ``Wl[i]`` (:math:`W_i`), summation index ``i``.

Formulas (docs/capacity.md §1-5)
--------------------------------
* BHLM 2019 Thm 7 [V] (Bartlett, Harvey, Liaw, Mehrabian, JMLR 20(63)), for U > 2:

  .. math:: \mathrm{VCdim} \le L + \bar L W \log_2\bigl(4 e p R \log_2(2 e p R)\bigr),

  with :math:`\nu = 0`: :math:`L + W\log_2(4 e p U \log_2(2 e p U))`, and
  :math:`R = \sum_i k_i (1 + (i-1)\nu^{i-1})` (:math:`\nu = 1`: :math:`R = \sum_i i k_i`).
* Growth product bound [V], for :math:`m \ge \bar L W`:

  .. math:: \log_2 \Pi(m) \le \sum_{i=1}^{L}\Bigl[1 + W_i
            \log_2\frac{2 e m k_i p (1 + (i-1)\nu^{i-1})}{W_i}\Bigr].

* Sauer-Shelah [P]: :math:`\Pi(N) \le \sum_{i=0}^{V}\binom{N}{i} \le (eN/V)^V`, N >= V.
* Pseudo-dimension reduction (Anthony & Bartlett 1999, Thm 14.1, as noted by BHLM):
  :math:`\mathrm{Pdim}(G) \le \mathrm{VCdim}(G')` with :math:`G'` the class of networks with
  one more parameter and one more layer; see :func:`augmented_substitution`,
  :func:`pdim_vcdim_expr` and :func:`log2_growth_product_augmented_expr`.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import SimpleNamespace

import sympy as sp

from approxbounds._validation import check_int

__all__ = [
    "SYMBOLS",
    "log2",
    "bhlm_vcdim_expr",
    "R_expr",
    "R_upper_expr",
    "Lbar_expr",
    "log2_growth_product_expr",
    "sauer_sum_expr",
    "sauer_closed_form_expr",
    "log2_sauer_sum_expr",
    "log2_sauer_closed_form_expr",
    "augmented_substitution",
    "pdim_vcdim_expr",
    "log2_growth_product_augmented_expr",
    "relax",
    "leading_order",
    "to_latex",
    "architecture_values",
    "substitute_architecture",
    "evaluate",
    "numeric_function",
    "SymbolicBound",
    "catalogue",
]


class log2(sp.Function):  # noqa: N801  (reads like the maths)
    r"""Base-2 logarithm kept unevaluated so that LaTeX shows :math:`\log_2`.

    ``log2(x).rewrite(sympy.log)`` gives ``log(x)/log(2)``; ``evalf`` works directly.
    Exact powers of two evaluate to their exponent.
    """

    @classmethod
    def eval(cls, x):
        if x.is_Integer and x > 0:
            n = int(x)
            if n & (n - 1) == 0:
                return sp.Integer(n.bit_length() - 1)
        return None

    def fdiff(self, argindex=1):
        return 1 / (self.args[0] * sp.log(2))

    def _eval_rewrite_as_log(self, x, **kwargs):
        return sp.log(x) / sp.log(2)

    def _eval_evalf(self, prec):
        return (sp.log(self.args[0]) / sp.log(2))._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_positive

    def _latex(self, printer, exp=None):
        body = r"\log_2\left(%s\right)" % printer._print(self.args[0])
        return body if exp is None else r"%s^{%s}" % (body, exp)


_i = sp.Symbol("i", integer=True, positive=True)

#: The symbols every expression of this module is written in.
SYMBOLS = SimpleNamespace(
    W=sp.Symbol("W", positive=True),
    L=sp.Symbol("L", positive=True, integer=True),
    U=sp.Symbol("U", positive=True),
    p=sp.Symbol("p", positive=True, integer=True),
    nu=sp.Symbol("nu", nonnegative=True, integer=True),
    R=sp.Symbol("R", positive=True),
    Lbar=sp.Symbol("Lbar", positive=True),
    N=sp.Symbol("N", positive=True),
    V=sp.Symbol("V", positive=True),
    i=_i,
    k=sp.IndexedBase("k", positive=True),
    # the label prints as "W" (so W_i reads as in the paper) but carries integer=True, which
    # makes it a different sympy object from the scalar W: substituting W leaves W_i alone
    Wl=sp.IndexedBase(sp.Symbol("W", positive=True, integer=True)),
)

_S = SYMBOLS


def _check_degree(degree):
    if degree is None:
        return None
    return check_int("degree", degree, minimum=0)


def R_expr(degree=None) -> sp.Expr:
    r"""BHLM's :math:`R = \sum_{i=1}^{L} k_i\,(1 + (i-1)\nu^{i-1})` as a sympy ``Sum``.

    Parameters
    ----------
    degree : int or None
        Substitute :math:`\nu` (``1`` gives :math:`\sum_i i\,k_i`, ``0`` gives
        :math:`\sum_i k_i = U`); ``None`` keeps the symbol ``nu``.
    """
    degree = _check_degree(degree)
    nu = _S.nu if degree is None else sp.Integer(degree)
    i, k = _S.i, _S.k
    if degree == 0:
        term = k[i]  # (i-1)*0**(i-1) vanishes for every i (0**0 = 1 at i = 1 times 0)
    else:
        term = k[i] * (1 + (i - 1) * nu ** (i - 1))
    return sp.Sum(sp.expand(term), (i, 1, _S.L))


def R_upper_expr(degree=None) -> sp.Expr:
    r"""The upper bound :math:`R \le U + U(L-1)\nu^{L-1}` (BHLM 2019, Thm 7).

    For :math:`\nu = 1` this is :math:`U L`; for :math:`\nu = 0` it is ``U``.
    """
    degree = _check_degree(degree)
    U, L = _S.U, _S.L
    if degree == 0:
        return U
    nu = _S.nu if degree is None else sp.Integer(degree)
    return sp.simplify(U + U * (L - 1) * nu ** (L - 1))


def Lbar_expr() -> sp.Expr:
    r""":math:`\bar L = \frac1W \sum_{i=1}^{L} W_i` in the indexed symbols ``Wl[i]``."""
    return sp.Sum(_S.Wl[_S.i], (_S.i, 1, _S.L)) / _S.W


def bhlm_vcdim_expr(degree=None) -> sp.Expr:
    r"""BHLM 2019 Thm 7 [V] upper bound on VCdim(sgn G) (valid when U > 2).

    .. math:: L + \bar L W \log_2\bigl(4 e p R \log_2(2 e p R)\bigr)

    Parameters
    ----------
    degree : int or None
        ``None``: the general form in ``L, Lbar, W, p, R``. ``0`` (hard threshold):
        :math:`L + W\log_2(4 e p U\log_2(2 e p U))` (there :math:`\bar L = 1, R = U`).
        Any other ν: the general form (R stays a symbol; see :func:`R_expr`).
    """
    degree = _check_degree(degree)
    L, W, p, e = _S.L, _S.W, _S.p, sp.E
    if degree == 0:
        U = _S.U
        return L + W * log2(4 * e * p * U * log2(2 * e * p * U))
    R, Lbar = _S.R, _S.Lbar
    return L + Lbar * W * log2(4 * e * p * R * log2(2 * e * p * R))


def log2_growth_product_expr(degree=None) -> sp.Expr:
    r"""BHLM 2019 Thm 7 [V] product bound on :math:`\log_2\Pi_{\mathrm{sgn} G}(m)`, m = ``N``.

    .. math:: \sum_{i=1}^{L}\Bigl[1 + W_i\log_2\frac{2 e N k_i p\,(1+(i-1)\nu^{i-1})}{W_i}\Bigr]

    valid for :math:`N \ge \bar L W`. ``degree`` substitutes ν as in :func:`R_expr`.
    """
    degree = _check_degree(degree)
    i, k, Wl, N, p = _S.i, _S.k, _S.Wl, _S.N, _S.p
    if degree == 0:
        factor = sp.Integer(1)
    else:
        nu = _S.nu if degree is None else sp.Integer(degree)
        factor = 1 + (i - 1) * nu ** (i - 1)
    term = 1 + Wl[i] * log2(2 * sp.E * N * k[i] * p * factor / Wl[i])
    return sp.Sum(term, (i, 1, _S.L))


def sauer_sum_expr() -> sp.Expr:
    r"""Sauer-Shelah sum :math:`\sum_{i=0}^{V}\binom{N}{i}` [P] (V an integer when evaluated)."""
    j = sp.Symbol("j", integer=True, nonnegative=True)
    return sp.Sum(sp.binomial(_S.N, j), (j, 0, _S.V))


def sauer_closed_form_expr() -> sp.Expr:
    r"""Sauer-Shelah closed form :math:`(eN/V)^V` [P], valid for :math:`N \ge V \ge 1`."""
    return (sp.E * _S.N / _S.V) ** _S.V


def log2_sauer_sum_expr() -> sp.Expr:
    r""":math:`\log_2\sum_{i=0}^{V}\binom{N}{i}`."""
    return log2(sauer_sum_expr())


def log2_sauer_closed_form_expr() -> sp.Expr:
    r""":math:`V\log_2(eN/V)`."""
    return _S.V * log2(sp.E * _S.N / _S.V)


def augmented_substitution(degree=None) -> dict:
    r"""How the counts change for the thresholded class (one more parameter, one more layer).

    The network :math:`(x, t) \mapsto g(x) - t` followed by a sign is, as in the core
    (``bhlm.augmented_counts``), the original network with an extra layer of one unit and
    one extra parameter: :math:`W' = W + 1`, :math:`L' = L + 1`, :math:`U' = U + 1`,
    :math:`W'_{L+1} = W + 1` (:math:`\nu > 0`, cumulative) or :math:`1` (:math:`\nu = 0`),
    hence :math:`\bar L' W' = \bar L W + W + 1` (resp. :math:`W + 1`), and
    :math:`R' = R + 1 + L\nu^L`. Returned as a ``{symbol: expression}`` map for
    ``expr.subs(..., simultaneous=True)``.
    """
    degree = _check_degree(degree)
    W, L, U, R, Lbar = _S.W, _S.L, _S.U, _S.R, _S.Lbar
    sub = {W: W + 1, L: L + 1, U: U + 1}
    if degree == 0:
        sub[Lbar] = sp.Integer(1)
        sub[R] = U + 1
    else:
        nu = _S.nu if degree is None else sp.Integer(degree)
        sub[Lbar] = (Lbar * W + W + 1) / (W + 1)
        sub[R] = R + 1 + L * nu ** L
    return sub


def pdim_vcdim_expr(degree=None) -> sp.Expr:
    r"""Pdim bound: BHLM's VC bound of the augmented network, in the original symbols.

    Pdim(G) = VCdim(thr G), and :math:`(x, t) \mapsto 1[g(x) - t > 0]` is computed by a
    network with one more parameter and one more layer (Anthony & Bartlett 1999,
    Thm 14.1; BHLM 2019, §1), see :func:`augmented_substitution`:

    .. math:: L + 1 + (\bar L W + W + 1)\log_2\bigl(4 e p R' \log_2(2 e p R')\bigr),
              \quad R' = R + 1 + L\nu^L \quad (\nu \ge 1),

    and :math:`L + 1 + (W + 1)\log_2(4 e p (U+1)\log_2(2 e p (U+1)))` for :math:`\nu = 0`.
    With ``degree=None`` the :math:`\nu \ge 1` (cumulative) form is returned; at
    :math:`\nu = 0` it is still an upper bound, larger than the ``degree=0`` form.
    """
    return bhlm_vcdim_expr(degree).subs(augmented_substitution(degree), simultaneous=True)


def log2_growth_product_augmented_expr(degree=None) -> sp.Expr:
    r"""Product bound on :math:`\log_2\Pi_{\mathrm{thr} G}(N)` via the augmented network:
    :func:`log2_growth_product_expr` plus the factor of the extra layer
    (:math:`k_{L+1} = 1`, :math:`W_{L+1}` and factor :math:`1 + L\nu^L` as in
    :func:`augmented_substitution`); valid for :math:`N \ge \bar L' W'`."""
    degree = _check_degree(degree)
    N, p, W, L = _S.N, _S.p, _S.W, _S.L
    if degree == 0:
        w_last, factor = sp.Integer(1), sp.Integer(1)
    else:
        nu = _S.nu if degree is None else sp.Integer(degree)
        w_last, factor = W + 1, 1 + L * nu ** L
    extra = 1 + w_last * log2(2 * sp.E * N * p * factor / w_last)
    return log2_growth_product_expr(degree) + extra


# ----------------------------------------------------------------------------------------
# Relaxations and leading order
# ----------------------------------------------------------------------------------------

def relax(expr: sp.Expr, *, degree=None, breakpoints=None, units_by_params=True) -> sp.Expr:
    r"""Replace the architecture-dependent ingredients by upper bounds.

    Uses :math:`\bar L \le L` (since :math:`W_i \le W`), :math:`R \le U + U(L-1)\nu^{L-1}`
    and, if ``units_by_params``, :math:`U \le W` (each unit has at least one parameter,
    its bias or an incoming weight). Every bound of this module is non-decreasing in
    ``Lbar``, ``R`` and ``U``, so the relaxed expression is still an upper bound.
    ``degree``/``breakpoints`` substitute ν and p.
    """
    degree = _check_degree(degree)
    sub = {_S.Lbar: _S.L, _S.R: R_upper_expr(degree)}
    out = expr.subs(sub)
    extra = {}
    if degree is not None:
        extra[_S.nu] = sp.Integer(degree)
    if breakpoints is not None:
        extra[_S.p] = sp.Integer(check_int("breakpoints", breakpoints, minimum=1))
    if extra:
        out = out.subs(extra)
    if units_by_params:
        out = out.subs(_S.U, _S.W)
    return out


def leading_order(expr: sp.Expr, var=None, *, keep_constant=False) -> sp.Expr:
    r"""Order of magnitude of ``expr`` as ``var`` (default ``W``) tends to infinity.

    Finds :math:`a = \lim \log f / \log W`, then :math:`b = \lim \log(f/W^a)/\log\log W`
    and :math:`c = \lim f / (W^a \log^b W)`, other symbols fixed, and returns
    :math:`W^a (\log W)^b` times the non-numeric part of ``c`` (all of ``c`` if
    ``keep_constant``). Apply :func:`relax` first to express a bound through W and L only:
    for ReLU, ``leading_order(relax(bhlm_vcdim_expr(1), degree=1, breakpoints=1))`` is
    :math:`W L \log W` (the upper half of BHLM 2019 Thm 3, rate only [R]).

    Raises
    ------
    ValueError
        If a limit does not exist as a finite number (the expression is not of the form
        :math:`c\,W^a\log^b W` asymptotically).
    """
    var = _S.W if var is None else var
    if not isinstance(var, sp.Symbol):
        raise TypeError(f"var must be a sympy Symbol, got {type(var).__name__}")
    f = sp.sympify(expr).rewrite(sp.log)
    if var not in f.free_symbols:
        raise ValueError(f"expr does not depend on var {var}")
    a = sp.limit(sp.log(f) / sp.log(var), var, sp.oo)
    b = sp.limit(sp.log(f / var ** a) / sp.log(sp.log(var)), var, sp.oo)
    c = sp.simplify(sp.limit(f / (var ** a * sp.log(var) ** b), var, sp.oo))
    for name, val in (("power", a), ("log power", b), ("constant", c)):
        if val.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or not val.is_finite:
            raise ValueError(f"leading_order: the {name} limit is not finite ({val})")
    if c == 0:
        raise ValueError("leading_order: the constant limit is 0; expr is not c W^a log^b W")
    if not keep_constant:
        num, den = sp.fraction(sp.factor(c))
        # drop purely numeric factors (including log(2)) from numerator and denominator
        keep = [f_ for f_ in sp.Mul.make_args(num) if f_.free_symbols]
        keepd = [f_ for f_ in sp.Mul.make_args(den) if f_.free_symbols]
        c = sp.Mul(*keep) / sp.Mul(*keepd)
    return c * var ** a * sp.log(var) ** b


def to_latex(expr: sp.Expr) -> str:
    r"""LaTeX of an expression: :math:`\bar L`, :math:`\nu`, :math:`\log_2` and indexed
    :math:`k_i, W_i` rendered as in the paper."""
    return sp.latex(sp.sympify(expr))


# ----------------------------------------------------------------------------------------
# Substituting an Architecture
# ----------------------------------------------------------------------------------------

def _arch_attr(arch, name):
    try:
        return getattr(arch, name)
    except AttributeError as exc:  # pragma: no cover - defensive
        raise TypeError(f"arch must be an Architecture (missing attribute {name!r})") from exc


def _bhlm_p(arch) -> int:
    """BHLM's p as the core uses it: ``max(breakpoints, 1)`` (a one-piece activation is a
    two-piece one whose pieces coincide)."""
    act = _arch_attr(arch, "activation")
    return getattr(act, "bhlm_p", max(_arch_attr(arch, "breakpoints"), 1))


def architecture_values(arch) -> dict:
    """Map every symbol of :data:`SYMBOLS` (and the indexed k_i, W_i) to ``arch``'s value.

    Exact: integers and ``sympy.Rational`` (``Lbar`` is a ``Fraction`` in the core).
    """
    widths = tuple(_arch_attr(arch, "widths"))
    W_i = tuple(_arch_attr(arch, "W_i"))
    Lbar = _arch_attr(arch, "Lbar")
    Lbar = sp.Rational(Lbar.numerator, Lbar.denominator) if isinstance(Lbar, Fraction) \
        else sp.nsimplify(Lbar)
    vals = {
        _S.W: sp.Integer(_arch_attr(arch, "W")),
        _S.L: sp.Integer(_arch_attr(arch, "L")),
        _S.U: sp.Integer(_arch_attr(arch, "U")),
        _S.p: sp.Integer(_bhlm_p(arch)),
        _S.nu: sp.Integer(_arch_attr(arch, "degree")),
        _S.R: sp.Integer(_arch_attr(arch, "R")),
        _S.Lbar: Lbar,
    }
    for idx, (k_i, w_i) in enumerate(zip(widths, W_i), start=1):
        vals[_S.k[idx]] = sp.Integer(k_i)
        vals[_S.Wl[idx]] = sp.Integer(w_i)
    return vals


def substitute_architecture(expr: sp.Expr, arch, **values) -> sp.Expr:
    """Substitute ``arch`` (and extra symbol values given by name, e.g. ``N=100``).

    Sums over layers are expanded (``doit``) after ``L`` is known, then the indexed
    per-layer values are substituted.
    """
    vals = architecture_values(arch)
    for name, value in values.items():
        if not hasattr(_S, name) or name in ("i", "k", "Wl"):
            raise ValueError(f"unknown symbol {name!r}; valid: W, L, U, p, nu, R, Lbar, N, V")
        vals[getattr(_S, name)] = sp.nsimplify(value) if not isinstance(value, int) \
            else sp.Integer(value)
    scalar = {s: v for s, v in vals.items() if isinstance(s, sp.Symbol)}
    out = sp.sympify(expr).subs(scalar).doit()
    indexed = {s: v for s, v in vals.items() if not isinstance(s, sp.Symbol)}
    return out.subs(indexed)


def evaluate(expr: sp.Expr, arch=None, *, digits: int = 30, **values) -> float:
    """Evaluate ``expr`` numerically at ``arch`` and/or symbol values, ``digits`` precision.

    Raises ``ValueError`` if free symbols remain or the value is not a finite real.
    """
    digits = check_int("digits", digits, minimum=15, maximum=1000)
    if arch is not None:
        out = substitute_architecture(expr, arch, **values)
    else:
        sub = {}
        for name, value in values.items():
            if not hasattr(_S, name) or name in ("i", "k", "Wl"):
                raise ValueError(
                    f"unknown symbol {name!r}; valid: W, L, U, p, nu, R, Lbar, N, V")
            sub[getattr(_S, name)] = sp.Integer(value) if isinstance(value, int) \
                else sp.nsimplify(value)
        out = sp.sympify(expr).subs(sub).doit()
    if out.free_symbols:
        names = ", ".join(sorted(str(s) for s in out.free_symbols))
        raise ValueError(f"evaluate: no value given for symbol(s) {names}")
    val = sp.N(out.rewrite(sp.log), digits)
    if not (val.is_real and val.is_finite):
        raise ValueError(f"evaluate: expression is not a finite real number ({val})")
    return float(val)


def numeric_function(expr: sp.Expr, *names: str):
    """A numpy-vectorised callable of ``expr`` in the named symbols (e.g. ``"W", "L"``).

    Only for expressions without unexpanded sums over layers.
    """
    syms = []
    for name in names:
        if not hasattr(_S, name) or name in ("i", "k", "Wl"):
            raise ValueError(f"unknown symbol {name!r}; valid: W, L, U, p, nu, R, Lbar, N, V")
        syms.append(getattr(_S, name))
    f = sp.sympify(expr).rewrite(sp.log)
    missing = f.free_symbols - set(syms)
    if missing:
        raise ValueError("numeric_function: symbol(s) "
                         f"{', '.join(sorted(map(str, missing)))} not among names")
    return sp.lambdify(syms, f, modules="numpy")


# ----------------------------------------------------------------------------------------
# A printable catalogue
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SymbolicBound:
    """One formula: its name, expression, provenance tag, source and validity condition."""

    name: str
    expr: sp.Expr
    tag: str
    source: str
    condition: str

    def latex(self) -> str:
        """LaTeX of :attr:`expr`."""
        return to_latex(self.expr)


_BHLM = "Bartlett, Harvey, Liaw, Mehrabian (2019), JMLR 20(63), Thm 7"


def catalogue(degree=None) -> list[SymbolicBound]:
    """Every formula of this module for activation degree ``degree`` (None: symbolic ν)."""
    degree = _check_degree(degree)
    return [
        SymbolicBound("bhlm_vcdim", bhlm_vcdim_expr(degree), "V", _BHLM, "U > 2"),
        SymbolicBound("bhlm_log2_growth", log2_growth_product_expr(degree), "V", _BHLM,
                      "N >= Lbar W"),
        SymbolicBound("R", R_expr(degree), "V", _BHLM, ""),
        SymbolicBound("R_upper", R_upper_expr(degree), "V", _BHLM, ""),
        SymbolicBound("pdim_via_vcdim", pdim_vcdim_expr(degree), "P",
                      "Anthony & Bartlett (1999) Thm 14.1; " + _BHLM, "U + 1 > 2"),
        SymbolicBound("bhlm_log2_growth_thresholded",
                      log2_growth_product_augmented_expr(degree), "P",
                      "Anthony & Bartlett (1999) Thm 14.1; " + _BHLM,
                      "N >= Lbar W + W + 1"),
        SymbolicBound("sauer_sum", sauer_sum_expr(), "P", "Sauer (1972), Shelah (1972)",
                      "V = VCdim"),
        SymbolicBound("sauer_closed_form", sauer_closed_form_expr(), "P",
                      "Sauer (1972), Shelah (1972)", "N >= V >= 1"),
    ]
