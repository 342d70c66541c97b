"""Theorem R's evaluation (approxbounds.capacity.recurrent_bounds): closed forms in T against
brute force, degree and variable counts against symbolic unrolled networks, Lemma A exactly
(linear programming), the growth inversion, float vs mpmath, and hypothesis properties."""
import math
from itertools import product

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from approxbounds.capacity import Activation
from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.capacity.recurrent import quantizer_levels
from approxbounds.capacity.recurrent_bounds import CapacityPlan, Degree, StageRun, log2_phi_closed
from approxbounds.capacity.sauer import sauer_sum_exact

LOG2E = math.log2(math.e)


# ---------------------------------------------------------------- degree laws
def _brute_log2_degree(deg, t):
    if deg.kind == "fixed":
        return math.log2(deg.value)
    if deg.kind == "time":
        return math.log2(t)
    return math.log2(deg.value) + (t - 1) * math.log2(deg.nu)


@pytest.mark.parametrize("deg", [Degree("fixed", 1), Degree("fixed", 7), Degree("time"),
                                 Degree("geom", 2, 3), Degree("geom", 1, 2)])
def test_degree_sums_and_crossovers_match_brute_force(deg):
    for t0, t1 in [(1, 1), (2, 9), (3, 40), (5, 4)]:
        brute = sum(_brute_log2_degree(deg, t) for t in range(t0, t1 + 1))
        assert deg.sum_log2(t0, t1) == pytest.approx(brute, rel=1e-12, abs=1e-9)
        with mpmath.workdps(40):
            assert float(deg.sum_log2(t0, t1, mp=True)) == pytest.approx(brute, rel=1e-12, abs=1e-9)
        for level in (-3.0, 0.0, 0.5, 1.0, 2.3, 3.0, 5.0, 60.0):
            first = next((t for t in range(t0, t1 + 1) if _brute_log2_degree(deg, t) >= level), t1 + 1)
            if t1 >= t0:
                assert deg.first_at_least(level, t0, t1) == first
                with mpmath.workdps(40):
                    assert deg.first_at_least(mpmath.mpf(level), t0, t1, mp=True) == first


def _brute_run(run, N):
    """Sum over the run's stages of min(trivial, lemma), typed afresh from the lemmas."""
    V, M = run.variables, N * run.units * run.tests
    triv = N * run.units * math.log2(run.patterns)
    total = 0.0
    for t in range(run.first, run.last + 1):
        cands = [triv]
        if M >= V:
            if run.affine:
                cands.append(V * math.log2(math.e * M / V))                       # Lemma A
            else:
                D = 2.0 ** _brute_log2_degree(run.degree, t)
                cands.append(1 + V * math.log2(2 * math.e * M * D / V))          # Lemma 17
        total += min(cands)
    return total


@pytest.mark.parametrize("run", [
    StageRun("h", 2, 60, 3, 1, 2, 25, Degree("time")),
    StageRun("h", 2, 60, 3, 4, 8, 40, Degree("time")),
    StageRun("h", 2, 30, 2, 2, 3, 12, Degree("geom", 2, 2)),
    StageRun("h", 1, 5, 4, 1, 2, 9, Degree("fixed", 1), affine=True),
    StageRun("o", 11, 1, 1, 1, 2, 30, Degree("fixed", 11)),
])
@pytest.mark.parametrize("N", [1, 3, 10, 200, 10**5])
def test_run_sum_with_crossover_equals_stagewise_minimum(run, N):
    value, detail = run.log2_count(N)
    assert value == pytest.approx(_brute_run(run, N), rel=1e-10, abs=1e-8)
    with mpmath.workdps(50):
        assert float(run.log2_count(N, mp=True)[0]) == pytest.approx(value, rel=1e-10, abs=1e-8)
    assert 0 <= detail["trivial_stages"] <= run.count


def test_stage_validation():
    with pytest.raises(ValueError, match="patterns must be <="):
        StageRun("x", 1, 1, 1, 1, 3, 1, Degree("fixed", 1))
    with pytest.raises(ValueError, match="affine stage has degree 1"):
        StageRun("x", 1, 1, 1, 1, 2, 1, Degree("time"), affine=True)
    with pytest.raises(ValueError, match="nu >= 2"):
        Degree("geom", 1, 1)
    with pytest.raises(TypeError, match="runs must be"):
        CapacityPlan((), ())


# ---------------------------------------------------------------- Lemma A, exactly
def _lp_patterns(Wm, tau):
    """All vectors (1[w_j.u - tau_j > 0])_j realised by some u (exact, by linear programming)."""
    M, k = Wm.shape
    found = 0
    for pat in product((0, 1), repeat=M):
        # maximise s subject to w_j.u - tau_j >= s (pat 1), <= 0 (pat 0), s <= 1
        A, bub = [], []
        for j, bit in enumerate(pat):
            if bit:
                A.append(list(-Wm[j]) + [1.0])
                bub.append(-tau[j])
            else:
                A.append(list(Wm[j]) + [0.0])
                bub.append(tau[j])
        res = linprog(c=[0.0] * k + [-1.0], A_ub=A, b_ub=bub,
                      bounds=[(None, None)] * k + [(None, 1.0)], method="highs-ds")
        if res.status == 0 and -res.fun > 1e-9:
            found += 1
        elif res.status == 3:    # unbounded cannot happen (s <= 1)
            raise AssertionError("unexpected unbounded LP")
    return found


@pytest.mark.parametrize("M,k", [(5, 1), (6, 2), (6, 3),
                                 pytest.param(8, 3, marks=pytest.mark.slow),
                                 pytest.param(9, 4, marks=pytest.mark.slow)])
def test_lemma_A_is_exact_for_generic_affine_families(M, k):
    """Generic affine functions in R^k realise exactly Phi(M, k) sign vectors (the regions of a
    generic arrangement): Lemma A is attained; homogeneous ones (tau = 0) stay below it."""
    rng = np.random.default_rng(M * 10 + k)
    Wm = rng.standard_normal((M, k))
    assert _lp_patterns(Wm, rng.standard_normal(M)) == sauer_sum_exact(M, k)
    cover = 2 * sum(math.comb(M - 1, i) for i in range(k))    # regions of a central arrangement
    homog = _lp_patterns(Wm, np.zeros(M))
    assert cover <= homog <= cover + 1 and homog <= sauer_sum_exact(M, k)
    # a degenerate family (repeated and parallel rows) never exceeds the bound
    Wd = np.vstack([Wm[: M // 2], Wm[: M - M // 2]])
    assert _lp_patterns(Wd, rng.standard_normal(M)) <= sauer_sum_exact(M, k)


def test_log2_phi_closed_dominates_the_exact_sum():
    for M, V in [(5, 5), (20, 3), (1000, 17), (10**6, 129)]:
        assert log2_phi_closed(M, V) >= math.log2(sauer_sum_exact(M, V)) - 1e-12


# ---------------------------------------------------------------- degrees and variables, symbolically
def _sym_unrolled(arch, rng, pieces):
    """Unroll the class symbolically on one input sequence with one fixed piece per unit (the
    highest-degree piece): test polynomials per stage and the output polynomial."""
    n, d, T = arch.hidden, arch.d_in, arch.length
    syms = []

    def new(name, shape):
        s = sp.symbols(f"{name}0:{int(np.prod(shape))}")
        syms.extend(s)
        return sp.Matrix(np.array(s, dtype=object).reshape(shape))

    def ints(shape, bits):
        lv = quantizer_levels(bits)
        return sp.Matrix(rng.integers(-(lv // 2), lv - lv // 2, size=shape).tolist())

    if arch.matrix in ("free", "orthogonal"):
        W = new("W", (n, n))
    elif arch.matrix == "quantized":
        W = sp.Symbol("aW") * ints((n, n), arch.w_bits)
        syms.append(sp.Symbol("aW"))
    else:
        W = sp.Matrix(rng.choice([-1, 0, 1], size=(n, n)).tolist())   # any fixed matrix
    U = new("U", (n, d)) if arch.u_bits is None else sp.Symbol("aU") * ints((n, d), arch.u_bits)
    b = new("b", (n, 1))
    beta = new("beta", (n, 1)) if arch.recurrence == "modrelu" else None
    V = new("V", (1, n)) if arch.v_bits is None else sp.Symbol("aV") * ints((1, n), arch.v_bits)
    c = sp.Symbol("c")
    xs = [sp.Matrix(rng.integers(-3, 4, size=(d, 1)).tolist()) for _ in range(T)]
    h = sp.zeros(n, 1)
    tests = []
    for t in range(T):
        z = (W * h + U * xs[t] + b).applyfunc(sp.expand)
        if arch.is_linear:
            h = z
            continue
        if arch.recurrence == "modrelu":
            tests.append([e for i in range(n) for e in (z[i], z[i] + beta[i], beta[i] - z[i])])
            h = (z + beta).applyfunc(sp.expand)
        else:
            tests.append(list(z))
            h = z.applyfunc(lambda e: sp.expand(pieces(e)))
    if arch.is_linear:
        tests.append(list(h))                                   # the read-out ReLU's tests
        act = sp.Matrix(rng.integers(0, 2, size=(n, 1)).tolist())
        h = h.multiply_elementwise(act)
    out = sp.expand((V * h)[0] + c - sp.Rational(1, 3))
    return tests, out


def _degree(e):
    return sp.Poly(e, *sorted(e.free_symbols, key=str)).total_degree() if e.free_symbols else 0


SYMBOLIC = [
    R.rnn(1, 2, 1, 4, activation="relu"),
    R(2, 2, 1, 3, recurrence="relu", matrix="quantized", w_bits=2, u_bits=1, v_bits=2),
    R(1, 2, 1, 4, recurrence="relu", matrix="hadamard"),
    R(1, 2, 1, 2, recurrence=Activation.from_pieces(2, 2), matrix="free"),
    R(1, 2, 1, 3, recurrence=Activation.from_pieces(2, 2), matrix="hadamard"),
    R(1, 2, 1, 3, recurrence="hard_threshold", matrix="free"),
    R.qornn(1, 2, 1, 4, w_bits=1),
    R.ornn(1, 2, 1, 3),
    R.hadamrnn(1, 2, 1, 4, bits=1),
    R.hadamrnn(2, 2, 1, 3, bits=None),
    R(1, 2, 1, 4, recurrence="linear", matrix="quantized", w_bits=2, u_bits=2, v_bits=2),
    R(1, 2, 1, 3, recurrence="linear", matrix="free", u_bits=2),
]


@pytest.mark.parametrize("arch", SYMBOLIC, ids=lambda a: f"{a.recurrence}-{a.matrix}")
def test_stage_degrees_and_variables_cover_the_unrolled_network(arch):
    """Every test polynomial of stage t has degree <= D_t and at most V_t distinct variables;
    the output polynomial likewise (with the reparametrisation phi = alpha_V theta for a fixed
    W and quantized V: every monomial but c is alpha_V times one variable)."""
    rng = np.random.default_rng(3)
    nu = 1 if isinstance(arch.recurrence, str) else arch.recurrence.degree
    pieces = (lambda e: e ** nu) if nu >= 1 else (lambda e: sp.Integer(1))
    tests, out = _sym_unrolled(arch, rng, pieces)
    plan = arch.capacity_plan()
    stage_of = {}
    for run in plan.runs[:-1]:
        for t in range(run.first, run.last + 1):
            stage_of[t] = run
    for t, polys in enumerate(tests, start=1):
        run = stage_of[t] if not arch.is_linear else plan.runs[0]
        D = 2 ** run.degree.log2_at(t)
        union = set().union(*(p.free_symbols for p in polys))
        assert len(union) <= run.variables, (t, len(union), run.variables)
        assert max(_degree(p) for p in polys) <= D + 1e-9, (t, [_degree(p) for p in polys], D)
        if run.affine:
            assert all(_degree(p) <= 1 for p in polys)
    o = plan.runs[-1]
    if arch.is_linear and arch.v_bits is not None:
        aV = sp.Symbol("aV")
        for mono in sp.Add.make_args(out):
            if mono.free_symbols - {sp.Symbol("c")}:
                assert sp.degree(mono, aV) == 1        # linear in the products alpha_V * theta
        assert _degree(out.subs(aV, 1)) <= 2 ** o.degree.log2_at(arch.length + 1) + 1e-9
        assert len(out.free_symbols) - 1 <= o.variables
    else:
        assert _degree(out) <= 2 ** o.degree.log2_at(arch.length + 1) + 1e-9
        assert len(out.free_symbols) <= o.variables


# ---------------------------------------------------------------- growth inversion and mpmath
ARCHS = [R.hadamrnn(10, 128, 9, 1000, bits=4), R.hadamrnn(1, 512, 10, 784, bits=4, blocks=4),
         R.qornn(10, 128, 9, 1000, w_bits=4), R.ornn(2, 16, 1, 300), R.rnn(10, 128, 9, 10**6),
         R(1, 4, 1, 50, recurrence=Activation.from_pieces(3, 2), matrix="free"),
         R.hadamrnn(3, 8, 2, 10**12, bits=1, readout="every")]


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.label()[:60])
def test_inversion_is_minimal_and_rechecked_at_50_digits(arch):
    model = arch.growth_model()
    plan = model.plan
    m = int(model.pdim.ingredients["m"])
    assert model.pdim.value == m - 1 == model.vcdim.value and m >= plan.m0
    C, S = plan.closed_form()
    assert C + S * math.log2(m) < m
    if m > plan.m0:
        assert C + S * math.log2(m - 1) >= (m - 1) * (1 - 1e-9)   # minimal (up to the float margin)
    with mpmath.workdps(50):
        assert model.vcdim_mp() == m - 1 and model.pdim_mp() == m - 1
        if m - 1 >= plan.m0 and C + S * math.log2(m - 1) > m - 1:
            with pytest.raises(ValueError, match="is not < m"):
                plan.check_inversion_mp(m - 1)
    if plan.m0 > 1:
        with pytest.raises(ValueError, match="m0"):
            plan.check_inversion_mp(plan.m0 - 1)


@pytest.mark.parametrize("arch", ARCHS, ids=lambda a: a.label()[:60])
def test_float_and_mpmath_agree(arch):
    model = arch.growth_model()
    for N in (1, 10**3, 10**6, 10**12, 10**30, 10**400):
        b = model.bound(N)
        with mpmath.workdps(50):
            mp_val = model.log2_growth_mp(b.method, N, b.ingredients)
        assert float(mp_val) == pytest.approx(b.value, rel=1e-9)
        assert math.isfinite(b.value) and b.value > 0
        if N < 2**1000:
            assert b.value <= N
    with pytest.raises(ValueError, match="no high-precision evaluator"):
        model.log2_growth_mp("bhlm2019_product_augmented", 10)
    with pytest.raises(ValueError, match="not finite"):
        model.size_mp()
    assert model.size_bound is None


def test_issue_example_against_an_independent_formula():
    """HadamRNN n=128, d_in=10, 4-bit U/V: for T >= 2 the bound is
    n log2 3 + 4 n d + 4 n + log2 Phi(N n, n + 1) + log2 Phi(N, n + 2) (closed forms), at any T."""
    n, d = 128, 10
    disc = n * math.log2(3) + 4 * n * d + 4 * n

    def indep(N):
        return disc + (n + 1) * math.log2(math.e * N * n / (n + 1)) + (n + 2) * math.log2(math.e * N / (n + 2))

    for T in (2, 1000, 10**12):
        g = R.hadamrnn(d, n, 9, T, bits=4)
        for N in (10**4, 10**6, 10**9):
            assert g.log2_growth_bound(N).value == pytest.approx(indep(N), rel=1e-12)
        m = next(m for m in range(130, 10**6) if indep(m) < m)
        assert g.pdim_bound().value == pytest.approx(m - 1, abs=1)
    # T = 1: W never acts (h_0 = 0), so the sign vector is not counted
    g1 = R.hadamrnn(d, n, 9, 1, bits=4)
    assert g1.log2_growth_bound(10**6).value == pytest.approx(indep(10**6) - n * math.log2(3), rel=1e-12)


# ---------------------------------------------------------------- hypothesis properties
POW2 = st.sampled_from([1, 2, 4, 8, 16, 64, 256, 1024])


@settings(max_examples=40, deadline=None)
@given(n=POW2, d=st.integers(1, 64), T=st.integers(1, 10**6), bits=st.integers(1, 7),
       readout=st.sampled_from(["last", "every"]), N=st.integers(1, 10**15))
def test_hadamrnn_bounds_finite_and_monotone(n, d, T, bits, readout, N):
    g = R.hadamrnn(d, n, 1, T, bits=bits, readout=readout)
    v = g.log2_growth_bound(N).value
    p = g.pdim_bound().value
    assert math.isfinite(v) and math.isfinite(p) and 0 < v <= N and p >= 1
    assert R.hadamrnn(d, 2 * n, 1, T, bits=bits, readout=readout).pdim_bound().value >= p
    assert R.hadamrnn(d, 2 * n, 1, T, bits=bits, readout=readout).log2_growth_bound(N).value >= v
    assert R.hadamrnn(d, n, 1, T, bits=bits + 1, readout=readout).pdim_bound().value >= p
    assert R.hadamrnn(d, n, 1, T, bits=bits + 1, readout=readout).log2_growth_bound(N).value >= v
    # T-independent for T >= 2 (last step), up to T = 10^12 and 2^53
    if T >= 2 and readout == "last":
        for T2 in (10**12, 2**53):
            assert R.hadamrnn(d, n, 1, T2, bits=bits).log2_growth_bound(N).value == v
    if readout == "every":
        last = R.hadamrnn(d, n, 1, T, bits=bits).capacity_plan().log2_growth(N)[0]
        assert g.capacity_plan().log2_growth(N)[0] == pytest.approx(last + math.log2(T), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["rnn", "qornn", "ornn", "pp2", "hadamard-relu"]), n=POW2,
       d=st.integers(1, 16), T=st.integers(1, 10**6), bits=st.integers(1, 6), N=st.integers(1, 10**12))
def test_recurrent_bounds_finite_and_monotone(kind, n, d, T, bits, N):
    def make(n=n, T=T, bits=bits):
        if kind == "rnn":
            return R.rnn(d, n, 1, T)
        if kind == "qornn":
            return R.qornn(d, n, 1, T, w_bits=bits, u_bits=bits)
        if kind == "ornn":
            return R.ornn(d, n, 1, T)
        if kind == "pp2":
            return R(d, n, 1, T, recurrence=Activation.from_pieces(3, 2), matrix="free")
        return R(d, n, 1, T, recurrence="relu", matrix="hadamard", u_bits=bits, v_bits=bits)

    g = make()
    v, p = g.log2_growth_bound(N).value, g.pdim_bound().value
    assert math.isfinite(v) and math.isfinite(p) and 0 < v <= N and p >= 1
    for other in (make(n=2 * n), make(T=T + 1), make(T=2 * T), make(bits=bits + 1)):
        assert other.pdim_bound().value >= p
        assert other.log2_growth_bound(N).value >= v
        assert other.capacity_plan().log2_growth(N)[0] >= g.capacity_plan().log2_growth(N)[0]


def test_long_sequences_are_cheap_and_finite():
    for T in (10**6, 10**9, 10**12, 2**53):
        for g in (R.rnn(10, 128, 1, T), R.qornn(10, 128, 1, T, w_bits=4),
                  R(1, 8, 1, T, recurrence=Activation.from_pieces(2, 3), matrix="free")):
            b = g.log2_growth_bound(10**30)
            assert math.isfinite(b.value) and math.isfinite(g.pdim_bound().value)
    # the nonlinear recurrences grow linearly in T (the price of depth), the linear one not at all
    a = R.rnn(10, 128, 1, 10**6).pdim_bound().value
    b = R.rnn(10, 128, 1, 2 * 10**6).pdim_bound().value
    assert 1.9 < b / a < 2.2


def test_every_readout_refines_to_the_union_over_steps():
    g = R.qornn(2, 8, 1, 64, w_bits=2, readout="every")
    last = R.qornn(2, 8, 1, 64, w_bits=2)
    for N in (10**3, 10**7):
        assert g.capacity_plan().log2_growth(N)[0] == pytest.approx(
            last.capacity_plan().log2_growth(N)[0] + 6.0, rel=1e-12)
    # the union bound dominates every prefix class (monotone in T)
    for t in (1, 2, 10, 63):
        assert R.qornn(2, 8, 1, t, w_bits=2).capacity_plan().log2_growth(10**5)[0] <= \
            last.capacity_plan().log2_growth(10**5)[0]


def test_exact_discrete_count():
    """log2 of the number of discrete parts, exactly: 3^n sign vectors, L^(n d) and L^n levels."""
    g = R.hadamrnn(3, 8, 5, 10, bits=1)
    with mpmath.workdps(60):
        exact = mpmath.log(mpmath.mpf(3) ** 8 * mpmath.mpf(3) ** 24 * mpmath.mpf(3) ** 8, 2)
        assert abs(g.capacity_plan().log2_discrete(mp=True) - exact) < mpmath.mpf(10) ** -50
    assert g.capacity_plan().log2_discrete() == pytest.approx(40 * math.log2(3), rel=1e-15)
