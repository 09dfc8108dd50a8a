"""Metadata values the UI shows for a round's assets and checks."""

import dagster as dg
import pandas as pd

from vc_pipeline.report.html import CHART_TITLES, data_uri


def column_schema(table: pd.DataFrame) -> dg.TableSchema:
    """The table's columns and dtypes, as the UI shows them under "Columns"."""
    return dg.TableSchema(columns=[dg.TableColumn(name=str(name), type=str(dtype)) for name, dtype in table.dtypes.items()])


def chart(name: str, png: bytes) -> dg.MetadataValue:
    """A chart (PNG bytes) shown inline, titled as in the HTML report."""
    return dg.MetadataValue.md(f"![{CHART_TITLES.get(name, name)}]({data_uri(png)})")


def md_list(lines: list[str]) -> dg.MetadataValue:
    """A markdown bullet list, or "none"."""
    return dg.MetadataValue.md("\n".join(f"- {line}" for line in lines) or "none")
