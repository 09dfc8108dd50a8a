"""Score weights learned from how the coffees went, adopted only when they prove better.

The pairs that met and were rated in earlier rounds give, per pair, the components it was paired on
(`fit_*` of ilp_pairing, in [0, 1]) and its mean 1–5 rating. The weights are fitted to the ratings
by least squares with non-negative weights, regularised toward the hand weights: the penalty
`prior_pairs · mean component variance · ‖β − s·hand‖²` weighs the hand weights like `prior_pairs`
rated pairs (s is the slope of the ratings on the hand score), so a little data moves them a little.
The fit is scipy's `lsq_linear` (bounded least squares) on the stacked system [X; √λ·I] β ≈ [y; √λ·β₀]:
one well-tested call that gives both the bounds and a penalty centred on the hand weights, which
scikit-learn's Ridge (penalty centred on zero) cannot. The learned weights are scaled to the hand
weights' total, so scores keep their scale (the minimum pair quality, the levers).

Leave-one-round-out: for each earlier round with rated pairs, weights fitted on the other rounds
score its pairs; they are compared with the hand weights by Spearman's rank correlation with the
ratings (weighted by pairs) and by the share of the top-half-predicted pairs rated 4–5. The learned
weights are used only when there are at least `min_rated_pairs` rated pairs from two or more rounds
and they beat the hand weights on both held-out figures.

Selection bias: only pairs we chose get rated, and we chose them for a high hand score, so the data
holds few pairs the hand weights score low. The fit can only say how the components matter among
pairs like the ones we make; the prior keeps the weights near the hand ones where the data is thin,
and the held-out test only adopts weights that rank real coffees better.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from vc_pipeline.scoring.pair_scores import COMPONENTS
from vc_pipeline.scoring.weights import ScoreWeights

FITS = [f"fit_{c}" for c in COMPONENTS]
GOOD_RATING = 4
HELDOUT = ("spearman_hand", "spearman_learned", "top_share_hand", "top_share_learned")


class LearningSettings(BaseModel):
    """How score weights are learned from feedback (launchpad config of score_weights)."""

    learn: bool = Field(True, description="learn weights from earlier rounds' ratings (off: the hand weights)")
    min_rated_pairs: int = Field(100, ge=1, description="rated pairs needed before learned weights may be used")
    prior_pairs: float = Field(100.0, ge=0, description="how many rated pairs the hand weights count as")
    refit: bool = Field(False, description="fit again even when this round already recorded the weights it used")


@dataclass
class WeightsChoice:
    """The weights a round is scored with, what was learned, and why."""

    used: ScoreWeights
    learned: dict[str, float] | None
    source: str
    reason: str
    rated_pairs: int = 0
    rounds: int = 0
    heldout: dict[str, float] = field(default_factory=dict)


def fit_weights(fits: np.ndarray, ratings: np.ndarray, hand: np.ndarray, prior_pairs: float) -> np.ndarray:
    """Non-negative component weights (len(hand)) that best predict `ratings` from `fits` (rows of
    components), pulled toward `hand` with the strength of `prior_pairs` rated pairs; scaled to
    hand's total."""
    from scipy.optimize import lsq_linear

    hand_score = fits @ hand
    spread = float(np.var(hand_score))
    slope = float(np.cov(hand_score, ratings, bias=True)[0, 1] / spread) if spread > 0 else 0.0
    prior = max(slope, 1e-6) * hand
    x, y = fits - fits.mean(axis=0), ratings - ratings.mean()
    strength = prior_pairs * max(float(np.mean(np.var(fits, axis=0))), 1e-12)
    system = np.vstack([x, np.sqrt(strength) * np.eye(len(hand))])
    target = np.concatenate([y, np.sqrt(strength) * prior])
    beta = lsq_linear(system, target, bounds=(0.0, np.inf), method="bvls").x
    return hand.copy() if beta.sum() <= 0 else beta / beta.sum() * hand.sum()


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return np.nan
    return float(pd.Series(a).rank().corr(pd.Series(b).rank()))


def _top_half_good(predicted: np.ndarray, ratings: np.ndarray) -> float:
    top = np.argsort(-predicted, kind="stable")[: (len(predicted) + 1) // 2]
    return float(np.mean(ratings[top] >= GOOD_RATING)) if len(top) else np.nan


def _weighted(values: list[tuple[float, int]]) -> float:
    kept = [(v, n) for v, n in values if not np.isnan(v)]
    return float(sum(v * n for v, n in kept) / sum(n for _, n in kept)) if kept else np.nan


def heldout(rated: pd.DataFrame, hand: np.ndarray, prior_pairs: float) -> dict[str, float]:
    """Leave-one-round-out figures of learned against hand weights over `rated` (rated_pairs rows)."""
    figures = {"spearman_hand": [], "spearman_learned": [], "top_share_hand": [], "top_share_learned": []}
    for day, test in rated.groupby("round"):
        train = rated[rated["round"] != day]
        learned = fit_weights(train[FITS].to_numpy(float), train["rating"].to_numpy(float), hand, prior_pairs)
        x, y = test[FITS].to_numpy(float), test["rating"].to_numpy(float)
        for name, weights in (("hand", hand), ("learned", learned)):
            figures[f"spearman_{name}"].append((_spearman(x @ weights, y), len(test)))
            figures[f"top_share_{name}"].append((_top_half_good(x @ weights, y), len(test)))
    return {name: _weighted(values) for name, values in figures.items()}


def _with(weights: ScoreWeights, values: np.ndarray) -> ScoreWeights:
    return weights.model_copy(update=dict(zip(COMPONENTS, (float(v) for v in values))))


def choose_weights(rated: pd.DataFrame, hand: ScoreWeights, settings: LearningSettings) -> WeightsChoice:
    """The weights to score the next round with, from the earlier rounds' `rated` pairs
    (rated_pairs rows: round, the fit columns, rating): learned ones only when they are allowed,
    have enough data, and beat the hand weights on held-out rounds; the hand weights otherwise."""
    vector = np.array([getattr(hand, c) for c in COMPONENTS], dtype=float)
    count, rounds = len(rated), int(rated["round"].nunique()) if len(rated) else 0
    base = {"rated_pairs": count, "rounds": rounds}
    if not settings.learn:
        return WeightsChoice(hand, None, "hand", "learning is off", **base)
    if count < settings.min_rated_pairs or rounds < 2:
        return WeightsChoice(hand, None, "hand", f"{count} rated pairs from {rounds} earlier rounds; learning needs "
                                                 f"{settings.min_rated_pairs} from at least 2", **base)
    learned = fit_weights(rated[FITS].to_numpy(float), rated["rating"].to_numpy(float), vector, settings.prior_pairs)
    figures = heldout(rated, vector, settings.prior_pairs)
    learned_named = dict(zip(COMPONENTS, (float(v) for v in learned)))
    wins = (figures["spearman_learned"] > figures["spearman_hand"]
            and figures["top_share_learned"] >= figures["top_share_hand"])
    text = (f"held out over {rounds} rounds, rank correlation {figures['spearman_learned']:.3f} learned vs "
            f"{figures['spearman_hand']:.3f} hand, top-half pairs rated 4-5 {figures['top_share_learned']:.3f} vs "
            f"{figures['top_share_hand']:.3f}")
    if wins:
        return WeightsChoice(_with(hand, learned), learned_named, "learned", f"learned weights win: {text}",
                             heldout=figures, **base)
    return WeightsChoice(hand, learned_named, "hand", f"learned weights do not beat the hand weights: {text}",
                         heldout=figures, **base)


def weights_table(choice: WeightsChoice, hand: ScoreWeights) -> pd.DataFrame:
    """The round_weights rows (without `round`): one per ScoreWeights field, hand, learned (for a
    component, when fitted) and used, with the choice and the held-out figures on every row."""
    rows = []
    for name in ScoreWeights.model_fields:
        learned = choice.learned.get(name, np.nan) if choice.learned else np.nan
        rows.append({"parameter": name, "hand": float(getattr(hand, name)), "learned": float(learned),
                     "weight": float(getattr(choice.used, name)), "source": choice.source, "reason": choice.reason,
                     "rated_pairs": choice.rated_pairs, "heldout_rounds": choice.rounds,
                     **{k: float(choice.heldout.get(k, np.nan)) for k in HELDOUT}})
    return pd.DataFrame(rows)


def weights_of(table: pd.DataFrame) -> ScoreWeights:
    """The ScoreWeights a round_weights table says were used."""
    return ScoreWeights(**dict(zip(table["parameter"], table["weight"].astype(float))))


def hand_of(table: pd.DataFrame) -> ScoreWeights:
    """The hand weights a round_weights table was chosen against."""
    return ScoreWeights(**dict(zip(table["parameter"], table["hand"].astype(float))))
