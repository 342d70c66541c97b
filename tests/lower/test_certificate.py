"""Certificate: the claim format, JSON round trip, pickling, explanation."""
import json
import pickle

import pytest

from approxbounds.capacity import Architecture
from approxbounds.claims import Claim, ClaimError
from approxbounds.classes import Holder, Monotone
from approxbounds.lower import Certificate, CertificateError, lower_bound
from approxbounds.norms import Norm


def _roundtrip(cert):
    return Certificate.from_dict(json.loads(json.dumps(cert.to_dict(), allow_nan=False)))


CASES = [
    (Holder(2, 1.0), "2,35x9,1", 2, "L"),
    (Holder(2, 1.0), "2,35x9,1", "sup", "S"),
    (Holder(2, 1.0), Architecture.parse("2,10x2,1", bits=2, quantize="all"), 2, "C"),
    (Monotone(3), "3,10,1", "sup", "D"),
]


@pytest.mark.parametrize("F,G,norm,theorem", CASES)
def test_claim_is_at_the_top_and_roundtrips(F, G, norm, theorem):
    cert = lower_bound(F, G, norm=norm)
    assert cert.theorem == theorem
    d = cert.to_dict()
    assert list(d)[:4] == ["format", "version", "claim", "proof"]
    claim = d["claim"]
    assert claim["statement"] == "lower" and claim["theorem"] == theorem
    assert claim["function_class"] == F.to_dict()
    G_arch = Architecture.parse(G) if isinstance(G, str) else G
    assert claim["network_class"] == G_arch.to_dict()
    assert claim["norm"] == Norm.parse(norm).to_json() and claim["value"] == cert.value
    assert (claim["measure"] is None) == Norm.parse(norm).is_sup
    back = _roundtrip(cert)
    assert back.to_dict() == d and back.verify(dps=50)
    assert len(back.alternatives) == len(cert.alternatives)


@pytest.mark.parametrize("F,G,norm,theorem", CASES)
def test_certificates_pickle(F, G, norm, theorem):
    cert = lower_bound(F, G, norm=norm)
    again = pickle.loads(pickle.dumps(cert))
    assert again.to_dict() == cert.to_dict() and again.verify()


def test_claim_validation():
    good = lower_bound(Holder(1, 1.0), "1,10,1", norm=1)
    c = good.claim
    with pytest.raises(ClaimError, match="value"):
        Claim("lower", c.function_class, c.network_class, c.norm, c.measure, 0.0, "L")
    with pytest.raises(ClaimError, match="theorem"):
        Claim("lower", c.function_class, c.network_class, c.norm, c.measure, 1.0, "Z")
    with pytest.raises(ClaimError, match="sup-norm statement"):
        Claim("lower", c.function_class, c.network_class, c.norm, c.measure, 1.0, "S")
    with pytest.raises(ClaimError, match="measure"):
        Claim("lower", c.function_class, c.network_class, Norm.parse("sup"), c.measure, 1.0, "C")
    with pytest.raises(ClaimError, match="statement"):
        Claim("both", c.function_class, c.network_class, c.norm, c.measure, 1.0, "L")
    with pytest.raises(ValueError, match="V\\]/\\[P"):
        Certificate(c, good.route, good.ingredients, {"rate": "R"})
    with pytest.raises(ValueError, match="not an approxbounds certificate"):
        Certificate.from_dict({"value": 1.0})
    d = good.to_dict()
    d["extra"] = 1
    with pytest.raises(ValueError, match="unexpected top-level"):
        Certificate.from_dict(d)
    assert good.verify()


def test_error_names_the_step():
    cert = lower_bound(Holder(2, 1.0), "2,10,1", norm=1)
    assert cert.theorem == "L"
    cert.ingredients["K"] += 1
    with pytest.raises(CertificateError) as info:
        cert.verify()
    assert info.value.step == "proof" and "proof.ingredients.K" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_explain_and_summary_for_every_theorem():
    from approxbounds.claims import theorem_label

    certs = [lower_bound(Holder(2, 1.0), "2,35x9,1", norm=2),
             lower_bound(Holder(2, 1.0), "2,35x9,1", norm="sup"),
             lower_bound(Holder(2, 1.0), Architecture.parse("2,10x2,1", bits=2, quantize="all")),
             lower_bound(Monotone(2), "2,10,1", norm="sup")]
    for c in certs:
        text = c.explain()
        assert theorem_label(c.theorem) in text and "Statements relied on" in text
        assert all(f"[{t}]" in text for t in c.tags.values())
        assert c.summary().startswith("dist(")
    assert "Other applicable certificates" in certs[2].explain()
    assert theorem_label("D") == "Lemma D" and "Lemma D" in certs[3].summary()


@pytest.mark.parametrize("F,G,norm", [
    (Holder(2, 3.0), "2,10,1", 8),
    (Monotone(2), Architecture.parse("2,3,1", activation="hard_threshold"), "sup"),
])
def test_transferred_roundtrip_and_explain(F, G, norm):
    cert = lower_bound(F, G, norm=norm)
    assert cert.transferred and cert.certified_norm < Norm.parse(8)
    assert cert.route["certified_norm"] == cert.certified_norm.to_json()
    back = _roundtrip(cert)
    assert back.transferred and back.certified_norm == cert.certified_norm
    assert back.norm == cert.norm and back.to_dict() == cert.to_dict()
    assert back.verify(dps=50)
    assert sum(a.transferred for a in back.alternatives) == sum(a.transferred for a in cert.alternatives)
    text = cert.explain()
    q = cert.certified_norm.label
    assert "Norm transfer (Lemma T" in text and f"checked in {q}(" in text
    assert "[P] Lemma T" in text
    view = cert.certified_view()
    assert view.norm == cert.certified_norm and not view.transferred and view.verify()
    assert view.value == cert.value and view.theorem == cert.theorem
