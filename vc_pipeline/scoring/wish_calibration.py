"""Calibrate the wish-met threshold: `python -m vc_pipeline.scoring.wish_calibration`.

Method (a labelled set built from the sample vocabulary, not from real members' judgements):

* wishes: every wish template of vocabulary.WISHES that names something checkable, filled with
  every topic, skill or role it can take ("Someone working on {topic}.", "... experience in
  {skill} ...", "Anyone building with {skill} ...", "A more senior {role} ...", "A founder ...");
  the open "someone from a different field" wish has no checkable target and is left out;
* profiles: the profiles (summary + skills, paraphrased offline as synthetic mode does) of a
  generated round of fabricated respondents (sample generator, fixed seed);
* label: a (wish, profile) pair is *met* when the respondent's own answers (before paraphrasing)
  name what the wish asks for — the topic or skill appears in them, or (role wishes) the
  respondent has that role; else not met. The model sees the paraphrased texts, as in the pipeline;
* the threshold is the wish-to-profile cosine (all-MiniLM-L6-v2) with the best F1 on that set.

So the threshold says "the profile mentions what was asked" in the vocabulary's own words; it is
not validated on real wishes, whose phrasing is freer. Rerun this after changing the vocabulary
or the model, and copy the printed threshold into ScoreWeights.wish_threshold.
"""

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd

from vc_pipeline.sample import vocabulary as v

CALIBRATION_SEED = 7
CALIBRATION_PEOPLE = 300


class Calibration(NamedTuple):
    """The chosen threshold and how well it separates met from unmet wishes on the labelled set."""

    threshold: float
    precision: float
    recall: float
    f1: float
    positives: int
    pairs: int


class WishTarget(NamedTuple):
    """A wish and what a profile must hold to meet it: a phrase in its text, or a role."""

    text: str
    phrase: str | None
    role: str | None


def wish_targets() -> list[WishTarget]:
    """Every checkable wish the vocabulary can produce, with its target."""
    topic, experience, senior, building, _different, founder = v.WISHES
    targets = [WishTarget(founder, None, "Founder")]
    for role, _, _ in v.ROLES:
        targets.append(WishTarget(senior.format(role=role), None, role))
        targets += [WishTarget(topic.format(topic=t), t, None) for t in v.TOPICS[role]]
        for skill in v.SKILLS[role]:
            targets += [WishTarget(experience.format(skill=skill), skill, None),
                        WishTarget(building.format(skill=skill), skill, None)]
    return list({t.text: t for t in targets}.values())  # a skill shared by two roles once


def calibration_profiles(people: int = CALIBRATION_PEOPLE, seed: int = CALIBRATION_SEED) -> pd.DataFrame:
    """`role, original, text` of a generated round's respondents: their profile text as answered, and
    paraphrased offline (what the pipeline embeds in synthetic mode)."""
    from vc_pipeline.embedding.profiles import profile_text
    from vc_pipeline.members.paraphrase import paraphrase_skills, paraphrase_text
    from vc_pipeline.profile.taxonomy import map_role
    from vc_pipeline.sample.generate import generate_rounds
    from vc_pipeline.survey.form import HEADERS

    export = generate_rounds([dt.date(2026, 1, 1)], [people], seed=seed)[dt.date(2026, 1, 1)]
    rows = export.rename(columns=HEADERS)
    pairs = list(zip(rows["summary"], rows["skills"]))
    return pd.DataFrame({
        "role": [map_role(r) or "Other" for r in rows["role"]],
        "original": [profile_text(s, k) for s, k in pairs],
        "text": [profile_text(paraphrase_text(s, seed + i), paraphrase_skills(k, seed + i)) for i, (s, k) in enumerate(pairs)],
    })


def wish_labels(targets: list[WishTarget], profiles: pd.DataFrame) -> np.ndarray:
    """W×P bool: do the answers behind profile p (`original`) hold what wish w asks for."""
    texts = profiles["original"].str.casefold()
    labels = np.zeros((len(targets), len(profiles)), dtype=bool)
    for i, target in enumerate(targets):
        if target.phrase is not None:
            labels[i] = texts.str.contains(target.phrase.casefold(), regex=False).to_numpy()
        else:
            labels[i] = (profiles["role"] == target.role).to_numpy()
    return labels


def best_threshold(cosines: np.ndarray, labels: np.ndarray, grid: np.ndarray | None = None) -> Calibration:
    """The grid threshold (default 0.10–0.90 by 0.01) whose `cosine >= threshold` rule has the best
    F1 against `labels`; ties go to the lower threshold."""
    grid = np.round(np.arange(0.10, 0.905, 0.01), 2) if grid is None else grid
    scores, truth = cosines.ravel(), labels.ravel().astype(bool)
    best = None
    for threshold in grid:
        called = scores >= threshold
        hits = int((called & truth).sum())
        precision = hits / called.sum() if called.any() else 0.0
        recall = hits / truth.sum() if truth.any() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if best is None or f1 > best.f1 + 1e-12:
            best = Calibration(float(threshold), float(precision), float(recall), float(f1), int(truth.sum()), truth.size)
    return best


def calibrate() -> Calibration:
    """Build the labelled set, embed it with the pipeline's model and pick the threshold."""
    from vc_pipeline.embedding.model import embed_texts
    from vc_pipeline.members.paraphrase import paraphrase_text

    targets, profiles = wish_targets(), calibration_profiles()
    wishes = embed_texts([paraphrase_text(t.text, CALIBRATION_SEED + i) for i, t in enumerate(targets)])
    vectors = embed_texts(list(profiles["text"]))
    return best_threshold(np.clip(wishes @ vectors.T, 0.0, 1.0), wish_labels(targets, profiles))


if __name__ == "__main__":
    result = calibrate()
    print(f"wish_threshold={result.threshold:.2f}  precision={result.precision:.3f}  recall={result.recall:.3f}  "
          f"F1={result.f1:.3f}  ({result.positives} met of {result.pairs} labelled pairs)")
