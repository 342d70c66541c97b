r"""Claims: what a certificate states, in a form a referee can rebuild.

A claim is the statement

.. math:: \sup_{f\in F}\inf_{g\in G}\|f-g\| \ \ge\ \text{value} \quad(\text{lower})
          \qquad\text{or}\qquad \le\ \text{value} \quad(\text{upper}),

for one function class ``F``, one network class ``G``, one norm (:math:`L^p(\mu)` or sup) and,
for :math:`L^p`, one probability measure :math:`\mu`. Its JSON form is the ``"claim"`` object at
the top of every certificate file::

    {"statement": "lower",
     "function_class": {"name": "Holder", "d": 1, "alpha": 1.0},
     "network_class": {"kind": "feedforward", "spec": "1,16,1", ...},   # Architecture.to_dict()
     "norm": 2,                                                          # or "sup"
     "measure": {"name": "lebesgue", "d": 1},                           # null for the sup norm
     "value": 0.0123,
     "theorem": "L"}

:meth:`Claim.from_dict` parses it (exactly these keys, each of the right type) and
:meth:`Claim.rebuild` turns every part into the package's own objects through the one parser
of each concept (:func:`~approxbounds.classes.registry.class_from_dict`,
:func:`~approxbounds.capacity.networks.network_from_dict`, :meth:`~approxbounds.norms.Norm.from_json`,
:func:`~approxbounds.classes.measures.measure_from_dict`), each of which accepts only a
canonical description. Every failure is a :class:`ClaimError` naming the field.

:data:`THEOREMS` is the one table of the statements a claim may rest on (docs/theory.md).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from approxbounds._json import short_int_str
from approxbounds._validation import is_finite_real
from approxbounds.norms import Norm

__all__ = ["Claim", "ClaimError", "CertificateError", "THEOREMS", "Theorem", "theorem_label",
           "STATEMENTS", "measure_label"]

STATEMENTS = ("lower", "upper")


@dataclass(frozen=True)
class Theorem:
    """One entry of :data:`THEOREMS`."""

    key: str
    label: str          # printed name, e.g. "Theorem L"
    statement: str      # one line
    kind: str           # "lower" or "upper"
    norms: str          # "Lp", "sup" or "any"

    @property
    def short(self) -> str:
        """Table-cell name: ``"Thm L"``, ``"Lemma D"``."""
        return self.label.replace("Theorem ", "Thm ")


#: Every statement a claim can rest on (docs/theory.md for lower bounds).
THEOREMS = {
    "L": Theorem("L", "Theorem L",
                 "L^p lower bound from the growth function of thresholded G (packing + random "
                 "sample + union bound + Sauer-type counting)", "lower", "Lp"),
    "S": Theorem("S", "Theorem S",
                 "sup-norm lower bound from VCdim(sgn G) and a sign family of bumps", "lower", "sup"),
    "C": Theorem("C", "Theorem C",
                 "counting bound, a packing larger than the finite class G", "lower", "any"),
    "P": Theorem("P", "Theorem P",
                 "piece counting: a network with at most P affine (or constant) pieces on [0,1] "
                 "leaves at least n - P + 1 of the n teeth of a witness in F unsplit",
                 "lower", "any"),
    "D": Theorem("D", "Lemma D",
                 "a monotone step function is >= 1/2 away in sup norm from every continuous "
                 "function", "lower", "sup"),
    # upper bounds: explicit networks of G (docs/upper_bounds.md, approxbounds.upper)
    "U0": Theorem("U0", "Construction U0",
                  "constant network: every hidden unit switched off, the output bias is the "
                  "midrange (or the centre value) of f", "upper", "any"),
    "PL": Theorem("PL", "Construction PL",
                  "continuous piecewise-linear interpolation of f on a uniform grid of [0,1], "
                  "realised by a ReLU network", "upper", "any"),
    "RQ": Theorem("RQ", "Construction RQ",
                  "range staircase of a monotone f (K+1 levels), realised by a threshold network "
                  "(exact steps) or a ReLU network (steep ramps)", "upper", "any"),
    "RI": Theorem("RI", "Construction RI",
                  "continuous piecewise-linear interpolation of a monotone f at the crossings of "
                  "K levels, realised by a ReLU network", "upper", "any"),
    "ST": Theorem("ST", "Construction ST",
                  "step function on a uniform grid of [0,1]^d (cell-centre or midrange values), "
                  "realised by a threshold network", "upper", "any"),
    "KT": Theorem("KT", "Construction KT",
                  "continuous piecewise-linear interpolation on the Kuhn (Freudenthal) "
                  "triangulation of a uniform grid of [0,1]^d, realised by a ReLU network",
                  "upper", "any"),
}


def theorem_label(key: str) -> str:
    """Printed name of a theorem key ("Theorem L", "Lemma D", ...)."""
    return THEOREMS[key].label if key in THEOREMS else f"Theorem {key}"


class ClaimError(ValueError):
    """A claim field is malformed or is not the canonical description of any object."""

    def __init__(self, field: str, detail: str):
        self.field = field
        self.detail = detail
        super().__init__(f"claim field '{field}': {detail}")


class CertificateError(ValueError):
    """A step of a certificate's proof does not hold (or does not match its claim)."""

    def __init__(self, step: str, detail: str):
        self.step = step
        self.detail = detail
        super().__init__(f"certificate step '{step}' fails: {detail}")


_KEYS = ("statement", "function_class", "network_class", "norm", "measure", "value", "theorem")


def measure_label(desc) -> str:
    """Short text of a measure description: ``lebesgue``, ``density_bounded(kappa=0.5)``,
    ``empirical(n=100)``; ``""`` for none."""
    if not isinstance(desc, dict):
        return ""
    name = str(desc.get("name", "?"))
    if "kappa" in desc:
        return f"{name}(kappa={desc['kappa']:g})"
    if "n" in desc:
        return f"{name}(n={desc['n']})"
    return name


@dataclass(frozen=True)
class Claim:
    """A lower or upper bound on :math:`\\sup_f \\inf_g \\|f-g\\|` (module docstring).

    Parameters
    ----------
    statement : {"lower", "upper"}
    function_class, network_class : dict
        Canonical descriptions (``F.to_dict()``, ``G.to_dict()``).
    norm : Norm
    measure : dict or None
        ``mu.to_dict()`` for :math:`L^p(\\mu)`; ``None`` for the sup norm.
    value : float
        Finite and positive.
    theorem : str
        A key of :data:`THEOREMS` whose kind is ``statement``.
    """

    statement: str
    function_class: dict
    network_class: dict
    norm: Norm
    measure: dict | None
    value: float
    theorem: str

    def __post_init__(self):
        if self.statement not in STATEMENTS:
            raise ClaimError("statement", f"must be 'lower' or 'upper', got {self.statement!r}")
        if not isinstance(self.norm, Norm):
            raise ClaimError("norm", f"must be a Norm, got {self.norm!r}")
        for name in ("function_class", "network_class"):
            if not isinstance(getattr(self, name), dict):
                raise ClaimError(name, f"must be a dict, got {getattr(self, name)!r}")
        if self.norm.is_sup:
            if self.measure is not None:
                raise ClaimError("measure", f"must be null for the sup norm, got {self.measure!r}")
        elif not isinstance(self.measure, dict):
            raise ClaimError("measure", f"must be a measure description for {self.norm.label}, got {self.measure!r}")
        v = self.value
        if not (isinstance(v, (int, float)) and is_finite_real(v) and v > 0):
            raise ClaimError("value", f"must be a finite positive number, got "
                                      f"{short_int_str(v) if isinstance(v, int) else repr(v)}")
        object.__setattr__(self, "value", float(v))
        th = THEOREMS.get(self.theorem) if isinstance(self.theorem, str) else None
        if th is None:
            raise ClaimError("theorem", f"unknown theorem {self.theorem!r}; known: {', '.join(THEOREMS)}")
        if th.kind != self.statement:
            raise ClaimError("theorem", f"{th.label} gives {th.kind} bounds, the claim is a {self.statement} bound")
        if th.norms == "sup" and not self.norm.is_sup:
            raise ClaimError("theorem", f"{th.label} is a sup-norm statement, the claim is in {self.norm.label}")

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict:
        return {"statement": self.statement, "function_class": self.function_class,
                "network_class": self.network_class, "norm": self.norm.to_json(),
                "measure": self.measure, "value": self.value, "theorem": self.theorem}

    @classmethod
    def from_dict(cls, data) -> "Claim":
        """Parse the ``"claim"`` object of a certificate (exactly the keys of :meth:`to_dict`)."""
        if not isinstance(data, dict):
            raise ClaimError("claim", f"must be a JSON object, got {type(data).__name__}")
        for key in _KEYS:
            if key not in data:
                raise ClaimError(key, "missing")
        extra = sorted(set(data) - set(_KEYS))
        if extra:
            raise ClaimError(str(extra[0]), "unexpected field in the claim")
        try:
            norm = Norm.from_json(data["norm"])
        except (TypeError, ValueError) as exc:
            raise ClaimError("norm", str(exc)) from None
        value = data["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ClaimError("value", f"must be a number, got {value!r}")
        return cls(data["statement"], data["function_class"], data["network_class"], norm,
                   data["measure"], value, data["theorem"])

    # ------------------------------------------------------------------ objects
    def rebuild(self):
        """``(F, G, norm, mu)``: the objects the claim names (``mu`` is ``None`` for the sup norm).

        Raises
        ------
        ClaimError
            A description is not canonical, or the parts do not fit together (dimensions).
        """
        from approxbounds.capacity.networks import network_from_dict
        from approxbounds.classes.measures import measure_from_dict
        from approxbounds.classes.registry import class_from_dict

        try:
            F = class_from_dict(self.function_class, "function_class")
        except ValueError as exc:
            raise ClaimError("function_class", str(exc)) from None
        try:
            G = network_from_dict(self.network_class, "network_class")
        except ValueError as exc:
            raise ClaimError("network_class", str(exc)) from None
        mu = None
        if self.measure is not None:
            try:
                mu = measure_from_dict(self.measure, "measure")
            except ValueError as exc:
                raise ClaimError("measure", str(exc)) from None
        problem = domain_problem(F, G, mu)
        if problem is not None:
            raise ClaimError(*problem)
        return F, G, self.norm, mu

    def with_value(self, value: float) -> "Claim":
        return replace(self, value=float(value))

    def labels(self) -> dict:
        """Human-readable names of the parts (never read back)."""
        F, G, norm, mu = self.rebuild()
        return {"function_class": str(getattr(F, "name", F)), "network_class": network_label(G),
                "norm": norm.label_with(measure_label(self.measure)),
                "theorem": theorem_label(self.theorem)}

    def sentence(self) -> str:
        lab = self.labels()
        rel = ">=" if self.statement == "lower" else "<="
        return (f"sup_f inf_g ||f - g|| in {lab['norm']} {rel} {self.value:.6g} for F = "
                f"{lab['function_class']}, G = {lab['network_class']}  [{lab['theorem']}]")


def network_label(G) -> str:
    """Short description of a network class, e.g. ``relu net 2,35x9,1 (W=10221)``."""
    label = getattr(G, "label", None)
    if callable(label):
        return label()
    q = G.quantization
    bits = "" if q is None else f", {q.bits}-bit {q.tensors}, {q.n_float} float scalars"
    return f"{G.activation.name} net {G.spec()} (W={G.W}{bits})"


def _domain(obj) -> tuple:
    """Input domain of a function or network class: ``("cube", d)`` unless it says otherwise."""
    dom = getattr(obj, "domain", None)
    if dom is not None:
        return tuple(dom)
    d = getattr(obj, "d_in", None)
    if d is None:
        d = obj.d
    return ("cube", int(d))


def domain_problem(F, G, mu):
    """``None`` when F, G and mu live on the same domain, else ``(field, reason)``."""
    dF, dG = _domain(F), _domain(G)
    if dF != dG:
        return ("network_class", f"G takes inputs on {dG}, F lives on {dF}")
    if mu is not None:
        dmu = getattr(mu, "domain", None)
        dmu = tuple(dmu) if dmu is not None else ("cube", mu.d)
        if dmu != dF:
            return ("measure", f"the measure lives on {dmu}, F on {dF}")
    return None
