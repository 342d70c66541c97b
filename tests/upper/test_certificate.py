"""UpperCertificate: JSON round trip, text, pickling, the explicit network it speaks about."""
import json
import pickle

import numpy as np
import pytest

from approxbounds.capacity import Architecture
from approxbounds.claims import Claim
from approxbounds.classes import Holder, Monotone
from approxbounds.upper import UpperCertificate, upper_bound


def test_round_trip_and_alternatives():
    cert = upper_bound(Holder(1, 0.5), "1,16,1", 2)
    assert cert.alternatives and all(a.value >= cert.value for a in cert.alternatives)
    doc = json.loads(json.dumps(cert.to_dict()))
    back = UpperCertificate.from_dict(doc)
    assert back.claim == cert.claim and back.route == cert.route
    assert back.ingredients == cert.ingredients and len(back.alternatives) == len(cert.alternatives)
    assert back.verify(dps=30)
    assert doc["claim"]["statement"] == "upper" and doc["format"] == "approxbounds.certificate"


def test_text():
    cert = upper_bound(Monotone(1), "1,16,1", 2)
    assert "<=" in cert.summary() and "Construction RI" in cert.summary()
    text = cert.explain()
    assert "every probability measure" in text and "[P]" in text and "line units available: 16" in text


def test_pickle():
    cert = upper_bound(Holder(2, 1.0), "2,40,60,30,1", 2)
    back = pickle.loads(pickle.dumps(cert))
    assert back.value == cert.value and back.verify(dps=25)


def test_constructor_checks():
    cert = upper_bound(Holder(1, 1.0), "1,4,1", 2)
    lower_claim = Claim("lower", cert.claim.function_class, cert.claim.network_class, cert.norm,
                        cert.measure, cert.value, "L")
    with pytest.raises(ValueError, match="upper"):
        UpperCertificate(lower_claim, {}, {}, {})
    with pytest.raises(ValueError, match="V\\]/\\[P"):
        UpperCertificate(cert.claim, cert.route, cert.ingredients, {"recalled": "R"})
    with pytest.raises(TypeError):
        UpperCertificate("claim", {}, {}, {})


def test_network_is_a_member_of_G():
    G = Architecture.parse("1,6,6,1")
    cert = upper_bound(Holder(1, 1.0), G, "sup")
    f = lambda x: np.abs(np.asarray(x) - 0.3)
    net = cert.network(f)
    assert net.arch == G
    x = np.linspace(0, 1, 5001)
    assert np.max(np.abs(net(x) - f(x))) <= cert.value
