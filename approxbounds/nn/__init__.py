"""Torch-free training backend (numpy): layers, RNNs, quantizers, optimizers, trainer."""
from approxbounds.nn.activations import (  # noqa: F401
    HardThreshold, Identity, LeakyReLU, ModReLU, PiecewisePolynomial, ReLU, Tanh,
    act_backward, act_forward, get_activation, piecewise_linear,
)
from approxbounds.nn.base import Layer, Sequential, accepts_need_dx, layer_from_config  # noqa: F401
from approxbounds.nn.gradcheck import check_layer_gradients, check_loss_gradient  # noqa: F401
from approxbounds.nn.layers import Dense, Embedding, Flatten  # noqa: F401
from approxbounds.nn.losses import (  # noqa: F401
    bce_with_logits, get_loss, lp_error, lp_error_pow, mse, softmax_cross_entropy,
)
from approxbounds.nn.mlp import MLP  # noqa: F401
from approxbounds.nn.quantizers import KBit, Sign, Ternary, get_quantizer  # noqa: F401
from approxbounds.nn.checkpoint import load_checkpoint, save_checkpoint  # noqa: F401
from approxbounds.nn.optim import (  # noqa: F401
    GradientTransformation, adam, apply_updates, chain, clip, clip_by_global_norm,
    param_transform, project, rmsprop, sgd,
)
from approxbounds.nn.regression import empirical_lp_error, fit_regression, grid_lp_error  # noqa: F401
from approxbounds.nn.schedules import constant, exponential, step_decay, warmup  # noqa: F401
from approxbounds.nn.trainer import FitResult, default_grad_fn, fit  # noqa: F401
from approxbounds.nn.rnn import NONLINEARITIES, RNN, RNNCache, rnn_backward, rnn_forward  # noqa: F401
from approxbounds.nn.hadamard import block_fwht, block_sylvester, fwht, hadamard_kron, sylvester  # noqa: F401
from approxbounds.nn.orthogonal import (  # noqa: F401
    Bjorck, bjorck, cayley, cayley_grad, orthogonality_defect, polar_projection,
    power_iteration_sigma_max, qr_projection, random_orthogonal, skew,
)
