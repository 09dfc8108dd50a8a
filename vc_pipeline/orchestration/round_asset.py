"""What every round asset shares: partitions, store, pool, group, its blocking schema check, and
user errors shown as one-line step failures."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from vc_pipeline.errors import UserError
from vc_pipeline.orchestration.checks import schema_spec
from vc_pipeline.orchestration.partitions import rounds

# The shared store queued runs wait for (dagster.yaml: limit 1, counted per run).
DUCKDB_POOL = "duckdb"


def round_asset(model: type[pa.DataFrameModel], extra_checks: tuple[tuple[str, str], ...] = (),
                deps: tuple[str, ...] = ()):
    """Decorate a function as a round-partitioned asset stored in DuckDB (schema `vc`, table named
    after the asset) whose output is validated by `model` as a blocking check. `extra_checks` are
    (name, description) of further, non-blocking checks the asset reports; `deps` are upstream
    assets the function reads from the store itself (too large to load as a DataFrame) or must
    simply come after. A UserError
    raised by the function fails the step with its message and no traceback."""

    def decorate(fn):
        @functools.wraps(fn)
        def body(*args, **kwargs):
            with user_errors_fail_the_step():
                return fn(*args, **kwargs)

        return dg.asset(
            name=fn.__name__,
            partitions_def=rounds,
            pool=DUCKDB_POOL,
            group_name="coffee_round",
            kinds={"duckdb", "pandas"},
            owners=["team:vc-data"],
            metadata={"partition_expr": "round"},
            deps=list(deps),
            check_specs=[schema_spec(fn.__name__, model),
                         *(dg.AssetCheckSpec(name, asset=fn.__name__, description=text) for name, text in extra_checks)],
        )(body)

    return decorate


@contextmanager
def user_errors_fail_the_step() -> Iterator[None]:
    """A UserError inside becomes a dg.Failure with its one-line message (the user's to act on);
    any other exception passes through with its traceback (a bug)."""
    try:
        yield
    except UserError as error:
        raise dg.Failure(description=str(error)) from None


def stamp_round(table: pd.DataFrame, round_date) -> pd.DataFrame:
    """`table` (changed in place, and returned) with `round` set to the round's start date (a DATE)."""
    table["round"] = round_date  # one date object broadcast, not a list of millions
    return table
