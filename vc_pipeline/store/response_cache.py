"""OpenAI answers kept in the store by (model, prompt SHA-256): `vc.paraphrase_cache` for member
paraphrases, `vc.intro_cache` for intros."""

import duckdb

from vc_pipeline.store.tables import qualified, run_sql


class StoreResponseCache:
    """A ResponseCache (vc_pipeline.llm.structured) on a store connection, in table `table`."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, table: str = "paraphrase_cache"):
        self.connection = connection
        self.table = qualified(connection, table)
        run_sql(connection, f"CREATE SCHEMA IF NOT EXISTS {self.table.rsplit('.', 1)[0]}")
        run_sql(connection, f"CREATE TABLE IF NOT EXISTS {self.table} "
                            "(model TEXT, prompt_sha256 TEXT, response TEXT, PRIMARY KEY (model, prompt_sha256))")

    def get(self, model: str, prompt_sha256: str) -> str | None:
        rows = self.connection.execute(f"SELECT response FROM {self.table} WHERE model = ? AND prompt_sha256 = ?",
                                       [model, prompt_sha256]).fetchall()
        return rows[0][0] if rows else None

    def put(self, model: str, prompt_sha256: str, response: str) -> None:
        run_sql(self.connection, f"INSERT INTO {self.table} VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [model, prompt_sha256, response])
