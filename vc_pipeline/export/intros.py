"""intros.md: one ready-to-send introduction per group (round_intros, written name-free), with the
members' names put in here, markdown-escaped."""

import datetime as dt

import pandas as pd

from vc_pipeline.intros.render import markdown_section


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def group_names(people: pd.DataFrame) -> dict[int, list[str]]:
    """Each group's member names in member-id order (people: group_people rows, so ordered)."""
    return {int(g): list(group["name"]) for g, group in people.groupby("group_id", sort=True)}


def intros_markdown(intros: pd.DataFrame, people: pd.DataFrame, round_date: dt.date) -> str:
    """intros.md for a round: a title, then one section per group of `intros` (round_intros rows),
    by group id, with the names of `people` (group_people rows) put in."""
    intros = intros.sort_values("group_id")
    kinds = intros["kind"].value_counts()
    counts = ", ".join(_count(int(kinds.get(kind, 0)), "unpaired member" if kind == "unpaired" else kind)
                       for kind in ("pair", "triad", "bye", "unpaired")
                       if kind != "unpaired" or kinds.get(kind, 0))
    header = (f"# Virtual Coffee intros, round {round_date:%Y-%m-%d}\n\n{counts}. Send each section's text "
              "to the people it names.\n")
    names = group_names(people)
    return "\n".join([header, *(markdown_section(intro, names[int(intro["group_id"])])
                                for _, intro in intros.iterrows())])
