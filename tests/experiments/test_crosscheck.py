"""Tests of approxbounds.experiments.crosscheck (fast: tiny nets, few steps)."""
from __future__ import annotations

import json
import math
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import matplotlib

matplotlib.use("Agg")

import mpmath
import numpy as np
import pytest

from approxbounds.classes import Holder, Monotone
from approxbounds.experiments.crosscheck import (
    KINDS, CrosscheckResult, architecture_for_mlp, crosscheck, log2_exceptional_fraction,
    log2_hamming_ball, member_configs, packing_certificate, run_member, train_member,
)
from approxbounds.nn.mlp import MLP
from approxbounds.nn.regression import empirical_lp_error

FAST = dict(n_members=1, steps=40, n_eval=3000, seed=3)


@pytest.fixture(scope="module")
def small_result():
    return crosscheck(Holder(2, 1.0), [4], **FAST)


def _hand_W(d, hidden):
    widths = [d, *hidden, 1]
    return sum(widths[i + 1] * (widths[i] + 1) for i in range(len(widths) - 1))


# ----------------------------------------------------------------------- architecture
@pytest.mark.parametrize("d,hidden,act", [(1, [4], "relu"), (2, [8, 8], "relu"), (3, [5, 7, 2], "leaky_relu"),
                                          (2, [6], "hard_threshold"), (1, [3, 3], "identity")])
def test_architecture_matches_mlp(d, hidden, act):
    mlp = MLP(d, hidden, 1, activation=act)
    arch = architecture_for_mlp(mlp)
    desc = mlp.describe()
    params = mlp.init(np.random.default_rng(0))
    n_arrays = sum(int(np.asarray(v).size) for layer in params.values() for v in layer.values())
    assert arch.W == desc["n_params"] == _hand_W(d, hidden) == n_arrays
    assert arch.d_in == d and list(arch.widths) == [*hidden, 1]
    assert arch.activation.name == act
    assert (arch.activation.pieces, arch.activation.degree) == (desc["pieces"], desc["degree"])
    assert arch.quantization is None


def test_architecture_rejects_uncovered_activations():
    with pytest.raises(ValueError, match="piecewise polynomial"):
        architecture_for_mlp(MLP(2, [4], 1, activation="tanh"))
    with pytest.raises(ValueError, match="modrelu"):
        architecture_for_mlp(MLP(2, [4], 1, activation="modrelu"))


# ----------------------------------------------------------------------- Corollary R pieces
@pytest.mark.parametrize("N,r", [(1, 0), (10, 3), (64, 7), (500, 62)])
def test_hamming_ball_exact(N, r):
    exact = sum(math.comb(N, j) for j in range(r + 1))
    with mpmath.workdps(50):
        ref = float(mpmath.log(exact, 2))
    got = log2_hamming_ball(N, r)
    assert ref <= got <= ref * (1 + 1e-11) + 1e-11


def test_hamming_ball_entropy_branch_is_an_upper_bound():
    N, r = 300_000, 37_499
    t = r / N
    h = -t * math.log2(t) - (1 - t) * math.log2(1 - t)
    got = log2_hamming_ball(N, r)
    assert got >= N * h
    # the exact sum at a smaller N agrees with the entropy bound up to O(log N)
    n2, r2 = 8000, 999
    ent = n2 * (-(r2 / n2) * math.log2(r2 / n2) - (1 - r2 / n2) * math.log2(1 - r2 / n2))
    assert ent - 10 < log2_hamming_ball(n2, r2) <= ent


def test_exceptional_fraction_at_most_minus_margin(small_result):
    """V(N, D-1) <= 2^{N H(delta)} and log2 M = N(1 - H(delta)) give log2 frac <= -margin."""
    cert = small_result.certificate["proof"]["ingredients"]
    pk = cert["packing"]["ingredients"]
    frac = log2_exceptional_fraction(pk["N"], pk["D"], cert["log2_Pi"])
    assert frac == small_result.log2_exceptional_fraction
    assert frac <= -cert["margin_bits"] + 1e-6
    assert frac == pytest.approx(cert["log2_Pi"] + log2_hamming_ball(pk["N"], pk["D"] - 1) - pk["N"])


def test_covering_step_brute_force():
    """Docs §2 step 1: a maximal D-separated subset S of A covers A by radius-(D-1) balls,
    so |A| <= |S| V(N, D-1); checked on random subsets of {0,1}^10."""
    rng = np.random.default_rng(0)
    N = 10
    words = np.arange(2 ** N)
    popcount = np.array([bin(w).count("1") for w in range(2 ** N)])
    for D in (1, 2, 3, 4):
        vol = sum(math.comb(N, j) for j in range(D))
        for _ in range(20):
            A = words[rng.random(2 ** N) < rng.uniform(0.05, 0.9)]
            S = []
            for w in rng.permutation(A):
                if all(popcount[w ^ s] >= D for s in S):
                    S.append(int(w))
            assert all(min(popcount[w ^ np.array(S)]) <= D - 1 for w in A)
            assert len(A) <= len(S) * vol
            assert math.log2(len(S) * vol) <= math.log2(len(S)) + log2_hamming_ball(N, D - 1) + 1e-9


# ----------------------------------------------------------------------- result shape
def test_result_keys_and_shapes(small_result):
    r = small_result
    assert isinstance(r, CrosscheckResult)
    assert [m.kind for m in r.members] == ["smooth", "fit", "certificate"]
    d = json.loads(json.dumps(r.to_dict()))
    for key in ("function_class", "architecture", "mlp", "certified", "theorem", "certificate",
                "log2_exceptional_fraction", "worst_case_estimate", "ratio", "implied_check", "members"):
        assert key in d
    assert d["architecture"]["W"] == d["mlp"]["n_params"] == _hand_W(2, [4])
    assert d["theorem"] == "L" and d["certified"] == r.certificate["claim"]["value"] > 0
    for m in d["members"]:
        for key in ("error", "error_clipped", "constant_error", "ratio", "best_ratio", "implied",
                    "consistent", "consistent_exact", "n_cells", "m"):
            assert key in m
        lo, hi = m["error"]["ci_clt"]
        assert lo <= m["error"]["estimate"] <= hi
        assert m["error_clipped"]["estimate"] <= m["error"]["estimate"] + 1e-15   # clipping only helps
        assert m["ratio"] == pytest.approx(m["error"]["estimate"] / d["certified"])
    smooth, fit, cert = r.members
    assert smooth.m == 1 and smooth.n_cells == 1 and smooth.n_ones == 1
    assert fit.n_cells <= 4 < (fit.m + 1) ** 2          # largest grid with <= sum(hidden) cells
    assert cert.m == r.certificate["proof"]["ingredients"]["packing"]["m"]
    assert [m.implied for m in r.members] == [False, False, True]
    assert r.worst_case_estimate == max(m.error["estimate"] for m in r.members)


def test_certificate_members_respect_the_certificate(small_result):
    """Corollary R: a random certificate-scale member is not approximable below the value."""
    for m in small_result.members:
        if m.implied:
            assert m.consistent and m.consistent_exact
            assert m.error_clipped["estimate"] >= small_result.certified
            assert m.constant_error["estimate"] >= small_result.certified


def test_ci_contains_reference_estimate():
    F = Holder(2, 1.0)
    from approxbounds.lower import lower_bound

    cert = lower_bound(F, architecture_for_mlp(MLP(2, [4], 1)), norm=2)
    cfgs = member_configs(F, cert, (4,), "relu", p=2.0, n_members=1, steps=40, seed=5, lr=1e-2,
                          batch_size=64, n_eval=4000, confidence=0.999, kinds=("fit",))
    res = run_member(cfgs[0])
    f, reg = train_member(cfgs[0])                                   # deterministic retrain
    ref = empirical_lp_error(reg.predict, f, 2, 2.0, 400_000, np.random.default_rng(123))
    lo, hi = res.error["ci_clt"]
    assert lo <= ref.estimate <= hi
    ref_c = empirical_lp_error(lambda x: np.clip(reg.predict(x), 0.0, 0.5), f, 2, 2.0, 400_000,
                               np.random.default_rng(124))
    lo, hi = res.error_clipped["ci_hoeffding"]
    assert lo <= ref_c.estimate <= hi
    # the CI is not vacuous: its width is a small fraction of the estimate
    assert res.error["ci_clt"][1] - res.error["ci_clt"][0] < 0.2 * res.error["estimate"]


# ----------------------------------------------------------------------- reproducibility
def test_reproducible_with_seed(small_result):
    again = crosscheck(Holder(2, 1.0), [4], **FAST)
    assert again.to_dict() == small_result.to_dict()
    other = crosscheck(Holder(2, 1.0), [4], **{**FAST, "seed": 4})
    assert other.members[1].error["estimate"] != small_result.members[1].error["estimate"]


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor])
def test_executor_matches_serial(pool):
    kw = dict(n_members=2, steps=20, n_eval=1000, seed=11, kinds=("fit", "certificate"))
    serial = crosscheck(Monotone(2), [3], **kw)
    with pool(max_workers=2) as ex:
        parallel = crosscheck(Monotone(2), [3], executor=ex, **kw)
    assert parallel.to_dict() == serial.to_dict()
    assert len(serial.members) == 4


def test_configs_are_picklable_and_words_roundtrip():
    F = Holder(1, 1.0)
    from approxbounds.lower import lower_bound

    cert = lower_bound(F, architecture_for_mlp(MLP(1, [4], 1)), norm=2)
    cfgs = member_configs(F, cert, (4,), "relu", p=2.0, n_members=2, steps=1, seed=0, lr=1e-2,
                          batch_size=8, n_eval=10, confidence=0.9, kinds=KINDS)
    back = pickle.loads(pickle.dumps(cfgs))
    import dataclasses

    assert [dataclasses.replace(c, function_class=None) for c in back] == \
        [dataclasses.replace(c, function_class=None) for c in cfgs]
    assert all(c.function_class.name == F.name for c in back)
    from approxbounds.experiments.crosscheck import decode_word

    assert cert.theorem == "P" and cfgs[0].kind == "witness" and cfgs[0].implied
    assert cfgs[0].certified == cert.value and cfgs[0].m == cert.ingredients["m"]
    # the packing members come from the strongest direct Theorem L alternative
    lcert = packing_certificate(cert)
    assert lcert.theorem == "L" and all(c.certified == lcert.value for c in cfgs[1:])
    cfgs = cfgs[1:]
    words = [decode_word(c) for c in cfgs]
    assert [w.size for w in words] == [c.n_cells for c in cfgs]
    assert words[0].tolist() == [1]                         # smooth: all-ones at m_min = 1
    assert not np.array_equal(words[-1], words[-2])          # independent random words
    assert 0.3 < words[-1].mean() < 0.7                      # uniform bits


def test_theorem_P_witness_member_is_a_deterministic_check():
    """For a one-dimensional class the strongest certificate is Theorem P, whose bound holds for
    its witness itself: every trained network's error on it is at least the certified value."""
    res = crosscheck(Holder(1, 1.0), [8], steps=300, n_members=1, seed=0, n_eval=4000,
                     kinds=("witness",))
    (w,) = res.members
    assert res.theorem == "P" and w.kind == "witness" and w.implied
    assert w.error_clipped["estimate"] >= w.certified and w.consistent
    assert w.n_ones == w.n_cells == res.certificate["proof"]["ingredients"]["n_teeth"]


# ----------------------------------------------------------------------- validation, plot
@pytest.mark.parametrize("kw,exc", [({"p": 0.5}, ValueError), ({"n_members": 0}, ValueError),
                                    ({"kinds": ("bogus",)}, ValueError), ({"activation": "tanh"}, ValueError),
                                    ({"confidence": 1.0}, ValueError), ({"steps": 1.5}, TypeError)])
def test_bad_input(kw, exc):
    with pytest.raises(exc):
        crosscheck(Holder(1, 1.0), [2], **{"steps": 1, **kw})


def test_plot(small_result):
    from approxbounds.plots.crosscheck import plot_crosscheck

    ax = plot_crosscheck(small_result)
    assert ax.get_yscale() == "log"
    ys = [ln.get_ydata()[0] for ln in ax.get_lines() if len(ln.get_ydata()) == 2
          and ln.get_ydata()[0] == ln.get_ydata()[1]]
    assert small_result.certified in ys                      # the certified horizontal line
    assert len(ax.get_xticks()) == len(small_result.members)
    ax2 = plot_crosscheck(small_result.to_dict())
    assert ax2 is not ax


def test_corollary_r_claims_nothing_for_transferred_certificates():
    from approxbounds import Architecture, Holder, lower_bound
    from approxbounds.experiments.crosscheck import corollary_r

    cert = lower_bound(Holder(2, 3.0), Architecture.parse("2,10,1"), norm=8)
    assert cert.transferred
    assert corollary_r(cert) is None


def test_shared_verdict_helpers():
    """The verdict helpers shared with the recurrent cross-check (crosscheck_rnn)."""
    from types import SimpleNamespace

    from approxbounds.experiments.crosscheck import all_consistent, implied_consistency

    assert all_consistent([]) is None and all_consistent(iter([True, True])) is True
    assert all_consistent([True, False]) is False
    err = {"estimate": 0.5, "ci_clt": [0.4, 0.6], "ci_hoeffding": [0.0, 0.9]}
    assert implied_consistency(err, SimpleNamespace(implied=False, certified=1.0)) == (None, None)
    assert implied_consistency(err, SimpleNamespace(implied=True, certified=0.55)) == (True, True)
    assert implied_consistency(err, SimpleNamespace(implied=True, certified=0.7)) == (False, True)
    assert implied_consistency({**err, "ci_clt": None}, SimpleNamespace(implied=True, certified=0.55)) \
        == (False, True)                                   # no CLT interval: the estimate itself
