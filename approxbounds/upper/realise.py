r"""Which explicit constructions fit a network class, and at which size (exact integers).

Every function here reads only the architecture (input dimension, hidden widths, activation,
quantization) and returns integers; the proofs that the counted units suffice are in
docs/upper_bounds.md §1 (shallow and deep one-dimensional ReLU nets, threshold nets,
the Kuhn-triangulation network, the grid-step threshold network, the constant network).

Conventions: ``hidden`` are the hidden widths ``(k_1, ..., k_H)`` (``H = L - 1 >= 1``); the
output layer is one linear unit. The hard threshold is :math:`H(z) = 1[z \ge 0]` (the backend's
convention, :mod:`approxbounds.nn.activations`).

* One-dimensional ReLU nets (:func:`relu_line_plan`): a *line unit* is
  :math:`c\,\mathrm{relu}(w x + b)` added to the output. A ``1,k,1`` net offers ``k`` free
  line units. A deeper net carries :math:`x` (:math:`\mathrm{relu}(x) = x` on :math:`[0,1]`)
  and a shifted partial sum :math:`A = \mathrm{relu}(C + \dots)` through the layers: layer 1
  gives ``k_1 - 1`` free units plus the carried :math:`x` (itself the line unit
  :math:`\mathrm{relu}(x)`), a middle layer ``k - 2`` free units (``x`` and ``A`` carried), the
  last hidden layer ``k_H - 1`` (only ``A`` carried). A middle layer of width 1 carries ``A``
  only; no later layer adds units.
* Threshold nets on :math:`[0,1]` (:func:`threshold_line_jumps`): step functions with
  ``min(k_1, ..., k_H)`` jumps (0/1 values pass a layer as :math:`H(u - 1/2) = u`).
* Kuhn triangulation, ReLU, ``d >= 2`` (:func:`kt_widths`): ``T + 2`` consecutive hidden
  layers with ``T = ceil(log2 d)``, after ``offset`` layers of width ``>= d`` that pass
  :math:`x` through.
* Grid steps, threshold, ``d >= 2`` (:func:`grid_step_widths`): two hidden layers
  (thermometer codes, then orthant indicators), later layers pass the indicators through.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RealisationError", "LinePlan", "relu_line_plan", "threshold_line_jumps", "kt_depth",
           "kt_widths", "kt_fit", "kt_best", "grid_step_widths", "grid_step_best", "constant_problem",
           "network_problem", "hidden_widths", "BUILD_MAX_PARAMS"]

#: largest parameter count for which :mod:`approxbounds.upper.networks` builds weights
BUILD_MAX_PARAMS = 20_000_000


class RealisationError(ValueError):
    """The construction does not fit the network class (the reason is the message)."""


def hidden_widths(G) -> tuple:
    """``(k_1, ..., k_H)``: the hidden widths of ``G`` (empty for an affine class)."""
    return tuple(G.widths[:-1])


def network_problem(G) -> str | None:
    """Why no construction but the constant one can be placed in ``G`` (``None``: some can).

    Constructions need a scalar output, at least one hidden layer, full-precision parameters
    and a ReLU or hard-threshold activation.
    """
    if G.widths[-1] != 1:
        return f"G has {G.widths[-1]} outputs; the function classes are real-valued"
    if len(G.widths) < 2:
        return "G has no hidden layer (an affine class)"
    if G.quantization is not None:
        return ("G is quantized: the class description does not fix the grid of weight values, "
                "so no construction can be proved to have its weights on it")
    if G.activation.name not in ("relu", "hard_threshold"):
        return (f"activation {G.activation.name!r}: constructions are proved for relu and "
                f"hard_threshold only")
    return None


def constant_problem(G) -> str | None:
    """Why ``G`` does not contain every constant function on :math:`[0,1]^d` (``None``: it does).

    Full precision: output weights 0, output bias ``c``. Quantized weights with every bias in
    full precision (``quantize="weights"``, ``n_float = U``) and a ReLU or threshold
    activation: every hidden unit is switched off by a bias below ``-sum |w|`` (whatever grid
    value its weights take), the output bias is ``c``.
    """
    if G.widths[-1] != 1:
        return f"G has {G.widths[-1]} outputs; the function classes are real-valued"
    q = G.quantization
    if q is None:
        return None
    if q.tensors != "weights" or q.n_float != G.U:
        return (f"G quantizes {q.tensors} with {q.n_float} full-precision scalars; the constant "
                f"network needs every bias in full precision (quantize='weights', n_float = U = {G.U})")
    if G.activation.name not in ("relu", "hard_threshold"):
        return (f"activation {G.activation.name!r} with quantized weights: a unit cannot be "
                f"switched off by its bias alone")
    return None


# ----------------------------------------------------------------------------- d = 1, ReLU
@dataclass(frozen=True)
class LinePlan:
    """Allocation of line units over the hidden layers of a one-dimensional ReLU net.

    Attributes
    ----------
    free : tuple of int
        Free line units :math:`\\mathrm{relu}(w x + b)` per hidden layer.
    carry_x : tuple of bool
        Whether layer ``l`` carries :math:`x` (one unit :math:`\\mathrm{relu}(x)`).
    carry_a : tuple of bool
        Whether layer ``l`` carries the shifted partial sum ``A`` (one unit).
    deep : bool
        More than one hidden layer: the carried :math:`\\mathrm{relu}(x)` of layer 1 is the
        linear term; a ``1,k,1`` net has none fixed.
    """

    free: tuple
    carry_x: tuple
    carry_a: tuple
    deep: bool

    @property
    def n_free(self) -> int:
        return sum(self.free)

    @property
    def pieces(self) -> int:
        """Pieces of a continuous piecewise-linear interpolant on a uniform grid: the line
        units (one serves as the linear term)."""
        return self.n_free + (1 if self.deep else 0)

    @property
    def ramps(self) -> int:
        """Ramps :math:`\\mathrm{relu}(x-a) - \\mathrm{relu}(x-a-\\eta)` (two free units each)."""
        return self.n_free // 2

    def widths_used(self) -> tuple:
        return tuple(f + int(x) + int(a) for f, x, a in zip(self.free, self.carry_x, self.carry_a))


def relu_line_plan(hidden) -> LinePlan:
    """The line-unit allocation of docs/upper_bounds.md §1.1 for hidden widths ``hidden``."""
    hidden = tuple(int(k) for k in hidden)
    H = len(hidden)
    if H == 0:
        raise RealisationError("no hidden layer")
    if H == 1:
        return LinePlan((hidden[0],), (False,), (False,), False)
    free, cx, ca = [hidden[0] - 1], [True], [False]
    x_avail = True
    for i, k in enumerate(hidden[1:], start=2):
        last = i == H
        if last:
            free.append(k - 1 if x_avail else 0)
            cx.append(False)
            ca.append(True)
        elif k == 1 or not x_avail:
            x_avail = False
            free.append(0)
            cx.append(False)
            ca.append(True)
        else:
            free.append(k - 2)
            cx.append(True)
            ca.append(True)
    return LinePlan(tuple(free), tuple(cx), tuple(ca), True)


# ----------------------------------------------------------------------------- d = 1, threshold
def threshold_line_jumps(hidden) -> int:
    """Jumps of a step function on :math:`[0,1]` realised by a threshold net:
    ``min(k_1, ..., k_H)`` (docs/upper_bounds.md §1.2)."""
    hidden = tuple(int(k) for k in hidden)
    if not hidden:
        raise RealisationError("no hidden layer")
    return min(hidden)


# ----------------------------------------------------------------------------- Kuhn triangulation
def kt_depth(d: int) -> int:
    """Hidden layers of the Kuhn-triangulation block: ``ceil(log2 d) + 2``."""
    return (int(d) - 1).bit_length() + 2


def kt_widths(d: int, m: int) -> tuple:
    """Widths of the ``ceil(log2 d) + 2`` hidden layers of the Kuhn-triangulation network on
    the grid of side ``1/m`` (docs/upper_bounds.md §1.3), exact integers.

    Layer 1: :math:`\\mathrm{relu}(\\pm(m x_i - j))`, ``2 d (m+1)`` units. Max-tree level 1:
    for each pair of coordinates ``(m+1)^2`` differences and ``m+1`` pass-throughs per side,
    ``m+1`` per side for an odd coordinate. Level ``l >= 2``: ``2 n_{l-1}`` units per node
    (``n_0 = d``, ``n_l = ceil(n_{l-1}/2)``). Hat layer: ``(m+1)^d`` units.
    """
    d, m = int(d), int(m)
    if d < 2 or m < 1:
        raise RealisationError(f"the Kuhn-triangulation network needs d >= 2 and m >= 1, got d={d}, m={m}")
    nodes = (m + 1) ** d
    out = [2 * d * (m + 1)]
    T = (d - 1).bit_length()
    n = d
    for level in range(1, T + 1):
        if level == 1:
            out.append(2 * ((d // 2) * ((m + 1) ** 2 + (m + 1)) + (d % 2) * (m + 1)))
        else:
            out.append(2 * n * nodes)
        n = (n + 1) // 2
    out.append(nodes)
    return tuple(out)


def kt_fit(d: int, m: int, hidden, offset: int) -> str | None:
    """``None`` when the Kuhn network of grid ``m`` fits ``hidden`` at ``offset``, else why."""
    hidden = tuple(int(k) for k in hidden)
    need = kt_widths(d, m)
    if offset < 0 or offset + len(need) > len(hidden):
        return (f"the Kuhn-triangulation block needs {len(need)} hidden layers from layer "
                f"{offset + 1}; G has {len(hidden)}")
    for i in range(offset):
        if hidden[i] < d:
            return f"hidden layer {i + 1} (width {hidden[i]}) cannot pass the {d} inputs through"
    for j, r in enumerate(need):
        if hidden[offset + j] < r:
            return (f"hidden layer {offset + j + 1} has width {hidden[offset + j]}, the grid m={m} "
                    f"needs {r}")
    return None


def _largest(pred, lo: int, hi: int) -> int | None:
    """Largest ``m`` in ``[lo, hi]`` with ``pred(m)`` for a predicate true then false."""
    if not pred(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pred(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def kt_best(d: int, hidden) -> tuple | None:
    """``(m, offset)`` with the largest grid ``m`` whose Kuhn network fits (``None`` if none)."""
    hidden = tuple(int(k) for k in hidden)
    depth = kt_depth(d)
    best = None
    for offset in range(0, len(hidden) - depth + 1):
        if offset and hidden[offset - 1] < d:
            break
        hi = max(1, min(hidden[offset:offset + depth]))
        m = _largest(lambda m: kt_fit(d, m, hidden, offset) is None, 1, hi)
        if m is not None and (best is None or m > best[0]):
            best = (m, offset)
    return best


# ----------------------------------------------------------------------------- grid steps
def grid_step_widths(d: int, m: int, n_hidden: int) -> tuple:
    """Widths needed by the grid-step threshold network with ``m`` cells per axis.

    ``d = 1``: ``m - 1`` jumps in every hidden layer. ``d >= 2``: layer 1 ``d (m - 1)``
    thermometer units, layers ``2..H`` ``m^d - 1`` orthant indicators (at least 2 hidden
    layers).
    """
    d, m, n_hidden = int(d), int(m), int(n_hidden)
    if m < 2:
        raise RealisationError(f"grid steps need m >= 2 cells per axis, got {m}")
    if d == 1:
        return (m - 1,) * n_hidden
    if n_hidden < 2:
        raise RealisationError("grid steps in d >= 2 need two hidden layers (thermometer codes, "
                               "then orthant indicators)")
    return (d * (m - 1),) + (m ** d - 1,) * (n_hidden - 1)


def grid_step_best(d: int, hidden) -> int | None:
    """Largest ``m >= 2`` whose grid-step network fits ``hidden`` (``None`` if none)."""
    hidden = tuple(int(k) for k in hidden)
    if d == 1:
        m = threshold_line_jumps(hidden) + 1
        return m if m >= 2 else None
    if len(hidden) < 2:
        return None

    def fits(m):
        return all(r <= k for r, k in zip(grid_step_widths(d, m, len(hidden)), hidden))

    return _largest(fits, 2, max(2, hidden[0] // d + 1))
