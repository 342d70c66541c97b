r"""Verification of an upper-bound certificate file: the claim is what is verified.

:func:`verify_upper_dict` takes the JSON form of an :class:`~approxbounds.upper.certificate.UpperCertificate` and

1. parses its claim (``statement = "upper"``) and rebuilds F, G, the norm and the measure
   from it;
2. re-derives the proof along the stored route (:func:`approxbounds.upper.derive.derive_upper`)
   and rejects the file unless the stored route, ingredients and tags are exactly the
   re-derived ones and the claimed value is **not below** the re-derived value (an upper
   bound may be weakened by raising it, nothing else);
3. re-checks the chain at ``dps`` digits (:func:`check_upper_chain`): every tag is [V]/[P];
   the realisation (the widths the construction needs do not exceed G's, re-counted from the
   route); the sup, Lebesgue and every-measure bounds recomputed with mpmath agree with the stored ones
   and do not exceed them; the claimed value is at least the recomputed bound.
"""
from __future__ import annotations

import mpmath

from approxbounds.certificate_base import parse_record
from approxbounds.claims import CertificateError, Claim
from approxbounds.rederive import check_dps, check_tags_and_value, rederive_claim, rederive_record

from .derive import RESTATED, UpperDerivation, derive_upper
from .realise import (grid_step_widths, hidden_widths, kt_fit, relu_line_plan,
                      threshold_line_jumps)

__all__ = ["verify_upper_dict", "check_upper_chain", "rederive_upper", "parse_upper_record"]

_REL_AGREE = mpmath.mpf("1e-9")


def _fail(step, detail):
    raise CertificateError(step, detail)


def parse_upper_record(data):
    """``(claim, proof, alternatives)`` of an upper certificate dict (structure only)."""
    return parse_record(data, statement="upper")


def _check_realisation(der: UpperDerivation, G):
    """Re-count the widths the route needs from the route alone and compare with G."""
    c = der.ingredients["construction"]
    key = c["key"]
    hidden = hidden_widths(G)
    if key == "U0":
        return
    if key == "PL":
        avail = relu_line_plan(hidden).pieces
        if c["pieces"] > avail:
            _fail("realisation", f"{c['pieces']} pieces exceed the {avail} line units of G")
    elif key == "RI":
        avail = relu_line_plan(hidden).pieces - 1
        if c["levels"] > avail:
            _fail("realisation", f"{c['levels']} levels need {c['levels'] + 1} line units; G offers {avail + 1}")
    elif key == "RQ":
        if G.activation.name == "hard_threshold":
            avail = threshold_line_jumps(hidden)
        else:
            avail = relu_line_plan(hidden).ramps
        if c["levels"] > avail:
            _fail("realisation", f"{c['levels']} levels exceed the {avail} available in G")
    elif key == "ST":
        d = der.ingredients[RESTATED]["function_class"]["d"]
        need = grid_step_widths(d, c["cells"], len(hidden))
        if any(r > k for r, k in zip(need, hidden)):
            _fail("realisation", f"grid m={c['cells']} needs widths {list(need)}, G has {list(hidden)}")
    elif key == "KT":
        d = der.ingredients[RESTATED]["function_class"]["d"]
        problem = kt_fit(d, c["cells"], hidden, c["offset"])
        if problem is not None:
            _fail("realisation", problem)
    else:
        _fail("theorem", f"unknown construction {key!r}")


def _agree(stored, recomputed, what):
    if stored is None and recomputed is None:
        return
    if stored is None or recomputed is None:
        _fail("bound", f"stored {what} {stored!r} but recomputed {recomputed!r}")
    s = mpmath.mpf(stored)
    if s < recomputed:
        _fail("bound", f"stored {what} {mpmath.nstr(s, 17)} is below the recomputed "
                       f"{mpmath.nstr(recomputed, 20)}")
    if s - recomputed > _REL_AGREE * max(mpmath.mpf(1e-300), abs(recomputed)):
        _fail("bound", f"stored {what} {mpmath.nstr(s, 17)} differs from the recomputed "
                       f"{mpmath.nstr(recomputed, 20)}")


def check_upper_chain(der: UpperDerivation, value: float, G, dps: int = 50) -> bool:
    """Re-check a derivation at ``dps`` digits with the claimed ``value`` (module docstring)."""
    check_dps(dps)
    check_tags_and_value(der.tags, value)
    _check_realisation(der, G)
    sup, leb, anym, bound = der.recompute(dps)
    with mpmath.workdps(dps):
        _agree(der.ingredients["sup_bound"], sup, "sup bound")
        _agree(der.ingredients["lebesgue_bound"], leb, "Lebesgue L^p bound")
        _agree(der.ingredients["any_measure_bound"], anym, "every-measure bound")
        _agree(der.ingredients["value"], bound, "bound")
        if not mpmath.mpf(value) >= bound:
            _fail("value", f"claimed value {value!r} is below the recomputed bound {mpmath.nstr(bound, 20)}")
    return True


def rederive_upper(claim: Claim, route: dict):
    """``(derivation, expected_claim, objects)``: the proof that the claim and route give
    (:func:`approxbounds.rederive.rederive_claim` with :func:`~approxbounds.upper.derive.derive_upper`)."""
    return rederive_claim(claim, route, derive_upper)


def verify_upper_dict(data: dict, dps: int = 50) -> Claim:
    """Verify an upper certificate file's content (module docstring); returns its claim.

    Raises
    ------
    ClaimError
        A claim field is malformed or not canonical.
    CertificateError
        The stored proof is not the re-derived one, the claimed value is below the re-derived
        bound, or a check of the chain fails at ``dps`` digits (names the step).
    ValueError
        The file is not an upper certificate (structure).
    """
    claim, der, (_, G, _, _) = rederive_record(data, dps, derive_upper, statement="upper")
    check_upper_chain(der, claim.value, G, dps)
    return claim
