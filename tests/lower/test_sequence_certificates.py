"""Certified lower bounds for sequence classes against recurrent and storage network classes
(Theorems L, S and C), their re-verification from the claim, and rejection of edited claims."""
import json
import pickle

import pytest

from approxbounds.capacity.growth import growth_model
from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.capacity.storage import StorageClass
from approxbounds.claims import CertificateError, ClaimError
from approxbounds.classes import DensityBounded, Holder, Lebesgue
from approxbounds.classes.measures import IIDSequence
from approxbounds.classes.sequence import DelayedHolder, MultiLagHolder
from approxbounds.lower import Certificate, lower_bound

F = DelayedHolder(1, 1.0, 10, 50)
HADAM = R.hadamrnn(1, 64, 1, 50, bits=4)


def test_theorem_L_against_hadamrnn():
    cert = lower_bound(F, HADAM, norm=2)
    assert cert.theorem == "L" and cert.verify(dps=50)
    ing = cert.ingredients
    m = cert.route["m"]
    # the packing is the Hölder one on [0,1] (carry-over), measured under U[0,1]^50
    delta = ing["packing"]["ingredients"]["delta"]
    ref = Holder(1, 1.0).packing(m, 2.0, delta=delta)
    assert ing["eps"] == ref.separation and ing["log2_M"] == ref.log2_size
    assert cert.value == pytest.approx(ref.separation / 4, rel=1e-15)
    # the growth bound is the recurrent class's own, at N = n (K - 1)
    assert ing["log2_Pi"] == pytest.approx(growth_model(HADAM).bound(ing["N"]).value, rel=1e-12)
    assert ing["log2_M"] > ing["log2_Pi"]
    # m is the smallest admissible scale: one step coarser fails
    with pytest.raises(ValueError):
        from approxbounds.lower.derive import derive
        derive("L", F, HADAM, cert.norm, F.default_measure(), {**cert.route, "m": m - 1})


@pytest.mark.parametrize("G", [R.hadamrnn(1, 16, 1, 8, bits=2, blocks=2, readout="every"),
                               R.qornn(1, 8, 1, 8, w_bits=3), R.rnn(1, 8, 1, 8, activation="relu"),
                               R.ornn(1, 4, 1, 8)])
@pytest.mark.parametrize("norm", [1, 2, "sup"])
def test_every_recurrent_model_class_certifies(G, norm):
    Fs = DelayedHolder(1, 0.5, 3, 8)
    cert = lower_bound(Fs, G, norm=norm)
    assert cert.verify()
    assert cert.theorem == ("S" if norm == "sup" else "L")


def test_theorem_S_sign_family_is_larger_than_the_vc_bound():
    cert = lower_bound(MultiLagHolder(1, 1.0, [0, 4], 10), R.hadamrnn(1, 8, 1, 10), norm="sup")
    assert cert.theorem == "S" and cert.verify()
    vc = growth_model(R.hadamrnn(1, 8, 1, 10)).vcdim.value
    m = cert.route["m"]
    assert m * m > vc >= (m - 1) ** 2            # N = m^2 bumps on [0,1]^2
    assert cert.value == pytest.approx(0.5 / m, rel=1e-12)


def test_theorem_C_against_the_storage_of_a_model():
    from approxbounds.models import HadamRNN

    model = HadamRNN(1, 16, 1, bits=4, output="last")
    G = StorageClass.for_model(model, 50)
    cert = lower_bound(F, G, norm=2)
    assert cert.theorem == "C" and cert.verify()
    assert cert.ingredients["log2_G"] == model.storage_bits()


def test_density_bounded_steps_scale_the_bound():
    leb = lower_bound(F, HADAM, norm=2)
    dens = lower_bound(F, HADAM, norm=2, measure=IIDSequence(DensityBounded(1, 0.25), 50))
    assert dens.verify() and 0 < dens.value < leb.value
    assert dens.measure["base"]["kappa"] == 0.25


def test_lemma_T_carries_sequence_certificates_to_larger_p():
    """The i.i.d. sequence measure is a probability measure (product of probability measures),
    so Lemma T applies: at p = 8 the L^4 chain is carried over, and it verifies."""
    cert = lower_bound(F, HADAM, norm=4)
    assert cert.verify() and not cert.transferred
    at8 = lower_bound(F, HADAM, norm=8)
    assert at8.verify() and at8.value >= cert.value * (1 - 1e-12)
    assert any(c.transferred for c in (at8, *at8.alternatives))


@pytest.mark.parametrize("G, measure, exc, match", [
    (R.hadamrnn(1, 64, 1, 49), None, ValueError, "network_class"),
    (R.hadamrnn(2, 64, 1, 50), None, ValueError, "dimension|network_class"),
    (HADAM, IIDSequence(Lebesgue(1), 51), ValueError, "measure"),
    (HADAM, Lebesgue(1), TypeError, "IIDSequence"),
    (StorageClass(100, ("cube", 1)), None, ValueError, "network_class"),
])
def test_domain_mismatches_are_refused(G, measure, exc, match):
    with pytest.raises(exc, match=match):
        lower_bound(F, G, norm=2, measure=measure)


def test_cube_class_refuses_recurrent_networks_and_sequence_measures():
    with pytest.raises(ValueError, match="network_class"):
        lower_bound(Holder(1, 1.0), HADAM, norm=2)
    with pytest.raises(ValueError, match="sequence measure"):
        lower_bound(Holder(1, 1.0), "1,4,1", norm=2, measure=IIDSequence(Lebesgue(1), 3))


def _mutations(v):
    if isinstance(v, bool):
        return [not v]
    if isinstance(v, int):
        return [v + 1, v - 1] if v > 1 else [v + 1]
    if isinstance(v, float):
        return [v * 1.5]
    if isinstance(v, str):
        return [v + "x"]
    if v is None:
        return [1]
    return []


@pytest.mark.parametrize("make", [
    lambda: lower_bound(F, HADAM, norm=2),
    lambda: lower_bound(MultiLagHolder(1, 0.5, [0, 3], 6), R.rnn(1, 4, 1, 6), norm="sup"),
    lambda: lower_bound(DelayedHolder(1, 1.0, 2, 6), StorageClass(300, ("sequence", 1, 6)), norm=1),
])
def test_every_claim_edit_is_rejected(make, json_edits):
    cert = make()
    data = json.loads(json.dumps(cert.to_dict(alternatives=False)))
    n = 0
    for path, value in json_edits.leaves(data["claim"]):
        if path == ("value",):
            continue
        for new in _mutations(value):
            forged = json_edits.edited(data, "claim", path, new)
            with pytest.raises((CertificateError, ClaimError, ValueError)):
                Certificate.from_dict(forged).verify()
            n += 1
    assert n >= 10


def test_certificates_pickle():
    cert = lower_bound(F, HADAM, norm=2)
    again = pickle.loads(pickle.dumps(cert))
    assert again.value == cert.value and again.verify()
