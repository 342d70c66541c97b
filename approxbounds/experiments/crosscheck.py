r"""Cross-check: errors of trained MLPs on members of ``F`` against the certified lower bound.

The certificate (:func:`approxbounds.lower.lower_bound`) states, for the network class ``G``
of the trained MLP,

.. math::  \sup_{f\in F}\ \inf_{g\in G}\ \lVert f-g\rVert_{L^p(U[0,1]^d)} \;\ge\; c .

A trained network :math:`g_f\in G` on one member ``f`` gives
:math:`e_f=\lVert f-g_f\rVert_p \ge \inf_{g\in G}\lVert f-g\rVert_p`: an *upper* estimate of the
best achievable error *for that f*. Neither side implies anything about the other in general
(a smooth member can be fitted far below ``c`` without contradicting the certificate).
What *is* implied (``docs/crosscheck.md``, Corollary R): if the certificate comes from
Theorem L with a packing :math:`\{f_\sigma\}` on ``N`` cells, Hamming distance ``D`` and growth
bound :math:`\log_2\Pi`, then for a **uniformly random** word :math:`\sigma\in\{0,1\}^N`

.. math::  P_\sigma\Bigl(\inf_{g\in G}\lVert f_\sigma-\bar g\rVert_p < c\Bigr)
           \le 2^{\log_2\Pi + \log_2 V(N, D-1) - N},

where :math:`\bar g` is ``g`` clipped to the range :math:`[a, a+B]` of ``F`` (clipping only
lowers the error, so the same holds without clipping) and :math:`V(N,r)` is the Hamming-ball
volume. Hence, for members drawn that way ("certificate" members), the clipped error
:math:`\lVert f_\sigma-\bar g_f\rVert_p` is :math:`\ge c` up to that (astronomically small)
probability, and the upper end of a confidence interval of its estimate must reach ``c``
except with probability about ``1 - confidence``. That is the falsifiable check. It is run
with the CLT interval (asymptotic level) and with the exact-level Hoeffding interval
(``|f-\bar g|\le B``), which is valid for every ``n`` but too wide to ever fall below a
certified value of order 1e-4 at feasible ``n`` (docs/crosscheck.md §4).

Members (all of ``F``'s packing of the strongest direct Theorem L certificate's construction;
code words i.i.d. uniform), and the witness of Theorem P:

* ``"smooth"`` -- the all-ones word at the coarsest scale ``m_min`` (fewest, widest bumps);
* ``"fit"``    -- random words at the largest ``m`` whose cell count is at most the number of
  hidden units (a scale the MLP can partly fit);
* ``"certificate"`` -- random words at the Theorem L certificate's own scale (Corollary R
  applies);
* ``"witness"`` -- when the strongest certificate is Theorem P (one-dimensional classes):
  its witness :math:`f^\star_m` itself. Theorem P bounds :math:`\inf_g\lVert f^\star_m - g\rVert`
  for that very function, so *every* trained network must have error at least the certified
  value — a deterministic implication, with no exceptional fraction.

Every member is trained by :func:`approxbounds.nn.regression.fit_regression` in a pure,
module-level function of a picklable :class:`MemberConfig` (:func:`run_member`): all seeds come
from the config and BLAS runs on one thread, so any :class:`concurrent.futures.Executor`
gives results identical to the serial run.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from approxbounds._validation import check_choice, check_int, check_probability, check_real

__all__ = ["MemberConfig", "MemberResult", "CrosscheckResult", "KINDS", "architecture_for_mlp",
           "corollary_r", "log2_exceptional_fraction", "log2_hamming_ball", "member_configs",
           "packing_certificate", "train_member", "run_member", "crosscheck",
           # shared with approxbounds.experiments.crosscheck_rnn
           "theorem_L_fraction", "MemberEstimates", "encode_word", "decode_word", "derived_seed",
           "draw_word", "fit_scale", "estimate_errors", "implied_consistency", "all_consistent",
           "check_run_options", "run_jobs"]

KINDS = ("smooth", "fit", "certificate", "witness")
_EXACT_BALL_MAX_N = 200_000


# ------------------------------------------------------------------------------ helpers
def architecture_for_mlp(mlp):
    """The capacity :class:`~approxbounds.capacity.Architecture` of exactly this MLP's class.

    Maps :meth:`approxbounds.nn.mlp.MLP.describe` (input dimension, widths, activation
    ``pieces``/``degree``, bits) to :meth:`Architecture.mlp` and checks that the parameter counts
    agree (``Architecture.W == describe()["n_params"]``).

    Raises
    ------
    ValueError
        Activation not piecewise polynomial (no certificate covers it), modReLU (per-unit
        biases are extra parameters), quantized weights, or a parameter-count mismatch.
    """
    from approxbounds.capacity import Architecture
    from approxbounds.capacity.activation import ACTIVATION_NAMES, Activation

    desc = mlp.describe()
    name, pieces, degree = desc["activation"], desc["pieces"], desc["degree"]
    if pieces is None or degree is None:
        raise ValueError(f"activation {name!r} is not piecewise polynomial; the certificates cover "
                         f"only piecewise-polynomial activations (e.g. relu)")
    if name == "modrelu":
        raise ValueError("activation 'modrelu' has per-unit biases outside the Architecture model; "
                         "use relu, leaky_relu, hard_threshold, identity or a piecewise activation")
    if desc["bits"] is not None:
        raise ValueError("quantized MLPs are not supported by crosscheck (bits must be None)")
    if name in ACTIVATION_NAMES:
        act = Activation.from_name(name, pieces=int(pieces), degree=int(degree))
    else:  # e.g. a custom piecewise activation of the nn backend
        act = Activation.from_pieces(int(pieces), int(degree))
    widths = list(desc["widths"])
    arch = Architecture.mlp(desc["d_in"], widths[:-1], act, out=widths[-1])
    if arch.W != desc["n_params"]:
        raise ValueError(f"Architecture W={arch.W} differs from the MLP's n_params={desc['n_params']}")
    return arch


def _log2_int(x: int) -> float:
    """log2 of a positive Python int, without overflow."""
    shift = max(x.bit_length() - 60, 0)
    return shift + math.log2(x >> shift)


def log2_hamming_ball(N: int, r: int) -> float:
    r"""Upper bound on :math:`\log_2 V(N, r)`, :math:`V(N,r)=\sum_{j\le r}\binom Nj`.

    Exact integer sum for ``N <= 200000`` (then rounded up by a relative 1e-12); otherwise the
    entropy bound :math:`V(N,r)\le 2^{N H(r/N)}` for :math:`r\le N/2`
    (MacWilliams & Sloane 1977, Ch. 10, Lemma 8).
    """
    N = check_int("N", N, minimum=1)
    r = check_int("r", r, minimum=0, maximum=N)
    if N <= _EXACT_BALL_MAX_N:
        term, total = 1, 1
        for j in range(r):
            term = term * (N - j) // (j + 1)
            total += term
        v = _log2_int(total)
        return v + 1e-12 * (abs(v) + 1.0)
    if 2 * r > N:
        raise ValueError(f"r must be <= N/2 for the entropy bound, got r={r}, N={N}")
    if r == 0:
        return 0.0
    t = r / N
    h = -t * math.log2(t) - (1 - t) * math.log2(1 - t)
    return N * h * (1 + 1e-12) + 1e-12


def log2_exceptional_fraction(N: int, D: int, log2_Pi: float) -> float:
    r"""Corollary R: :math:`\log_2` of an upper bound on the fraction of words
    :math:`\sigma\in\{0,1\}^N` with :math:`\inf_{g}\lVert f_\sigma - \bar g\rVert_p < \varepsilon/4`.

    .. math:: \log_2\frac{|A|}{2^N} \le \log_2\Pi_{thr(G)}(n(K-1)) + \log_2 V(N, D-1) - N

    (a maximal ``D``-separated subset of ``A`` has at most Π members by Theorem L's counting
    argument, and its radius-``(D-1)`` Hamming balls cover ``A``). Proof in docs/crosscheck.md.
    """
    N = check_int("N", N, minimum=1)
    D = check_int("D", D, minimum=1, maximum=N)
    log2_Pi = check_real("log2_Pi", log2_Pi, low=0.0)
    return log2_Pi + log2_hamming_ball(N, D - 1) - N


def corollary_r(cert) -> float | None:
    r"""Corollary R for a certificate, or ``None`` when it does not apply.

    Applies to direct (not Lemma-T-transferred) Theorem L certificates on Lebesgue measure (every cell of the grid is a code
    position) whose value is ``eps/4`` of their packing, and when
    :math:`2^{\log_2 M} - 2^{\log_2\Pi} \ge 1` (so a set of :math:`\Pi+1` members still meets
    the certificate's sample-size condition, docs/crosscheck.md §2).
    """
    if cert.theorem != "L" or (cert.measure or {}).get("name") != "lebesgue":
        return None
    if getattr(cert, "transferred", False):
        # obtained at another norm and carried over by Lemma T: claim nothing here
        return None
    return theorem_L_fraction(cert)


def theorem_L_fraction(cert) -> float | None:
    r"""Corollary R's :math:`\log_2` bound for a direct Theorem L certificate whose measure the
    caller has checked (uniform on the cube, or uniform steps for Corollary R'), or ``None``
    when the value is not ``eps/4`` of the packing or :math:`2^{\log_2 M} - 2^{\log_2\Pi} < 1`."""
    ing = cert.ingredients
    pk = ing["packing"]["ingredients"]
    log2_pi, log2_m = float(ing["log2_Pi"]), float(ing["log2_M"])
    if cert.value > ing["eps"] / 4.0 * (1 + 1e-12):
        return None
    # 2^log2_M - 2^log2_Pi >= 1  <=>  log2_M >= log2_Pi + log2(1 + 2^-log2_Pi)
    if log2_m < log2_pi + math.log2(1.0 + 2.0 ** (-min(log2_pi, 1000.0))):
        return None
    return log2_exceptional_fraction(int(pk["N"]), int(pk["D"]), log2_pi)


# ------------------------------------------------------------------------------ configs
@dataclass(frozen=True)
class MemberConfig:
    """Everything one training job needs (picklable; the word is stored bit-packed)."""

    function_class: Any
    construction: str
    m: int
    delta: float
    p: float
    kind: str
    index: int
    word: bytes
    n_cells: int
    hidden: tuple
    activation: str
    steps: int
    lr: float
    batch_size: int
    seed: int
    n_eval: int
    confidence: float
    certified: float
    implied: bool


class MemberEstimates:
    """What a member result (``error``, ``constant_error`` and ``certified`` fields, a
    dataclass) derives: the best upper estimate, its ratio, and the JSON form."""

    @property
    def best_upper_estimate(self) -> float:
        """min(trained, constant) error estimate: both networks lie in ``G``."""
        return min(self.error["estimate"], self.constant_error["estimate"])

    @property
    def best_ratio(self) -> float:
        """best_upper_estimate / certified."""
        return self.best_upper_estimate / self.certified

    def to_dict(self) -> dict:
        d = asdict(self)
        d["best_upper_estimate"] = self.best_upper_estimate
        d["best_ratio"] = self.best_ratio
        return d


@dataclass
class MemberResult(MemberEstimates):
    r"""Outcome for one member ``f``.

    ``error``: :math:`\lVert f-g_f\rVert_p` of the trained network (CLT interval; ``g_f`` is
    unbounded so no exact interval). ``error_clipped``: :math:`\lVert f-\bar g_f\rVert_p`,
    :math:`\bar g_f` clipped to :math:`[a,a+B]` (exact-level Hoeffding interval with ``M = B``).
    ``constant_error``: :math:`\lVert f-\bar f\rVert_p` for the constant :math:`\bar f` (a mean of
    ``f`` on an independent sample); constants lie in ``G``, so this too bounds
    :math:`\inf_g` from above. ``implied``: Corollary R applies (certificate member); then
    ``consistent`` says whether the upper end of the CLT interval of ``error_clipped`` is
    ``>= certified`` (asymptotic level) and ``consistent_exact`` the same for the exact-level
    Hoeffding interval (valid at every ``n`` but with almost no power when the certified value
    is far below ``B (ln(2/alpha)/(2n))^{1/(2p)}``, docs/crosscheck.md §4).
    """

    kind: str
    index: int
    construction: str
    m: int
    n_cells: int
    n_ones: int
    seed: int
    error: dict
    error_clipped: dict
    constant_error: dict
    certified: float
    ratio: float
    implied: bool
    consistent: bool | None
    consistent_exact: bool | None
    final_train_loss: float | None


def encode_word(word: np.ndarray) -> bytes:
    """A code word (0/1 entries) bit-packed for a picklable config."""
    return np.packbits(np.asarray(word, dtype=np.uint8)).tobytes()


def decode_word(cfg) -> np.ndarray:
    """The code word of a config (its ``word`` bytes and ``n_cells``) as ``int8`` 0/1 entries."""
    return np.unpackbits(np.frombuffer(cfg.word, dtype=np.uint8), count=cfg.n_cells).astype(np.int8)


def derived_seed(seed: int, *keys: int) -> int:
    """A per-job seed from the run's ``seed`` and the job's keys (``SeedSequence``)."""
    return int(np.random.SeedSequence([seed, *keys]).generate_state(1, dtype=np.uint32)[0])


def draw_word(kind: str, n_cells: int, rng) -> np.ndarray:
    """The all-ones word for a "smooth" member, else i.i.d. uniform bits from ``rng``."""
    return (np.ones(n_cells, dtype=np.uint8) if kind == "smooth"
            else rng.integers(0, 2, size=n_cells, dtype=np.uint8))


def fit_scale(F, p, construction, n_units: int, *, m_min: int = 1, delta: float = 0.125) -> int:
    """Largest ``m >= m_min`` whose packing (``construction``, ``delta``) has at most
    ``n_units`` cells (``m_min`` when even ``m_min + 1`` has more): a scale the network can fit."""
    m = m_min
    while F.packing(m + 1, p, construction=construction, delta=delta).N_grid <= n_units:
        m += 1
    return m


def packing_certificate(cert):
    """The strongest direct (not transferred) Theorem L certificate among ``cert`` and its
    alternatives (the one whose packing gives the members), or ``None``."""
    for c in (cert, *cert.alternatives):
        if c.theorem == "L" and not c.transferred:
            return c
    return None


def member_configs(F, cert, hidden, activation, *, p, n_members, steps, seed, lr, batch_size, n_eval,
                   confidence, kinds=KINDS, fit_m=None) -> list[MemberConfig]:
    """The training jobs of :func:`crosscheck` (words drawn here from ``seed``): packing
    members of the strongest direct Theorem L certificate, and the Theorem P witness when
    ``cert`` is a Theorem P certificate."""
    configs = []
    if "witness" in kinds and cert.theorem == "P":
        m = int(cert.ingredients["m"])
        n = int(cert.ingredients["n_teeth"])
        configs.append(MemberConfig(
            function_class=F, construction="witness", m=m, delta=0.0, p=float(p), kind="witness",
            index=0, word=b"", n_cells=n, hidden=tuple(hidden), activation=activation,
            steps=steps, lr=lr, batch_size=batch_size, seed=derived_seed(seed, 99, 0),
            n_eval=n_eval, confidence=confidence, certified=float(cert.value), implied=True))
    kinds = tuple(k for k in kinds if k != "witness")
    lcert = packing_certificate(cert)
    if lcert is None or not kinds:
        return configs
    cert = lcert
    ing = cert.ingredients
    pk_ing = ing["packing"]
    construction, m_cert = pk_ing["construction"], int(pk_ing["m"])
    delta = float(pk_ing["ingredients"]["delta"])
    fam = F.packing_scales(p, construction=construction, delta=delta)
    m_min = int(fam.default_m_values()[0])
    if fit_m is None:
        fit_m = fit_scale(F, p, construction, sum(hidden), m_min=m_min, delta=delta)
    fit_m = check_int("fit_m", fit_m, minimum=m_min)
    implied = corollary_r(cert) is not None
    word_rng = np.random.default_rng([seed, 7])
    plan = []
    for kind in kinds:
        if kind == "smooth":
            plan.append((kind, m_min, 1))
        elif kind == "fit":
            plan.append((kind, fit_m, n_members))
        else:
            plan.append((kind, m_cert, n_members))
    for k_idx, (kind, m, count) in enumerate(plan):
        n_cells = F.packing(m, p, construction=construction, delta=delta).N_grid
        for i in range(count):
            word = draw_word(kind, n_cells, word_rng)
            configs.append(MemberConfig(
                function_class=F, construction=construction, m=int(m), delta=delta, p=float(p), kind=kind,
                index=i, word=encode_word(word), n_cells=int(n_cells), hidden=tuple(hidden),
                activation=activation, steps=steps, lr=lr, batch_size=batch_size,
                seed=derived_seed(seed, k_idx, i), n_eval=n_eval, confidence=confidence,
                certified=float(cert.value), implied=(kind == "certificate" and implied)))
    return configs


# ------------------------------------------------------------------------------ worker
class _Witness:
    """The Theorem P witness as a member: callable on ``(n, 1)`` points, every tooth present."""

    def __init__(self, fn, n_teeth: int):
        self._fn, self.code_word = fn, np.ones(n_teeth, dtype=np.int8)

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        return self._fn(x[:, 0] if x.ndim == 2 else x)


def train_member(cfg: MemberConfig):
    """Build the member ``f`` of ``cfg`` and train the MLP on it: ``(f, RegressionResult)``."""
    from approxbounds.nn.regression import fit_regression

    F = cfg.function_class
    if cfg.kind == "witness":
        f = _Witness(F.tooth_witness().function(cfg.m), cfg.n_cells)
    else:
        pk = F.packing(cfg.m, cfg.p, construction=cfg.construction, delta=cfg.delta)
        f = pk.member(decode_word(cfg))
    reg = fit_regression(f, F.d, list(cfg.hidden), cfg.activation, cfg.steps, lr=cfg.lr,
                         batch_size=cfg.batch_size, seed=cfg.seed, p=cfg.p, n_eval=2,
                         confidence=cfg.confidence)
    return f, reg


def estimate_errors(predict, target, dim: int, cfg) -> tuple:
    r"""``(error, error_clipped, constant_error)`` of a trained network on one member, as the
    ``to_dict()`` of :func:`~approxbounds.nn.regression.empirical_lp_error`.

    ``predict`` and ``target`` take ``(n, dim)`` points of :math:`U([0,1]^{dim})`; ``cfg`` gives
    the member's class (its range ``[a, a+B]``), ``seed``, ``n_eval``, ``p`` and ``confidence``.
    The three estimates (trained, clipped to ``[a, a+B]``, best constant) use the same
    ``n_eval`` fresh uniform points, drawn from ``default_rng([cfg.seed, 3])``; the constant is
    the mean of ``target`` on an independent sample (``[cfg.seed, 4]``), clipped to ``[a, a+B]``.
    """
    from approxbounds.nn.regression import empirical_lp_error

    F = cfg.function_class
    a, B = float(F.a), float(F.B)

    def clipped(x):
        return np.clip(predict(x), a, a + B)

    const = float(np.clip(np.mean(target(np.random.default_rng([cfg.seed, 4]).random((cfg.n_eval, dim)))),
                          a, a + B))

    def constant(x):
        return np.full(x.shape[0], const)

    def est(fn, bound):
        rng = np.random.default_rng([cfg.seed, 3])   # same points for all three estimates
        return empirical_lp_error(fn, target, dim, cfg.p, cfg.n_eval, rng, bound=bound,
                                  confidence=cfg.confidence).to_dict()

    return est(predict, None), est(clipped, B), est(constant, B)


def implied_consistency(error_clipped: dict, cfg) -> tuple:
    """``(consistent, consistent_exact)`` of a member to which the Corollary applies
    (``cfg.implied``): the upper end of the CLT interval (or the estimate, when there is none)
    and of the exact-level Hoeffding interval of the clipped error reach ``cfg.certified``;
    ``(None, None)`` for other members."""
    if not cfg.implied:
        return None, None
    err_c = error_clipped
    upper = err_c["ci_clt"][1] if err_c["ci_clt"] is not None else err_c["estimate"]
    return bool(upper >= cfg.certified), bool(err_c["ci_hoeffding"][1] >= cfg.certified)


def all_consistent(flags) -> bool | None:
    """``all(flags)``, or ``None`` when there is no flag (no member the Corollary applies to)."""
    flags = list(flags)
    return None if not flags else all(flags)


def run_member(cfg: MemberConfig) -> MemberResult:
    """Train the MLP on one member and estimate its errors (pure function of ``cfg``;
    the estimates of :func:`estimate_errors`)."""
    from approxbounds.experiments.train_run import single_blas_thread

    F = cfg.function_class
    with single_blas_thread():
        f, reg = train_member(cfg)
        word = f.code_word
        err, err_c, err_k = estimate_errors(reg.predict, f, F.d, cfg)
    hist = [h for h in reg.history if "loss" in h]
    consistent, consistent_exact = implied_consistency(err_c, cfg)
    return MemberResult(
        kind=cfg.kind, index=cfg.index, construction=cfg.construction, m=cfg.m, n_cells=cfg.n_cells,
        n_ones=int(word.sum()), seed=cfg.seed, error=err, error_clipped=err_c, constant_error=err_k,
        certified=cfg.certified, ratio=err["estimate"] / cfg.certified, implied=cfg.implied,
        consistent=consistent, consistent_exact=consistent_exact,
        final_train_loss=float(hist[-1]["loss"]) if hist else None)


# ------------------------------------------------------------------------------ result
@dataclass
class CrosscheckResult:
    """Certificate, architecture and per-member results of :func:`crosscheck`.

    ``log2_exceptional_fraction``: Corollary R's bound on the probability that a uniformly
    random certificate-scale member is approximable within the certified value (``None`` when
    the certificate is not from Theorem L).
    """

    function_class: str
    network_class: str
    architecture: dict
    mlp: dict
    p: float
    confidence: float
    certified: float
    theorem: str
    certificate: dict
    log2_exceptional_fraction: float | None
    members: list = field(default_factory=list)

    @property
    def worst_case_estimate(self) -> float:
        """max over the members of the trained error estimate (upper estimate of
        max_members inf_g; NOT a bound on sup_F inf_g in either direction)."""
        return max(r.error["estimate"] for r in self.members)

    @property
    def ratio(self) -> float:
        """worst_case_estimate / certified."""
        return self.worst_case_estimate / self.certified

    @property
    def implied_check(self) -> bool | None:
        """All certificate members consistent (None: no member to which Corollary R applies)."""
        return all_consistent(r.consistent for r in self.members if r.implied)

    def by_kind(self, kind: str) -> list:
        return [r for r in self.members if r.kind == kind]

    def to_dict(self) -> dict:
        from approxbounds._json import to_json

        return to_json({
            "function_class": self.function_class, "network_class": self.network_class,
            "architecture": self.architecture, "mlp": self.mlp, "p": self.p,
            "confidence": self.confidence, "certified": self.certified, "theorem": self.theorem,
            "certificate": self.certificate,
            "log2_exceptional_fraction": self.log2_exceptional_fraction,
            "worst_case_estimate": self.worst_case_estimate, "ratio": self.ratio,
            "implied_check": self.implied_check,
            "members": [r.to_dict() for r in self.members],
        })


# ------------------------------------------------------------------------------ driver
def check_run_options(p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds, allowed) -> tuple:
    """The checked options of a cross-check run, in this order (``kinds`` a non-empty tuple of
    names from ``allowed``; a single name is accepted); ``TypeError``/``ValueError`` naming the
    option otherwise."""
    p = check_real("p", p, low=1.0)
    n_members = check_int("n_members", n_members, minimum=1)
    steps = check_int("steps", steps, minimum=0)
    seed = check_int("seed", seed, minimum=0)
    lr = check_real("lr", lr, low=0.0, low_open=True)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    n_eval = check_int("n_eval", n_eval, minimum=2)
    confidence = check_probability("confidence", confidence)
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(check_choice("kinds", k, allowed) for k in kinds)
    if not kinds:
        raise ValueError("kinds must name at least one of smooth, fit, certificate")
    return p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds


def run_jobs(fn, configs: list, executor, progress: bool, desc: str) -> list:
    """``[fn(c) for c in configs]`` on ``executor`` (:func:`approxbounds.parallel.map_ordered`:
    same results and order as the serial run), with a tqdm bar named ``desc`` if ``progress``."""
    from approxbounds.parallel import map_ordered

    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(configs), desc=desc)
    try:
        return map_ordered(fn, configs, executor, progress=None if bar is None else bar.update)
    finally:
        if bar is not None:
            bar.close()


def crosscheck(F, hidden, activation: str = "relu", p: float = 2, n_members: int = 3, steps: int = 2000,
               seed: int = 0, executor=None, *, lr: float = 1e-2, batch_size: int = 128,
               n_eval: int = 20_000, confidence: float = 0.95, kinds=KINDS, fit_m: int | None = None,
               progress: bool = False) -> CrosscheckResult:
    r"""Train MLPs on members of ``F`` and compare their errors with the certified bound.

    Parameters
    ----------
    F : FunctionClass
        E.g. ``Holder(d, alpha)`` or ``Monotone(d)``; inputs on :math:`[0,1]^d`, Lebesgue measure.
    hidden : sequence of int
        Hidden widths of ``MLP(d, hidden, 1, activation)``.
    activation : str
        Piecewise-polynomial activation (relu, leaky_relu, hard_threshold, identity).
    p : float
        Norm exponent, ``>= 1`` (the sup norm is not supported: errors are estimated by sampling).
    n_members : int
        Random members per kind "fit" and "certificate" (``>= 1``); "smooth" has one.
    steps, lr, batch_size
        Adam training of :func:`~approxbounds.nn.regression.fit_regression` (fresh uniform
        batches every step).
    seed : int
        Seeds the code words and every run (per-member seeds derived by ``SeedSequence``).
    executor : None, concurrent.futures.Executor or distributed.Client, optional
        Runs :func:`run_member` on the configs (:func:`approxbounds.parallel.map_ordered`);
        results are identical to the serial run and in the same order.
    n_eval, confidence
        Fresh uniform evaluation points per member and the level of every interval.
    kinds : iterable of {"smooth", "fit", "certificate"}
    fit_m : int, optional
        Grid size of the "fit" members (default: largest ``m`` with at most ``sum(hidden)`` cells).

    Returns
    -------
    CrosscheckResult
    """
    from approxbounds.lower import lower_bound
    from approxbounds.nn.mlp import MLP

    p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds = check_run_options(
        p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds, KINDS)
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a sequence of integers, got {hidden!r}")
    hidden = tuple(check_int(f"hidden[{i}]", h, minimum=1) for i, h in enumerate(hidden))
    if not isinstance(activation, str):
        raise TypeError(f"activation must be a name, got {type(activation).__name__}")

    mlp = MLP(F.d, list(hidden), 1, activation=activation)
    arch = architecture_for_mlp(mlp)
    cert = lower_bound(F, arch, norm=p)
    lcert = packing_certificate(cert)
    log2_frac = None if lcert is None else corollary_r(lcert)
    configs = member_configs(F, cert, hidden, activation, p=p, n_members=n_members, steps=steps, seed=seed,
                             lr=lr, batch_size=batch_size, n_eval=n_eval, confidence=confidence,
                             kinds=kinds, fit_m=fit_m)
    members = run_jobs(run_member, configs, executor, progress, "crosscheck")
    net = cert.network_class if hasattr(cert, "network_class") else arch.spec()
    return CrosscheckResult(
        function_class=F.name, network_class=net,
        architecture={"spec": arch.spec(), "d_in": arch.d_in, "widths": list(arch.widths),
                      "activation": arch.activation.name, "W": arch.W, "U": arch.U, "L": arch.L},
        mlp=mlp.describe(), p=p, confidence=confidence, certified=float(cert.value),
        theorem=cert.theorem, certificate=cert.to_dict(), log2_exceptional_fraction=log2_frac,
        members=members)
