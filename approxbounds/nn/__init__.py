"""Torch-free training backend (numpy): layers, RNNs, quantizers, optimizers, trainer."""
from approxbounds.nn.base import Layer, Sequential, layer_from_config  # noqa: F401
