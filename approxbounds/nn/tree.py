"""Parameter trees: nested ``dict``s whose leaves are numpy arrays.

Every model, gradient, optimizer state and update in :mod:`approxbounds.nn` is such a tree.
Keys are strings; iteration order is the sorted key order so that flattening is
deterministic (checkpoints and bitwise-reproducibility rely on it).
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

Tree = Any  # dict[str, Tree] | np.ndarray

__all__ = ["tree_map", "tree_leaves", "tree_items", "tree_zeros_like", "tree_structure_equal",
           "tree_flatten", "tree_unflatten", "tree_global_norm", "tree_size"]


def tree_map(fn: Callable[..., Any], tree: Tree, *rest: Tree) -> Tree:
    """Apply ``fn`` leaf-wise to ``tree`` and trees of the same structure in ``rest``."""
    if isinstance(tree, dict):
        for other in rest:
            if not isinstance(other, dict) or set(other) != set(tree):
                raise ValueError(
                    f"tree structures differ: keys {sorted(tree)} vs "
                    f"{sorted(other) if isinstance(other, dict) else type(other).__name__}"
                )
        return {k: tree_map(fn, tree[k], *(o[k] for o in rest)) for k in sorted(tree)}
    return fn(tree, *rest)


def tree_items(tree: Tree, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
    """Yield ``(path, leaf)`` pairs in deterministic order; paths are ``a/b/c``."""
    if isinstance(tree, dict):
        for k in sorted(tree):
            yield from tree_items(tree[k], f"{prefix}{k}/" if isinstance(tree[k], dict) else f"{prefix}{k}")
    else:
        yield prefix, tree


def tree_leaves(tree: Tree) -> list[np.ndarray]:
    return [leaf for _, leaf in tree_items(tree)]


def tree_flatten(tree: Tree) -> dict[str, np.ndarray]:
    """Flat ``{path: array}`` mapping (for ``np.savez``)."""
    return dict(tree_items(tree))


def tree_unflatten(flat: dict[str, np.ndarray]) -> Tree:
    """Inverse of :func:`tree_flatten`."""
    out: dict = {}
    for path, leaf in flat.items():
        node = out
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = leaf
    return out


def tree_zeros_like(tree: Tree) -> Tree:
    return tree_map(np.zeros_like, tree)


def tree_structure_equal(a: Tree, b: Tree, *, check_shapes: bool = True) -> bool:
    """True when both trees have the same keys (and leaf shapes/dtypes if asked)."""
    if isinstance(a, dict) != isinstance(b, dict):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(tree_structure_equal(a[k], b[k], check_shapes=check_shapes) for k in a)
    if not check_shapes:
        return True
    return np.shape(a) == np.shape(b) and np.asarray(a).dtype == np.asarray(b).dtype


def tree_global_norm(tree: Tree) -> float:
    """Euclidean norm of all leaves stacked (computed in float64)."""
    return float(np.sqrt(sum(float(np.sum(np.square(leaf, dtype=np.float64))) for leaf in tree_leaves(tree))))


def tree_size(tree: Tree) -> int:
    """Total number of scalars."""
    return int(sum(np.size(leaf) for leaf in tree_leaves(tree)))
