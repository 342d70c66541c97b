"""Experiments: the only places that join the training backend, the tasks and the bounds."""
