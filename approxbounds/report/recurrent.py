"""The report's recurrent section: certificates for the quantized RNNs the toolkit trains, and
the storage floor.

For the delayed Hölder class ``x_1..x_T -> f(x_{T-k})`` (docs/sequence_classes.md) and each
model of :data:`approxbounds.experiments.crosscheck_rnn.DEFAULT_SPECS` at the report's sizes,
the table gives the certified lower bound against the model's exact recurrent class
(:class:`~approxbounds.capacity.RecurrentArchitecture`, docs/capacity.md §9) and the storage
floor at the model's exact storage account (Theorem C on "any network stored in B bits"),
both verified at 50 digits.
"""
from __future__ import annotations

__all__ = ["recurrent_job", "recurrent_lines", "REPORT_CLASS"]

#: the sequence class of the section: d = 1, alpha = 1, lag 10, length 50
REPORT_CLASS = (1, 1.0, 10, 50)


def recurrent_job(config: dict) -> dict:
    """``config = {"smoke": bool}`` -> ``{"class": name, "rows": [...]}`` (certificate rows of
    :func:`approxbounds.experiments.crosscheck_rnn.certificate_rows`; the smoke report keeps
    the L^2 rows only)."""
    from approxbounds.classes import DelayedHolder
    from approxbounds.experiments.crosscheck_rnn import certificate_rows

    F = DelayedHolder(*REPORT_CLASS)
    norms = (2,) if config["smoke"] else (2, 4, "sup")
    return {"class": F.name, "rows": certificate_rows(F, norms=norms)}


def recurrent_lines(data: dict) -> list[str]:
    """Markdown of the recurrent section."""
    r = data["recurrent"]
    out = ["## Recurrent and quantized networks", "",
           f"Certified lower bounds on sup_f inf_g ||f - g|| for F = {r['class']} against the exact "
           "class of each model (recurrent capacity, docs/capacity.md §9), and the storage floor: "
           "any network stored in B bits is one of at most 2^B functions, so Theorem C gives a "
           "floor for every storage format at the model's exact `models.storage` account. The "
           "figure `storage_floor` places trained models on that floor.", "",
           "| model | storage bits | W | norm | vs recurrent class | theorem | storage floor | theorem | verified |",
           "|---|---|---|---|---|---|---|---|---|"]
    for row in r["rows"]:
        out.append(f"| {row['model']} | {row['storage_bits']} | {row['W']} | {row['norm']} | "
                   f"{row['recurrent_certified']:.3e} | {row['recurrent_theorem']} | "
                   f"{row['storage_certified']:.3e} | {row['storage_theorem']} | "
                   f"{'yes' if row['verified'] else 'NO'} |")
    return out + [""]
