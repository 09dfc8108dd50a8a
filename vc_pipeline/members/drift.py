"""How far a round's members drift from its respondents: total variation distance per attribute."""

from collections import Counter
from collections.abc import Callable, Iterable

import pandas as pd

from vc_pipeline.profile.geography import locate
from vc_pipeline.profile.taxonomy import map_career_stage, map_role

# Synthetic rounds must stay statistically close to the real round, so that matching on them resembles matching on it.
DRIFT_LIMIT = 0.2

UNKNOWN_STAGE = "Unknown"


def _text(value: object) -> str:
    """A free-text cell as a string; missing cells (None, NaN) count as blank."""
    return value if isinstance(value, str) else ""


def _role(title: object) -> str:
    return map_role(_text(title)) or "Other"


def _career_stage(answer: object) -> int | str:
    stage = map_career_stage(_text(answer))
    return UNKNOWN_STAGE if stage is None else stage


def _region(location: object) -> str:
    return locate(_text(location)).region


def _tvd(left: Iterable, right: Iterable) -> float:
    """0.5 × Σ|p − q| between the category frequencies of two samples; 0.0 when either is empty."""
    p, q = Counter(left), Counter(right)
    n_p, n_q = sum(p.values()), sum(q.values())
    if not n_p or not n_q:
        return 0.0
    return 0.5 * sum(abs(p[c] / n_p - q[c] / n_q) for c in p.keys() | q.keys())


_ATTRIBUTES: tuple[tuple[str, str, Callable[[object], object]], ...] = (
    ("role_tvd", "role", _role),
    ("career_stage_tvd", "career_stage", _career_stage),
    ("region_tvd", "location", _region),
)


def distribution_drift(respondents: pd.DataFrame, members: pd.DataFrame) -> dict[str, float]:
    """Total variation distance between respondents' and members' attribute distributions.

    In: two tables with the free-text columns `role`, `career_stage` and `location` (raw survey
    rows or the members table; other columns are ignored). Each row is mapped to its taxonomy role
    (unrecognised → "Other"), career stage (1..6, unrecognised → its own "Unknown" category) and
    region ("Unknown" when unrecognised).
    Out: {"role_tvd", "career_stage_tvd", "region_tvd"}, each 0.5 × Σ|p − q| over the categories,
    in [0, 1]: 0.0 for identical distributions, 1.0 when no category is shared. When either table
    has no rows the distance is 0.0 (there is nothing to compare).
    """
    return {
        key: _tvd(map(mapper, respondents[column]), map(mapper, members[column]))
        for key, column, mapper in _ATTRIBUTES
    }
