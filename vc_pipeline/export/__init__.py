"""The organizer export: a round's groups with names and contacts (pairs.csv) and ready-to-send
intros (intros.md). Besides raw_survey, the only place PII appears; written to files, never stored."""
