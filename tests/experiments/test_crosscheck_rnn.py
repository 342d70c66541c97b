"""Cross-check of trained recurrent networks against certified bounds (a small, fast version of
paper_checks/crosscheck_rnn_vs_certified.py) and its building blocks."""
import math
from concurrent.futures import ThreadPoolExecutor

import pytest

from approxbounds.capacity.storage import model_storage_bits
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder
from approxbounds.experiments.crosscheck import log2_hamming_ball
from approxbounds.experiments.crosscheck_rnn import (RNNModelSpec, certificate_at, corollary,
                                                     crosscheck_rnn, members_certificate, model_certificates,
                                                     recurrent_rows, rnn_member_configs, run_rnn_member)

F = DelayedHolder(1, 1.0, 2, 4)
SMALL = (RNNModelSpec("hadamrnn", 4, bits=2), RNNModelSpec("relu-rnn", 2))


@pytest.mark.parametrize("spec", [RNNModelSpec("hadamrnn", 8), RNNModelSpec("block-hadamrnn", 8, blocks=2),
                                  RNNModelSpec("qornn", 4, bits=3), RNNModelSpec("relu-rnn", 4)])
def test_spec_builds_a_model_whose_class_counts_its_parameters(spec):
    model = spec.build(1)
    G = spec.network_class(1, 7)
    shapes = model.param_shapes()
    assert G.domain == ("sequence", 1, 7)
    n_params = sum(math.prod(s) for s in shapes.values())
    if spec.kind == "relu-rnn":
        assert G.W == n_params and model_storage_bits(model) == 32 * n_params
    assert model_storage_bits(model) == model.storage_bits()


def test_spec_bad_input():
    with pytest.raises(ValueError, match="power of two"):
        RNNModelSpec("hadamrnn", 12)
    with pytest.raises(ValueError, match="bits"):
        RNNModelSpec("relu-rnn", 4, bits=4)
    with pytest.raises(ValueError, match="blocks"):
        RNNModelSpec("hadamrnn", 4, blocks=2)
    with pytest.raises(ValueError, match="kind"):
        RNNModelSpec("lstm", 4)


def test_corollary_values_and_the_members_certificate():
    certs = model_certificates(F, SMALL[0], 2)
    rec, sto = certs["recurrent"], certs["storage"]
    assert rec.theorem == "L" and sto.theorem == "C"
    ing = sto.ingredients
    pk = ing["packing"]["ingredients"]
    assert corollary(sto) == pytest.approx(ing["log2_G"] + log2_hamming_ball(pk["N"], pk["D"] - 1) - pk["N"])
    ing = rec.ingredients
    pk = ing["packing"]["ingredients"]
    assert corollary(rec) == pytest.approx(ing["log2_Pi"] + log2_hamming_ball(pk["N"], pk["D"] - 1) - pk["N"])
    for name in ("recurrent", "storage"):
        c, cm = certs[name], certs[f"{name}_members"]
        assert corollary(cm) <= -20 and cm.verify()
        assert cm.route["m"] >= c.route["m"] and cm.value <= c.value
        assert cm.value > 0.9 * c.value
    # one scale below the members' one the margin is not reached (smallest such m)
    below = certificate_at(certs["storage_members"], certs["storage_members"].route["m"] - 1)
    assert corollary(below) > -20


def test_corollary_does_not_apply_to_transferred_or_other_measures():
    from approxbounds.classes import DensityBounded
    from approxbounds.classes.measures import IIDSequence
    from approxbounds.lower import lower_bound

    G = SMALL[0].network_class(1, 4)
    cert = lower_bound(F, G, norm=2, measure=IIDSequence(DensityBounded(1, 0.5), 4))
    assert corollary(cert) is None
    assert members_certificate(cert) is None


def test_small_crosscheck_passes_and_is_executor_independent():
    kw = dict(n_members=1, steps=25, n_eval=2000, kinds=("certificate",), seed=3, batch_size=32)
    res = crosscheck_rnn(F, SMALL, **kw)
    assert res.implied_check is True
    for m in res.models:
        assert {r.certificate for r in m.members} == {"recurrent", "storage"}
        for r in m.members:
            assert r.implied and r.consistent
            assert r.error_clipped["ci_clt"][1] >= r.certified
            assert r.certified == m.certified_members[r.certificate]
        assert m.log2_exceptional_fraction["storage"] <= -20
    with ThreadPoolExecutor(2) as ex:
        again = crosscheck_rnn(F, SMALL, executor=ex, **kw)
    assert [r.error for m in again.models for r in m.members] == [r.error for m in res.models for r in m.members]
    rows = recurrent_rows(res)
    assert len(rows) == 2 and rows[0]["storage_theorem"] == "C" and rows[0]["recurrent_theorem"] == "L"
    assert rows[0]["storage_ratio_min"] >= 1
    d = res.to_dict()
    assert d["implied_check"] is True and len(d["models"]) == 2


def test_the_check_can_fail():
    """A claimed value above what the trained network reaches is reported as inconsistent."""
    spec = SMALL[1]
    certs = model_certificates(F, spec, 2)
    cfgs = rnn_member_configs(F, spec, certs, p=2, n_members=1, steps=10, seed=0, lr=1e-2, batch_size=16,
                              n_eval=500, confidence=0.9, kinds=("certificate",))
    import dataclasses

    fake = dataclasses.replace(cfgs[0], certified=0.49)
    r = run_rnn_member(fake)
    assert r.implied and r.consistent is False


def test_multilag_members_and_fit_kinds():
    G = MultiLagHolder(1, 1.0, [0, 2], 3)
    res = crosscheck_rnn(G, (RNNModelSpec("relu-rnn", 2),), n_members=1, steps=5, n_eval=500,
                         kinds=("smooth", "fit"), batch_size=8)
    kinds = [r.kind for r in res.models[0].members]
    assert kinds == ["smooth", "fit"] and all(r.implied is False for r in res.models[0].members)
    assert res.models[0].members[1].n_cells == 1     # fit scale: at most 2 hidden units -> m=1 on [0,1]^2


def test_certificate_rows_without_training():
    from approxbounds.experiments.crosscheck_rnn import certificate_rows

    rows = certificate_rows(F, SMALL, norms=(2, "sup"))
    assert len(rows) == 4 and all(r["verified"] for r in rows)
    by = {(r["model"], r["norm"]): r for r in rows}
    r2 = by[(SMALL[0].label, "L^2")]
    assert r2["recurrent_theorem"] == "L" and r2["storage_theorem"] == "C" and r2["storage_bits"] > 0
    assert by[(SMALL[0].label, "sup norm")]["storage_theorem"] == "S"


def test_bad_arguments():
    with pytest.raises(TypeError, match="DelayedHolder"):
        crosscheck_rnn(object(), SMALL)
    with pytest.raises(ValueError, match="kinds"):
        crosscheck_rnn(F, SMALL, kinds=("nope",))
    with pytest.raises(TypeError, match="RNNModelSpec"):
        crosscheck_rnn(F, ["hadamrnn"])


def test_members_come_from_the_packing_of_their_certificate_route():
    """Each member is drawn from its certificate's own packing, code distance delta included
    (a route may choose delta != 1/8)."""
    from approxbounds.experiments.crosscheck_rnn import rnn_member_configs

    certs = model_certificates(F, SMALL[0], 2)
    cfgs = rnn_member_configs(F, SMALL[0], certs, p=2.0, n_members=1, steps=1, seed=0, lr=1e-2,
                              batch_size=4, n_eval=10, confidence=0.9, kinds=("certificate",))
    for cfg in cfgs:
        cert = certs[f"{cfg.certificate}_members"]
        assert cfg.delta == cert.route["delta"] == cert.ingredients["packing"]["ingredients"]["delta"]
        assert cfg.m == cert.route["m"]
