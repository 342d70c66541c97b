"""Reading a description back: the one rule of every ``from_dict`` that accepts only the
canonical description.

A class, measure or network class is written as ``obj.to_dict()`` (its *canonical*
description) and read back by its ``from_dict``, which must accept exactly that and nothing
else, so that no field of a certificate's claim can be edited without the edit being named
(issue 9). Every such reader does the same three things: check the fields that are there
(:func:`check_fields`), build the object from the defining fields, and compare the rebuilt
object's description with the given one field by field (:func:`from_canonical`, with
:func:`approxbounds._json.first_difference`, for which ``2`` is not ``2.0``). Every failure is a
``ValueError`` whose message starts with the field's name.
"""
from __future__ import annotations

from approxbounds._json import first_difference

__all__ = ["check_fields", "from_canonical"]


def check_fields(desc: dict, keys, field: str) -> None:
    """``ValueError`` naming ``field`` unless ``desc`` has exactly the keys ``keys``
    (missing fields are reported before unexpected ones)."""
    missing = [k for k in keys if k not in desc]
    extra = sorted(set(desc) - set(keys))
    if missing or extra:
        raise ValueError(f"{field}: " + (f"missing field(s) {', '.join(missing)}" if missing
                                         else f"unexpected field(s) {', '.join(map(str, extra))}"))


def from_canonical(desc: dict, build, field: str, what):
    """The object ``build()`` makes from ``desc``, accepted only when ``desc`` is its canonical
    description (``obj.to_dict() == desc``, types included).

    Parameters
    ----------
    desc : dict
        The description as read (a JSON object).
    build : callable
        ``build() -> obj`` from the defining fields of ``desc``; a missing field (``KeyError``)
        or a bad value (``TypeError``/``ValueError``) becomes a ``ValueError`` naming ``field``.
    field : str
        Where ``desc`` stands (``"network_class"``, ``"claim.measure.base"``, ...).
    what : str or callable
        What ``desc`` should be, for the message ``"<field> is not <what>: <first difference>"``;
        a callable receives the built object (e.g. ``lambda a: f"the canonical description of
        {a.spec()}"``).

    Raises
    ------
    ValueError
        The object cannot be built, or ``desc`` differs from its canonical description (the
        first differing field is named).
    """
    try:
        obj = build()
    except KeyError as exc:
        raise ValueError(f"{field}: missing field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field}: {exc}") from None
    diff = first_difference(desc, obj.to_dict(), field)
    if diff:
        raise ValueError(f"{field} is not {what(obj) if callable(what) else what}: {diff}")
    return obj
