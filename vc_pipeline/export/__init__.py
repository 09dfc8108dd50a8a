"""The organizer export: a round's groups with names and contacts (pairs.csv) and ready-to-send
intros (intros.md). Besides raw_survey, the only place PII appears; written to files, never stored."""

from vc_pipeline.export.intros import escape_markdown, intros_markdown, shared_skills, why_paired
from vc_pipeline.export.organizer import (
                                          RoundExport,
                                          escape_cell,
                                          export_folder,
                                          group_people,
                                          pairs_table,
                                          write_pairs_csv,
                                          write_round_export,
)

__all__ = ["RoundExport", "escape_cell", "escape_markdown", "export_folder",
           "group_people", "intros_markdown", "pairs_table", "shared_skills", "why_paired", "write_pairs_csv",
           "write_round_export"]
