"""round_feedback: one row per answering member of the round, by member id: what they answered
(met, buddy_no_show, could_not_make_it, not_yet) and their rating (1-5, or none). Emails and
comments stay in raw_feedback; what was odd about the file is counted, never shown."""

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from vc_pipeline.controls.round_controls import member_ids_of
from vc_pipeline.feedback.form import ANSWERS
from vc_pipeline.members.pseudonym import normalize_email


def _answer_key(text: str) -> str:
    """An answer as compared: curly quotes straightened, whitespace and case folded."""
    return re.sub(r"\s+", " ", str(text).replace("\u2019", "'").replace("\u2018", "'")).strip().casefold()


_LABEL_BY_KEY = {_answer_key(text): label for text, label in ANSWERS.items()}
_RATING = re.compile(r"^\s*([0-9]+(?:\.0+)?)\s*(?:/\s*5)?\s*$")


def parse_rating(text: str) -> tuple[float | None, bool]:
    """(rating, valid): "4", "4.0" or "4/5" give 4.0; blank gives (None, True); anything else,
    or a number outside 1–5, gives (None, False)."""
    if not str(text).strip():
        return None, True
    match = _RATING.match(str(text))
    if not match or not 1 <= float(match.group(1)) <= 5:
        return None, False
    return float(match.group(1)), True


@dataclass
class FeedbackCounts:
    """What the file held, for metadata: rows, answers kept, and each problem counted."""

    rows: int = 0
    answers: int = 0
    problems: Counter = field(default_factory=Counter)

    def as_metadata(self) -> dict:
        return {"rows": self.rows, "answers": self.answers,
                **{f"rows_{problem}": self.problems.get(problem, 0) for problem in
                   ("without_email", "repeated", "not_in_round", "unrecognised_answer", "rating_invalid",
                    "with_comment")}}


def round_feedback(raw: pd.DataFrame, pairing: pd.DataFrame, key: str, mode: str) -> tuple[pd.DataFrame, FeedbackCounts]:
    """The round's answers by member (`member_id, answer, rating`, by member id) from raw_feedback
    rows and the round's ilp_pairing rows; `key`/`mode` map an email to the member ids it seeds.
    The latest row per email wins; rows without an email, by someone not in the round, or with an
    answer that is not the form's are dropped and counted; an invalid rating is dropped (the
    answer kept) and counted."""
    counts = FeedbackCounts(rows=len(raw))
    counts.problems["with_comment"] = int((raw["comment"].astype(str).str.strip() != "").sum()) if len(raw) else 0
    emails = raw["email"].map(normalize_email) if len(raw) else pd.Series(dtype=object)
    counts.problems["without_email"] = int((emails == "").sum())
    latest = raw.assign(person=emails)[emails != ""].sort_values("source_row", kind="stable")
    counts.problems["repeated"] = int(latest.duplicated("person", keep="last").sum())
    latest = latest.drop_duplicates("person", keep="last")
    in_round = set(pairing["member_id"])
    rows = []
    for answer in latest.itertuples():
        members = [m for m in member_ids_of(answer.person, key, mode) if m in in_round]
        label = _LABEL_BY_KEY.get(_answer_key(answer.met))
        if not members:
            counts.problems["not_in_round"] += 1
            continue
        if label is None:
            counts.problems["unrecognised_answer"] += 1
            continue
        rating, valid = parse_rating(answer.rating)
        counts.problems["rating_invalid"] += 0 if valid else 1
        rows += [{"member_id": m, "answer": label, "rating": rating} for m in members]
    table = pd.DataFrame(rows, columns=["member_id", "answer", "rating"]).astype({"rating": "float64"})
    table = table.sort_values("member_id", kind="stable").reset_index(drop=True)
    counts.answers = len(table)
    return table, counts


def feedback_no_shows(feedback: pd.DataFrame, pairing: pd.DataFrame) -> set[str]:
    """Members who did not show, by the feedback: who said they couldn't make it, and in a pair the
    buddy reported "didn't show" (in a triad: both others did), unless that member said they met."""
    answers = dict(zip(feedback["member_id"], feedback["answer"]))
    no_shows = {m for m, a in answers.items() if a == "could_not_make_it"}
    for _, group in pairing[pairing["kind"].isin(["pair", "triad"])].groupby("group_id"):
        members = list(group["member_id"])
        for member in members:
            others = [answers.get(o) for o in members if o != member]
            if all(a == "buddy_no_show" for a in others) and answers.get(member) != "met":
                no_shows.add(member)
    return no_shows
