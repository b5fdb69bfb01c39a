"""Warnings raised while scoring (constant KPIs, groups without maturity bands …).

Example:
    >>> import warnings
    >>> issubclass(ScoringWarning, UserWarning)
    True
"""

__all__ = ["ScoringWarning"]


class ScoringWarning(UserWarning):
    """Scoring went ahead, but a result follows a documented rule the user should know about."""
