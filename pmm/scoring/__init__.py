"""Scoring: maturity levels, normalisation, weights, aggregation, ranks and benchmarks.

The public entry points are :func:`pmm.score`, :class:`pmm.ScoringMethod` and
:func:`pmm.values_from_wide`; the methods are documented in ``docs/scoring.md`` and
``docs/pipeline.md`` (the steps before normalisation: :func:`run_stages`, :func:`treat`). How robust
the ranks are to the method: :func:`pmm.uncertainty` and :func:`pmm.sensitivity` (``docs/uncertainty.md``).

Example:
    >>> from pmm.scoring import ScoringMethod
    >>> ScoringMethod().normalise.method
    'minmax'
"""

from pmm.scoring.engine import score
from pmm.scoring.method import ScoringMethod
from pmm.scoring.notices import ScoringWarning
from pmm.scoring.pipeline import build_context, run_stages
from pmm.scoring.plan import ScoringPlan, build_plan
from pmm.scoring.sensitivity import Sensitivity, sensitivity
from pmm.scoring.treat import treat
from pmm.scoring.uncertainty import Uncertainty, uncertainty
from pmm.scoring.values import values_from_wide

__all__ = ["score", "ScoringMethod", "ScoringWarning", "ScoringPlan", "build_plan", "values_from_wide",
           "uncertainty", "Uncertainty", "sensitivity", "Sensitivity", "build_context", "run_stages", "treat"]
