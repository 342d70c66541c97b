"""The recurrent growth model as approxbounds.lower consumes it: Theorems L and S through
search, certificate, JSON and the 50-digit re-verification."""
import json
import math

import mpmath
import pytest

from approxbounds.capacity.growth import growth_model
from approxbounds.capacity.recurrent import RecurrentArchitecture as R
from approxbounds.claims import CertificateError
from approxbounds.classes.sequence import DelayedHolder
from approxbounds.lower.api import lower_bound
from approxbounds.lower.verify import check_chain, rederive, verify_certificate_dict

G_HADAM = R.hadamrnn(1, 64, 1, 50, bits=4)
F_SEQ = DelayedHolder(1, 1.0, 10, 50)


def test_growth_model_is_the_class_own_and_cached():
    m = growth_model(G_HADAM)
    assert m is G_HADAM.growth_model() is growth_model(R.hadamrnn(1, 64, 1, 50, bits=4))
    assert m.arch == G_HADAM and m.size_bound is None    # cached per equal class (any instance)
    for attr in ("pdim", "vcdim"):
        b = getattr(m, attr)
        assert b.tag == "P" and b.certified and b.value == m.V
    fast, bound = m.fast(10**7), m.bound(10**7)
    assert fast.method == bound.method and fast.value == bound.value and fast.to_dict()["tag"] == "P"
    with mpmath.workdps(50):
        assert abs(m.log2_growth_mp(bound.method, 10**7, bound.ingredients) - bound.value) < 1e-6
        assert m.vcdim_mp(m.vcdim) == m.V


@pytest.mark.parametrize("G", [G_HADAM, R.qornn(1, 16, 1, 50, w_bits=3), R.rnn(1, 8, 1, 50),
                               R.hadamrnn(1, 32, 1, 50, bits=2, blocks=4, readout="every")],
                         ids=lambda g: g.matrix)
def test_lower_bound_L2_certificate_verifies(G):
    cert = lower_bound(F_SEQ, G, norm=2)
    assert cert.theorem == "L" and cert.value > 0
    cap = cert.ingredients["capacity"]
    assert cap["method"] in ("recurrent_stages", "trivial") and cap["tag"] == "P"
    assert cert.verify()
    data = json.loads(json.dumps(cert.to_dict()))
    assert data["claim"]["network_class"] == G.to_dict()
    assert verify_certificate_dict(data).value == cert.value


def test_longer_memory_costs_nothing_for_hadamrnn_but_grows_for_qornn():
    """The HadamRNN certificate depends on T only through F (same capacity at T = 50 and 500);
    the QORNN capacity grows with T."""
    F500 = DelayedHolder(1, 1.0, 10, 500)
    a = lower_bound(F_SEQ, G_HADAM, norm=2)
    b = lower_bound(F500, R.hadamrnn(1, 64, 1, 500, bits=4), norm=2)
    assert a.value == b.value
    q50 = R.qornn(1, 16, 1, 50, w_bits=3).pdim_bound().value
    q500 = R.qornn(1, 16, 1, 500, w_bits=3).pdim_bound().value
    assert q500 > 5 * q50


def test_sup_norm_certificate_uses_the_vc_bound():
    cert = lower_bound(F_SEQ, G_HADAM, norm="sup")
    assert cert.value > 0 and cert.verify()
    ths = {cert.theorem} | {c.theorem for c in cert.alternatives}
    assert "S" in ths
    s = cert if cert.theorem == "S" else next(c for c in cert.alternatives if c.theorem == "S")
    assert s.ingredients["VCdim_bound"] == G_HADAM.vcdim_bound().value
    assert s.ingredients["N_points"] > s.ingredients["VCdim_bound"]


def test_tampered_recurrent_certificates_fail():
    cert = lower_bound(F_SEQ, G_HADAM, norm=2)
    data = cert.to_dict()
    bad = json.loads(json.dumps(data))
    bad["claim"]["network_class"]["length"] = 5000          # claims a longer sequence
    with pytest.raises((CertificateError, ValueError)):
        verify_certificate_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["proof"]["ingredients"]["log2_Pi"] -= 100.0           # a smaller growth value
    with pytest.raises(CertificateError):
        verify_certificate_dict(bad)
    # the chain with a growth value the model does not give
    der, _, _ = rederive(cert.claim, cert.route)
    assert check_chain(der.theorem, der.norm, cert.value, der.ingredients, der.tags, der.recompute,
                       growth_model(G_HADAM), 50)
    ing = dict(der.ingredients, log2_Pi=der.ingredients["log2_Pi"] * 0.9)
    with pytest.raises(CertificateError, match="growth bound"):
        check_chain(der.theorem, der.norm, cert.value, ing, der.tags, der.recompute,
                    growth_model(G_HADAM), 50)


def test_domain_mismatch_is_refused():
    with pytest.raises(ValueError):
        lower_bound(DelayedHolder(1, 1.0, 10, 60), G_HADAM, norm=2)      # T differs
    with pytest.raises(ValueError):
        lower_bound(DelayedHolder(2, 1.0, 10, 50), G_HADAM, norm=2)      # d_in differs
    assert math.isfinite(G_HADAM.pdim_bound().value)
