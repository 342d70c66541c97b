"""Certificate: validation, JSON round trip, re-verification without attached evaluators."""
import json

import pytest

from approxbounds.capacity import Architecture
from approxbounds.classes import Holder, Monotone
from approxbounds.lower import Certificate, CertificateError, lower_bound


def _roundtrip(cert):
    return Certificate.from_dict(json.loads(json.dumps(cert.to_dict())))


@pytest.mark.parametrize("F,G,norm,theorem", [
    (Holder(2, 1.0), "2,35x9,1", 2, "L"),
    (Holder(2, 1.0), "2,35x9,1", "sup", "S"),
    (Holder(2, 1.0), Architecture.parse("2,10x2,1", bits=2, quantize="all"), 2, "C"),
    (Monotone(3), "3,10,1", "sup", "D"),
])
def test_json_roundtrip_still_verifies(F, G, norm, theorem):
    cert = lower_bound(F, G, norm=norm)
    assert cert.theorem == theorem
    back = _roundtrip(cert)
    assert back.recompute == {}  # evaluators are not serialised
    assert back.value == cert.value and back.ingredients["network"]["spec"]
    assert back.verify(dps=50)
    assert len(back.alternatives) == len(cert.alternatives)


def test_roundtrip_tampered_growth_fails():
    back = _roundtrip(lower_bound(Holder(2, 1.0), "2,35x9,1", norm=2))
    # pretend the network were 4x narrower: the rebuilt capacity no longer matches
    back.ingredients["network"]["widths"] = [9] * 9 + [1]
    back.ingredients["network"].pop("W")
    with pytest.raises(CertificateError, match="growth bound"):
        back.verify()


def test_roundtrip_tampered_vc_fails():
    back = _roundtrip(lower_bound(Holder(2, 1.0), "2,35x9,1", norm="sup"))
    back.ingredients["VCdim_bound"] = 10.0
    with pytest.raises(CertificateError, match="VC bound"):
        back.verify()


def test_validation_of_fields():
    good = lower_bound(Holder(1, 1.0), "1,10,1", norm=1)
    kw = dict(theorem="L", norm=1.0, measure="Lebesgue", function_class="F",
              network_class="G", ingredients={}, tags={"x": "P"})
    with pytest.raises(ValueError, match="positive"):
        Certificate(value=0.0, **kw)
    with pytest.raises(ValueError, match="theorem"):
        Certificate(value=1.0, **{**kw, "theorem": "Z"})
    with pytest.raises(ValueError, match="V\\]/\\[P"):
        Certificate(value=1.0, **{**kw, "tags": {"rate": "R"}})
    with pytest.raises(ValueError, match="lacks the field"):
        Certificate.from_dict({"value": 1.0})
    with pytest.raises(CertificateError, match="missing"):
        Certificate(value=1.0, **kw).verify()
    assert good.verify()


def test_error_names_the_step():
    cert = lower_bound(Holder(1, 1.0), "1,10,1", norm=1)
    cert.ingredients["K"] += 1
    with pytest.raises(CertificateError) as info:
        cert.verify()
    assert info.value.step == "thresholds" and isinstance(info.value, ValueError)


def test_explain_and_summary_for_every_theorem():
    from approxbounds.lower.certificate import theorem_label

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
    (Holder(1, 2), "1,33,1", 8),
    (Monotone(2), Architecture.parse("2,3,1", activation="hard_threshold"), "sup"),
])
def test_transferred_roundtrip_and_explain(F, G, norm):
    cert = lower_bound(F, G, norm=norm)
    assert cert.transferred and cert.certified_norm < 8
    back = _roundtrip(cert)
    assert back.transferred and back.certified_norm == cert.certified_norm
    assert back.norm == cert.norm and back.to_dict() == cert.to_dict()
    assert back.verify(dps=50)
    assert sum(a.transferred for a in back.alternatives) == sum(
        a.transferred for a in cert.alternatives)
    text = cert.explain()
    q = f"L^{cert.certified_norm:g}"
    assert f"Norm transfer (Lemma T" in text and f"checked in {q}(" in text
    assert "[P] Lemma T" in text
    view = cert.certified_view()
    assert view.norm == cert.certified_norm and not view.transferred and view.verify()
    assert view.value == cert.value and view.theorem == cert.theorem
