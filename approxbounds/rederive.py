r"""Re-deriving a claimed certificate: what the lower- and upper-bound checks share.

A certificate file (:mod:`approxbounds.certificate_base`) is verified in the same way for both
kinds of bound: rebuild F, G, the norm and the measure from the claim, re-derive the proof
along the stored *route* with the kind's ``derive`` function
(:func:`approxbounds.lower.derive.derive`, :func:`approxbounds.upper.derive.derive_upper`), and
accept only when

* the claim, all fields but the value, is exactly the one the derivation proves;
* the claimed value is on the weak side of the derived one (a lower bound may be lowered, an
  upper bound raised, nothing else);
* the stored route, ingredients and tags are exactly the re-derived ones;

before the kind's own re-check of its chain of inequalities at high precision. This module owns
those steps, the route checks both ``derive`` functions start with (:func:`check_route_fields`,
:func:`route_int`), the common preamble of both chain checks (:func:`check_dps`,
:func:`check_tags_and_value`) and the claim every proof restates under :data:`RESTATED`. Every
failure is a :class:`~approxbounds.claims.CertificateError` naming the step (``ValueError`` for
a bad ``dps``).
"""
from __future__ import annotations

import math
import numbers

from approxbounds._json import first_difference, from_json, to_json
from approxbounds.certificate_base import parse_record
from approxbounds.claims import CertificateError, Claim

__all__ = ["RESTATED", "restated_claim", "derived_claim", "check_dps", "check_tags_and_value",
           "check_route_fields", "route_int", "rederive_claim", "compare_with_claim", "rederive_record"]

#: ingredient under which every proof restates its claim (all fields but the value), so that
#: no field of a claim can be edited without the proof disagreeing
RESTATED = "restated_claim"


def _fail(step, detail):
    raise CertificateError(step, detail)


def restated_claim(statement: str, F, G, norm, mu, theorem: str) -> dict:
    """The claim a proof of ``theorem`` proves, as stored under :data:`RESTATED`: every field of
    :meth:`Claim.to_dict` but the value, in its order (``measure`` is ``None`` for the sup norm)."""
    return {"statement": statement, "function_class": F.to_dict(), "network_class": G.to_dict(),
            "norm": norm.to_json(), "measure": None if norm.is_sup else mu.to_dict(), "theorem": theorem}


def derived_claim(statement: str, F, G, mu, der) -> Claim:
    """The :class:`~approxbounds.claims.Claim` that derivation ``der`` (``.norm``, ``.value``,
    ``.theorem``) proves for F, G and the measure ``mu`` (ignored for the sup norm)."""
    return Claim(statement, F.to_dict(), G.to_dict(), der.norm,
                 None if der.norm.is_sup else mu.to_dict(), der.value, der.theorem)


#: digits of a re-check: at least DPS_MIN (the chain's margins need them), at most DPS_MAX
#: (10^4 digits take a few seconds; far more only costs time and memory)
DPS_MIN, DPS_MAX = 20, 10_000


def check_dps(dps, name: str = "dps") -> int:
    """``dps`` (mpmath digits of a re-check) as an ``int`` in ``[DPS_MIN, DPS_MAX]``;
    ``ValueError`` naming ``name`` otherwise."""
    if isinstance(dps, bool) or not isinstance(dps, int) or not DPS_MIN <= dps <= DPS_MAX:
        raise ValueError(f"{name} must be an integer in [{DPS_MIN}, {DPS_MAX}], got {dps!r}")
    return dps


def check_tags_and_value(tags: dict, value) -> None:
    """Every tag is ``V`` or ``P`` and there is at least one; ``value`` is finite and positive."""
    bad = {k: t for k, t in tags.items() if t not in ("V", "P")}
    if bad:
        _fail("tags", f"relies on statements not tagged V/P: {bad}")
    if not tags:
        _fail("tags", "no statement listed")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        _fail("value", f"value must be finite and positive, got {value!r}")


def check_route_fields(route, keys, owner: str) -> None:
    """The route is a JSON object with exactly the fields ``keys``; ``owner`` names what the
    route belongs to in the message (``"Theorem L"``, ``"construction PL"``)."""
    if not isinstance(route, dict):
        _fail("route", f"the route must be a JSON object, got {route!r}")
    missing = [k for k in keys if k not in route]
    extra = sorted(set(route) - set(keys))
    if missing:
        _fail("route", f"missing route field(s) {', '.join(missing)} for {owner}")
    if extra:
        _fail("route", f"unexpected route field(s) {', '.join(map(str, extra))} for {owner}")


def route_int(route: dict, key: str, minimum: int = 1) -> int:
    """``route[key]`` as an integer ``>= minimum`` (``bool`` is not an integer here)."""
    v = route[key]
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < minimum:
        _fail("route", f"route.{key} must be an integer >= {minimum}, got {v!r}")
    return int(v)


def rederive_claim(claim: Claim, route: dict, derive):
    """``(derivation, expected_claim, objects)``: the proof that ``claim`` and ``route`` give.

    Parameters
    ----------
    claim : Claim
        The parsed claim; F, G, the norm and the measure are rebuilt from it.
    route : dict
        The stored route, in Python form (:func:`approxbounds._json.from_json`).
    derive : callable
        ``derive(theorem, F, G, norm, mu, route)`` of the claim's kind of bound.
    """
    F, G, norm, mu = claim.rebuild()
    der = derive(claim.theorem, F, G, norm, mu, route)
    return der, derived_claim(claim.statement, F, G, mu, der), (F, G, norm, mu)


def compare_with_claim(data: dict, claim: Claim, proof: dict, der, expected: Claim) -> None:
    """Reject the certificate file ``data`` unless its claim and proof are what the derivation
    ``der`` (with ``expected``, its claim) gives, up to a weaker value (module docstring).

    The claim is compared as written in ``data`` (types included: ``2`` is not ``2.0``).
    """
    mine = {k: v for k, v in data["claim"].items() if k != "value"}
    theirs = {k: v for k, v in expected.to_dict().items() if k != "value"}
    diff = first_difference(mine, theirs, "claim")
    if diff:
        _fail("claim", f"the claim is not the one its proof gives: {diff}")
    if claim.statement == "lower":
        if not claim.value <= der.value:
            _fail("value", f"the claimed value {claim.value!r} exceeds what the proof gives, {der.value!r}")
    elif not claim.value >= der.value:
        _fail("value", f"the claimed value {claim.value!r} is below what the construction gives, {der.value!r}")
    expected_proof = {"route": to_json(from_json(proof["route"])), "ingredients": to_json(der.ingredients),
                      "tags": dict(der.tags)}
    diff = first_difference(proof, expected_proof, "proof")
    if diff:
        _fail("proof", f"the stored proof is not the one its claim re-derives: {diff}")


def rederive_record(data: dict, dps: int, derive, statement: str | None = None):
    """``(claim, derivation, objects)`` of a certificate file whose claim and proof are exactly
    what its claim re-derives (module docstring); the kind's chain check comes next.

    Parameters
    ----------
    data : dict
        The certificate file.
    dps : int
        Digits of the chain check that follows (checked here first, :func:`check_dps`).
    derive : callable
        The kind's ``derive(theorem, F, G, norm, mu, route)``.
    statement : {"lower", "upper"} or None
        The kind of bound the file must state (:func:`approxbounds.certificate_base.parse_record`).

    Raises
    ------
    ValueError
        Bad ``dps``, or the file is not a certificate of this kind (structure).
    ClaimError
        A claim field is malformed or not canonical (names the field).
    CertificateError
        The claim or the stored proof is not the re-derived one, or the value is on the wrong
        side of the re-derived one (names the step).
    """
    check_dps(dps)
    claim, proof, _ = parse_record(data, statement=statement)
    der, expected, objects = rederive_claim(claim, from_json(proof["route"]), derive)
    compare_with_claim(data, claim, proof, der, expected)
    return claim, der, objects
