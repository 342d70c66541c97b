"""Certified upper bounds by explicit networks, and the two-sided band (docs/upper_bounds.md).

* :func:`upper_bound` -- the smallest certified upper bound on sup_f inf_g ||f - g|| given by an
  explicit network of G (piecewise-linear interpolation, steps, range staircases, Kuhn
  triangulations, constants), as an :class:`UpperCertificate`;
* :func:`band` -- the certified lower bound and the certified upper bound together
  (:class:`Band`, with ``gap = upper / lower``);
* :class:`NoConstructionError` -- no construction is proved for this network class.
"""
from approxbounds.upper.api import (Band, NoConstructionError, SoundnessError, band,
                                    upper_bound, upper_certificates)
from approxbounds.upper.certificate import UpperCertificate

__all__ = ["upper_bound", "band", "Band", "UpperCertificate", "NoConstructionError",
           "SoundnessError", "upper_certificates"]
