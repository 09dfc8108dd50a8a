"""embeddings: sentence vectors of every member's profile and wish."""

import dagster as dg
import pandas as pd

from vc_pipeline.defs.assets.round_asset import round_asset, stamp_round
from vc_pipeline.defs.checks import schema_check
from vc_pipeline.defs.partitions import round_of
from vc_pipeline.embedding.model import MODEL_NAME
from vc_pipeline.embedding.profiles import embed_members
from vc_pipeline.schemas import Embeddings


@round_asset(Embeddings)
def embeddings(context: dg.AssetExecutionContext, normalized_members: pd.DataFrame):
    """all-MiniLM-L6-v2 vectors (bundled, offline, CPU) of each member's profile (summary + skills)
    and wish (buddy_preferences)."""
    table = stamp_round(embed_members(normalized_members), round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={"model": MODEL_NAME, "members": len(table), "wishes": int(table["has_wish"].sum())},
        check_results=[schema_check(Embeddings, table)],
    )
