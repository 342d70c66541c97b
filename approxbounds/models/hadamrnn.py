r"""HadamRNN and Block-HadamRNN: linear RNNs with a binary (or sparse ternary) orthogonal W.

Model (Foucault et al., *HadamRNN*, ICLR 2025, arXiv 2502.00047), hidden
size :math:`n = 2^k`, :math:`h_0 = 0`:

.. math::

    h_t = W h_{t-1} + b + Q_p(U) x_t, \qquad y_t = Q_p(V)\,\mathrm{ReLU}(h_t) + c,

    W = \operatorname{diag}(\operatorname{sgn} u)\, S_n/\sqrt{n}
    \quad\text{or (Block, } n = qm)\quad
    W = \operatorname{diag}(\operatorname{sgn} u)\,(I_q\otimes S_m)/\sqrt{m},

with :math:`S_n` the Sylvester Hadamard matrix (:mod:`approxbounds.nn.hadamard`),
:math:`\operatorname{sgn} 0 = 0` (``torch.sign``, as the official code), and :math:`Q_p` the
per-tensor symmetric p-bit quantizer (:class:`approxbounds.nn.quantizers.KBit`; for p = 1 it
is ternary {−α, 0, α}, as the official code). W is exactly orthogonal for every u without a
zero entry (a coordinate :math:`u_i = 0` exactly, a probability-zero event, gives a zero row;
the fast STE identity below then returns :math:`\partial L/\partial u_i = 0` for it). Trained
parameters: ``u`` (n), ``U`` (n, d_in), ``b`` (n), ``V`` (d_out, n), ``c`` (d_out) and, for
text, an embedding ``E`` (vocab, dim) with ``dim = d_in`` whose row 0 is the padding token:
zero at initialisation and never trained (its gradient is masked by
:meth:`~approxbounds.models._base.TrainingGlue.loss_and_grad`), as ``nn.Embedding(...,
padding_idx=0)`` in the official code.

Straight-through estimators: the sign and :math:`Q_p` are treated as the identity in the
backward pass, i.e. the gradient returned for ``u`` is :math:`\partial L/\partial s` of the
model in which :math:`s = \operatorname{sgn} u` is a free real vector, and likewise for
``U``, ``V`` (gradient with respect to the quantized matrices).

Back-propagation through time, row convention :math:`H_t = H_{t-1}W^\top + Z_t` for a batch
:math:`H_t \in \mathbb R^{B\times n}`, :math:`Z_t = X_t Q(U)^\top + b`,
:math:`G_t = \partial L/\partial H_t`:

.. math::

    G_t = D_t + G_{t+1} W,\quad D_t = (\partial L/\partial Y_t)\,Q(V) \odot [H_t > 0],\qquad
    \frac{\partial L}{\partial W} = \sum_t G_t^\top H_{t-1}.

The STE gradient of the signs is :math:`\partial L/\partial s_i = \sum_j (\partial L/\partial
W)_{ij} S_{ij}/\sqrt n`. Because :math:`s_i^2 = 1` and :math:`(S H_{t-1}^\top)_i/\sqrt n =
s_i (W H_{t-1}^\top)_i = s_i (H_t - Z_t)_i`, this equals

.. math:: \frac{\partial L}{\partial s_i} = s_i \sum_{t,b} G_{t,b,i}\,(H_{t,b,i} - Z_{t,b,i})
          = s_i\Big(\sum_{t,b} G_{t,b,i}H_{t,b,i} - \sum_k Q(U)_{ik}\,(\partial L/\partial Q(U))_{ik} - b_i\,(\partial L/\partial b)_i\Big),

an :math:`O(TBn)` reduction instead of the :math:`O(TBn^2)` product for
:math:`\partial L/\partial W` (identity checked against the dense formula in the tests; the
same holds for the block matrix, whose zero entries never enter). The last form needs
neither Z nor W h stored.

Speed (docs/rnn.md, "Speed"): the time loops only apply W, through
:class:`approxbounds.nn.hadamard.SignedHadamard` (three numpy/BLAS calls per step on the
``kron`` path, accumulating into the state inside the GEMM). Everything else (input
projection, read-out, softmax cross-entropy, masks, parameter gradients) is done on chunks of
``chunk`` time steps (default 32) as a few large array operations that stay in cache; the only
full-length buffer is H (T, B, n), a per-thread scratch buffer in :meth:`HadamRNN.loss_and_grad`,
which also fuses the softmax cross-entropy of a sequence output into the chunked backward pass
(the logits are never stored for the whole sequence). Integer inputs (one-hot symbols or token
ids) use a lookup table :math:`Q(U)E^\top + b` (E = identity for one-hot) instead of a GEMM.

Three ways to compute :math:`W h = s \odot (S h)/\sqrt m`, same outputs up to rounding
(tested): ``"dense"`` (one BLAS product with the explicit W, :math:`2n^2` flops per vector),
``"fwht"`` (butterfly FWHT, :math:`n\log_2 n` additions but :math:`\log_2 m` NumPy passes
per step) and ``"kron"`` (:math:`S_m = S_a\otimes S_b`, :func:`approxbounds.nn.hadamard.kron_split`:
two small matrix products, :math:`2n(a+b)` flops). Measured at n = 128, batch 128, float32,
one thread: about 45 µs (dense), 13 µs (kron) and > 100 µs (fwht) per product, so
``path="auto"`` uses ``"kron"``. The backward pass uses the same operator on
:math:`g \odot s` (W is symmetric up to the row signs: :math:`gW = (g\odot s)S/\sqrt m`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from approxbounds._validation import check_choice, check_int
from approxbounds.models._base import PADDING_ID, TrainingGlue, check_embedding_pair, check_param_tree
from approxbounds.nn.base import Layer, check_dtype, register_layer
from approxbounds.nn.hadamard import SignedHadamard, check_power_of_two, sylvester
from approxbounds.nn.losses import check_class_labels, softmax_cross_entropy, softmax_xent_inplace
from approxbounds.nn.quantizers import KBit
from approxbounds.nn.workspace import scratch, zeros

__all__ = ["HadamRNN", "HadamCache", "OUTPUTS", "PATHS"]

OUTPUTS = ("sequence", "last")
PATHS = ("auto", "dense", "fwht", "kron")
_ONEHOT_DENSE_MAX = 256   # vocabularies up to this size scatter gradients with a dense one-hot GEMM


def _sign(u: np.ndarray) -> np.ndarray:
    """sgn u with sgn 0 = 0 (``torch.sign``, the official HadamRNN convention)."""
    return np.sign(u)


@dataclass
class HadamCache:
    """What :meth:`HadamRNN.backward` needs from the forward pass (time-major arrays)."""

    H: np.ndarray | None     # (T, B, n) hidden states h_1..h_T
    s: np.ndarray            # (n,) signs
    op: SignedHadamard       # W = diag(s)(I_q ⊗ S_m)/√m with its scratch buffers
    Uq: np.ndarray           # (n, d_in) quantized input matrix
    Vq: np.ndarray           # (d_out, n) quantized output matrix
    b: np.ndarray            # (n,) recurrent bias
    c: np.ndarray            # (d_out,) output bias
    ids: np.ndarray | None   # (T, B) token ids for integer input
    X: np.ndarray | None     # (T, B, d_in) view of float input
    emb: np.ndarray | None   # (vocab, dim) embedding rows (embedding models)
    table: np.ndarray | None  # (vocab, n) input rows Q(U)eᵀ + b (integer input)
    batch_major_shape: tuple


@register_layer
class HadamRNN(TrainingGlue, Layer):
    r"""HadamRNN / Block-HadamRNN (module docstring; Foucault et al., ICLR 2025).

    Parameters
    ----------
    n_in : int >= 1
        Input size d_in (number of symbols for one-hot integer input; embedding dimension
        for text models).
    n_hidden : int
        Hidden size n, a power of two (Block: ``n_hidden/blocks`` must be one).
    n_out : int >= 1
        Output size d_out.
    bits : int in [1, 32] or None
        p of the quantizer :math:`Q_p` of U and V (default 4); ``None`` keeps them in full
        precision (ablation).
    output : ``"sequence"`` (y_t at every step, shape (B, T, d_out)) or ``"last"`` ((B, d_out)).
    blocks : int >= 1
        q; W = diag(sgn u)(I_q ⊗ S_m)/√m with m = n/q. 1 gives HadamRNN.
    embedding : (vocab, dim) or None
        Learned full-precision embedding for integer token input; ``dim`` must equal ``n_in``.
    dtype : float32 (default) or float64
    path : ``"auto"``, ``"dense"``, ``"fwht"`` or ``"kron"``
        How W h is computed (same maths, module docstring). ``auto`` = ``kron`` (fastest measured).
    chunk : int >= 1
        Time steps per block of the vectorised work (speed only).

    Inputs ``x``: integer array (B, T) of symbols in [0, n_in) (one-hot, no embedding) or of
    token ids in [0, vocab) (with embedding); or a float array (B, T, n_in) of the model's dtype.
    """

    kind = "hadamrnn"

    def __init__(self, n_in: int, n_hidden: int, n_out: int, bits: int | None = 4, output: str = "sequence",
                 blocks: int = 1, embedding=None, dtype="float32", path: str = "auto", chunk: int = 32):
        self.n_in = check_int("n_in", n_in, minimum=1)
        self.n_hidden = check_int("n_hidden", n_hidden, minimum=1)
        self.n_out = check_int("n_out", n_out, minimum=1)
        self.bits = None if bits is None else check_int("bits", bits, minimum=1, maximum=32)
        self.output = check_choice("output", output, OUTPUTS)
        self.blocks = check_int("blocks", blocks, minimum=1)
        if self.n_hidden % self.blocks:
            raise ValueError(f"n_hidden={self.n_hidden} must be a multiple of blocks={self.blocks}")
        self.block_size = check_power_of_two("n_hidden/blocks (block size m)", self.n_hidden // self.blocks,
                                             maximum=8192)
        if embedding is not None:
            vocab, dim = check_embedding_pair(embedding)
            if dim != self.n_in:
                raise ValueError(f"embedding dim={dim} must equal n_in={self.n_in} (the embedding feeds x_t)")
            embedding = (vocab, dim)
        self.embedding = embedding
        self.dtype = check_dtype(dtype)
        self.path = check_choice("path", path, PATHS)
        self.chunk = check_int("chunk", chunk, minimum=1)
        self.quantizer = None if self.bits is None else KBit(bits=self.bits)
        self._S = sylvester(self.block_size, np.float64)

    # ------------------------------------------------------------------ protocol
    def config(self) -> dict:
        return {"kind": self.kind, "n_in": self.n_in, "n_hidden": self.n_hidden, "n_out": self.n_out,
                "bits": self.bits, "output": self.output, "blocks": self.blocks,
                "embedding": None if self.embedding is None else list(self.embedding),
                "dtype": self.dtype.name, "path": self.path, "chunk": self.chunk}

    @classmethod
    def from_config(cls, config: dict) -> "HadamRNN":
        kw = {k: v for k, v in config.items() if k != "kind"}
        if kw.get("embedding") is not None:
            kw["embedding"] = tuple(kw["embedding"])
        return cls(**kw)

    @property
    def vocab(self) -> int | None:
        """Number of distinct integer inputs: n_in (one-hot) or the embedding's vocabulary."""
        if self.embedding is not None:
            return self.embedding[0]
        return self.n_in

    def init(self, rng: np.random.Generator, dtype=None) -> dict:
        r"""Initialisation of the official HadamRNN code (deel-ai-papers/hadamRNN; docs/rnn.md §1).

        u ~ U(±√(6/(n+1))) (Xavier-uniform of a 1×n tensor); U, V Xavier-uniform,
        U(±√(6/(fan_in + fan_out))); b ~ U(±1/√n) (b is the bias of the n×n recurrent linear
        layer, ``nn.Linear(n, n)``, so its fan-in is n, not d_in); c ~ U(±1/√n) (bias of the
        read-out ``nn.Linear(n, d_out)``, fan-in n); E ~ N(0, 1) with the padding row 0 set to
        zero (``nn.Embedding(vocab, dim, padding_idx=0)``).
        """
        dt = self.dtype if dtype is None else check_dtype(dtype)
        n, d, o = self.n_hidden, self.n_in, self.n_out

        def unif(lim, shape):
            return rng.uniform(-lim, lim, shape).astype(dt)

        p = {"u": unif(math.sqrt(6.0 / (n + 1)), n),
             "U": unif(math.sqrt(6.0 / (n + d)), (n, d)),
             "b": unif(1.0 / math.sqrt(n), n),
             "V": unif(math.sqrt(6.0 / (n + o)), (o, n)),
             "c": unif(1.0 / math.sqrt(n), o)}
        if self.embedding is not None:
            p["E"] = rng.standard_normal(self.embedding).astype(dt)
            p["E"][PADDING_ID] = 0          # padding row: zero, never trained
        return p

    def _shapes(self) -> dict:
        n, d, o = self.n_hidden, self.n_in, self.n_out
        s = {"u": (n,), "U": (n, d), "b": (n,), "V": (o, n), "c": (o,)}
        if self.embedding is not None:
            s["E"] = self.embedding
        return s

    def _check_params(self, params) -> np.dtype:
        return check_param_tree(params, self._shapes(), "u")

    # ------------------------------------------------------------------ weights
    def signs(self, params) -> np.ndarray:
        return _sign(np.asarray(params["u"]))

    def recurrent_matrix(self, params) -> np.ndarray:
        """Dense W = diag(sgn u)·(I_q ⊗ S_m)/√m in the parameters' dtype."""
        u = np.asarray(params["u"])
        s = _sign(u).astype(np.float64)
        m = self.block_size
        blk = self._S / math.sqrt(m)
        W = np.zeros((self.n_hidden, self.n_hidden))
        for j in range(self.blocks):
            sl = slice(j * m, (j + 1) * m)
            W[sl, sl] = blk
        return (s[:, None] * W).astype(u.dtype)

    def _quant(self, w):
        return w if self.quantizer is None else self.quantizer.quantize(w)[0]

    def quantized_weights(self, params) -> dict:
        """The weights the forward pass uses: ``W`` (dense), ``U`` = Q(U), ``V`` = Q(V)."""
        return {"W": self.recurrent_matrix(params), "U": self._quant(params["U"]), "V": self._quant(params["V"])}

    def storage_bits(self, explicit_W: bool = False, scales: bool = True) -> int:
        """Exact storage in bits (convention of :mod:`approxbounds.models.storage`); see :func:`approxbounds.models.storage.hadamrnn_storage`."""
        from approxbounds.models.storage import hadamrnn_storage
        return hadamrnn_storage(self, explicit_W=explicit_W, scales=scales).total_bits

    def _resolved_path(self) -> str:
        return "kron" if self.path == "auto" else self.path

    # ------------------------------------------------------------------ forward
    def _prepare_input(self, x, dt):
        x = np.asarray(x)
        if np.issubdtype(x.dtype, np.integer):
            if x.ndim != 2:
                raise ValueError(f"integer input x must have shape (batch, time), got {x.shape}")
            vocab = self.vocab
            if x.size and (x.min() < 0 or x.max() >= vocab):
                raise ValueError(f"input ids must lie in [0, {vocab - 1}], got range [{x.min()}, {x.max()}]")
            if x.shape[1] < 1:
                raise ValueError("input x must have at least one time step")
            return np.ascontiguousarray(x.T), None
        if self.embedding is not None:
            raise ValueError(f"a model with an embedding takes integer token ids, got dtype {x.dtype}")
        if x.dtype != dt:
            raise ValueError(f"input x has dtype {x.dtype} but the parameters have dtype {dt}; cast explicitly")
        if x.ndim != 3 or x.shape[2] != self.n_in:
            raise ValueError(f"float input x must have shape (batch, time, n_in={self.n_in}), got {x.shape}")
        if x.shape[1] < 1:
            raise ValueError("input x must have at least one time step")
        if not np.all(np.isfinite(x)):
            raise ValueError("input x contains NaN or infinity")
        return None, x.transpose(1, 0, 2)

    def _setup(self, params, x) -> HadamCache:
        """Validate the parameters and input; quantize; build W's operator (``H`` still unset)."""
        dt = self._check_params(params)
        ids, X = self._prepare_input(x, dt)
        T, B = (ids.shape if ids is not None else X.shape[:2])
        s = self.signs(params)
        Uq = self._quant(params["U"])
        Vq = self._quant(params["V"])
        emb = params.get("E")
        table = None
        if ids is not None:
            table = (Uq.T + params["b"]) if emb is None else (emb @ Uq.T + params["b"])   # (vocab, n)
        op = SignedHadamard(s, self.block_size, B, path=self._resolved_path())
        return HadamCache(H=None, s=s, op=op, Uq=Uq, Vq=Vq, b=params["b"], c=params["c"], ids=ids, X=X,
                          emb=emb, table=table, batch_major_shape=(B, T))

    def _chunks(self, T: int) -> list:
        return [(t0, min(T, t0 + self.chunk)) for t0 in range(0, T, self.chunk)]

    def _fill_states(self, cache: HadamCache) -> None:
        """``cache.H[t]`` ← :math:`h_{t+1}`: the input projection of a chunk in one array
        operation, then the recurrence :math:`h_t = z_t + W h_{t-1}` step by step
        (:meth:`SignedHadamard.forward_scan <approxbounds.nn.hadamard.SignedHadamard>`)."""
        H, ids, X = cache.H, cache.ids, cache.X
        op = cache.op
        forward_scan = op.forward_scan
        # the operator may want its inputs pre-multiplied by c = input_scale (except at t = 0,
        # which no scan step touches); folded into the table / Q(U) and b, so it costs nothing
        c = op.input_scale
        T, B, n = H.shape
        if ids is not None:
            table = cache.table
            table_c = table if c is None else table * c
        else:
            # z_t = [x_t, 1]·[Q(U)ᵀ; bᵀ]: ONE GEMM with K = d_in + 1 writes the chunk (a
            # product and a bias pass before: 450 → 280 µs per (32, 64, 512) chunk)
            d = self.n_in
            Ub = np.vstack([cache.Uq.T, cache.b[None, :]])                   # (d_in + 1, n)
            Ub_c = Ub if c is None else Ub * c
            xin = scratch("hadamrnn.xin", (min(self.chunk, T) * B, d + 1), H.dtype)
            xin[:, d] = 1
        for t0, t1 in self._chunks(T):
            Hc = H[t0:t1]
            if ids is not None:   # ids were validated: "clip" avoids a buffered copy
                np.take(table_c, ids[t0:t1], axis=0, out=Hc, mode="clip")
                if t0 == 0 and c is not None:
                    np.take(table, ids[0], axis=0, out=H[0], mode="clip")
            else:
                kB = (t1 - t0) * B
                a = xin[:kB]
                np.copyto(a[:, :d].reshape(t1 - t0, B, d), X[t0:t1])
                np.matmul(a, Ub_c, out=Hc.reshape(kB, n))
                if t0 == 0 and c is not None:
                    np.matmul(a[:B], Ub, out=H[0])
            forward_scan(H, max(t0, 1), t1)

    def _readout(self, cache: HadamCache) -> np.ndarray:
        """The outputs y (batch-major) from the filled states."""
        H = cache.H
        T, B, n = H.shape
        VqT = np.ascontiguousarray(cache.Vq.T)
        if self.output != "sequence":
            return np.maximum(H[T - 1], 0) @ VqT + cache.c
        K = min(self.chunk, T)
        Y = np.empty((T, B, self.n_out), dtype=H.dtype)
        relu = scratch("hadamrnn.relu", (K, B, n), H.dtype)
        zero = zeros("hadamrnn.zero", (K, B, n), H.dtype)
        for t0, t1 in self._chunks(T):
            r = relu[: t1 - t0]
            np.maximum(H[t0:t1], zero[: t1 - t0], out=r)
            np.matmul(r, VqT, out=Y[t0:t1])
        Y += cache.c
        return Y.transpose(1, 0, 2)

    def forward(self, params, x):
        cache = self._setup(params, x)
        B, T = cache.batch_major_shape
        cache.H = np.empty((T, B, self.n_hidden), dtype=cache.Uq.dtype)
        self._fill_states(cache)
        return self._readout(cache), cache

    # ------------------------------------------------------------------ backward
    def backward(self, params, cache: HadamCache, dy, need_dx: bool = True):
        """Return ``(dx, grads)``; ``dx`` is ``None`` for integer input (or ``need_dx=False``)."""
        dt = self._check_params(params)
        dy = self._check_dy(cache, dy, dt)
        _, dx, grads = self._bptt(params, cache, dy=dy, need_dx=need_dx)
        return dx, grads

    def _check_dy(self, cache, dy, dt):
        B, T = cache.batch_major_shape
        dy = np.asarray(dy)
        exp_shape = (B, T, self.n_out) if self.output == "sequence" else (B, self.n_out)
        if dy.shape != exp_shape:
            raise ValueError(f"dy must have shape {exp_shape} (the output's shape), got {dy.shape}")
        if dy.dtype != dt:
            raise ValueError(f"dy has dtype {dy.dtype} but the parameters have dtype {dt}")
        return dy

    def _data_loss_and_grad(self, params, x, target, loss_fn):
        """The data term of :meth:`TrainingGlue.loss_and_grad <approxbounds.models._base.TrainingGlue.loss_and_grad>`
        (same numbers up to the order of float sums), faster.

        The states live in a per-thread scratch buffer (:mod:`approxbounds.nn.workspace`), so
        a training step allocates no (T, B, n) array; and softmax cross-entropy (the loss name
        ``"cross_entropy"`` or :func:`~approxbounds.nn.losses.softmax_cross_entropy` itself) of
        a ``"sequence"`` output is fused into the chunked backward pass: the logits of a chunk
        are computed from the ReLU of its states, turned into ∂L/∂y in place
        (:func:`~approxbounds.nn.losses.softmax_xent_inplace`) and used at once, never
        stored for the whole sequence. ``TrainingGlue.loss_and_grad`` adds the padding-row
        rule of ``E`` and the regulariser.
        """
        cache = self._setup(params, x)
        B, T = cache.batch_major_shape
        cache.H = scratch("hadamrnn.H", (T, B, self.n_hidden), cache.Uq.dtype)
        self._fill_states(cache)
        if loss_fn is softmax_cross_entropy and self.output == "sequence":
            labels = check_class_labels(target, (B, T, self.n_out))
            total, _, grads = self._bptt(params, cache, labels=labels)
            value = total / (T * B)
        else:
            y = self._readout(cache)
            value, dy = loss_fn(y, target)
            dy = self._check_dy(cache, np.asarray(dy, dtype=y.dtype), y.dtype)
            _, _, grads = self._bptt(params, cache, dy=dy)
        cache.H = None                      # the scratch buffer must not outlive the call
        return value, grads

    def _bptt(self, params, cache: HadamCache, *, dy=None, labels=None, need_dx: bool = False):
        """Chunked back-propagation through time (module docstring).

        Exactly one of ``dy`` (∂L/∂y, batch-major) and ``labels`` ((B, T) class ids: fused
        mean softmax cross-entropy over all B·T positions, sequence output) is given.
        Returns ``(loss_sum or None, dx or None, grads)``.
        """
        H, op, Uq, Vq = cache.H, cache.op, cache.Uq, cache.Vq
        T, B, n = H.shape
        dt = H.dtype
        o = self.n_out
        seq = self.output == "sequence"
        fused = labels is not None
        K = min(self.chunk, T)
        G = scratch("hadamrnn.G", (K, B, n), dt)
        carry = scratch("hadamrnn.carry", (B, n), dt)
        dV = np.zeros((o, n), dtype=np.float64)
        sum_GH = np.zeros(n, dtype=np.float64)
        total = None
        if seq:
            relu = scratch("hadamrnn.relu", (K, B, n), dt)
            zero = zeros("hadamrnn.zero", (K, B, n), dt)
            mask = scratch("hadamrnn.mask", (K, B, n), bool)
            if fused:
                VqT = np.ascontiguousarray(Vq.T)
                logits = scratch("hadamrnn.logits", (K, B, o), dt)
                lab = np.ascontiguousarray(np.asarray(labels).T)      # (T, B)
                weight = dt.type(1.0 / (T * B))
                dc = np.zeros(o, dtype=np.float64)
                ones = np.ones(K * B, dtype=dt)
                total = 0.0
            else:
                dYt = dy.transpose(1, 0, 2)
        ids, X = cache.ids, cache.X
        onehot = None
        if ids is not None:
            vocab = self.vocab
            dTable = np.zeros((vocab, n), dtype=np.float64)
            if vocab <= _ONEHOT_DENSE_MAX:
                onehot = scratch("hadamrnn.onehot", (K * B, vocab), dt)
                rows = np.arange(K * B)
        else:
            dUacc = np.zeros((n, self.n_in), dtype=np.float64)
            dbacc = np.zeros(n, dtype=np.float64)
            ones = np.ones(K * B, dtype=dt)
            dX = np.empty((T, B, self.n_in), dtype=dt) if need_dx else None
        add_backward, backward, backward_scan = op.add_backward, op.backward, op.backward_scan
        for t0, t1 in reversed(self._chunks(T)):
            k = t1 - t0
            kB = k * B
            Gc, Hc = G[:k], H[t0:t1]
            if seq:
                # direct gradients D_t = dY_t Q(V) ⊙ [H_t > 0]
                r = relu[:k]
                np.maximum(Hc, zero[:k], out=r)
                if fused:            # dY of the chunk from its logits, in place
                    dYc = logits[:k]
                    np.matmul(r, VqT, out=dYc)
                    dYc += cache.c
                    total += softmax_xent_inplace(dYc, lab[t0:t1], weight)
                    dc += ones[:kB] @ dYc.reshape(kB, o)      # BLAS column sums
                else:
                    dYc = dYt[t0:t1]
                np.matmul(dYc, Vq, out=Gc)
                np.greater(Hc, 0, out=mask[:k])
                Gc *= mask[:k]
                dV += dYc.reshape(kB, o).T @ r.reshape(kB, n)
                # the recurrence backwards: G_{t-1} += G_t W
                if t1 < T:
                    add_backward(carry, Gc[k - 1])
                backward_scan(Gc, k - 1, True)
            else:
                # many-to-one: the only direct gradient is at t = T; G_{t-1} = G_t W
                if t1 == T:
                    np.multiply(dy @ Vq, H[T - 1] > 0, out=Gc[k - 1])
                else:
                    backward(carry, Gc[k - 1])
                backward_scan(Gc, k - 1, False)
            if t0 > 0:
                np.copyto(carry, Gc[0])
            # parameter gradients of the chunk
            G2 = Gc.reshape(kB, n)
            sum_GH += np.einsum("ki,ki->i", G2, Hc.reshape(kB, n))
            if ids is not None:
                idc = ids[t0:t1].reshape(-1)
                if onehot is not None:
                    oh = onehot[:kB]
                    oh.fill(0)
                    oh[rows[:kB], idc] = 1
                    dTable += oh.T @ G2
                else:   # large vocabulary: sort the ids and sum runs (np.add.at is slow)
                    order = np.argsort(idc, kind="stable")
                    sid = idc[order]
                    starts = np.flatnonzero(np.concatenate(([True], sid[1:] != sid[:-1])))
                    dTable[sid[starts]] += np.add.reduceat(G2[order], starts, axis=0)
            else:
                Xc = X[t0:t1].reshape(kB, self.n_in)
                dUacc += G2.T @ Xc
                dbacc += ones[:kB] @ G2          # BLAS column sums (float32 accumulation)
                if need_dx:
                    np.matmul(Gc, Uq, out=dX[t0:t1])
        if not seq:
            dV += dy.T @ np.maximum(H[T - 1], 0)
            dc = dy.sum(axis=0, dtype=np.float64)
        elif not fused:
            dc = dy.sum(axis=(0, 1), dtype=np.float64)
        grads = {}
        dx = None
        if ids is not None:
            emb = cache.emb
            if emb is None:           # table = Q(U)^T + b
                dU = dTable.T
                db = dTable.sum(axis=0)
            else:                     # table = E Q(U)^T + b
                dU = dTable.T @ emb
                db = dTable.sum(axis=0)
                grads["E"] = (dTable @ Uq).astype(dt)
        else:
            dU, db = dUacc, dbacc
            if need_dx:
                dx = dX.transpose(1, 0, 2)
        # STE gradient of the signs (module docstring)
        sum_GZ = np.sum(Uq * dU, axis=1, dtype=np.float64) + params["b"] * db
        du = cache.s * (sum_GH - sum_GZ)
        grads.update({"u": du.astype(dt), "U": dU.astype(dt), "b": db.astype(dt), "V": dV.astype(dt),
                      "c": dc.astype(dt)})
        return total, dx, grads

    # ------------------------------------------------------------------ helpers
    # regularizer (none: W is orthogonal by construction), loss_and_grad, grad_fn,
    # wrap_optimizer (no projection or constraint step needed) and deployed (the model itself:
    # it stores only sgn u, Q(U), Q(V)) come from TrainingGlue (approxbounds.models._base).
    def orthogonality_defect(self, params, norm: str = "fro") -> float:
        r""":math:`\|W^\top W - I\|` of the recurrent matrix (0 up to rounding for every u)."""
        from approxbounds.nn.orthogonal import orthogonality_defect
        return orthogonality_defect(self.recurrent_matrix(params), norm=norm)

    def param_shapes(self) -> dict:
        """``{name: shape}`` of the parameter tree."""
        return {k: tuple(v) for k, v in self._shapes().items()}

    def ste_surrogate(self, params):
        """For :func:`approxbounds.nn.gradcheck.check_layer_gradients`: the model with sgn and Q_p
        replaced by the identity, evaluated at (sgn u, Q(U), Q(V)); STE gradients equal its gradients."""
        sur = _HadamSurrogate(**{k: v for k, v in self.config().items() if k != "kind"})
        p = dict(params)
        p["u"] = _sign(params["u"])
        p["U"] = self._quant(params["U"])
        p["V"] = self._quant(params["V"])
        return sur, p, lambda g: g


class _HadamSurrogate(HadamRNN):
    """Same model with a real-valued sign vector s = u and no quantization (STE reference)."""

    kind = "_hadamrnn_surrogate"

    def __init__(self, **kw):
        kw["path"] = "dense"
        super().__init__(**kw)

    def _quant(self, w):
        return w

    def signs(self, params):
        return np.asarray(params["u"])

    def recurrent_matrix(self, params):
        u = np.asarray(params["u"])
        base = HadamRNN.recurrent_matrix(self, {"u": np.ones_like(u)})
        return (u[:, None] * base).astype(u.dtype)

    def backward(self, params, cache, dy, need_dx=True):
        raise NotImplementedError("the surrogate is only evaluated, never differentiated")
