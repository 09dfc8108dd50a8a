"""Small markdown renderings of tables for asset metadata in the Dagster UI."""

import numpy as np
import pandas as pd

_MAX_CELL = 60


def _cell(value) -> str:
    if isinstance(value, (list, np.ndarray)):
        return f"[{len(value)} values]"
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def markdown_table(frame: pd.DataFrame, rows: int | None = None) -> str:
    """`frame` (its first `rows` rows) as a markdown table; long cells cut, vectors summarized."""
    shown = frame if rows is None else frame.head(rows)
    lines = ["| " + " | ".join(map(str, shown.columns)) + " |", "|" + "---|" * len(shown.columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in shown.itertuples(index=False)]
    return "\n".join(lines)
