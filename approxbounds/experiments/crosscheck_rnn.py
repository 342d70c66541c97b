r"""Cross-check of trained recurrent networks against certified lower bounds on sequence classes.

For a sequence class ``F`` (:class:`~approxbounds.classes.sequence.DelayedHolder` or
:class:`~approxbounds.classes.sequence.MultiLagHolder`, i.i.d. uniform steps) and each model of
:mod:`approxbounds.models` (HadamRNN, Block-HadamRNN, QORNN, the full-precision ReLU RNN),
two certificates are computed:

* **recurrent** — :func:`~approxbounds.lower.lower_bound` against the model's exact function
  class :class:`~approxbounds.capacity.recurrent.RecurrentArchitecture` (Theorem L);
* **storage** — :func:`~approxbounds.lower.storage.storage_lower_bound` against every network
  stored in the model's exact storage account ``B`` (float32 parameters 32 bits; Theorem C).

Both imply a statement about *random* members of their own packing (docs/crosscheck.md,
Corollary R and its extensions R' to recurrent classes and R-C to Theorem C): for a uniformly
random code word :math:`\sigma \in \{0,1\}^N` at the certificate's scale,

.. math:: P_\sigma\Bigl(\inf_{g\in G}\lVert f_\sigma - \bar g\rVert_{L^p(\mu^{\otimes T})} < c\Bigr)
          \le 2^{\ell + \log_2 V(N, D-1) - N},

with :math:`\ell = \log_2\Pi` (Theorem L) or :math:`\ell = B` (Theorem C), :math:`\bar g` the
network clipped to ``F``'s range. The model is trained by regression (squared loss, Adam, fresh
i.i.d. uniform sequences every step) on such members, its clipped :math:`L^p` error is
estimated on fresh sequences with confidence intervals
(:func:`approxbounds.nn.regression.empirical_lp_error` on the flattened sequence, whose law
:math:`U([0,1]^{Td})` is exactly :math:`U([0,1]^d)^{\otimes T}`), and the **upper confidence end
of every certificate member's error must reach the certified value** — a falsifiable check of
the whole chain (packing carry-over, recurrent capacity or storage account, theorem, member
evaluation, estimator). As in :mod:`approxbounds.experiments.crosscheck`, smooth members and
members at a scale the model can fit are trained for information only (no claim).

Every trained network is evaluated as deployed (:meth:`deployed` of the model, float32): its
function is decoded from exactly the bits of :mod:`approxbounds.models.storage`'s account, so it
lies in the storage class; it also lies in its recurrent class. Jobs are pure functions of a
picklable :class:`RNNMemberConfig` (seeds from the config, one BLAS thread), so any executor
(:mod:`approxbounds.parallel`) gives results identical to the serial run.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.experiments.crosscheck import (MemberEstimates, all_consistent, check_run_options,
                                                 decode_word, derived_seed, draw_word, encode_word,
                                                 estimate_errors, fit_scale, implied_consistency,
                                                 log2_exceptional_fraction, run_jobs, theorem_L_fraction)

__all__ = ["RNNModelSpec", "RNNMemberConfig", "RNNMemberResult", "RNNModelResult",
           "RNNCrosscheckResult", "MODEL_KINDS", "KINDS", "corollary", "run_rnn_member",
           "rnn_member_configs", "crosscheck_rnn", "model_certificates", "recurrent_rows",
           "DEFAULT_SPECS", "certificate_at", "members_certificate", "certificate_rows"]

MODEL_KINDS = ("hadamrnn", "block-hadamrnn", "qornn", "relu-rnn")
KINDS = ("smooth", "fit", "certificate")
CERTIFICATES = ("recurrent", "storage")


# ------------------------------------------------------------------------------ model specs
@dataclass(frozen=True)
class RNNModelSpec:
    """A recurrent model to train (one real output, read-out at the last step).

    Parameters
    ----------
    kind : {"hadamrnn", "block-hadamrnn", "qornn", "relu-rnn"}
    hidden : int
        Hidden size (a power of two for the Hadamard models).
    bits : int or None
        HadamRNN / Block-HadamRNN: bits of U and V (default 4); QORNN: bits of W (default 4).
    blocks : int or None
        Block-HadamRNN: number of blocks (default 2).
    variant : str
        QORNN training algorithm (``"bjorck"``, ``"penalty"``, ``"projunn"``, ``"ptq"``).
    """

    kind: str
    hidden: int
    bits: int | None = None
    blocks: int | None = None
    variant: str = "bjorck"

    def __post_init__(self):
        check_choice("kind", self.kind, MODEL_KINDS)
        check_int("hidden", self.hidden, minimum=1)
        quantized = self.kind in ("hadamrnn", "block-hadamrnn", "qornn")
        if self.bits is not None and not quantized:
            raise ValueError(f"bits does not apply to {self.kind} (full precision)")
        if quantized and self.bits is None:
            object.__setattr__(self, "bits", 4)
        if self.bits is not None:
            check_int("bits", self.bits, minimum=1, maximum=16)
        if self.kind == "block-hadamrnn":
            object.__setattr__(self, "blocks", check_int("blocks", 2 if self.blocks is None else self.blocks,
                                                         minimum=1))
        elif self.blocks is not None:
            raise ValueError(f"blocks applies only to block-hadamrnn, not {self.kind}")
        if self.kind in ("hadamrnn", "block-hadamrnn"):
            m = self.hidden // (self.blocks or 1)
            if self.hidden % (self.blocks or 1) or m & (m - 1):
                raise ValueError(f"hidden={self.hidden}: the Hadamard block size hidden/blocks must be a "
                                 f"power of two")

    @property
    def label(self) -> str:
        if self.kind == "hadamrnn":
            return f"HadamRNN n={self.hidden}, {self.bits}-bit U,V"
        if self.kind == "block-hadamrnn":
            return f"Block-HadamRNN n={self.hidden} (q={self.blocks}), {self.bits}-bit U,V"
        if self.kind == "qornn":
            return f"QORNN-{self.variant} n={self.hidden}, {self.bits}-bit W"
        return f"ReLU RNN n={self.hidden}, float32"

    def build(self, d_in: int):
        """The float32 model with ``d_in`` inputs per step and one output at the last step."""
        from approxbounds.models import QORNN, HadamRNN, ReLURNN

        if self.kind in ("hadamrnn", "block-hadamrnn"):
            return HadamRNN(d_in, self.hidden, 1, bits=self.bits, output="last", blocks=self.blocks or 1)
        if self.kind == "qornn":
            return QORNN(d_in, self.hidden, 1, output="last", variant=self.variant, bits=self.bits)
        return ReLURNN(d_in, self.hidden, 1, output="last")

    def network_class(self, d_in: int, length: int):
        """The model's exact function class on sequences of ``length`` steps."""
        from approxbounds.capacity.recurrent import RecurrentArchitecture

        return RecurrentArchitecture.from_model(self.build(d_in), length)


#: the four models of the paper check (small enough for a 2-core machine)
DEFAULT_SPECS = (RNNModelSpec("hadamrnn", 16, bits=4), RNNModelSpec("block-hadamrnn", 16, bits=4, blocks=2),
                 RNNModelSpec("qornn", 8, bits=4, variant="bjorck"), RNNModelSpec("relu-rnn", 8))


# ------------------------------------------------------------------------------ corollary
def _lebesgue_steps(cert) -> bool:
    mu = cert.measure or {}
    if mu.get("name") == "lebesgue":
        return True
    return mu.get("name") == "iid_sequence" and (mu.get("base") or {}).get("name") == "lebesgue"


def corollary(cert) -> float | None:
    r"""``log2`` of the bound on the fraction of code words whose member is approximable below
    the certified value (docs/crosscheck.md, Corollaries R, R' and R-C), or ``None`` when it
    does not apply.

    * Theorem L (cube or sequence class, uniform steps): :math:`\log_2\Pi + \log_2 V(N, D-1) - N`
      when :math:`2^{\log_2 M} - 2^{\log_2\Pi} \ge 1`;
    * Theorem C (finite ``G``, e.g. a storage class; any :math:`L^p` with uniform steps, or the
      sup norm): :math:`\log_2|G| + \log_2 V(N, D-1) - N`.

    Transferred (Lemma T) certificates and other measures: ``None``.
    """
    if getattr(cert, "transferred", False) or cert.theorem not in ("L", "C"):
        return None
    if cert.theorem == "L":
        return theorem_L_fraction(cert) if _lebesgue_steps(cert) else None
    if not cert.norm.is_sup and not _lebesgue_steps(cert):
        return None
    ing = cert.ingredients
    if cert.value > ing["eps"] / 2.0 * (1 + 1e-12):
        return None
    pk = ing["packing"]["ingredients"]
    return log2_exceptional_fraction(int(pk["N"]), int(pk["D"]), float(ing["log2_G"]))


def certificate_at(cert, m: int):
    """The certificate of ``cert``'s theorem along ``cert``'s route with grid size ``m``
    (re-derived by :func:`approxbounds.lower.derive.derive`; a valid, weaker certificate for
    ``m`` above the searched one). ``CertificateError`` when the hypotheses fail at ``m``."""
    from approxbounds.lower import Certificate
    from approxbounds.lower.derive import derive
    from approxbounds.rederive import derived_claim

    F, G, norm, mu = cert.objects()
    route = {**cert.route, "m": int(m)}
    der = derive(cert.theorem, F, G, norm, mu, route)
    return Certificate(derived_claim("lower", F, G, mu, der), route, der.ingredients, der.tags)


def members_certificate(cert, margin_bits: float = 20.0):
    """The certificate at the smallest scale ``m >= cert``'s whose :func:`corollary` bound is at
    most ``2**-margin_bits`` (the search of :func:`~approxbounds.lower.lower_bound` stops at the
    first admissible ``m``, where the exceptional fraction can be as large as ``2**-8``; a few
    more cells make it negligible at a tiny cost in value). ``cert`` itself when it already is;
    ``None`` when Corollary R does not apply to ``cert``."""
    from approxbounds.lower.search import smallest_true

    check_real("margin_bits", margin_bits, low=0.0)
    base = corollary(cert)
    if base is None:
        return None
    if base <= -margin_bits:
        return cert
    m0 = int(cert.route["m"])
    found = {}

    def ok(m):
        c = certificate_at(cert, m)
        bound = corollary(c)
        if bound is not None and bound <= -margin_bits:
            found[m] = c
            return True
        return False

    m = smallest_true(ok, m0, 64 * m0 + 64)
    return None if m is None else found[m]


# ------------------------------------------------------------------------------ configs and jobs
@dataclass(frozen=True)
class RNNMemberConfig:
    """One training job (picklable; the code word is stored bit-packed)."""

    function_class: Any
    spec: RNNModelSpec
    construction: str
    m: int
    p: float
    kind: str
    certificate: str | None
    index: int
    word: bytes
    n_cells: int
    steps: int
    lr: float
    batch_size: int
    seed: int
    n_eval: int
    confidence: float
    certified: float
    implied: bool
    delta: float = 0.125        # code distance of the packing: the certificate route's delta


@dataclass
class RNNMemberResult(MemberEstimates):
    """Outcome for one member: errors of the trained (deployed) model, clipped, and of the best
    constant, with intervals (as :class:`approxbounds.experiments.crosscheck.MemberResult`).

    ``certificate``: which certificate's packing the member comes from (``None`` for smooth and
    fit members); ``certified`` its value (for other members the recurrent certificate's, for
    the ratio only); ``consistent``: upper CLT end of the clipped error ``>= certified``.
    """

    model: str
    kind: str
    certificate: str | None
    index: int
    m: int
    n_cells: int
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
    seconds: float


def train_rnn_member(cfg: RNNMemberConfig):
    """Build the member of ``cfg`` and train its model on it: ``(f, model, params, history)``."""
    from approxbounds.nn.optim import adam
    from approxbounds.nn.schedules import exponential
    from approxbounds.nn.trainer import fit

    F = cfg.function_class
    f = F.packing(cfg.m, cfg.p, construction=cfg.construction, delta=cfg.delta).member(decode_word(cfg))
    model = cfg.spec.build(F.d)
    params = model.init(np.random.default_rng([cfg.seed, 0]))
    # learning rate decayed exponentially to lr/100 at the last step
    gamma = 0.01 ** (1.0 / max(cfg.steps, 1))
    opt = model.wrap_optimizer(adam(exponential(cfg.lr, gamma)))
    T, d, bs = F.length, F.d, cfg.batch_size

    def data(rng, step):
        x = rng.random((bs, T, d)).astype(np.float32)
        return x, f(x.astype(np.float64)).reshape(-1, 1).astype(np.float32)

    res = fit(model, params, None, data, opt, steps=cfg.steps, seed=cfg.seed, progress=False,
              grad_fn=model.grad_fn("mse"), handle_signals=False)
    return f, model, res.params, res.history


def run_rnn_member(cfg: RNNMemberConfig) -> RNNMemberResult:
    """Train the model on one member and estimate its errors (pure function of ``cfg``).

    The estimates are those of :func:`approxbounds.experiments.crosscheck.estimate_errors` on
    the flattened sequences (``T d`` i.i.d. uniform coordinates).
    """
    import time

    from approxbounds.experiments.train_run import single_blas_thread

    F = cfg.function_class
    T, d = F.length, F.d
    t0 = time.perf_counter()
    with single_blas_thread():
        f, model, params, hist = train_rnn_member(cfg)
        dep, dparams = model.deployed(params)

        def unflat(u):
            return np.asarray(u, dtype=np.float64).reshape(u.shape[0], T, d)

        def predict(u):
            y, _ = dep.forward(dparams, unflat(u).astype(np.float32))
            return np.asarray(y, dtype=np.float64).reshape(-1)

        def target(u):
            return f(unflat(u))

        err, err_c, err_k = estimate_errors(predict, target, T * d, cfg)
    losses = [h["loss"] for h in hist if "loss" in h]
    consistent, consistent_exact = implied_consistency(err_c, cfg)
    return RNNMemberResult(
        model=cfg.spec.label, kind=cfg.kind, certificate=cfg.certificate, index=cfg.index, m=cfg.m,
        n_cells=cfg.n_cells, seed=cfg.seed, error=err, error_clipped=err_c, constant_error=err_k,
        certified=cfg.certified, ratio=err_c["estimate"] / cfg.certified, implied=cfg.implied,
        consistent=consistent, consistent_exact=consistent_exact,
        final_train_loss=float(losses[-1]) if losses else None, seconds=time.perf_counter() - t0)


# ------------------------------------------------------------------------------ certificates
def model_certificates(F, spec: RNNModelSpec, p=2, margin_bits: float = 20.0) -> dict:
    """The certificates of one model spec on ``F`` (``p``-norm, uniform steps):
    ``{"recurrent", "storage"}`` (the strongest found by the search), ``{"recurrent_members",
    "storage_members"}`` (the same routes at the scale whose Corollary bound is
    ``<= 2**-margin_bits``, :func:`members_certificate`: the certificates the trained members
    are checked against), ``"storage_bits"`` (exact account), ``"W"`` and ``"network_class"``."""
    from approxbounds.capacity.storage import model_storage_bits
    from approxbounds.lower import lower_bound
    from approxbounds.lower.storage import storage_lower_bound

    G = spec.network_class(F.d, F.length)
    bits = model_storage_bits(spec.build(F.d))
    out = {"recurrent": lower_bound(F, G, norm=p), "storage": storage_lower_bound(F, bits, norm=p),
           "storage_bits": bits, "W": G.W, "network_class": G}
    for name in CERTIFICATES:
        out[f"{name}_members"] = members_certificate(out[name], margin_bits)
    return out


def rnn_member_configs(F, spec: RNNModelSpec, certs: dict, *, p, n_members, steps, seed, lr, batch_size,
                       n_eval, confidence, kinds=KINDS, spec_index: int = 0) -> list:
    """The training jobs of one model (code words drawn here from ``seed``)."""
    rec = certs["recurrent"]
    construction = rec.ingredients["packing"]["construction"]
    plan = []
    for kind in kinds:
        if kind == "smooth":
            plan.append((kind, None, 1, 1, rec))
        elif kind == "fit":
            plan.append((kind, None, fit_scale(F, p, construction, spec.hidden), n_members, rec))
        else:
            for name in CERTIFICATES:
                c = certs.get(f"{name}_members") or certs[name]
                plan.append((kind, name, int(c.ingredients["packing"]["m"]), n_members, c))
    word_rng = np.random.default_rng([seed, 7, spec_index])
    out = []
    for k_idx, (kind, cname, m, count, cert) in enumerate(plan):
        n_cells = F.packing(m, p, construction=construction).N_grid
        implied = cname is not None and corollary(cert) is not None
        for i in range(count):
            word = draw_word(kind, n_cells, word_rng)
            out.append(RNNMemberConfig(
                function_class=F, spec=spec, construction=construction, m=int(m), p=float(p), kind=kind,
                certificate=cname, index=i, word=encode_word(word), n_cells=int(n_cells), steps=steps, lr=lr,
                batch_size=batch_size, seed=derived_seed(seed, spec_index, k_idx, i), n_eval=n_eval,
                confidence=confidence, certified=float(cert.value), implied=implied,
                delta=_route_delta(cert)))
    return out


def _route_delta(cert) -> float:
    """The code distance of ``cert``'s packing (members must come from that very packing)."""
    return float(cert.ingredients["packing"]["ingredients"]["delta"])


# ------------------------------------------------------------------------------ results
@dataclass
class RNNModelResult:
    """Certificates and trained members of one model."""

    spec: RNNModelSpec
    label: str
    storage_bits: int
    W: int
    certified: dict                 # {"recurrent": value, "storage": value} (strongest found)
    certified_members: dict         # the values at the members' scale (what members are checked against)
    theorems: dict                  # {"recurrent": "L", "storage": "C"}
    log2_exceptional_fraction: dict  # Corollary bound at the members' scale
    certificates: dict              # JSON of the certificates at the members' scale
    members: list = field(default_factory=list)

    @property
    def implied_check(self) -> bool | None:
        return all_consistent(r.consistent for r in self.members if r.implied)

    def ratios(self, certificate: str) -> list:
        """clipped error / certified value of this certificate's members."""
        return [r.ratio for r in self.members if r.certificate == certificate]

    def to_dict(self) -> dict:
        return {"spec": asdict(self.spec), "label": self.label, "storage_bits": self.storage_bits,
                "W": self.W, "certified": dict(self.certified),
                "certified_members": dict(self.certified_members), "theorems": dict(self.theorems),
                "log2_exceptional_fraction": dict(self.log2_exceptional_fraction),
                "certificates": self.certificates, "implied_check": self.implied_check,
                "members": [r.to_dict() for r in self.members]}


@dataclass
class RNNCrosscheckResult:
    """Everything :func:`crosscheck_rnn` measured."""

    function_class: dict
    p: float
    confidence: float
    models: list = field(default_factory=list)

    @property
    def implied_check(self) -> bool | None:
        return all_consistent(m.implied_check for m in self.models if m.implied_check is not None)

    def to_dict(self) -> dict:
        from approxbounds._json import to_json

        return to_json({"function_class": self.function_class, "p": self.p, "confidence": self.confidence,
                        "implied_check": self.implied_check, "models": [m.to_dict() for m in self.models]})


# ------------------------------------------------------------------------------ driver
def crosscheck_rnn(F, specs=DEFAULT_SPECS, p: float = 2, n_members: int = 2, steps: int = 600, seed: int = 0,
                   executor=None, *, lr: float = 3e-3, batch_size: int = 64, n_eval: int = 20_000,
                   confidence: float = 0.95, kinds=KINDS, progress: bool = False) -> RNNCrosscheckResult:
    r"""Train recurrent models on members of the sequence class ``F`` and compare their errors
    with the certified lower bounds (module docstring).

    Parameters
    ----------
    F : DelayedHolder or MultiLagHolder
        Inputs: sequences of i.i.d. uniform steps.
    specs : sequence of RNNModelSpec
    p : float
        Norm exponent ``>= 1`` (errors are estimated by sampling; no sup norm).
    n_members : int
        Random members per kind ("fit"; "certificate" for each of the two certificates).
    steps, lr, batch_size
        Adam on the squared loss, fresh uniform sequences every step.
    seed : int
        Seeds every code word and run.
    executor : None, concurrent.futures.Executor or distributed.Client
        Runs :func:`run_rnn_member` (:func:`approxbounds.parallel.map_ordered`): same results
        as the serial run, in the same order.
    n_eval, confidence
        Fresh evaluation sequences per member and the level of every interval.
    kinds : iterable of {"smooth", "fit", "certificate"}

    Returns
    -------
    RNNCrosscheckResult
    """
    from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder

    if not isinstance(F, (DelayedHolder, MultiLagHolder)):
        raise TypeError(f"F must be a DelayedHolder or MultiLagHolder, got {type(F).__name__}")
    p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds = check_run_options(
        p, n_members, steps, seed, lr, batch_size, n_eval, confidence, kinds, KINDS)
    specs = tuple(specs)
    if not specs or not all(isinstance(s, RNNModelSpec) for s in specs):
        raise TypeError("specs must be a non-empty sequence of RNNModelSpec")
    models, configs = [], []
    for i, spec in enumerate(specs):
        certs = model_certificates(F, spec, p)
        models.append(RNNModelResult(
            spec=spec, label=spec.label, storage_bits=certs["storage_bits"], W=certs["W"],
            certified={k: float(certs[k].value) for k in CERTIFICATES},
            certified_members={k: float((certs[f"{k}_members"] or certs[k]).value) for k in CERTIFICATES},
            theorems={k: certs[k].theorem for k in CERTIFICATES},
            log2_exceptional_fraction={k: corollary(certs[f"{k}_members"] or certs[k]) for k in CERTIFICATES},
            certificates={k: (certs[f"{k}_members"] or certs[k]).to_dict(alternatives=False)
                          for k in CERTIFICATES}))
        configs.append(rnn_member_configs(F, spec, certs, p=p, n_members=n_members, steps=steps, seed=seed,
                                          lr=lr, batch_size=batch_size, n_eval=n_eval, confidence=confidence,
                                          kinds=kinds, spec_index=i))
    results = run_jobs(run_rnn_member, [c for cs in configs for c in cs], executor, progress, "crosscheck-rnn")
    pos = 0
    for model, cs in zip(models, configs):
        model.members = results[pos:pos + len(cs)]
        pos += len(cs)
    return RNNCrosscheckResult(function_class=F.to_dict(), p=p, confidence=confidence, models=models)


# ------------------------------------------------------------------------------ report rows
def recurrent_rows(result) -> list[dict]:
    """One row per model for a report table: model, storage bits, parameters, the two certified
    values (with theorem), Corollary probabilities, the clipped errors of the certificate
    members (min, max) and their ratios to the certified value, and the verdict."""
    rows = []
    for m in result.models:
        row = {"model": m.label, "storage_bits": m.storage_bits, "W": m.W}
        for name in CERTIFICATES:
            errs = [r.error_clipped["estimate"] for r in m.members if r.certificate == name]
            ratios = m.ratios(name)
            row[f"{name}_certified"] = m.certified[name]
            row[f"{name}_certified_members"] = m.certified_members[name]
            row[f"{name}_theorem"] = m.theorems[name]
            row[f"{name}_log2_exceptional"] = m.log2_exceptional_fraction[name]
            row[f"{name}_error_min"] = min(errs) if errs else None
            row[f"{name}_error_max"] = max(errs) if errs else None
            row[f"{name}_ratio_min"] = min(ratios) if ratios else None
        fits = [r.error_clipped["estimate"] for r in m.members if r.kind == "fit"]
        row["fit_error_min"] = min(fits) if fits else None
        row["consistent"] = m.implied_check
        rows.append(row)
    return rows


def certificate_rows(F, specs=DEFAULT_SPECS, norms=(2, "sup")) -> list[dict]:
    """Certificates only (no training), one row per model and norm, for a report table: model,
    exact storage bits, parameter count ``W``, the certified value against the model's
    recurrent class (theorem) and the storage floor at its account (theorem), both verified at
    50 digits (``verified``)."""
    from approxbounds.capacity.storage import model_storage_bits
    from approxbounds.lower import lower_bound
    from approxbounds.lower.storage import storage_lower_bound
    from approxbounds.norms import Norm

    rows = []
    for spec in specs:
        G = spec.network_class(F.d, F.length)
        bits = model_storage_bits(spec.build(F.d))
        for norm in norms:
            rec, sto = lower_bound(F, G, norm=norm), storage_lower_bound(F, bits, norm=norm)
            rows.append({"model": spec.label, "storage_bits": bits, "W": G.W, "norm": Norm.parse(norm).label,
                         "recurrent_certified": float(rec.value), "recurrent_theorem": rec.theorem,
                         "storage_certified": float(sto.value), "storage_theorem": sto.theorem,
                         "verified": bool(rec.verify() and sto.verify())})
    return rows
