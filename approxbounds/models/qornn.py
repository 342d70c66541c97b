r"""Quantized orthogonal RNNs (QORNN): k-bit recurrent weights that stay close to orthogonal.

Foucault, Mamalet & Malgouyres, *Quantized approximately orthogonal recurrent neural
networks*, arXiv 2402.04012. The network is the modReLU ORNN of
:mod:`approxbounds.models.ornn` run with :math:`Q_k(W)` (and optionally :math:`Q_k(U)`),
:math:`Q_k` the per-tensor symmetric k-bit quantizer of :mod:`approxbounds.nn.quantizers`
(:class:`approxbounds.nn.quantizers.KBit`: :math:`\alpha = \max|w|`, grid
:math:`j\alpha/2^{k-1}`, :math:`j = -2^{k-1}..2^{k-1}-1`, identity straight-through estimator
(STE), no gradient through :math:`\alpha`). Read-out ``V``, biases and modReLU offsets stay
full precision. A quantized orthogonal matrix is only approximately orthogonal; every model
reports :math:`\|Q(W)^\top Q(W) - I\|` (Frobenius and spectral) through
:meth:`QORNN.orthogonality_defect`.

Variants (``variant``); ``params["W"]`` always holds the *latent* recurrent matrix:

``"ptq"`` — post-training quantization.
    Training is exactly the full-precision ORNN (``"projection"`` parametrisation, polar
    projection after each step). :meth:`QORNN.deployed` / :func:`quantize_ornn` quantize once.
``"bjorck"`` — STE-Björck.
    Latent :math:`V_0` (free, Haar-orthogonal at init). :math:`W_o = \mathrm{Björck}(V_0/
    \hat\sigma_{\max}(V_0))` (power iteration for :math:`\hat\sigma_{\max}`, then ``bjorck_iters``
    steps :math:`W \leftarrow 1.5W - 0.5WW^\top W`), :math:`W = Q_k(W_o)`. Backward: the STE
    copies :math:`\partial L/\partial W` to :math:`W_o`, then the exact reverse pass of
    :class:`approxbounds.nn.orthogonal.Bjorck` (through every power and Björck iteration)
    gives :math:`\partial L/\partial V_0`. Any optimizer.
``"projunn"`` — STE-projUNN.
    Latent :math:`W` orthogonal. Forward uses :math:`Q_k(W)`; the STE gradient
    :math:`G = \partial L/\partial Q_k(W)` is taken at the quantized matrix. Its rank-1 sketch
    :math:`\sigma u v^\top` (top singular triple by power iteration on :math:`G^\top G`) gives
    the step :math:`W \leftarrow \operatorname{polar}(W - \eta\,\sigma u v^\top)`, computed in
    :math:`O(n^2)` (:func:`rank1_polar_step`): this is projUNN-D of Kiani, Balestriero, LeCun &
    Lloyd (*projUNN*, NeurIPS 2022) with rank 1. It is implemented as the optimizer transform
    :func:`projunn`, which :meth:`QORNN.wrap_optimizer` installs: ``W`` takes the projUNN step
    with its own learning rate ``projunn_lr`` (plain, no momentum), every other parameter the
    wrapped optimizer. After the rank-1 step one Newton–Schulz correction
    :math:`W \leftarrow 1.5W - 0.5WW^\top W` removes the rounding drift (it moves ``W`` by
    :math:`O(\|W^\top W - I\|)`, i.e. by rounding-error size).
``"penalty"`` — STE with an orthogonality penalty.
    Latent :math:`W` free (Haar-orthogonal at init), forward :math:`Q_k(W)`, and the loss
    gains :math:`\lambda\|Q_k(W)^\top Q_k(W) - I\|_F^2` (:meth:`QORNN.regularizer`), whose
    gradient :math:`4\lambda\,Q(Q^\top Q - I)` reaches :math:`W` through the STE. Train with
    ``grad_fn=model.grad_fn(loss)`` (or ``loss_and_grad``) so that the penalty is included.

PTQ, STE-projUNN and STE-Björck are the paper's named algorithms (arXiv 2402.04012; their details
there are tagged [R], recalled); the penalty variant is our reading of v1's third QAT method
([R], our reading of the paper). Measured behaviour, not paper numbers: see the test suite and the report.

Storage (:meth:`QORNN.storage_bits`): ``W`` at k bits per entry, ``U`` at k bits when
``quantize_input`` else 32, everything else 32 bits, plus one 32-bit per-tensor scale α for
each quantized tensor (the deployed network needs it; same convention as
:mod:`approxbounds.models.storage`, where ``scales=False`` drops it).
"""
from __future__ import annotations

import numpy as np

from approxbounds._validation import check_choice, check_int, check_real
from approxbounds.models.ornn import DEFECT_NORMS, ORNN
from approxbounds.models.storage import StorageAccount, model_storage
from approxbounds.nn.base import register_layer
from approxbounds.nn.optim import GradientTransformation, _lr_fn
from approxbounds.nn.orthogonal import Bjorck, cayley, orthogonality_defect as _defect, polar_projection, skew
from approxbounds.nn.quantizers import KBit

__all__ = ["QORNN", "VARIANTS", "quantize_ornn", "projunn", "rank1_polar_step", "top_singular_triple"]

VARIANTS = ("ptq", "bjorck", "projunn", "penalty")


# ----------------------------------------------------------------------------- helpers
def quantize_ornn(params: dict, bits: int, *, quantize_input: bool = False) -> dict:
    """Post-training quantization of ORNN parameters: ``W := Q_k(W)`` (and ``U := Q_k(U)``).

    Parameters
    ----------
    params : dict
        An :class:`~approxbounds.models.ornn.ORNN` tree with ``W`` (``"projection"``) or
        ``A`` (``"cayley"``; ``W = cayley(skew(A))`` is formed first).
    bits : int >= 1
    quantize_input : bool
        Also quantize ``U``.

    Returns
    -------
    dict
        A ``"projection"`` ORNN tree holding the explicit quantized matrices (other leaves
        copied), to run with ``ORNN(..., parametrization="projection")``.
    """
    bits = check_int("bits", bits, minimum=1, maximum=32)
    if not isinstance(params, dict) or not ({"W", "A"} & set(params)) or "U" not in params:
        raise ValueError("params must be an ORNN parameter tree with 'U' and 'W' (or 'A')")
    q = KBit(bits)
    out = {k: np.array(v, copy=True) for k, v in params.items() if k != "A"}
    w = cayley(skew(params["A"])) if "A" in params else params["W"]
    out["W"] = q(w)
    if quantize_input:
        out["U"] = q(params["U"])
    return out


def top_singular_triple(g: np.ndarray, iters: int = 50, tol: float = 1e-10):
    r"""Largest singular triple :math:`(\sigma, u, v)` of ``g`` by power iteration on :math:`G^\top G`.

    Start: the row of ``g`` with the largest norm (it has a component along the top right
    singular vector unless ``g``'s rows are all orthogonal to it, which is non-generic).
    Stops after ``iters`` iterations or when :math:`v` moves by less than ``tol``. For
    ``g = 0`` returns ``(0, 0, 0)``. Accuracy depends on the gap :math:`\sigma_2/\sigma_1`
    (error ~ :math:`(\sigma_2/\sigma_1)^{2k}`); for the projUNN step any unit pair is a valid
    rank-1 sketch, the top one is the best rank-1 approximation (Eckart–Young).
    """
    g64 = np.asarray(g, dtype=np.float64)
    rows = np.einsum("ij,ij->i", g64, g64)
    if rows.max(initial=0.0) == 0.0:
        z = np.zeros(g64.shape[1])
        return 0.0, np.zeros(g64.shape[0]), z
    v = g64[int(np.argmax(rows))].copy()
    v /= np.linalg.norm(v)
    for _ in range(iters):
        w = g64.T @ (g64 @ v)
        nw = np.linalg.norm(w)
        if nw == 0.0:
            break
        w /= nw
        moved = np.linalg.norm(w - v)
        v = w
        if moved < tol:
            break
    gu = g64 @ v
    sigma = float(np.linalg.norm(gu))
    u = gu / sigma if sigma > 0 else gu
    return sigma, u, v


def rank1_polar_step(w: np.ndarray, c: float, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    r"""Polar factor of :math:`W - c\,u v^\top` for orthogonal ``w`` and unit ``u, v``, in :math:`O(n^2)`.

    With :math:`a = W^\top u`, :math:`W - c u v^\top = W M`, :math:`M = I - c\,a v^\top`, and
    :math:`\operatorname{polar}(WM) = W\operatorname{polar}(M)`. :math:`M^\top M - I =
    -c(va^\top + av^\top) + c^2 vv^\top` lives in :math:`\operatorname{span}\{a, v\}`; with an
    orthonormal basis :math:`P` of it and :math:`S = P^\top(M^\top M - I)P` (2×2),
    :math:`(M^\top M)^{-1/2} = I + P\,[(I_2 + S)^{-1/2} - I_2]\,P^\top`. Hence
    :math:`\operatorname{polar}(W - cuv^\top) = W' + (W'P)\,R\,P^\top`, :math:`W' = W - cuv^\top`,
    :math:`R = (I_2+S)^{-1/2} - I_2`. When :math:`M` is (nearly) singular the polar factor is
    not unique and the SVD projection is used instead.
    """
    dt = w.dtype
    w64 = np.asarray(w, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    wp = w64 - c * np.outer(u, v)
    a = w64.T @ u
    p, _ = np.linalg.qr(np.stack([a, v], axis=1))
    pa, pv = p.T @ a, p.T @ v
    s = -c * (np.outer(pv, pa) + np.outer(pa, pv)) + c * c * (a @ a) * np.outer(pv, pv)
    lam, q = np.linalg.eigh(np.eye(2) + s)
    if lam.min() <= 1e-12 * max(lam.max(), 1.0):
        return polar_projection(wp).astype(dt, copy=False)
    r = (q / np.sqrt(lam)) @ q.T - np.eye(2)
    return (wp + (wp @ p) @ r @ p.T).astype(dt, copy=False)


def projunn(base: GradientTransformation, lr, *, key: str = "W", sketch_iters: int = 50,
            newton_schulz: bool = True) -> GradientTransformation:
    r"""STE-projUNN optimizer transform (module docstring): rank-1 projected step on ``params[key]``.

    ``params[key]`` (orthogonal) takes :math:`W \leftarrow \operatorname{polar}(W - \eta_s\sigma uv^\top)`
    with :math:`\sigma u v^\top` the top singular triple of its gradient and :math:`\eta_s`
    = ``lr`` (float or schedule of the step ``s``), then (``newton_schulz``) one correction
    :math:`W \leftarrow 1.5W - 0.5WW^\top W`. All other leaves go through ``base``.
    State: ``{"base": base_state, "count": int}``.
    """
    if not isinstance(base, GradientTransformation):
        raise TypeError(f"base must be a GradientTransformation, got {type(base).__name__}")
    lr_at = _lr_fn(lr)
    sketch_iters = check_int("sketch_iters", sketch_iters, minimum=1, maximum=10_000)

    def split(tree):
        if not isinstance(tree, dict) or key not in tree:
            raise ValueError(f"projunn: the parameter tree has no {key!r} entry")
        return {k: v for k, v in tree.items() if k != key}

    def init(params):
        return {"base": base.init(split(params)), "count": 0}

    def update(grads, state, params=None):
        if params is None:
            raise ValueError("projunn needs params: call update(grads, state, params)")
        rest, new_base = base.update(split(grads), state["base"], split(params))
        eta = lr_at(state["count"])
        w = params[key]
        sigma, u, v = top_singular_triple(grads[key], sketch_iters)
        if sigma == 0.0:
            w_new = w
        else:
            w_new = rank1_polar_step(w, eta * sigma, u, v)
            if newton_schulz:
                w_new = 1.5 * w_new - 0.5 * (w_new @ (w_new.T @ w_new))
        updates = dict(rest)
        updates[key] = (w_new - w).astype(w.dtype, copy=False)
        return updates, {"base": new_base, "count": state["count"] + 1}

    return GradientTransformation(init, update)


# ----------------------------------------------------------------------------- model
@register_layer
class QORNN(ORNN):
    r"""Quantized orthogonal RNN (module docstring).

    Parameters
    ----------
    n_in, n_hidden, n_out, output, embedding, dtype : as :class:`~approxbounds.models.ornn.ORNN`
    variant : ``"ptq"``, ``"bjorck"``, ``"projunn"`` or ``"penalty"``
    bits : int in [1, 16]
        k, bits of ``W`` (and ``U`` with ``quantize_input``).
    quantize_input : bool
        Quantize ``U`` with the same k-bit quantizer (STE).
    penalty : float >= 0
        λ of the ``"penalty"`` variant (ignored by the others). Default 0.1.
    bjorck_iters, power_iters : int
        Björck and power iterations of the ``"bjorck"`` variant.
    projunn_lr : float > 0
        Step size of the rank-1 projUNN update of ``W`` (``"projunn"``; see :func:`projunn`).
        Default 0.05.

    Defaults of ``penalty`` and ``projunn_lr``: the values we used on a copy task of total
    length 20 (n = 32, Adam 3e-3, 1500 steps), where every QAT variant beat PTQ at 3 and 4
    bits; they are not from the paper (whose settings we do not have). Tune per task.
    """

    kind = "qornn"

    def __init__(self, n_in: int, n_hidden: int, n_out: int, output: str = "sequence", embedding=None,
                 variant: str = "bjorck", bits: int = 4, quantize_input: bool = False, penalty: float = 0.1,
                 bjorck_iters: int = 15, power_iters: int = 10, projunn_lr: float = 0.05, dtype="float32"):
        super().__init__(n_in, n_hidden, n_out, output=output, embedding=embedding,
                         parametrization="projection", dtype=dtype)
        self.variant = check_choice("variant", variant, VARIANTS)
        self.bits = check_int("bits", bits, minimum=1, maximum=16)
        if not isinstance(quantize_input, (bool, np.bool_)):
            raise TypeError(f"quantize_input must be a bool, got {quantize_input!r}")
        self.quantize_input = bool(quantize_input)
        self.penalty = check_real("penalty", penalty, low=0.0)
        self.bjorck_iters = check_int("bjorck_iters", bjorck_iters, minimum=0, maximum=1000)
        self.power_iters = check_int("power_iters", power_iters, minimum=1, maximum=1000)
        self.projunn_lr = check_real("projunn_lr", projunn_lr, low=0.0, low_open=True)
        self.quantizer = KBit(self.bits)
        self.bjorck = Bjorck(iters=self.bjorck_iters, beta=0.5, scale="power", power_iters=self.power_iters)

    # ------------------------------------------------------------------ weights
    def orthogonal_matrix(self, params):
        """Full-precision (pre-quantization) recurrent matrix: Björck(V0) or the latent W."""
        if self.variant == "bjorck":
            return self.bjorck(params["W"])
        return params["W"]

    def _effective(self, params):
        if self.variant == "ptq":          # training is full precision
            return super()._effective(params)
        bj = None
        if self.variant == "bjorck":
            w_o, bj = self.bjorck.forward(params["W"])
        else:
            w_o = params["W"]
        w_q = self.quantizer(w_o)          # identity STE: backward copies dL/dQ(W) to w_o
        u = self.quantizer(params["U"]) if self.quantize_input else params["U"]
        return u, w_q, bj

    def _effective_backward(self, params, aux, dU, dW):
        if self.variant == "ptq":
            return super()._effective_backward(params, aux, dU, dW)
        if self.variant == "bjorck":
            dW = self.bjorck.backward(aux, dW)
        return {"U": dU, "W": dW}

    def regularizer(self, params):
        r""":math:`\lambda\|Q^\top Q - I\|_F^2` with :math:`Q = Q_k(W)` (``"penalty"`` only); gradient via the STE."""
        if self.variant != "penalty" or self.penalty == 0.0:
            return 0.0, None
        w = params["W"]
        q = self.quantizer(w)
        d = q.T @ q - np.eye(q.shape[0], dtype=q.dtype)
        value = self.penalty * float(np.sum(np.square(d, dtype=np.float64)))
        grad = (4 * self.penalty) * (q @ d)
        return value, {"W": grad.astype(w.dtype, copy=False)}

    # ------------------------------------------------------------------ training glue
    def wrap_optimizer(self, opt):
        """ptq: ``opt`` + polar projection; projunn: :func:`projunn`; bjorck/penalty: ``opt``."""
        if not isinstance(opt, GradientTransformation):
            raise TypeError(f"opt must be a GradientTransformation, got {type(opt).__name__}")
        if self.variant == "ptq":
            return super().wrap_optimizer(opt)
        if self.variant == "projunn":
            return projunn(opt, self.projunn_lr)
        return opt

    def deployed(self, params):
        """``(ORNN, params)`` with the explicit k-bit ``W`` (and ``U``) the inference network uses.

        Its forward pass equals this model's (for ``"ptq"``: the quantized network).
        """
        self._check_params(params)
        out = {k: np.array(v, copy=True) for k, v in params.items()}
        out["W"] = self.quantizer(self.orthogonal_matrix(params))
        if self.quantize_input:
            out["U"] = self.quantizer(params["U"])
        model = ORNN(self.n_in, self.n_hidden, self.n_out, output=self.output,
                     embedding=self.embedding, parametrization="projection", dtype=self.dtype.name)
        return model, out

    def orthogonality_defect(self, params, norm: str = "fro"):
        r""":math:`\|Q(W)^\top Q(W) - I\|` of the deployed k-bit matrix (``norm`` ``"fro"`` or
        ``"spectral"``). ``norm="all"``: a dict with ``"fro"``, ``"spectral"`` and the same for the
        full-precision matrix before quantization (``"fro_fp"``, ``"spectral_fp"``)."""
        check_choice("norm", norm, DEFECT_NORMS)
        wq = self.deployed(params)[1]["W"]
        if norm != "all":
            return _defect(wq, norm)
        wo = self.orthogonal_matrix(params)
        return {"fro": _defect(wq, "fro"), "spectral": _defect(wq, "spectral"),
                "fro_fp": _defect(wo, "fro"), "spectral_fp": _defect(wo, "spectral")}

    def storage(self) -> StorageAccount:
        """Deployed storage: W at ``bits`` per entry (2 for the ternary ``bits=1``), U at ``bits`` if quantized, the rest float32."""
        per = self.quantizer.storage_bits      # k, or 2 for the ternary k = 1 (KBit)
        q = {"W": per}
        if self.quantize_input:
            q["U"] = per
        return model_storage(self.param_shapes(), q, model=f"QORNN-{self.variant}(k={self.bits})")

    # ------------------------------------------------------------------ STE reference (tests)
    def ste_surrogate(self, params):
        r"""``(model, params, to_latent)`` for :func:`approxbounds.nn.gradcheck.check_layer_gradients`.

        The surrogate computes :math:`U + \Delta_U` and :math:`f(W) + \Delta_W` in full
        precision (``f`` = Björck or identity) with the shifts
        :math:`\Delta = Q(\cdot) - \cdot` frozen at ``params``: ``x + stopgrad(Q(x) - x)``.
        Its exact gradient at ``params`` is the straight-through gradient by definition.
        """
        if self.variant == "ptq":
            return self, params, lambda g: g
        w_o = self.orthogonal_matrix(params)
        w_shift = self.quantizer(w_o) - w_o
        u_shift = self.quantizer(params["U"]) - params["U"] if self.quantize_input else None
        cfg = {k: v for k, v in self.config().items() if k != "kind"}
        return _STESurrogate(w_shift, u_shift, **cfg), params, lambda g: g

    def ste_reference_forward(self, params, x, w_shift=None, u_shift=None):
        r"""Forward pass of the STE reference function with given constant shifts.

        :math:`W = f(W_{latent}) + \Delta_W`, :math:`U = U + \Delta_U`, ``f`` = Björck
        (``"bjorck"``) or identity, in full precision.
        """
        cfg = {k: v for k, v in self.config().items() if k != "kind"}
        return _STESurrogate(w_shift, u_shift, **cfg).forward(params, x)[0]

    def config(self):
        cfg = self._base_config()
        cfg.update({"variant": self.variant, "bits": self.bits, "quantize_input": self.quantize_input,
                    "penalty": self.penalty, "bjorck_iters": self.bjorck_iters,
                    "power_iters": self.power_iters, "projunn_lr": self.projunn_lr})
        return cfg


class _STESurrogate(QORNN):
    """QORNN with the quantizers replaced by constant shifts (the STE reference; not registered)."""

    kind = "_qornn_ste_surrogate"

    def __init__(self, w_shift, u_shift, **kw):
        super().__init__(**kw)
        self._w_shift = w_shift
        self._u_shift = u_shift

    def _effective(self, params):
        bj = None
        if self.variant == "bjorck":
            w_o, bj = self.bjorck.forward(params["W"])
        else:
            w_o = params["W"]
        w = w_o if self._w_shift is None else w_o + self._w_shift
        u = params["U"] if self._u_shift is None else params["U"] + self._u_shift
        return u, w, bj
