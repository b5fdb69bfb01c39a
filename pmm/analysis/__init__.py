"""The statistical audit of a composite (COINr's analysis functions): ``card.audit`` and :func:`pmm.audit`.

Modules: :mod:`~pmm.analysis.frames` (stage tables), :mod:`~pmm.analysis.stats` (``get_stats``),
:mod:`~pmm.analysis.correlation` (correlations and p-values), :mod:`~pmm.analysis.reliability`
(Cronbach's alpha, PCA), :mod:`~pmm.analysis.profile` (strengths and weaknesses, unit summary)
and :mod:`~pmm.analysis.auditor` (the :class:`Audit` object). See ``docs/audit.md``.

Example:
    >>> import pmm
    >>> pmm.demo_scorecard(members=6).audit.stats().shape[0] > 0
    True
"""

from pmm.analysis.auditor import Audit, PcaResult, audit

__all__ = ["Audit", "PcaResult", "audit"]
