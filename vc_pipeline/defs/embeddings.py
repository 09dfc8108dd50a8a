"""embeddings: sentence vectors of every member's profile and wish."""

import dagster as dg
import pandas as pd

from vc_pipeline.embedding.cache import EmbeddingCache
from vc_pipeline.embedding.model import MODEL_NAME
from vc_pipeline.embedding.profiles import embed_members
from vc_pipeline.orchestration.checks import schema_check
from vc_pipeline.orchestration.partitions import round_of
from vc_pipeline.orchestration.resources import RoundStore
from vc_pipeline.orchestration.round_asset import round_asset, stamp_round
from vc_pipeline.schemas import Embeddings


@round_asset(Embeddings)
def embeddings(context: dg.AssetExecutionContext, normalized_members: pd.DataFrame, store: RoundStore):
    """all-MiniLM-L6-v2 vectors (bundled, offline, CPU) of each member's profile (summary + skills)
    and wish (buddy_preferences); a text already embedded (cache `vc.embedding_cache`) costs no model call."""
    with store.connection() as connection:
        cache = EmbeddingCache(connection)
        table = stamp_round(embed_members(normalized_members, cache), round_of(context))
    return dg.MaterializeResult(
        value=table,
        metadata={"model": MODEL_NAME, "members": len(table), "wishes": int(table["has_wish"].sum()),
                  "cache_hits": cache.counts.hits, "cache_misses": cache.counts.misses},
        check_results=[schema_check(Embeddings, table)],
    )
