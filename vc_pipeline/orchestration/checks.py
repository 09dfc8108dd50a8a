"""Pandera models run as blocking asset checks: a failed schema stops everything downstream."""

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from vc_pipeline.schemas import schema_failures

SCHEMA_CHECK = "schema"


def schema_spec(asset: str, model: type[pa.DataFrameModel]) -> dg.AssetCheckSpec:
    """A blocking check named `schema` on `asset`, described by the model's docstring."""
    return dg.AssetCheckSpec(SCHEMA_CHECK, asset=asset, blocking=True,
                             description=f"pandera {model.__name__}: {(model.__doc__ or '').strip()}")


def schema_check(model: type[pa.DataFrameModel], table: pd.DataFrame,
                 row_numbers: pd.Series | None = None) -> dg.AssetCheckResult:
    """Validate `table`; the result's metadata names column, check and count, never a cell value."""
    failures = schema_failures(model, table, row_numbers)
    lines = ["| column | check | rows failing | first rows |", "|---|---|---|---|"]
    lines += [f"| {f.column} | {f.check} | {f.count} | {', '.join(map(str, f.rows))} |" for f in failures]
    metadata = {"rows": len(table), "failed_checks": len(failures)}
    if failures:
        metadata["failures"] = dg.MetadataValue.md("\n".join(lines))
    return dg.AssetCheckResult(check_name=SCHEMA_CHECK, passed=not failures, metadata=metadata,
                               severity=dg.AssetCheckSeverity.ERROR)
