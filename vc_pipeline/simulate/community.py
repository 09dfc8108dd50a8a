"""A simulated community over rounds: who signs up each round, and who then does not show.

A community of about `members` people meets every round: `return_share` of the previous round's
people sign up again, new joiners make up `join_share` of the round, and the rest of the round is
people who skipped a round or more coming back (more joiners when too few skipped), so the round
stays at `members` and the same people keep meeting, as in a real monthly community. Everyone is
fabricated by vc_pipeline.sample.generate; seeded, so a simulation can be repeated exactly.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pandas as pd

from vc_pipeline.errors import SettingsError
from vc_pipeline.sample.generate import Fabricator, Respondent, form_export
from vc_pipeline.simulate.feedback import MEMBERS_VALUE
from vc_pipeline.survey.form import KEEP_REGISTERED

# Carry-over would bring back everyone who once said "Yes"; here the community model alone says who takes part.
_ASK_AGAIN = KEEP_REGISTERED[1]


@dataclass(frozen=True)
class Community:
    """How the simulated community behaves; shares are of people, rounded to whole people."""

    members: int = 150
    return_share: float = 0.8
    join_share: float = 0.1
    no_show_share: float = 0.05
    seed: int = 2027
    response_rate: float = 0.6
    rating_noise: float = 0.5
    hidden: tuple[float, ...] = MEMBERS_VALUE  # what members really value, per score component

    def __post_init__(self):
        if self.members < 2:
            raise SettingsError("members: a round needs at least 2 people")
        for name in ("return_share", "no_show_share", "response_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise SettingsError(f"{name}: expected a share between 0 and 1")
        if not 0 <= self.join_share < 1:
            raise SettingsError("join_share: expected a share from 0 up to (not including) 1")


@dataclass(frozen=True)
class SimulatedRound:
    """One round's sign-ups: the form export, how many came straight back from the previous round,
    how many came back after skipping rounds, and how many are new."""

    round_date: dt.date
    export: pd.DataFrame
    returning: int
    joined: int
    came_back: int = 0

    @property
    def emails(self) -> list[str]:
        return list(self.export["Your email address"])


def community_rounds(round_dates: list[dt.date], community: Community) -> Iterator[SimulatedRound]:
    """Each round's sign-ups in order (one submission per person, nobody kept registered).

    >>> [len(r.export) for r in community_rounds([dt.date(2026, 1, 1), dt.date(2026, 2, 1)], Community(members=20))]
    [20, 20]
    """
    fab = Fabricator(community.seed)
    previous: list[Respondent] = []
    skipped: list[Respondent] = []  # people who signed up before but not last round
    for index, round_date in enumerate(round_dates):
        back = fab.rng.sample(previous, round(community.return_share * len(previous)))
        new = community.members if index == 0 else round(community.join_share * community.members)
        again = fab.rng.sample(skipped, min(len(skipped), max(0, community.members - len(back) - new)))
        # who did not come back now may come back in a later round
        skipped = [p for p in skipped if p not in again] + [p for p in previous if p not in back]
        new += max(0, community.members - len(back) - len(again) - new)
        people = [replace(p, keep_registered=_ASK_AGAIN) for p in [fab.returning(p) for p in back + again]
                  + [fab.respondent() for _ in range(new)]]
        fab.rng.shuffle(people)
        yield SimulatedRound(round_date, form_export(people, round_date, fab.rng), returning=len(back), joined=new,
                             came_back=len(again))
        previous = people


def pick_no_shows(emails: list[str], share: float, seed: int) -> list[str]:
    """`share` of the round's people (rounded), who will not show up to their coffee, sorted."""
    rng = random.Random(seed)
    return sorted(rng.sample(sorted(emails), round(share * len(emails))))


def simulation_rounds(partition_keys: list[str], count: int) -> list[str]:
    """The `count` latest rounds that have ended (partition keys, oldest first; the last key is the
    round now open, left for the organizers' real round)."""
    ended = partition_keys[:-1]
    if count < 1 or count > len(ended):
        raise SettingsError(f"rounds: between 1 and {len(ended)} rounds have ended ({ended[0]} to {ended[-1]})")
    return ended[-count:]
