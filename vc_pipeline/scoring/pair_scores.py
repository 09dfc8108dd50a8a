"""Pair scores of a round: a pure block scorer over the members' embeddings and profile features,
and the score_matrix table built from it (every pair, or each member's best partners on big rounds)."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from vc_pipeline.embedding.profiles import vectors
from vc_pipeline.schemas import ScoreMatrix, columns_of
from vc_pipeline.scoring.components import experience_matrix, location_matrix, role_index, role_table
from vc_pipeline.scoring.weights import ScoreWeights

COMPONENTS = ("preference", "skills", "role", "experience", "location", "preference_met")
SCORE_COLUMNS = columns_of(ScoreMatrix)
# entries scored at once: 8 MB temporaries, which the allocator reuses (bigger ones are mapped
# fresh from the system on every block); bounds memory on big rounds
_BLOCK_ENTRIES = 1 << 20


def block_rows(n: int) -> int:
    """Rows per block for a round of n members."""
    return max(16, _BLOCK_ENTRIES // max(n, 1))


class ScoreTableSettings(BaseModel):
    """How much of the N(N−1)/2 pairs score_matrix stores; the pairing always scores every pair."""

    full_table_up_to: int = Field(3000, ge=2, description="rounds of up to this many members store every pair; "
                                                          "above it (4.5 million pairs), each member's best partners")
    best_partners: int = Field(50, ge=1, description="partners stored per member above full_table_up_to, best score first")


def _per_stater(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A pair's directional total divided by how many of its two members stated a preference."""
    return np.divide(total, count, out=np.zeros(np.broadcast_shapes(total.shape, count.shape)), where=count > 0)


@dataclass
class RoundScorer:
    """Scores pairs of a round's members from their embeddings and profile features, a block of
    rows against any columns at a time (a pure function of the inputs: the same rows give the same
    numbers), so nothing needs all N×N pairs in memory to score them."""

    weights: ScoreWeights
    ids: np.ndarray
    profiles: np.ndarray  # N×D float64 unit vectors (zero for a blank text)
    wishes: np.ndarray
    has_wish: np.ndarray
    similar: np.ndarray
    roles: np.ndarray  # index into ROLES
    stages: np.ndarray  # index into experience, the closeness of each two distinct career stages
    experience: np.ndarray
    offsets: np.ndarray  # index into location, the closeness of each two distinct UTC offsets
    location: np.ndarray

    @classmethod
    def of(cls, members: pd.DataFrame, embeddings: pd.DataFrame, weights: ScoreWeights | None = None) -> "RoundScorer":
        """The scorer over `members` in their row order (normalized_members rows) with their
        `embeddings` rows (any order, at least these members)."""
        aligned = embeddings.set_index("member_id").loc[members["member_id"]]
        dim = len(aligned["profile"].iloc[0]) if len(aligned) else 0
        as_matrix = (lambda column: vectors(aligned, column).astype(np.float64) if len(aligned) else np.zeros((0, dim)))
        # few distinct stages and offsets: their closeness is computed once and looked up per pair
        stages, stage_index = np.unique(members["career_stage"].to_numpy(dtype=float), return_inverse=True)
        offsets, offset_index = np.unique(members["utc_offset"].to_numpy(dtype=float), return_inverse=True, equal_nan=True)
        return cls(weights or ScoreWeights(), members["member_id"].to_numpy(), as_matrix("profile"), as_matrix("wish"),
                   members["has_wish"].to_numpy(bool), members["wants_similar_role"].to_numpy(bool),
                   role_index(list(members["role"])), stage_index.ravel(), experience_matrix(stages),
                   offset_index.ravel(), location_matrix(offsets))

    @property
    def n(self) -> int:
        return len(self.ids)

    def wish_fit(self, rows, cols) -> np.ndarray:
        """"Row wants column": each of `rows`' wish against each of `cols`' profile (cosine clipped
        to [0, 1]), a len(rows)×len(cols) array; zeros for a member without a wish."""
        return self._parts(np.asarray(rows)[:, None], np.asarray(cols)[None, :], only_wish=True)

    def components(self, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
        """Each component as a len(rows)×len(cols) array in [0, 1], for members `rows` against `cols`."""
        return self._parts(np.asarray(rows)[:, None], np.asarray(cols)[None, :])

    def pair_components(self, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """Each component of the pairs (a[k], b[k]) (index arrays), one value per pair; equal to
        components' to the last bits (a dot product per pair instead of a matrix product)."""
        a, b = np.asarray(a), np.asarray(b)
        parts = {name: np.zeros(len(a)) for name in COMPONENTS}
        step = block_rows(self.profiles.shape[1])  # pairs at once: bounds the gathered vectors
        for start in range(0, len(a), step):
            chunk = slice(start, start + step)
            for name, values in self._parts(a[chunk], b[chunk]).items():
                parts[name][chunk] = values
        return parts

    def _parts(self, i: np.ndarray, j: np.ndarray, only_wish: bool = False):
        """The components for index arrays `i`, `j` of one shape (pairs), or a column against a row (a block)."""
        wish_ij = self._cosine(self.wishes, i, self.profiles, j) * self.has_wish[i]
        if only_wish:
            return wish_ij
        wish_ji = self._cosine(self.profiles, i, self.wishes, j) * self.has_wish[j]
        roles = role_table()[self.roles[i], self.roles[j]]
        same_role = roles == 1.0
        threshold = self.weights.wish_threshold
        met = ((self.has_wish[i] & (wish_ij >= threshold)) | (self.similar[i] & same_role)).astype(float)
        met += (self.has_wish[j] & (wish_ji >= threshold)) | (self.similar[j] & same_role)
        stated = (self.has_wish | self.similar).astype(float)
        return {
            # averaged over the members of the pair who stated something, so one member's wish counts fully
            "preference": _per_stater(wish_ij + wish_ji, self.has_wish[i].astype(float) + self.has_wish[j]),
            "skills": self._cosine(self.profiles, i, self.profiles, j),
            "role": roles,
            "experience": self.experience[self.stages[i], self.stages[j]],
            "location": self.location[self.offsets[i], self.offsets[j]],
            "preference_met": _per_stater(met, stated[i] + stated[j]),
        }

    @staticmethod
    def _cosine(left: np.ndarray, i: np.ndarray, right: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Cosines of unit vectors left[i] and right[j], clipped to [0, 1]: a matrix product for a
        block (i a column, j a row), a dot product per pair for index arrays of one shape."""
        if i.ndim == 2:
            return np.clip(left[i[:, 0]] @ right[j[0]].T, 0.0, 1.0)
        return np.clip(np.einsum("kd,kd->k", left[i], right[j]), 0.0, 1.0)

    def scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Σ weight × component for members `rows` against `cols`."""
        return self.weigh(self.components(rows, cols))

    def weigh(self, parts: dict[str, np.ndarray]) -> np.ndarray:
        """The score of component arrays: Σ weight × component."""
        total = np.zeros(np.shape(parts["skills"]))
        for name in COMPONENTS:
            total += getattr(self.weights, name) * parts[name]
        return total

    def upper_blocks(self):
        """(start, stop, components) for each block of rows start:stop against the columns from
        `start` on: every pair (i < j) is scored once, in the block of i, always by the same call."""
        step = block_rows(self.n)
        for start in range(0, self.n, step):
            stop = min(self.n, start + step)
            yield start, stop, self.components(np.arange(start, stop), np.arange(start, self.n))

    def matrix(self) -> np.ndarray:
        """The N×N symmetric score matrix (0 on the diagonal), from upper_blocks mirrored, so (i, j)
        and (j, i) are one number and equal the stored row's score."""
        n = self.n
        scores = np.zeros((n, n))
        for start, stop, parts in self.upper_blocks():
            block = self.weigh(parts)
            block[:, :stop - start] = np.triu(block[:, :stop - start], 1)
            scores[start:stop, start:] = block
        step = block_rows(n)
        for start in range(0, n, step):  # mirror block by block: no N²/2 index arrays
            stop = min(n, start + step)
            scores[start:stop, :start] = scores[:start, start:stop].T
            diagonal = scores[start:stop, start:stop]
            diagonal += np.triu(diagonal, 1).T
        return scores

    def table_components(self, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
        """The components of pairs a[k] < b[k] exactly as matrix() scores them (from upper_blocks)."""
        parts = {name: np.zeros(len(a)) for name in COMPONENTS}
        for start, stop, block in self.upper_blocks():
            take = np.flatnonzero((a >= start) & (a < stop))
            for name in COMPONENTS:
                parts[name][take] = block[name][a[take] - start, b[take] - start]
        return parts


def score_table(scorer: RoundScorer, round_value, settings: ScoreTableSettings | None = None,
                scores: np.ndarray | None = None) -> pd.DataFrame:
    """score_matrix rows (member_a < member_b): `round, member_a, member_b, score` and each component.
    Every pair of a round of up to `settings.full_table_up_to` members; above it, each member's
    `best_partners` best-scoring partners (a pair once), their scores equal to the matrix's to the
    last bits. `scores`: scorer.matrix(), when already computed."""
    settings = settings or ScoreTableSettings()
    n = scorer.n
    if n < 2:  # no pair; typed columns so the schema check and the store see the real types
        kinds = {"round": object, "member_a": "category", "member_b": "category"}
        return pd.DataFrame({c: pd.Series(dtype=kinds.get(c, float)) for c in SCORE_COLUMNS})
    if n <= settings.full_table_up_to:
        a, b = np.triu_indices(n, k=1)
        parts = scorer.table_components(a, b)
    else:
        a, b = best_pairs(scorer.matrix() if scores is None else scores, settings.best_partners)
        parts = scorer.pair_components(a, b)
    # ids as categoricals of the N sorted member ids (ordered: compare as text): no object per row; stored as VARCHAR
    ids = pd.Index(scorer.ids)
    table = pd.DataFrame({"round": round_value, "member_a": pd.Categorical.from_codes(a, ids, ordered=True),
                          "member_b": pd.Categorical.from_codes(b, ids, ordered=True), "score": scorer.weigh(parts), **parts})
    return table[SCORE_COLUMNS]


def score_pairs(members: pd.DataFrame, embeddings: pd.DataFrame, weights: ScoreWeights | None = None,
                settings: ScoreTableSettings | None = None) -> pd.DataFrame:
    """score_matrix rows of a round's `members` (normalized_members rows) from their `embeddings`:
    see score_table."""
    members = members.sort_values("member_id").reset_index(drop=True)
    return score_table(RoundScorer.of(members, embeddings, weights), members["round"].iloc[0] if len(members) else None,
                       settings)


def components_of_pairs(scorer: RoundScorer, pairs: pd.DataFrame) -> pd.DataFrame:
    """`member_a, member_b` and each component of the given pairs of member ids (one row per row of `pairs`)."""
    index = pd.Index(scorer.ids)
    parts = scorer.pair_components(index.get_indexer(pairs["member_a"]), index.get_indexer(pairs["member_b"]))
    return pd.DataFrame({"member_a": pairs["member_a"].to_numpy(), "member_b": pairs["member_b"].to_numpy(), **parts})


def best_pairs(scores: np.ndarray, per_member: int) -> tuple[np.ndarray, np.ndarray]:
    """Each member's `per_member` best-scoring partners as index pairs (a < b), each pair once,
    sorted; ties at a member's K-th score go to the lower index, so the choice is reproducible."""
    n = len(scores)
    k = min(per_member, n - 1)
    found = []
    step = block_rows(n)
    for start in range(0, n, step):
        block = scores[start:start + step].copy()
        rows = np.arange(start, start + len(block))
        block[np.arange(len(block)), rows] = -np.inf
        kth = -np.partition(-block, k - 1, axis=1)[:, k - 1:k]  # each row's K-th best score (values only)
        above, tied = block > kth, block == kth
        chosen = above | (tied & (np.cumsum(tied, axis=1) <= k - above.sum(axis=1, keepdims=True)))
        r, c = np.nonzero(chosen)
        found.append(np.stack([rows[r], c], axis=1))
    pairs = np.unique(np.sort(np.concatenate(found), axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]
