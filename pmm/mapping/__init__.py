"""Raw data → KPI values: source profiles, the mapping engine, row accounting.

Example:
    >>> import pmm
    >>> p = pmm.load_profile("kcs")
    >>> p.source
    'declarations'
"""

from pmm.mapping.engine import ENGINES, map
from pmm.mapping.profile import SourceProfile, load_profile, load_profile_text
from pmm.mapping.profiles import shipped_profiles
from pmm.mapping.result import MappingResult

__all__ = ["ENGINES", "MappingResult", "SourceProfile", "load_profile", "load_profile_text", "map", "shipped_profiles"]
